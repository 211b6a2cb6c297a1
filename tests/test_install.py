"""The package installs anywhere (issue 14): the wheel is built from a copy of the source, installed
into a fresh virtual environment in a temporary folder outside the checkout (no editable install,
no system site-packages), and gongkai runs the example from there. Before the templates and the
example were package data, every check of such an install failed with E-TPL-001 (…/site-packages/
templates/document.toml 无法读取).

Slow by design (one wheel build and one install, ~40 s); it runs in CI with the rest of the suite.
Dependencies come from the configured package index, as any user's install would."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ("pyproject.toml", "README.md", "compiler", "templates", "inputs")

pytestmark = pytest.mark.install


def _run(cmd, cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env["NO_COLOR"] = "1"
    return subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)


def _ok(proc: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert proc.returncode == 0, f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    assert "Traceback" not in proc.stderr
    return proc


def test_every_package_is_listed():
    """pyproject lists the packages (find cannot map templates/ and inputs/): a new subpackage
    of compiler/ that is not listed would be missing from the wheel."""
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "compiler").rglob("__init__.py")}
    assert found | {"compiler.templates", "compiler.example"} == listed


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> tuple[Path, Path]:
    """(bin folder of a fresh venv with the built wheel installed, an empty working folder)."""
    base = tmp_path_factory.mktemp("install")
    src = base / "src"
    src.mkdir()
    junk = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build", ".*")
    for name in SOURCE:
        (shutil.copytree(ROOT / name, src / name, ignore=junk) if (ROOT / name).is_dir()
         else shutil.copy2(ROOT / name, src / name))
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    _ok(_run(pip + ["wheel", src, "--no-deps", "-q", "-w", base / "dist"], cwd=base))
    wheel, = (base / "dist").glob("gongkai-*.whl")
    _ok(_run([sys.executable, "-m", "venv", "--without-pip", base / "venv"], cwd=base))
    python = base / "venv" / "bin" / "python"
    _ok(_run(pip + ["--python", python, "install", "-q", wheel], cwd=base))
    work = base / "work"
    work.mkdir()
    return base / "venv" / "bin", work


def test_data_is_inside_the_installed_package(venv):
    bin_, work = venv
    out = _ok(_run([bin_ / "python", "-c",
                    "import compiler\n"
                    "from compiler.resources import templates_root, example_workbook, catalogs_root\n"
                    "print(compiler.__file__); print(templates_root()); print(example_workbook());"
                    "print(catalogs_root())"], cwd=work)).stdout.splitlines()
    site = bin_.parent / "lib"
    for line in out[:4]:
        path = Path(line)
        assert path.is_relative_to(site) and path.exists(), line   # not the checkout's folders
    assert Path(out[1], "standard", "profile.toml").is_file()
    assert Path(out[1], "zhengzhou-2020", "document.toml").is_file()


def test_profiles_new_check_and_build_the_example(venv):
    bin_, work = venv
    profiles = _ok(_run([bin_ / "gongkai", "profiles"], cwd=work)).stdout
    assert "standard" in profiles and "zhengzhou-2020" in profiles

    _ok(_run([bin_ / "gongkai", "new", "空白.xlsx", "--dept", "测试市测试局", "--year", "2021"], cwd=work))
    assert (work / "空白.xlsx").stat().st_size > 0

    example = _ok(_run([bin_ / "python", "-c", "from compiler.resources import example_workbook as e; print(e())"],
                       cwd=work)).stdout.strip()
    checked = _ok(_run([bin_ / "gongkai", "check", example, "--format", "github"], cwd=work))
    assert "0 个错误" in checked.stdout and "::error" not in checked.stdout

    _ok(_run([bin_ / "gongkai", "build", "-o", "out", "--format", "html,pdf"], cwd=work))
    html = work / "out" / "zhengzhou-commerce-2020.html"
    pdf = work / "out" / "zhengzhou-commerce-2020.pdf"
    assert "郑州市商务局" in html.read_text("utf-8")
    assert pdf.read_bytes()[:5] == b"%PDF-"

    # the other shipped profile, also from package data (a blank workbook of its format)
    _ok(_run([bin_ / "gongkai", "new", "国标.xlsx", "--profile", "standard"], cwd=work))
    assert (work / "国标.xlsx").stat().st_size > 0
