"""XLSX back end: the 附表 as one workbook, one sheet per Table (表5 as two sheets, 表11 one
sheet per project plus the 部门整体 sheet), laid out like the published tables.

Every sheet is drawn from the Table IR and nothing else: title (merged, bold, centred), unit
line (right), the header rows with merged cells exactly per the IR spans, the body with codes as
text and amounts as numbers (``#,##0``, or ``#,##0.00`` in a column where an amount has 分;
a zero is *kept* and hidden by the number format where ``Table.blank_zero``), bold 合计 and
unit rows, thin borders, frozen headers, column widths from the IR's relative widths and the
content, print set-up (A4, landscape when ``Table.landscape``, fit to page width, header rows
repeated on every page) and the note under the table. Row heights of wrapped text are estimated
here, because neither Excel nor LibreOffice sizes rows of merged cells by themselves.

Bytes are deterministic: fixed workbook properties (creator gongkai, created/modified = the
build's meta date) and ``deterministic_bytes`` for the zip container.
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties

from ..derive import Views
from ..derive.table import Cell, Column, Table, header_cells
from ..workbook.new import deterministic_bytes
from .colwidths import table_fit
from .format import cell_text

FONT_NAME = "宋体"
BODY_PT = 10
TITLE_PT = 16
SUBTITLE_PT = 11
LINE_PT = 14.5            # height of one line of 10 pt text (CJK fonts have tall line boxes)
PAD_PT = 4.0              # cell padding, top + bottom
MAX_ROW_PT = 409.0        # Excel's limit for a row height

# target total width in Excel width units (≈ one digit; a CJK character is ~2) of the
# printable A4 width at 100 %; wider tables are shrunk by fit-to-width when printed
TARGET_WIDTH = {True: 168.0, False: 112.0}   # landscape, portrait
TARGET_A3 = 244.0         # A3 landscape, for a table the PDF prints on A3 (colwidths)
MIN_COL = 4.0
CJK_WIDTH = 1.9           # a CJK character of 10 pt 宋体 in Excel width units
TEXT_GROW = 1.5           # a text column may grow by this factor (or to TEXT_GROW_MIN) when
TEXT_GROW_MIN = 24.0      # that puts its longest entry on one line; otherwise it wraps

MONEY = "#,##0"
MONEY_CENTS = "#,##0.00"
TEXT_FORMAT = "@"

THIN = Side(style="thin", color="333333")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="E9EEF5")     # thead (style.css --light)
LABEL_FILL = PatternFill("solid", fgColor="F6F8FB")    # form labels (th scope=row)
TOTAL_FILL = PatternFill("solid", fgColor="F3F3F3")    # 合计 row

SHEET_NAME_MAX = 31
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
FOOTER = "第 &P 页，共 &N 页"


# ---------------------------------------------------------------------------------------------
# number formats

def money_format(cents: bool, blank_zero: bool) -> str:
    """'#,##0' / '#,##0.00'; with blank_zero a third (zero) section that prints nothing, so
    the cell keeps its 0 and shows blank, as the published tables do."""
    base = MONEY_CENTS if cents else MONEY
    return f"{base};-{base};;@" if blank_zero else base


def has_cents(value: Decimal) -> bool:
    return value != value.to_integral_value()


def excel_number(value: Decimal) -> int | float:
    """Decimal 元 -> a number openpyxl writes as a plain numeric cell (no exponent form)."""
    return int(value) if not has_cents(value) else float(value)


# ---------------------------------------------------------------------------------------------
# text measurement (Excel width units: a digit ≈ 1, a CJK / full-width character ≈ 1.9)

def text_width(text: str) -> float:
    return sum(CJK_WIDTH if unicodedata.east_asian_width(ch) in "WFA" else 1.0 for ch in text)


def line_count(text: str, width: float) -> int:
    """Lines a wrapped *text* needs in a cell *width* units wide (CJK breaks anywhere)."""
    usable = max(width - 2.5, 1.0)   # cell padding and the one-level indent
    return sum(max(1, math.ceil(text_width(part) / usable)) for part in text.split("\n"))


def display(cell: Cell, column: Column | None) -> str:
    return cell_text(cell.value, getattr(column, "kind", None))


# ---------------------------------------------------------------------------------------------
# placement: IR rows of spanning cells -> absolute grid positions

@dataclass(frozen=True)
class Placed:
    row: int        # 0-based within its block (header or body)
    col: int        # 0-based column
    cell: Cell


def place(rows: list[tuple[Cell, ...]], width: int) -> list[Placed]:
    """Where every body cell lands in the grid (same rules as ``table.expand``); header cells
    come placed from the IR (``table.header_cells``)."""
    out: list[Placed] = []
    covered: set[tuple[int, int]] = set()
    for r, cells in enumerate(rows):
        c = 0
        for cell in cells:
            while (r, c) in covered:
                c += 1
            if c >= width:
                break
            out.append(Placed(r, c, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    covered.add((r + dr, c + dc))
            c += cell.colspan
    return out


# ---------------------------------------------------------------------------------------------
# sheet names

def sheet_names(views: Views) -> dict[str, str]:
    """Table id -> sheet name: "表1 部门收支总体情况表", "表5-2 …", "表11-3 <项目名称>",
    "表11 <部门整体 title>"; at most 31 characters, no []:*?/\\, unique (case-insensitive)."""
    names: dict[str, str] = {}
    used: set[str] = set()
    for t in views.tables:
        suffix = t.id.removeprefix("table-")
        if not re.fullmatch(r"\d+(?:-\d+)*", suffix):
            suffix = t.number
        label = t.caption or t.title
        names[t.id] = unique_sheet_name(f"表{suffix} {label}", used)
    return names


def clean_sheet_name(name: str) -> str:
    name = _BAD_SHEET_CHARS.sub("_", " ".join(name.split())).strip("'")
    return name[:SHEET_NAME_MAX].rstrip().strip("'") or "Sheet"


def unique_sheet_name(name: str, used: set[str]) -> str:
    base = clean_sheet_name(name)
    candidate, n = base, 1
    while candidate.casefold() in used:
        n += 1
        tail = f"~{n}"
        candidate = base[:SHEET_NAME_MAX - len(tail)].rstrip() + tail
    used.add(candidate.casefold())
    return candidate


# ---------------------------------------------------------------------------------------------
# one sheet

def _font(bold: bool = False, size: float = BODY_PT) -> Font:
    return Font(name=FONT_NAME, size=size, bold=bold)


def column_formats(t: Table) -> list[str | None]:
    """Money number format per column: cents anywhere in the column -> two decimals for all."""
    grid = t.grid_rows()
    out: list[str | None] = []
    for i, col in enumerate(t.columns):
        vals = [r[i] for r in grid if isinstance(r[i], Decimal)]
        cents = any(has_cents(v) for v in vals)
        out.append(money_format(cents, t.blank_zero) if col.kind != "number" else None)
    return out


def column_widths(t: Table, print_data: dict | None = None) -> list[float]:
    """The widths of the HTML/PDF (colwidths.table_fit: from content, in the profile's
    proportions) scaled to the printable page, widened where Excel's font needs more: amounts
    and codes never wrap; in list tables a text column grows a little when that keeps its
    entries on one line. Forms (no header rows, 表11) keep the proportions and wrap their text."""
    fitted = table_fit(t, print_data)
    target = TARGET_A3 if fitted.page == "oversize" else TARGET_WIDTH[t.landscape or bool(fitted.page)]
    base = [max(MIN_COL, p * target / 100) for p in fitted.percents]
    widths = list(base)
    for p in place([r.cells for r in t.rows], len(t.columns)):
        if p.cell.colspan != 1 or p.cell.value is None:
            continue
        col = t.columns[p.col]
        text = display(p.cell, col)
        need = text_width(text) + 4.5   # + padding and the one-level indent
        if isinstance(p.cell.value, Decimal) or col.kind in ("code", "money", "number"):
            widths[p.col] = max(widths[p.col], need)
        elif t.header and "\n" not in text and need <= max(TEXT_GROW_MIN, base[p.col] * TEXT_GROW):
            widths[p.col] = max(widths[p.col], need)
    return [round(w, 1) for w in widths]


def _span_width(widths: list[float], col: int, colspan: int) -> float:
    return sum(widths[col:col + colspan])


def _row_heights(placed: list[Placed], n_rows: int, widths: list[float], wrap_of) -> list[float]:
    """Row heights (pt) so every wrapped cell shows all its lines; a cell spanning rows
    spreads what it lacks over them."""
    one = LINE_PT + PAD_PT
    heights = [one] * n_rows
    tall: list[tuple[Placed, float]] = []
    for p in placed:
        text = wrap_of(p)
        if not text:
            continue
        need = line_count(text, _span_width(widths, p.col, p.cell.colspan)) * LINE_PT + PAD_PT
        if p.cell.rowspan == 1:
            heights[p.row] = max(heights[p.row], need)
        else:
            tall.append((p, need))
    for p, need in tall:
        rows = range(p.row, min(p.row + p.cell.rowspan, n_rows))
        lack = need - sum(heights[r] for r in rows)
        if lack > 0:
            for r in rows:
                heights[r] += lack / len(rows)
    return [min(MAX_ROW_PT, round(h, 1)) for h in heights]


def _merge(ws, row: int, col: int, rowspan: int, colspan: int) -> None:
    if rowspan > 1 or colspan > 1:
        ws.merge_cells(start_row=row, start_column=col, end_row=row + rowspan - 1,
                       end_column=col + colspan - 1)


def _banner(ws, row: int, ncols: int, text: str, font: Font, horizontal: str, height: float,
            wrap: bool = False, vertical: str = "center") -> None:
    """A line across the whole table: title, subtitle, unit, note."""
    c = ws.cell(row=row, column=1)
    _set_value(c, text)
    c.font = font
    c.alignment = Alignment(horizontal=horizontal, vertical=vertical, wrap_text=wrap)
    _merge(ws, row, 1, 1, ncols)
    ws.row_dimensions[row].height = height


MAX_TEXT = 32_767   # characters in one Excel cell


def _set_value(c, value) -> None:
    """Strings stay strings (a leading '=' is text, not a formula). Text longer than a cell can
    hold is refused (openpyxl would cut it silently); the reader's E-CELL-004 names the
    workbook cell, this names the 附表 cell when several texts were joined."""
    if isinstance(value, str) and len(value) > MAX_TEXT:
        from .build import BuildError
        raise BuildError(f"附表工作簿“{c.parent.title}”!{c.coordinate} 的文字有 {len(value):,} 个"
                         f"字符，超过 Excel 单元格 {MAX_TEXT:,} 个字符的上限；请精简相应的文字")
    c.value = value
    if c.data_type == "f":
        c.data_type = "s"
        c.quotePrefix = True


def write_table(ws, t: Table, print_data: dict | None = None) -> dict:
    """Draw *t* on *ws*; returns the layout (row numbers) for tests and callers."""
    ncols = len(t.columns)
    widths = column_widths(t, print_data)
    formats = column_formats(t)
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w

    row = 1
    title_lines = line_count(t.title, sum(widths) * BODY_PT / TITLE_PT)
    _banner(ws, row, ncols, t.title, _font(True, TITLE_PT), "center", max(30, title_lines * 22 + 8),
            wrap=True)
    row += 1
    if t.subtitle:
        _banner(ws, row, ncols, t.subtitle, _font(False, SUBTITLE_PT), "center", 20)
        row += 1
    if t.unit_label:
        _banner(ws, row, ncols, t.unit_label, _font(), "right", 18)
        row += 1

    # header rows --------------------------------------------------------------------------
    head_top = row
    head = [Placed(r, c, cell) for r, c, cell in header_cells(t.columns)] if t.header else []
    n_head = len(t.header)
    for r in range(n_head):
        for c in range(ncols):
            cell = ws.cell(row=head_top + r, column=c + 1)
            cell.border, cell.fill, cell.font = BORDER, HEAD_FILL, _font(True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for p in head:
        c = ws.cell(row=head_top + p.row, column=p.col + 1)
        _set_value(c, p.cell.value)
        _merge(ws, head_top + p.row, p.col + 1, p.cell.rowspan, p.cell.colspan)
    for r, h in enumerate(_row_heights(head, n_head, widths,
                                       lambda p: display(p.cell, None)), head_top):
        ws.row_dimensions[r].height = h
    row = head_top + n_head

    # body ---------------------------------------------------------------------------------
    body_top = row
    body = place([r.cells for r in t.rows], ncols)
    n_body = len(t.rows)
    for r, irow in enumerate(t.rows):
        strong = irow.kind in ("total", "unit")
        for c in range(ncols):
            cell = ws.cell(row=body_top + r, column=c + 1)
            cell.border = BORDER
            cell.font = _font(strong)
            if irow.kind == "total":
                cell.fill = TOTAL_FILL
    first_text: dict[int, int] = {}
    for p in body:
        column = t.columns[p.col]
        if (isinstance(p.cell.value, str) and column.kind == "text" and not p.cell.header
                and p.row not in first_text):
            first_text[p.row] = p.col
    for p in body:
        irow = t.rows[p.row]
        column = t.columns[p.col]
        c = ws.cell(row=body_top + p.row, column=p.col + 1)
        v = p.cell.value
        horizontal, wrap = "left", False
        if isinstance(v, Decimal):
            c.value = excel_number(v)
            if column.kind == "number":
                c.number_format = MONEY if not has_cents(v) else "General"
            else:
                c.number_format = formats[p.col] or money_format(has_cents(v), t.blank_zero)
            horizontal = "right"
        elif v is not None:
            _set_value(c, str(v))
            c.number_format = TEXT_FORMAT
            if column.kind == "code" and not p.cell.header:
                horizontal = "center"
            else:
                wrap = True
        if p.cell.header:
            horizontal, wrap = "center", True
            c.fill = LABEL_FILL
            c.font = _font(False)
        if p.cell.align:
            horizontal = p.cell.align
        indent = 0
        if horizontal in ("left", "right"):   # a little air between the text and the rule
            indent = 1 + (2 * irow.indent if first_text.get(p.row) == p.col else 0)
        c.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=wrap,
                                indent=indent)
        _merge(ws, body_top + p.row, p.col + 1, p.cell.rowspan, p.cell.colspan)

    def body_text(p: Placed) -> str:
        v = p.cell.value
        if v is None or isinstance(v, Decimal):
            return ""
        if t.columns[p.col].kind == "code" and not p.cell.header:
            return ""
        return str(v) + " " * (4 * t.rows[p.row].indent)

    for r, h in enumerate(_row_heights(body, n_body, widths, body_text), body_top):
        ws.row_dimensions[r].height = h
    row = body_top + n_body

    # note ---------------------------------------------------------------------------------
    note_row = None
    if t.note:
        note_row = row
        lines = line_count(t.note, sum(widths))
        _banner(ws, row, ncols, t.note, _font(), "left", lines * LINE_PT + PAD_PT + 2, wrap=True,
                vertical="top")
        row += 1

    # view and print -----------------------------------------------------------------------
    if n_head:
        ws.freeze_panes = ws.cell(row=body_top, column=1).coordinate
        ws.print_title_rows = f"{head_top}:{head_top + n_head - 1}"
    ws.sheet_view.showGridLines = False
    page = table_fit(t, print_data).page    # the PDF's page: larger when the table needs it
    ws.page_setup.orientation = "landscape" if t.landscape or page else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A3 if page == "oversize" else ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.55, bottom=0.6, header=0.3, footer=0.3)
    ws.oddFooter.center.text = FOOTER
    ws.oddFooter.center.size = 9
    last = get_column_letter(ncols)
    ws.print_area = f"A1:{last}{row - 1}"
    return {"head_top": head_top, "body_top": body_top, "note_row": note_row,
            "rows": n_body, "header_rows": n_head}


# ---------------------------------------------------------------------------------------------

def build_xlsx(views: Views, meta_date: str, print_data: dict | None = None) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    names = sheet_names(views)
    for t in views.tables:
        write_table(wb.create_sheet(names[t.id]), t, print_data)
    stamp = datetime.fromisoformat(meta_date)
    info = views.budget.info
    wb.properties.creator = "gongkai"
    wb.properties.lastModifiedBy = "gongkai"
    wb.properties.title = f"{info.dept_name} {info.year}"
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.active = 0
    return wb


def render_xlsx(views: Views, meta_date: str, print_data: dict | None = None) -> bytes:
    """The 附表 workbook as deterministic bytes; *print_data*: [print] of document.toml, for
    the column widths the HTML has."""
    return deterministic_bytes(build_xlsx(views, meta_date, print_data))
