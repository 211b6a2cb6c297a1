"""The reader (issues 11 and 14): input as staff type it (percent formats, formulas in text
columns, what Excel stores for 58668.3), amounts and quantities with bounds, hidden sheets and
rows, .xls/.et, Strict Open XML, and files refused before parsing (zip bombs, far cells)."""
from __future__ import annotations

import re
import shutil
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import xlwt

from compiler.pipeline import check_workbook
from compiler.workbook import guard
from compiler.workbook.new import build_workbook
from compiler.workbook.read import MAX_AMOUNT
from compiler.workbook.xlsx import Package, scan
from conftest import EXAMPLE, SMALL, mutate, run_cli, write_small


def checked(path: Path):
    """check in process; the input is never modified."""
    before = path.read_bytes()
    result = check_workbook(path)
    assert path.read_bytes() == before
    return result


def diags(result, code: str) -> list[tuple[str, str]]:
    return [(d.location, d.message) for d in result.report.items if d.code == code]


def locations(result, code: str) -> list[str]:
    return [loc for loc, _ in diags(result, code)]


def edit(path: Path, sheet: str, fn) -> Path:
    """Rewrite the XML of one sheet of an .xlsx (fn: bytes -> bytes), as another program would
    have written it."""
    with zipfile.ZipFile(path) as zf:
        part = Package(zf).parts[sheet]
        items = [(info, zf.read(info.filename)) for info in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in items:
            out.writestr(info, fn(data) if info.filename == part else data)
    return path


def cell_xml(ref: str, inner: str, t: str | None = None):
    """fn for edit(): the cell `ref` gets `inner` as its content (and type t), style kept."""
    def fn(data: bytes) -> bytes:
        pattern = rb'<c r="' + ref.encode() + rb'"([^>]*?)(?:/>|>.*?</c>)'
        m = re.search(pattern, data, re.S)
        assert m, ref
        attrs = re.sub(rb'\s?t="[^"]*"', b"", m[1]) + (f' t="{t}"'.encode() if t else b"")
        return data[:m.start()] + f'<c r="{ref}"'.encode() + attrs + b">" + inner.encode() + \
            b"</c>" + data[m.end():]
    return fn


def cells(**edits):
    """mutate() fn: cells(**{"支出明细!H2": 0}) or a (value, number format) pair."""
    def fn(wb):
        for where, value in edits.items():
            sheet, ref = where.split("!")
            value, fmt = value if isinstance(value, tuple) else (value, None)
            wb[sheet][ref] = value
            if fmt:
                wb[sheet][ref].number_format = fmt
    return fn


# ---------------------------------------------------------------- input as staff type it

def test_percent_formatted_targets_read_as_shown(tmp_path, small):
    def fn(wb):
        wb["绩效指标"]["E2"] = 1
        wb["绩效指标"]["E2"].number_format = "0%"
        for value, fmt in ((0.95, "0%"), (0.125, "0.00%")):
            wb["绩效指标"].append(["测试专项", "产出目标", "质量", f"合格率{value}", value])
            wb["绩效指标"].cell(row=wb["绩效指标"].max_row, column=5).number_format = fmt
        wb["整体绩效指标"]["D2"] = 0.5
        wb["整体绩效指标"]["D2"].number_format = '0.0%;[Red]-0.0%'
    result = checked(mutate(small, tmp_path / "p.xlsx", fn))
    assert [i.target for i in result.budget.indicators] == ["100%", "95%", "12.5%"]
    assert [i.target for i in result.budget.overall_indicators] == ["50%"]
    assert not [d for d in result.report.items if d.sheet in ("绩效指标", "整体绩效指标")]


def test_formula_in_text_column_without_result_reads_as_typed(tmp_path, small):
    p = mutate(small, tmp_path / "f.xlsx", cells(**{"绩效指标!E2": "=100%"}))
    result = checked(p)
    assert result.budget.indicators[0].target == "100%"
    assert diags(result, "W-CELL-005") == [("绩效指标!E2", "单元格是公式 =100%，按显示的内容“100%”读取")]
    assert result.exit_status == 0  # a warning, not an error


def test_formula_in_text_column_shows_its_result_with_its_format(tmp_path, small):
    """=100% saved by Excel: the formula and its cached 1 in a 0% cell: the cell shows 100%."""
    p = mutate(small, tmp_path / "f.xlsx", cells(**{"绩效指标!E2": ("=100%", "0%")}))
    edit(p, "绩效指标", cell_xml("E2", "<f>100%</f><v>1</v>"))
    result = checked(p)
    assert result.budget.indicators[0].target == "100%"
    assert locations(result, "W-CELL-005") == ["绩效指标!E2"]


def test_formula_with_error_result_in_text_column_reads_formula_text(tmp_path, small):
    """=1个 (how published 绩效目标表 write a target) saved by Excel gives #NAME?."""
    p = mutate(small, tmp_path / "f.xlsx", cells(**{"绩效指标!E2": "x"}))
    edit(p, "绩效指标", cell_xml("E2", "<f>1个</f><v>#NAME?</v>", t="e"))
    result = checked(p)
    assert result.budget.indicators[0].target == "1个"
    assert locations(result, "W-CELL-005") == ["绩效指标!E2"]
    assert not diags(result, "E-CELL-003")


def test_error_value_in_text_column_without_formula_is_an_error(tmp_path, small):
    p = mutate(small, tmp_path / "e.xlsx", cells(**{"绩效指标!E2": "x"}))
    edit(p, "绩效指标", cell_xml("E2", "<v>#N/A</v>", t="e"))
    result = checked(p)
    assert diags(result, "E-CELL-003") == [("绩效指标!E2", "单元格是错误值 #N/A")]


def test_what_excel_stores_for_58668_3_is_read_as_shown(tmp_path, small):
    """=58668.1+0.2 and a typed 58668.3 can arrive as 58668.299999999996 (binary floating
    point); Excel shows 58668.3 (15 significant digits) and so does gongkai."""
    p = mutate(small, tmp_path / "a.xlsx", cells(**{"支出明细!H2": 1, "支出明细!H3": 1}))
    edit(p, "支出明细", cell_xml("H2", "<f>58668.1+0.2</f><v>58668.299999999996</v>"))
    edit(p, "支出明细", cell_xml("H3", "<v>58668.299999999996</v>"))
    result = checked(p)
    assert [line.amount for line in result.budget.lines[:2]] == [Decimal("58668.30")] * 2
    assert not diags(result, "E-AMOUNT-003") and not diags(result, "W-CELL-005")


def test_really_more_than_two_decimals_has_a_round_hint(tmp_path, small):
    p = mutate(small, tmp_path / "a.xlsx", cells(**{"支出明细!H2": 1}))
    edit(p, "支出明细", cell_xml("H2", "<f>H3/3</f><v>10000.333333333334</v>"))
    result = checked(p)
    (d,) = [d for d in result.report.items if d.code == "E-AMOUNT-003"]
    assert (d.location, d.message) == ("支出明细!H2", "金额 10000.3333333333 超过两位小数")
    assert "ROUND" in d.hint


def test_formula_without_result_in_money_column_is_still_an_error(tmp_path, small):
    p = mutate(small, tmp_path / "a.xlsx", cells(**{"支出明细!H2": "=H3+H4"}))
    result = checked(p)
    (d,) = [d for d in result.report.items if d.code == "E-CELL-001"]
    assert (d.location, d.message) == ("支出明细!H2", "单元格是公式 =H3+H4 但没有保存计算结果")
    assert "核对" in d.hint  # after saving in Excel, look at what it shows before publishing


# ---------------------------------------------------------------- bounds

@pytest.mark.parametrize("value, code, message", [
    ("--5", "E-AMOUNT-002", '金额 "--5" 不是数字'),
    ("1" * 30, "E-AMOUNT-007", f"金额 {'1' * 30} 超过上限 999,999,999,999.99 元"),
    (1e308, "E-AMOUNT-007", "金额 1e+308 超过上限 999,999,999,999.99 元"),
    (1_000_000_000_000, "E-AMOUNT-007", "金额 1000000000000 超过上限 999,999,999,999.99 元"),
    ("1e5", "E-AMOUNT-002", '金额 "1e5" 不是数字'),
    ("１２", "E-AMOUNT-002", '金额 "１２" 不是数字'),
])
def test_amounts_have_bounds_and_a_located_error(tmp_path, small, value, code, message):
    result = checked(mutate(small, tmp_path / "b.xlsx", cells(**{"支出明细!H3": value})))
    assert diags(result, code) == [("支出明细!H3", message)]
    assert result.exit_status == 1


def test_the_largest_amount_is_accepted(tmp_path, small):
    result = checked(mutate(small, tmp_path / "b.xlsx", cells(**{"项目!J2": "999999999999.99",
                                                                 "支出明细!H3": 999999999999})))
    assert result.budget.projects[0].total == MAX_AMOUNT
    assert result.budget.lines[1].amount == Decimal("999999999999")
    assert not diags(result, "E-AMOUNT-007")


def test_command_line_gives_a_located_error_not_exit_3(tmp_path, small):
    r = run_cli("check", mutate(small, tmp_path / "b.xlsx", cells(**{"支出明细!H3": "--5"})))
    assert r.returncode == 1 and "支出明细!H3" in r.stdout and "Traceback" not in r.stderr


def test_sums_of_bounded_amounts_are_exact_in_the_default_context():
    """MAX_AMOUNT has 15 significant digits and a sheet at most guard.LIMITS.rows rows, so a
    sum of amounts has at most 21 digits: Decimal's default 28-digit context never rounds it."""
    rows = guard.LIMITS.rows
    total = sum([MAX_AMOUNT] * rows, Decimal(0))
    assert total == Decimal(int(MAX_AMOUNT * 100) * rows) / 100
    assert total.as_tuple().digits.__len__() <= 21


@pytest.mark.parametrize("ref, value, code", [
    ("H3", "NaN", "E-CELL-003"), ("H3", "INF", "E-CELL-003"), ("H3", "-inf", "E-CELL-003"),
])
def test_nan_and_infinity_name_their_cell(tmp_path, small, ref, value, code):
    p = mutate(small, tmp_path / "n.xlsx", cells(**{f"支出明细!{ref}": 1}))
    edit(p, "支出明细", cell_xml(ref, f"<v>{value}</v>"))
    result = checked(p)
    assert locations(result, code) == [f"支出明细!{ref}"]
    assert result.exit_status == 1


def test_nan_in_a_text_column_names_its_cell(tmp_path, small):
    p = mutate(small, tmp_path / "n.xlsx", cells(**{"单位!B2": 1}))
    edit(p, "单位", cell_xml("B2", "<v>NaN</v>"))
    assert diags(checked(p), "E-CELL-003") == [("单位!B2", "单元格的数值无效（nan）")]


@pytest.mark.parametrize("value, hint", [("１０", "半角"), ("1_0", "下划线"), ("1 0", "空格")])
def test_quantity_takes_plain_digits_only(tmp_path, small, value, hint):
    result = checked(mutate(small, tmp_path / "q.xlsx", cells(**{"政府采购!H2": value})))
    (d,) = [d for d in result.report.items if d.code == "E-NUM-001"]
    assert (d.location, d.message) == ("政府采购!H2", f'数量 "{value}" 不是数字')
    assert hint in d.hint


def test_counts_take_plain_digits_only(tmp_path, small):
    result = checked(mutate(small, tmp_path / "q.xlsx", cells(**{"人员车辆资产!B2": "１０"})))
    assert locations(result, "E-INT-001") == ["人员车辆资产!B2"]


# ---------------------------------------------------------------- hidden, missing, merged

def test_hidden_rows_and_sheets_are_read_and_named(tmp_path, small):
    def fn(wb):
        wb["支出明细"].row_dimensions[3].hidden = True
        wb["支出明细"].row_dimensions[5].hidden = True
        wb["支出明细"].row_dimensions[40].hidden = True  # empty: nothing to say
        wb["项目"].sheet_state = "hidden"
    result = checked(mutate(small, tmp_path / "h.xlsx", fn))
    assert diags(result, "W-ROW-001") == [
        ("支出明细!A3", "第 3、5 行被隐藏，但仍作为数据读取并计入合计（共 2 行）")]
    assert diags(result, "W-SHEET-002") == [("项目", "工作表“项目”被隐藏，其内容仍被读取和公开")]
    assert len(result.budget.lines) == 4 and result.exit_status == 0


def test_one_missing_sheet_is_reported_once(tmp_path):
    """Without 项目, every line, indicator and task names an unknown project: 246 errors
    before; the cause is enough."""
    p = mutate(EXAMPLE, tmp_path / "m.xlsx", lambda wb: wb.remove(wb["项目"]))
    result = checked(p)
    assert [(d.code, d.location) for d in result.report.errors] == [("E-SHEET-001", "项目")]


def test_merged_cells_anywhere_are_reported_not_a_crash(tmp_path, small):
    def fn(wb):
        wb["基本信息"].merge_cells("B2:B3")
        wb["支出明细"].merge_cells("A1:B1")   # header only: harmless
        wb["支出明细"].merge_cells("F3:H5")
    result = checked(mutate(small, tmp_path / "m.xlsx", fn))
    assert locations(result, "E-CELL-002") == ["基本信息!B2", "支出明细!F3"]
    assert result.exit_status == 1


# ---------------------------------------------------------------- other file kinds

def write_xls(path: Path, edits: dict | None = None) -> Path:
    """The small workbook (cells edited: {"支出明细!H3": "三万"}) saved as Excel 97-2003 (.xls)
    with xlwt."""
    wb = build_workbook(data=SMALL)
    cells(**(edits or {}))(wb)
    out = xlwt.Workbook(encoding="utf-8")
    dates = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    for ws in wb.worksheets:
        sheet = out.add_sheet(ws.title)
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if value is None:
                    continue
                if isinstance(value, (date, datetime)):
                    sheet.write(cell.row - 1, cell.column - 1, value, dates)
                else:
                    sheet.write(cell.row - 1, cell.column - 1,
                                float(value) if isinstance(value, Decimal) else value)
    out.save(str(path))
    return path


@pytest.mark.parametrize("suffix", [".xls", ".et"])
def test_xls_and_et_read_like_xlsx(tmp_path, suffix):
    """A WPS .et is an Excel 97-2003 compound file; the reader goes by content, not name."""
    good = write_xls(tmp_path / f"good{suffix}")
    result = checked(good)
    assert result.exit_status == 0, [(d.code, d.location) for d in result.report.errors]
    assert [line.amount for line in result.budget.lines] == [120000, 30000, 80000, 50000]

    bad = write_xls(tmp_path / f"bad{suffix}", {"支出明细!H3": "三万", "政府采购!H2": "１０"})
    result = checked(bad)
    assert [(d.code, d.location) for d in result.report.errors] == [
        ("E-AMOUNT-002", "支出明细!H3"), ("E-NUM-001", "政府采购!H2")]


def test_xls_through_the_command_line(tmp_path):
    r = run_cli("check", write_xls(tmp_path / "budget.xls"))
    assert r.returncode == 0, r.stdout + r.stderr


def test_damaged_old_format_file(tmp_path):
    p = tmp_path / "budget.xls"
    p.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 600)
    result = checked(p)
    assert result.exit_status == 2 and [d.code for d in result.report.items] == ["E-FILE-003"]


