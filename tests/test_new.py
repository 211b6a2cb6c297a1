"""`gongkai new`: the blank workbook holds the whole contract (read from the schema itself)."""
from __future__ import annotations

import json

import shutil
import subprocess

import openpyxl
import pytest

from compiler.docs import generated
from compiler.workbook import defaults
from compiler.workbook.schema import ENUMS, SHEETS, column_letter
from conftest import run_cli


@pytest.fixture
def blank(tmp_path):
    p = tmp_path / "blank.xlsx"
    r = run_cli("new", p, "--dept", "测试市测试局", "--year", 2021)
    assert r.returncode == 0, r.stderr
    return p


def test_every_sheet_and_header_of_the_schema(blank):
    wb = openpyxl.load_workbook(blank)
    for spec in SHEETS:
        assert spec.name in wb.sheetnames
        ws = wb[spec.name]
        got = tuple(ws.cell(row=1, column=i + 1).value for i in range(len(spec.headers)))
        assert got == spec.headers, spec.name
        assert ws.freeze_panes == "A2"
        if spec.is_kv:
            assert [ws.cell(row=r, column=1).value for r in range(2, 2 + len(spec.keys))] == \
                [k.key for k in spec.keys]


def test_dept_and_year_filled(blank):
    ws = openpyxl.load_workbook(blank)["基本信息"]
    kv = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2).value for r in range(2, ws.max_row + 1)}
    assert kv["部门名称"] == "测试市测试局" and kv["预算年度"] == 2021 and kv["部门简称"] == "本部门"


def test_dropdowns_for_every_enumerated_column(blank):
    wb = openpyxl.load_workbook(blank)
    assert wb["_lists"].sheet_state == "hidden"
    for spec in SHEETS:
        ws = wb[spec.name]
        for i, col in enumerate(spec.columns):
            if not col.enum:
                continue
            letter = column_letter(i)
            dvs = [dv for dv in ws.data_validations.dataValidation if f"{letter}2" in str(dv.sqref).split(":")[0]]
            assert dvs, f"{spec.name}!{letter} has no drop-down"
            formula = dvs[0].formula1
            if formula.startswith('"'):
                assert formula.strip('"').split(",") == list(ENUMS[col.enum])
            else:  # a long list lives on _lists
                ref = formula.split("!")[1].replace("$", "")
                cells = [c.value for row in wb["_lists"][ref] for c in row]
                assert cells == list(ENUMS[col.enum])


def test_hints_widths_guide_and_defaults(blank):
    wb = openpyxl.load_workbook(blank)
    ws = wb["支出明细"]
    assert "元" in ws["H1"].comment.text
    assert ws.column_dimensions["B"].width >= 12
    assert wb.sheetnames[0] == "说明"
    guide = [r[0].value for r in wb["说明"].iter_rows(min_row=2)]
    assert all(s.name in guide for s in SHEETS)
    terms = [r[1].value for r in wb["名词解释"].iter_rows(min_row=2)]
    assert terms == [t for t, _ in defaults.GLOSSARY]
    keys = [r[0].value for r in wb["说明文字"].iter_rows(min_row=2)]
    assert keys == [k for k, _ in defaults.TEXTS]


def test_blank_workbook_is_not_clean_and_lists_what_is_missing(blank):
    """A blank workbook must not pass as a publishable document of zeros (issue 11)."""
    r = run_cli("check", blank, "--format", "json")
    assert r.returncode == 1, r.stdout
    found = {(d["code"], f"{d['sheet']}!{d['cell']}") for d in json.loads(r.stdout)["diagnostics"]
             if d["severity"] == "error"}
    assert found == {("E-DATA-001", "支出明细!A2"), ("E-DATA-002", "单位!A2"),
                     ("E-DATA-003", "部门职责!A2"), ("E-DATA-004", "上年数!A2")}
    warned = [d for d in json.loads(r.stdout)["diagnostics"] if d["code"] == "W-DATA-005"]
    assert sorted(d["cell"] for d in warned) == ["B2", "B3", "B4", "B5", "B6"]  # the five claims


def test_refuses_to_overwrite(blank):
    before = blank.read_bytes()
    r = run_cli("new", blank)
    assert r.returncode == 2 and "--force" in r.stderr
    assert blank.read_bytes() == before
    assert run_cli("new", blank, "--force", "--year", 2022).returncode == 0
    assert blank.read_bytes() != before


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) not installed")
def test_libreoffice_opens_it(blank, tmp_path):
    r = subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                        "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir", str(tmp_path / "csv"), str(blank)],
                       capture_output=True, text=True, timeout=180)
    out = tmp_path / "csv" / "blank.csv"
    assert out.exists(), r.stdout + r.stderr
    assert out.read_text(encoding="utf-8").startswith('"工作表","用途"')  # first sheet: 说明, UTF-8


def test_generated_docs_are_current():
    for path, text in generated().items():
        assert path.read_text(encoding="utf-8") == text, f"{path.name} is stale: run python -m compiler.docs"


def test_text_columns_are_text_format(blank):
    """Excel keeps what staff type in a Text (@) cell: 100%, =100%, 1-2 and 031001 stay as typed
    instead of becoming 1, a formula, a date or 31001 (issue 11)."""
    from compiler.workbook.schema import Kind
    wb = openpyxl.load_workbook(blank)
    for spec in SHEETS:
        ws = wb[spec.name]
        for i, col in enumerate(spec.columns):
            text = col.kind in (Kind.TEXT, Kind.LONGTEXT, Kind.CODE)
            fmt = ws.column_dimensions[column_letter(i)].number_format
            assert (fmt == "@") == text, f"{spec.name}!{column_letter(i)} {col.header}: {fmt}"
        for r, key in enumerate(spec.keys, 2):
            if key.kind in (Kind.TEXT, Kind.LONGTEXT):
                assert ws.cell(row=r, column=2).number_format == "@", f"{spec.name}!B{r}"
