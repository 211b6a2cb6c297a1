"""The annotated workbook (compiler/annotate.py; `gongkai check FILE --annotate OUT.xlsx`):
problem cells filled and commented, problems without a cell on A1 or the _问题 sheet, the input
never changed, earlier marks replaced rather than piled up."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import openpyxl
import pytest
from conftest import EXAMPLE, mutate, run_cli

from compiler.annotate import (
    ERROR_RGB,
    ISSUES_SHEET,
    MARK,
    WARNING_RGB,
    annotate,
    annotate_bytes,
    has_marks,
    strip_bytes,
)
from compiler.pipeline import check_workbook


def sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def broken(tmp_path_factory) -> Path:
    """The example with a text amount in 支出明细!H5 (an error) and its warnings, and a stale
    plan year in 项目!S2 beside its cut-off sentence (two warnings on one cell)."""
    def fn(wb):
        wb["支出明细"]["H5"] = "一百万"
        wb["项目"]["S2"] = wb["项目"]["S2"].value + "力争2018年完成。"
    return mutate(EXAMPLE, tmp_path_factory.mktemp("ann") / "broken.xlsx", fn)


def test_error_cell_red_with_comment(broken, tmp_path):
    before = sha(broken)
    checked = check_workbook(broken)
    out = tmp_path / "annotated.xlsx"
    result = annotate(broken, checked.report, out)
    assert sha(broken) == before, "the input must never change"
    wb = openpyxl.load_workbook(out)
    h5 = wb["支出明细"]["H5"]
    assert h5.value == "一百万"  # the value is left for staff to fix
    assert h5.fill.fill_type == "solid" and h5.fill.fgColor.rgb == ERROR_RGB
    text = h5.comment.text
    assert text.startswith(MARK)
    assert "E-AMOUNT-002" in text and "一百万" in text and "→ 金额单位为元" in text
    # warnings: yellow, with their own code
    m6 = wb["项目"]["M6"]
    assert m6.fill.fgColor.rgb == WARNING_RGB and "W-TEXT-006" in m6.comment.text
    # two problems on one cell: one comment holding both
    s2 = wb["项目"]["S2"].comment.text
    assert "W-TEXT-006" in s2 and "W-TEXT-009" in s2 and s2.count(MARK) == 1
    assert result.cells == len({(d.sheet, d.cell) for d in checked.report.items})
    # the list sheet comes first and opens with the workbook, linking each cell
    assert wb.sheetnames[0] == ISSUES_SHEET and wb.active.title == ISSUES_SHEET
    issues = wb[ISSUES_SHEET]
    rows = [[c.value for c in r] for r in issues.iter_rows(min_row=3)]
    assert rows[0][:3] == ["错误", "支出明细!H5", "E-AMOUNT-002"]
    assert issues["B3"].hyperlink.location == "'支出明细'!H5"
    assert len(rows) == len(checked.report.items)
    # still the same workbook for the checker: the same diagnostics, nothing new
    again = check_workbook(out)
    assert sorted((d.code, d.location) for d in again.report.items) == \
        sorted((d.code, d.location) for d in checked.report.items)


def test_problems_without_a_cell(tmp_path, small):
    def fn(wb):
        del wb["内设机构"]                       # E-SHEET-001: a sheet that is not there
        ws = wb["部门职责"]
        ws["A1"] = "编号"                        # E-HEADER-001 on a header cell
    path = mutate(small, tmp_path / "nosheet.xlsx", fn)
    checked = check_workbook(path)
    codes = {d.code for d in checked.report.items}
    assert "E-SHEET-001" in codes
    result = annotate_bytes(path, checked.report)
    assert result.listed_only >= 1
    out = tmp_path / "a.xlsx"
    out.write_bytes(result.data)
    wb = openpyxl.load_workbook(out)
    listed = [[c.value for c in r] for r in wb[ISSUES_SHEET].iter_rows(min_row=3)]
    assert any(r[1] == "内设机构" and r[2] == "E-SHEET-001" for r in listed)
    # a diagnostic with a sheet but no cell goes on that sheet's A1
    sheet_only = [d for d in checked.report.items if d.sheet in wb.sheetnames and not d.cell]
    for d in sheet_only:
        assert d.code in wb[d.sheet]["A1"].comment.text


def test_annotating_again_replaces_old_marks(broken, tmp_path):
    first = tmp_path / "first.xlsx"
    annotate(broken, check_workbook(broken).report, first)
    assert has_marks(first) and not has_marks(broken)
    # staff fix H5 in the annotated copy and check again
    fixed = mutate(first, tmp_path / "fixed.xlsx", lambda wb: wb["支出明细"].__setitem__("H5", 999800))
    checked = check_workbook(fixed)
    assert not checked.report.errors
    second = tmp_path / "second.xlsx"
    result = annotate(fixed, checked.report, second)
    assert result.stripped > 0
    wb = openpyxl.load_workbook(second)
    h5 = wb["支出明细"]["H5"]
    assert h5.comment is None and h5.fill.fill_type is None, "the fixed cell is clean again"
    assert wb["项目"]["S2"].comment.text.count(MARK) == 1, "marks must not pile up"
    assert wb.sheetnames.count(ISSUES_SHEET) == 1
    # and a clean copy without any mark
    data, n = strip_bytes(second)
    clean = tmp_path / "clean.xlsx"
    clean.write_bytes(data)
    assert n > 0 and not has_marks(clean)
    wb = openpyxl.load_workbook(clean)
    assert ISSUES_SHEET not in wb.sheetnames and wb["项目"]["S2"].comment is None


def test_header_comment_kept(tmp_path, small):
    """A header cell's own hint comment stays below ours, and comes back after stripping."""
    wb = openpyxl.load_workbook(small)
    original = wb["支出明细"]["H1"].comment
    path = mutate(small, tmp_path / "h.xlsx", lambda wb: wb["支出明细"].__setitem__("H1", "金额（元）"))
    out = tmp_path / "out.xlsx"
    annotate(path, check_workbook(path).report, out)
    cell = openpyxl.load_workbook(out)["支出明细"]["H1"]
    assert cell.comment.text.startswith(MARK)
    if original is not None:
        assert original.text in cell.comment.text
        data, _ = strip_bytes(out)
        (tmp_path / "s.xlsx").write_bytes(data)
        assert openpyxl.load_workbook(tmp_path / "s.xlsx")["支出明细"]["H1"].comment.text == original.text