def test_strict_open_xml_gets_its_own_message(tmp_path, small):
    """Excel's “Strict Open XML 电子表格”: the same parts in the ISO namespaces."""
    p = tmp_path / "strict.xlsx"
    swaps = [(b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
              b"http://purl.oclc.org/ooxml/spreadsheetml/main"),
             (b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
              b"http://purl.oclc.org/ooxml/officeDocument/relationships")]
    with zipfile.ZipFile(small) as src, zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            for old, new in swaps:
                data = data.replace(old, new)
            dst.writestr(info, data)
    result = checked(p)
    assert result.exit_status == 2
    assert diags(result, "E-FILE-006") == [("", "文件“strict.xlsx”是“Strict Open XML 电子表格”格式，无法读取")]
    assert len(result.report.items) == 1


# ---------------------------------------------------------------- refused before parsing

def test_a_value_at_k1048576_is_refused_at_once(tmp_path, small):
    """One stray value at the last row made the reader build a million rows (97 s, 4.3 GB)."""
    p = mutate(small, tmp_path / "far.xlsx", cells(**{"支出明细!K1048576": 1}))
    result = checked(p)
    assert result.exit_status == 2
    assert diags(result, "E-FILE-008") == [
        ("支出明细!K1048576", "工作表“支出明细”的内容一直延伸到 K1048576，超过 200,000 行的上限，无法读取")]


