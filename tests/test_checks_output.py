"""Output of the checks: the JSON schema of docs/diagnostics-json.md, expected/actual/difference
in the human format, colour only on a terminal, --strict, and catalogue/template problems as
clean fatal diagnostics (exit 2, no traceback)."""
from __future__ import annotations

import json
import re
import shutil

from checks_support import cells, check, example, found  # noqa: F401
from compiler.catalogs import PACKAGE_DIR
from compiler.pipeline import check_workbook
from compiler.report import JSON_SCHEMA_VERSION, format_human
from conftest import ROOT, mutate, run_cli

DOC = ROOT / "docs" / "diagnostics-json.md"
TYPES = {"integer": (int,), "string": (str,), "array": (list,), "string or null": (str, type(None))}


def documented_fields() -> dict[str, dict[str, tuple]]:
    """{section heading: {field: python types}} from the tables of docs/diagnostics-json.md."""
    out: dict[str, dict[str, tuple]] = {}
    section = None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section = line[3:].strip()
        m = re.match(r"\| `(\w+)` \| ([a-z ]+) \|", line)
        if m and section:
            out.setdefault(section, {})[m[1]] = TYPES[m[2].strip()]
    return out


def validate(doc: dict) -> None:
    fields = documented_fields()
    top, diag = fields["The report object"], fields["A diagnostic"]
    assert set(doc) == set(top)
    for k, types in top.items():
        assert isinstance(doc[k], types) and not isinstance(doc[k], bool), k
    assert doc["schema"] == JSON_SCHEMA_VERSION == 1
    assert doc["errors"] == sum(d["severity"] == "error" for d in doc["diagnostics"])
    assert doc["warnings"] == sum(d["severity"] == "warning" for d in doc["diagnostics"])
    for d in doc["diagnostics"]:
        assert set(d) == set(diag)
        for k, types in diag.items():
            assert isinstance(d[k], types), (k, d)
        assert d["severity"] in ("error", "warning") and d["code"][0] == d["severity"][0].upper()
        assert d["file"] == doc["file"]


def test_json_output_follows_the_documented_schema(example, tmp_path):
    p = mutate(example, tmp_path / "b.xlsx", cells(**{"项目!J4": 3800000, "支出明细!H2": "1,200",
                                                       "支出明细!H9": 0}))
    r = run_cli("check", p, "--format", "json")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    doc = json.loads(r.stdout)
    validate(doc)
    d = next(d for d in doc["diagnostics"] if d["code"] == "E-PROJ-001")
    assert (d["sheet"], d["cell"], d["expected"], d["actual"]) == ("项目", "J4", "3,900,000", "3,800,000")
    assert {"E-AMOUNT-002", "W-AMOUNT-005"} <= {d["code"] for d in doc["diagnostics"]}


