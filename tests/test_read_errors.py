"""Every bad input of issue 2 point 5: exit status, rule code, cell, no traceback, nothing written."""
from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from pathlib import Path

from msoffcrypto.format.ooxml import OOXMLFile
import pytest
import xlwt

from conftest import mutate, run_cli, write_small


def check_json(path: Path):
    before = sorted(p.name for p in path.parent.iterdir())
    digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None
    r = run_cli("check", path, "--format", "json")
    assert "Traceback" not in r.stdout + r.stderr
    assert sorted(p.name for p in path.parent.iterdir()) == before, "check wrote a file"
    if digest:
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, "input modified"
    return r.returncode, json.loads(r.stdout)


def find(doc, code):
    hits = [d for d in doc["diagnostics"] if d["code"] == code]
    assert hits, f"{code} not in {[d['code'] for d in doc['diagnostics']]}"
    return hits


def set_cell(sheet, ref, value):
    def fn(wb):
        wb[sheet][ref] = value
    return fn


# ---------------------------------------------------------------- unreadable files: exit 2

def test_not_a_zip(tmp_path):
    p = tmp_path / "budget.xlsx"
    p.write_text("这不是工作簿", encoding="utf-8")
    status, doc = check_json(p)
    assert status == 2
    d = find(doc, "E-FILE-002")[0]
    assert d["file"] == "budget.xlsx" and "budget.xlsx" in d["message"]


def test_zip_but_not_xlsx(tmp_path):
    p = tmp_path / "budget.xlsx"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("hello.txt", "hi")
    status, doc = check_json(p)
    assert status == 2
    assert "xl/workbook.xml" in find(doc, "E-FILE-002")[0]["message"]


def test_old_xls_is_read(tmp_path):
    """.xls is read (issue 14; a whole workbook in tests/test_read_input.py): this one lacks
    every sheet but 基本信息, and says so in workbook terms."""
    p = tmp_path / "budget.xls"
    wb = xlwt.Workbook()
    wb.add_sheet("基本信息").write(0, 0, "项目")
    wb.save(str(p))
    status, doc = check_json(p)
    assert status == 1
    assert {d["sheet"] for d in find(doc, "E-SHEET-001")} >= {"单位", "支出明细"}


def test_password_protected(tmp_path):
    plain = write_small(tmp_path / "plain.xlsx")
    p = tmp_path / "locked.xlsx"
    enc = io.BytesIO()
    OOXMLFile(plain.open("rb")).encrypt("secret", enc)
    p.write_bytes(enc.getvalue())
    plain.unlink()
    status, doc = check_json(p)
    assert status == 2
    assert "密码" in find(doc, "E-FILE-004")[0]["message"]


def test_missing_file(tmp_path):
    r = run_cli("check", tmp_path / "nope.xlsx")
    assert r.returncode == 2 and "E-FILE-001" in r.stdout and "Traceback" not in r.stderr


def test_wrong_arguments():
    r = run_cli("check")
    assert r.returncode == 2 and "参数错误" in r.stderr and "Traceback" not in r.stderr


# ---------------------------------------------------------------- bad content: exit 1

def test_missing_sheet(tmp_path, small):
    p = mutate(small, tmp_path / "b.xlsx", lambda wb: wb.remove(wb["政府采购"]))
    status, doc = check_json(p)
    assert status == 1
    d = find(doc, "E-SHEET-001")[0]
    assert d["sheet"] == "政府采购" and "政府采购" in d["message"]


def test_renamed_header(tmp_path, small):
    p = mutate(small, tmp_path / "b.xlsx", set_cell("支出明细", "H1", "金额（元）"))
    status, doc = check_json(p)
    assert status == 1
    d = find(doc, "E-HEADER-001")[0]
    assert (d["sheet"], d["cell"], d["expected"], d["actual"]) == ("支出明细", "H1", "金额", "金额（元）")


def test_missing_header(tmp_path, small):
    p = mutate(small, tmp_path / "b.xlsx", lambda wb: wb["项目"].delete_cols(3))
    status, doc = check_json(p)
    assert status == 1
    d = find(doc, "E-HEADER-001")[0]
    assert d["sheet"] == "项目" and d["cell"] == "C1" and "项目类别" in d["message"]


@pytest.mark.parametrize("text", ["1,200", "１２００", "12万", "壹佰", "1.2.3"])
def test_text_in_money_cell(tmp_path, small, text):
    p = mutate(small, tmp_path / "b.xlsx", set_cell("支出明细", "H3", text))
    status, doc = check_json(p)
    assert status == 1
    d = find(doc, "E-AMOUNT-002")[0]
    assert (d["sheet"], d["cell"], d["actual"]) == ("支出明细", "H3", text)
    assert text in d["message"] and d["hint"]