def test_a_stray_value_far_right_is_read_correctly(tmp_path, small):
    p = mutate(small, tmp_path / "right.xlsx", cells(**{"支出明细!XFD3": "备注"}))
    result = checked(p)
    assert result.exit_status == 0 and len(result.budget.lines) == 4


def test_formatting_far_below_is_not_content(tmp_path, small):
    """Styled empty cells (a border dragged down) hold no value: the data is read."""
    def fn(wb):
        from openpyxl.styles import Font
        wb["支出明细"]["A900000"].font = Font(bold=True)
    result = checked(mutate(small, tmp_path / "styled.xlsx", fn))
    assert result.exit_status == 0 and len(result.budget.lines) == 4


def test_a_huge_zip_entry_is_refused_before_parsing(tmp_path, small):
    p = tmp_path / "big.xlsx"
    shutil.copyfile(small, p)
    with zipfile.ZipFile(p, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/media/image1.png", b"\0" * (guard.LIMITS.entry + 1))
    result = checked(p)
    assert result.exit_status == 2
    (d,) = result.report.items
    assert d.code == "E-FILE-007" and "xl/media/image1.png" in d.message and "100 MB" in d.message


def test_extent_scan_places_cells_as_calamine_does():
    """Rows and cells without a reference follow the previous one; styled cells without a value
    do not count; hidden rows and formulas are collected."""
    xml = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           b'<sheetData><row r="2" hidden="1"><c><v>1</v></c><c s="1"/><c><f>A2</f><v>1</v></c></row>'
           b'<row><c r="E3" t="e"><v>#REF!</v></c></row><row r="9"><c r="Z9" s="3"/></row>'
           b'</sheetData></worksheet>')
    d = scan(xml, {})
    assert (d.rows, d.cols) == (3, 5)
    assert d.hidden_rows == [2] and d.formulas == {(2, 3): "A2"} and d.errors == {(3, 5): "#REF!"}
    assert guard.extent_problem(200_001, 1) and not guard.extent_problem(200_000, 10)
    assert guard.extent_problem(100_000, 100)


