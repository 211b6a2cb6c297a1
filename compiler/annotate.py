"""The annotated workbook: a copy of the input in which every problem cell is filled (red for an
error, yellow for a warning) and carries a comment with the code, message and hint, so staff fix
it where it is. `gongkai check FILE --annotate OUT.xlsx` and the web page write the same file.

The input is only read (openpyxl loads it into memory; OUT is written beside itself and renamed).
Problems without a cell go on A1 of their sheet; problems of a sheet that does not exist or of the
whole file go on a `_问题` sheet, which also lists every problem with a link to its cell and is the
sheet shown when the file opens.

Annotating an already annotated workbook (staff fixed some cells and check again) first removes
the earlier marks: comment blocks starting with MARK, fills of our two colours on those cells,
and the earlier `_问题` sheet. `strip(…)` does only that, for a clean copy.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Diagnostic, Report, Severity
from .report import ordered

ISSUES_SHEET = "_问题"
MARK = "【gongkai 检查】"
SEPARATOR = "\n――――\n"
AUTHOR = "gongkai"
ERROR_RGB, WARNING_RGB = "FFFFC7CE", "FFFFEB9C"   # Excel's own "差" red and "中性" yellow
OUR_RGBS = {ERROR_RGB, WARNING_RGB, ERROR_RGB[2:], WARNING_RGB[2:]}
_CELL = re.compile(r"^\$?([A-Z]{1,3})\$?([1-9][0-9]{0,6})$")


class AnnotateError(Exception):
    """The workbook cannot be opened for annotation; the message is for the user."""


@dataclass
class Annotated:
    data: bytes          # the annotated workbook
    cells: int           # cells marked
    sheet_level: int     # problems put on A1 of their sheet
    listed_only: int     # problems only on the _问题 sheet (no such sheet, or the whole file)
    stripped: int        # earlier gongkai marks removed


def _cell_ref(cell: str | None) -> str | None:
    """'H5' (also the first cell of 'H5:H9'), or None when there is no usable cell."""
    if not cell:
        return None
    first = cell.split(":")[0].strip().upper()
    return first if _CELL.match(first) else None


def _comment_text(items: list[Diagnostic]) -> str:
    parts = []
    for d in items:
        text = f"{d.severity.label} {d.code}：{d.message}"
        if d.expected is not None and d.actual is not None and d.expected != d.actual:
            text += f"（应为 {d.expected}，实为 {d.actual}）"
        if d.hint:
            text += f"\n→ {d.hint}"
        parts.append(text)
    return MARK + "\n" + "\n".join(parts)


def _strip_cell(cell) -> bool:
    """Remove an earlier gongkai block from this cell's comment (and our fill). True if any."""
    comment = cell.comment
    if comment is None or MARK not in (comment.text or ""):
        return False
    kept = [p for p in comment.text.split(SEPARATOR) if not p.startswith(MARK)]
    if kept and "".join(kept).strip():
        from openpyxl.comments import Comment
        cell.comment = Comment(SEPARATOR.join(kept), comment.author or "")
    else:
        cell.comment = None
    fill = cell.fill
    if fill is not None and fill.fill_type == "solid" and str(fill.fgColor.rgb) in OUR_RGBS:
        from openpyxl.styles import PatternFill
        if cell.row == 1:  # the header row of a gongkai workbook has the template's fill
            from .workbook.new import HEADER_FILL
            cell.fill = HEADER_FILL
        else:
            cell.fill = PatternFill(fill_type=None)
    return True


def _strip_workbook(wb) -> int:
    n = 0
    if ISSUES_SHEET in wb.sheetnames:
        del wb[ISSUES_SHEET]
        n += 1
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.comment is not None and _strip_cell(cell):
                    n += 1
    return n