def test_the_documented_example_is_valid():
    block = re.search(r"```json\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)[1]
    validate(json.loads(block))


def test_human_output_shows_expected_actual_and_difference(example, tmp_path):
    c = check(example, tmp_path, cells(**{"项目!J4": 3800000}))
    text = format_human(c.report)
    assert "项目!J4" in text and "E-PROJ-001" in text
    assert "（应为 3,900,000，实为 3,800,000，相差 -100,000）" in text
    assert "\033[" not in text


def test_colour_on_a_terminal_only(example, tmp_path):
    c = check(example, tmp_path, cells(**{"项目!J4": 3800000}))
    coloured = format_human(c.report, color=True)
    assert "\033[31mE-PROJ-001\033[0m" in coloured and "\033[33mW-TEXT-003\033[0m" in coloured
    p = mutate(example, tmp_path / "b.xlsx", cells(**{"项目!J4": 3800000}))
    r = run_cli("check", p)  # stdout is a pipe
    assert r.returncode == 1 and "\033[" not in r.stdout
    assert "（应为 3,900,000，实为 3,800,000，相差 -100,000）" in r.stdout


def test_strict_turns_warnings_into_failure(example):
    assert run_cli("check", example).returncode == 0
    assert run_cli("check", example, "--strict").returncode == 1


def test_github_format_names_code_and_cell(example, tmp_path):
    p = mutate(example, tmp_path / "b.xlsx", cells(**{"项目!J4": 3800000}))
    r = run_cli("check", p, "--format", "github")
    assert f"::error file={p},title=E-PROJ-001 项目!J4::" in r.stdout


def test_github_format_escapes_file_and_message():
    """A file name with a line break, : or , cannot inject a workflow command (issue 14)."""
    from compiler.diagnostics import Report
    from compiler.report import format_github
    report = Report("x.xlsx")
    report.add("E-AMOUNT-002", "金额 \"1%\n::error::injected\r\"", sheet="支出明细", cell="H2")
    text = format_github(report, "a,b:c\n::warning file=x::pwned%.xlsx")
    assert text.count("\n") == 0 and text.startswith("::error ")
    assert "file=a%2Cb%3Ac%0A%3A%3Awarning file=x%3A%3Apwned%25.xlsx,title=E-AMOUNT-002 支出明细!H2::" in text
    assert "金额 \"1%25%0A::error::injected%0D\"" in text


# ------------------------------------------------------------------------------ catalogue, templates

def test_unreadable_catalogue_is_a_fatal_diagnostic(example, tmp_path):
    bad = tmp_path / "catalog"
    shutil.copytree(PACKAGE_DIR / "2020", bad)
    (bad / "功能分类.csv").write_text("编码,名称\n201,一般公共服务支出\n20101\n", encoding="utf-8")
    c = check_workbook(example, bad)
    d = found_fatal(c, "E-CAT-001")
    assert "功能分类.csv" in d.message
    assert c.exit_status == 2
    r = run_cli("check", example, "--catalog", bad, "--format", "json")
    assert r.returncode == 2 and "Traceback" not in r.stdout + r.stderr
    assert [d["code"] for d in json.loads(r.stdout)["diagnostics"] if d["severity"] == "error"] == ["E-CAT-001"]


def test_missing_catalogue_folder(example, tmp_path):
    r = run_cli("check", example, "--catalog", tmp_path / "nowhere")
    assert r.returncode == 2 and "E-CAT-001" in r.stdout and "Traceback" not in r.stderr


def test_no_bundled_catalogue_for_an_early_year(example, tmp_path):
    c = check(example, tmp_path, cells(**{"基本信息!B4": 2010}))
    d = found_fatal(c, "E-CAT-001")
    assert d.location == "基本信息!B4" and "2010" in d.message
    assert c.exit_status == 2


def test_catalogue_of_another_year(example, tmp_path):
    other = tmp_path / "catalog"
    shutil.copytree(PACKAGE_DIR / "2020", other)
    meta = json.loads((other / "catalog.json").read_text(encoding="utf-8"))
    meta["year"] = 2019
    (other / "catalog.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    c = check_workbook(example, other)
    d = [x for x in c.report.items if x.code == "W-CAT-002"]
    assert [x.location for x in d] == ["基本信息!B4"] and (d[0].expected, d[0].actual) == ("2020", "2019")
    assert c.exit_status == 0


def test_unreadable_template_data_is_a_fatal_diagnostic(example, tmp_path):
    tpl = tmp_path / "tpl"
    tpl.mkdir()
    (tpl / "document.toml").write_text("[checks\n", encoding="utf-8")
    c = check_workbook(example, templates=tpl)
    assert "document.toml" in found_fatal(c, "E-TPL-001").message
    assert c.exit_status == 2


def found_fatal(checked, code):
    hits = [d for d in checked.report.items if d.code == code]
    assert len(hits) == 1, [(d.code, d.location) for d in checked.report.items]
    assert hits[0].rule.fatal and hits[0].message and hits[0].hint
    return hits[0]


def test_check_uses_the_templates_given(example, tmp_path):
    tpl = tmp_path / "tpl"
    tpl.mkdir()
    (tpl / "document.toml").write_text('[slots]\nkeys = ["专项转移支付情况", "绩效目标说明", "新键"]\n',
                                       encoding="utf-8")
    r = run_cli("check", example, "--templates", tpl, "--format", "json")
    assert r.returncode == 0, r.stderr
    slot = {(d["code"], d["cell"]) for d in json.loads(r.stdout)["diagnostics"] if d["code"].startswith("W-SLOT")}
    assert ("W-SLOT-002", "A4") in slot                      # 机关运行经费说明: not used by these templates
    assert ("W-SLOT-001", "A13") in slot                     # 新键: missing
