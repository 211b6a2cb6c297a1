"""Workbook text is data, never markup or a spreadsheet formula, in every output (issue 14): a
project named =HYPERLINK(…), a unit named +…, a 目标值 =100% or -5% stay text in the CSVs (a
leading apostrophe, OWASP's CSV-injection advice), the 附表 workbook, the HTML and the JSON."""
from __future__ import annotations

import copy
import csv
import json
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from compiler.pipeline import check_workbook
from compiler.render.opendata import LINE_FIELDS
from conftest import SMALL, build, write_small

HOSTILE = '=HYPERLINK("http://evil.example/")'
MARKUP = "<script>alert(1)</script>开展测试。"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def hostile_data() -> dict:
    data = copy.deepcopy(SMALL)
    for sheet in ("支出明细", "项目", "绩效指标"):
        for row in data[sheet]:
            if row.get("项目名称") == "测试专项":
                row["项目名称"] = HOSTILE
    data["整体绩效任务"][0]["关联项目"] = HOSTILE
    data["单位"][1]["单位名称"] = "+测试中心"
    data["项目"][0]["项目概况"] = MARKUP
    data["绩效指标"][0]["目标值"] = "=100%"
    data["绩效指标"].append({"项目名称": HOSTILE, "一级指标": "效益指标", "二级指标": "社会效益",
                        "三级指标": "投诉减少", "目标值": "-5%"})
    return data


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    path = write_small(folder / "hostile.xlsx", hostile_data())
    checked = check_workbook(path)
    assert checked.exit_status == 0, checked.report.errors
    build(path, folder / "out", ["html", "json", "xlsx", "data"])
    return folder / "out"


def read_csv(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def test_no_csv_cell_is_a_formula(out):
    folder = out / "hostile-data"
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    seen = set()
    for res in package["resources"]:
        rows = read_csv(folder / res["path"])
        for f, column in zip(res["schema"]["fields"], zip(*rows[1:])):
            for text in column:
                if f["type"] in ("number", "integer"):
                    assert text == "" or Decimal(text) >= 0, (res["name"], f["name"], text)  # numbers stay numbers
                else:
                    assert not text.startswith(FORMULA_START), (res["name"], f["name"], text)
                    seen.add(text)
    assert {"'" + HOSTILE, "'+测试中心", "'=100%", "'-5%"} <= seen
    lines = read_csv(folder / "lines.csv")
    project = [f[1] for f in LINE_FIELDS].index("project")
    assert lines[4][project] == "'" + HOSTILE          # the 4th 支出明细 line is the project's


def test_frictionless_still_validates_the_package(out):
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(out / "hostile-data" / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note"])


def test_no_xlsx_cell_is_a_formula(out):
    path = next(out.glob("*.xlsx"))
    with zipfile.ZipFile(path) as zf:
        sheets = [zf.read(n).decode("utf-8") for n in zf.namelist() if n.startswith("xl/worksheets/")]
    assert sheets and not any(re.search(r"<f[ >]", xml) for xml in sheets)   # no formula element
    wb = openpyxl.load_workbook(path)
    texts = {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str)}
    assert {HOSTILE, "=100%", "-5%"} <= texts       # the text itself, as text
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)


def test_html_escapes_and_json_keeps_text(out):
    html = (out / "hostile.html").read_text("utf-8")
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'HYPERLINK(&#34;http' in html or "HYPERLINK(&quot;http" in html
    data = (out / "hostile.json").read_text("utf-8")
    json.loads(data)
    assert json.dumps(HOSTILE, ensure_ascii=False) in data


def test_annotated_issue_list_writes_messages_as_text(tmp_path):
    """The _问题 sheet lists messages that quote workbook text: one that starts with = is text."""
    from compiler.annotate import ISSUES_SHEET, annotate_bytes
    from compiler.diagnostics import Report
    src = write_small(tmp_path / "small.xlsx")
    report = Report("small.xlsx")
    report.add("E-AMOUNT-002", "=1+1", sheet="支出明细", cell="F2", hint="@SUM(A1)")
    ws = openpyxl.load_workbook(__import__("io").BytesIO(annotate_bytes(src, report).data))[ISSUES_SHEET]
    cells = [c for row in ws.iter_rows(min_row=3) for c in row if c.value in ("=1+1", "@SUM(A1)")]
    assert len(cells) == 2 and all(c.data_type == "s" for c in cells)


def test_written_workbooks_keep_text_as_text(tmp_path):
    """new/rollover write workbook text (key–value sheets too) as text, never as a formula."""
    data = hostile_data()
    data["基本信息"] = [(k, "=1+1" if k == "部门简称" else v) for k, v in data["基本信息"]]
    path = write_small(tmp_path / "w.xlsx", data)
    wb = openpyxl.load_workbook(path)
    formulas = [(ws.title, c.coordinate) for ws in wb.worksheets for row in ws.iter_rows() for c in row
                if c.data_type == "f"]
    assert formulas == []
    assert wb["基本信息"]["B3"].value == "=1+1"