def _load(src: Path):
    import openpyxl
    try:
        # keep_vba off, formulas kept (data_only=False): the copy is the staff's own workbook
        return openpyxl.load_workbook(src, keep_links=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise AnnotateError(f"无法打开工作簿以添加标注（{type(exc).__name__}）") from None


def _save(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _anchor(ws, ref: str) -> str:
    """The first cell of the merged range *ref* lies in (only it can carry a comment or a fill;
    the others are openpyxl MergedCells), else *ref*."""
    for merged in ws.merged_cells.ranges:
        if ref in merged:
            return merged.start_cell.coordinate
    return ref


def _mark(ws, ref: str, items: list[Diagnostic]) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill
    cell = ws[ref]
    worst = Severity.ERROR if any(d.severity is Severity.ERROR for d in items) else Severity.WARNING
    rgb = ERROR_RGB if worst is Severity.ERROR else WARNING_RGB
    cell.fill = PatternFill(fill_type="solid", fgColor=rgb, bgColor=rgb)
    text = _comment_text(items)
    old = cell.comment.text if cell.comment is not None and cell.comment.text else ""
    comment = Comment(text + (SEPARATOR + old if old.strip() else ""), AUTHOR)
    lines = sum(1 + len(line) // 24 for line in comment.text.split("\n"))
    comment.width, comment.height = 320, min(600, 24 + 16 * lines)
    cell.comment = comment


def _issues_sheet(wb, items: list[Diagnostic], placed: dict[int, str]) -> None:
    """First sheet: every problem, worst first in sheet order, with a link to its cell."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.hyperlink import Hyperlink
    ws = wb.create_sheet(ISSUES_SHEET, 0)
    errors = sum(1 for d in items if d.severity is Severity.ERROR)
    ws.append([(f"gongkai 检查发现 {errors} 个错误，{len(items) - errors} 个警告。"
                "红色单元格是错误，黄色是警告；把鼠标移到单元格上可看批注。改正后请再检查一次。")])
    ws.merge_cells("A1:E1")
    ws["A1"].alignment = Alignment(wrap_text=True, vertical="center")
    ws["A1"].font = Font(bold=True)
    ws.row_dimensions[1].height = 36
    ws.append(["级别", "位置", "代码", "问题", "如何改正"])
    for c in ws[2]:
        c.font = Font(bold=True)
    for d in items:
        where = placed.get(id(d), d.sheet or "整个文件")
        ws.append([d.severity.label, where, d.code, d.message, d.hint or ""])
        row = ws.max_row
        for c in ws[row]:   # messages quote workbook text: "=…" is text here, never a formula
            if c.data_type == "f":
                c.data_type = "s"
        rgb = ERROR_RGB if d.severity is Severity.ERROR else WARNING_RGB
        ws.cell(row, 1).fill = PatternFill(fill_type="solid", fgColor=rgb, bgColor=rgb)
        if "!" in where:
            sheet, ref = where.split("!", 1)
            link = ws.cell(row, 2)
            link.hyperlink = Hyperlink(ref=link.coordinate,
                                       location="'" + sheet.replace("'", "''") + "'!" + ref)
            link.font = Font(color="FF0563C1", underline="single")
        for c in ws[row][3:5]:
            c.alignment = Alignment(wrap_text=True, vertical="top")
    for col, width in zip("ABCDE", (8, 16, 15, 70, 60)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A3"
    for sheet in wb.worksheets:
        sheet.sheet_view.tabSelected = False
    wb.active = 0
    ws.sheet_view.tabSelected = True


def annotate_bytes(src: Path, report: Report) -> Annotated:
    """The annotated copy of src as bytes (src is only read)."""
    wb = _load(src)
    stripped = _strip_workbook(wb)
    items = ordered(report)
    by_cell: dict[tuple[str, str], list[Diagnostic]] = {}
    placed: dict[int, str] = {}
    sheet_level = listed_only = 0
    sheets = {ws.title for ws in wb.worksheets}  # not chart sheets
    for d in items:
        if d.sheet and d.sheet in sheets:
            ref = _cell_ref(d.cell)
            if ref is None:
                ref = "A1"
                sheet_level += 1
            ref = _anchor(wb[d.sheet], ref)  # E-CELL-002: a merged data area
            by_cell.setdefault((d.sheet, ref), []).append(d)
            placed[id(d)] = f"{d.sheet}!{ref}"
        else:
            listed_only += 1
    for (sheet, ref), group in by_cell.items():
        _mark(wb[sheet], ref, group)
    if items:
        _issues_sheet(wb, items, placed)
    return Annotated(_save(wb), len(by_cell), sheet_level, listed_only, stripped)


def annotate(src: Path, report: Report, out: Path) -> Annotated:
    """Write the annotated copy of src to out (atomically). src must not be out."""
    from .files import same_file, write_atomic
    if same_file(out, src):
        raise AnnotateError("标注的工作簿不能覆盖原工作簿（原工作簿只读）")
    result = annotate_bytes(src, report)
    write_atomic(out, result.data)
    return result


def strip_bytes(src: Path) -> tuple[bytes, int]:
    """A copy of src without earlier gongkai marks, and how many were removed."""
    wb = _load(src)
    n = _strip_workbook(wb)
    return _save(wb), n


def has_marks(src: Path) -> bool:
    """Whether src carries marks of an earlier annotation (cheap: looks at the zip only)."""
    import zipfile
    try:
        with zipfile.ZipFile(src) as zf:
            names = zf.namelist()
            if "xl/workbook.xml" in names and \
                    f'name="{ISSUES_SHEET}"' in zf.read("xl/workbook.xml").decode("utf-8", "replace"):
                return True
            for name in names:
                if name.startswith("xl/comments") and name.endswith(".xml") and \
                        MARK in zf.read(name).decode("utf-8", "replace"):
                    return True
    except (zipfile.BadZipFile, OSError, KeyError):
        return False
    return False