def test_more_than_two_decimals(tmp_path, small):
    p = mutate(small, tmp_path / "b.xlsx", set_cell("支出明细", "H2", 1200.125))
    status, doc = check_json(p)
    assert status == 1
    assert find(doc, "E-AMOUNT-003")[0]["cell"] == "H2"


def test_two_decimals_are_fine(tmp_path, small):
    p = mutate(small, tmp_path / "b.xlsx", set_cell("支出明细", "H2", 1200.1))
    status, doc = check_json(p)
    assert status == 0, doc


def test_negative_amount(tmp_path, small):
    p = mutate(small, tmp_path / "b.xlsx", set_cell("支出明细", "H4", -5))
    status, doc = check_json(p)
    assert status == 1
    assert find(doc, "E-AMOUNT-004")[0]["cell"] == "H4"


def test_formula_without_cached_value(tmp_path, small):
    p = mutate(small, tmp_path / "b.xlsx", set_cell("支出明细", "H5", "=H2+H3"))
    status, doc = check_json(p)
    assert status == 1
    d = find(doc, "E-CELL-001")[0]
    assert (d["sheet"], d["cell"]) == ("支出明细", "H5")


def test_merged_cells_across_data_rows(tmp_path, small):
    p = mutate(small, tmp_path / "b.xlsx", lambda wb: wb["支出明细"].merge_cells("A2:A3"))
    status, doc = check_json(p)
    assert status == 1
    d = find(doc, "E-CELL-002")[0]
    assert (d["sheet"], d["cell"]) == ("支出明细", "A2")


def test_wps_dimension_a1(tmp_path, small):
    """WPS records <dimension ref="A1:A1"/>; the data must still be read in full."""
    p = tmp_path / "wps.xlsx"
    with zipfile.ZipFile(small) as src, zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb'<dimension ref="[^"]+"/>', b'<dimension ref="A1:A1"/>', data)
            dst.writestr(item, data)
    r = run_cli("check", p, "--format", "json")
    assert r.returncode == 0, r.stdout
    # and the figures were really read: corrupt one amount and it must be found in row 5
    bad = mutate(p, tmp_path / "wps-bad.xlsx", set_cell("支出明细", "H5", "五万"))
    status, doc = check_json(bad)
    assert status == 1 and find(doc, "E-AMOUNT-002")[0]["cell"] == "H5"


def test_enum_outside_list(tmp_path, small):
    p = mutate(small, tmp_path / "b.xlsx", set_cell("支出明细", "G2", "财政补助"))
    status, doc = check_json(p)
    assert status == 1
    d = find(doc, "E-ENUM-001")[0]
    assert (d["sheet"], d["cell"]) == ("支出明细", "G2") and "财政拨款" in d["hint"]


def test_enum_accepts_half_width_brackets(tmp_path, small):
    p = mutate(small, tmp_path / "b.xlsx", set_cell("支出明细", "G2", "国有资源(资产)有偿使用收入"))
    status, doc = check_json(p)
    assert status == 0, doc


def test_project_name_on_basic_line(tmp_path, small):
    p = mutate(small, tmp_path / "b.xlsx", set_cell("支出明细", "F2", "测试专项"))
    status, doc = check_json(p)
    assert status == 1
    assert find(doc, "E-LINE-001")[0]["cell"] == "F2"


def test_project_name_missing_on_project_line(tmp_path, small):
    p = mutate(small, tmp_path / "b.xlsx", set_cell("支出明细", "F5", None))
    status, doc = check_json(p)
    assert status == 1
    assert find(doc, "E-LINE-002")[0]["cell"] == "F5"


def test_all_problems_collected(tmp_path, small):
    """Never stop at the first: three bad cells on two sheets give three diagnostics."""
    def fn(wb):
        wb["支出明细"]["H2"] = "1,200"
        wb["支出明细"]["H4"] = -1
        wb["单位"]["C3"] = "企业"
    status, doc = check_json(mutate(small, tmp_path / "b.xlsx", fn))
    cells = {(d["sheet"], d["cell"], d["code"]) for d in doc["diagnostics"]}
    assert {("支出明细", "H2", "E-AMOUNT-002"), ("支出明细", "H4", "E-AMOUNT-004"),
            ("单位", "C3", "E-ENUM-001")} <= cells
    assert status == 1


def test_human_output_names_file_sheet_and_cell(tmp_path, small):
    p = mutate(small, tmp_path / "b.xlsx", set_cell("支出明细", "H3", "1,200"))
    r = run_cli("check", p)
    assert r.returncode == 1
    assert "[支出明细]" in r.stdout and "支出明细!H3" in r.stdout and "E-AMOUNT-002" in r.stdout
    assert "b.xlsx: 1 个错误，0 个警告" in r.stdout
    assert "\033[" not in r.stdout  # plain when piped