def test_doctype_in_a_sheet_is_refused(tmp_path, small):
    p = edit(shutil.copyfile(small, tmp_path / "dtd.xlsx"), "单位",
             lambda data: data.replace(b"?>", b'?><!DOCTYPE x [<!ENTITY a "b">]>', 1)
             if data.startswith(b"<?xml") else b'<!DOCTYPE x [<!ENTITY a "b">]>' + data)
    result = checked(p)
    assert result.exit_status == 2 and [d.code for d in result.report.items] == ["E-FILE-005"]


@pytest.mark.parametrize("value, fmt, shown", [
    (1, "0%", "100%"), (0.95, "0%", "95%"), (0.125, "0.00%", "12.5%"), (0.125, "0%", "13%"),
    (0.5, "0.0%;[Red]-0.0%", "50%"), (-0.05, "0%", "-5%"), (1.2345, "0.00%", "123.45%"),
    (0.58668299999999996, "0.000%", "58.668%"),
])
def test_percent_as_the_cell_shows_it(value, fmt, shown):
    from compiler.workbook.read import shown_percent
    from compiler.workbook.xlsx import is_percent
    assert is_percent(fmt) and shown_percent(value, fmt) == shown
    assert not is_percent('0"%"') and not is_percent("0\\%") and not is_percent("[Red]0")