def test_cli_annotate(broken, tmp_path):
    before = sha(broken)
    out = tmp_path / "标注.xlsx"
    r = run_cli("check", broken, "--annotate", out)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "已写入标注的工作簿" in r.stderr
    assert sha(broken) == before
    assert "E-AMOUNT-002" in openpyxl.load_workbook(out)["支出明细"]["H5"].comment.text
    # JSON stays parseable with --annotate (the note goes to stderr)
    r = run_cli("check", broken, "--format", "json", "--annotate", tmp_path / "b.xlsx")
    assert json.loads(r.stdout)["errors"] == 1


def test_cli_annotate_refuses_to_overwrite_input(broken, tmp_path):
    copy = tmp_path / "copy.xlsx"
    copy.write_bytes(broken.read_bytes())
    before = sha(copy)
    r = run_cli("check", copy, "--annotate", copy)
    assert r.returncode == 2 and "不能覆盖原工作簿" in r.stderr
    assert sha(copy) == before
    r = run_cli("check", copy, "--annotate", tmp_path / "x.txt")
    assert r.returncode == 2 and ".xlsx" in r.stderr


def test_cli_annotate_unreadable_file_writes_nothing(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_text("不是工作簿", encoding="utf-8")
    out = tmp_path / "out.xlsx"
    r = run_cli("check", bad, "--annotate", out)
    assert r.returncode == 2 and not out.exists()


def test_merged_data_cells_annotated_not_a_crash(tmp_path, small):
    """Merged cells in the data area (E-CELL-002): problems inside the merged range go on its
    first cell (the only one that can carry a comment); before, exit 3 ('MergedCell' … read-only)."""
    merged = mutate(small, tmp_path / "m.xlsx", lambda wb: wb["支出明细"].merge_cells("F3:H5"))
    before = sha(merged)
    out = tmp_path / "标注.xlsx"
    r = run_cli("check", merged, "--annotate", out)
    assert r.returncode == 1 and "Traceback" not in r.stderr and "内部错误" not in r.stderr, r.stderr
    assert "E-CELL-002" in r.stdout and "已写入标注的工作簿" in r.stderr
    assert sha(merged) == before
    wb = openpyxl.load_workbook(out)
    f3 = wb["支出明细"]["F3"]
    assert "E-CELL-002" in f3.comment.text and f3.fill.fgColor.rgb == ERROR_RGB
    # every problem of the merged range is on F3, and the _问题 list links there
    report = check_workbook(merged).report
    inside = [d for d in report.items if d.sheet == "支出明细" and d.cell and d.cell[0] in "FGH"
              and d.cell[1:].isdigit() and 3 <= int(d.cell[1:]) <= 5]
    assert len(inside) > 1
    assert all(d.code in f3.comment.text for d in inside)
    places = [row[1] for row in wb[ISSUES_SHEET].iter_rows(min_row=3, values_only=True)]
    assert "支出明细!G3" not in places and "支出明细!F3" in places