def test_text_longer_than_an_excel_cell_is_located(tmp_path):
    """Text over 32,767 characters was cut silently in the 附表 workbook (openpyxl truncates);
    now the cell is named (E-CELL-004) and nothing is built. Excel and openpyxl cannot write
    such a cell, so the text is put into the sheet XML directly (as other programs may)."""
    import copy
    data = copy.deepcopy(SMALL)
    data["项目"][0]["项目概况"] = "LONG-TEXT-HERE"
    data["部门职责"][0]["职责内容"] = "EXACT-LIMIT-HERE"
    made = write_small(tmp_path / "made.xlsx", data)
    src = tmp_path / "long.xlsx"
    with zipfile.ZipFile(made) as zin, zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            body = zin.read(item.filename)
            body = body.replace(b"LONG-TEXT-HERE", ("开展测试。" * 6554).encode())   # 32,770
            body = body.replace(b"EXACT-LIMIT-HERE", ("职" * 32767).encode())        # the limit: fine
            zout.writestr(item, body)
    result = checked(src)
    assert [(d.code, d.location) for d in result.report.errors] == [("E-CELL-004", "项目!M2")]
    [d] = result.report.errors
    assert "32,770 个字符" in d.message and "32,767" in d.message
    r = run_cli("build", src, "-o", tmp_path / "out", "--format", "xlsx")
    assert r.returncode == 1 and "E-CELL-004" in r.stdout and not (tmp_path / "out").exists()
