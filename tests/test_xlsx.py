"""The 附表 workbook (--format xlsx): every sheet is the Table IR, cell for cell the same as the
HTML table and the open-data CSV; amounts are numbers, header merges are the IR spans, the print
set-up is the published one, and the bytes are deterministic."""
from __future__ import annotations

import csv
import re
import shutil
import subprocess
import time
import zipfile
from decimal import Decimal
from html.parser import HTMLParser

import openpyxl
import pytest
from openpyxl.cell.cell import MergedCell

from compiler.render.build import meta_date
from compiler.render.opendata import FORMULA_START, flat_labels
from compiler.render.xlsx import (SHEET_NAME_MAX, clean_sheet_name, place, sheet_names,
                                  unique_sheet_name)
from conftest import EXAMPLE, build, run_cli, example_views

STEM = EXAMPLE.stem


@pytest.fixture(scope="module")
def example():
    budget, _, views = example_views()
    return budget, views


@pytest.fixture(scope="module")
def built(tmp_path_factory, example):
    budget, _ = example
    out = tmp_path_factory.mktemp("build")
    build(EXAMPLE, out, ["html", "xlsx", "data"])
    return out


@pytest.fixture(scope="module")
def wb(built):
    return openpyxl.load_workbook(built / f"{STEM}-附表.xlsx")


def layout(t):
    """Row numbers (1-based) of the sheet: title, [subtitle], [unit], header rows, body, note."""
    head_top = 2 + bool(t.subtitle) + bool(t.unit_label)
    body_top = head_top + len(t.header)
    return head_top, body_top, body_top + len(t.rows)


# ---------------------------------------------------------------------------------------------
# HTML reader: <section id="table-…"> -> header rows and body rows of (tag, text, colspan, rowspan)

class TableSections(HTMLParser):
    def __init__(self, ids):
        super().__init__(convert_charrefs=True)
        self.ids = set(ids)
        self.tables: dict[str, dict[str, list]] = {}
        self.current = None
        self.part = None
        self.cell = None
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section":
            if self.current is not None:
                self.depth += 1
            elif a.get("id") in self.ids:
                self.current = a["id"]
                self.tables[self.current] = {"thead": [], "tbody": []}
                self.depth = 0
        elif self.current is None:
            return
        elif tag in ("thead", "tbody"):
            self.part = tag
        elif tag == "tr" and self.part:
            self.tables[self.current][self.part].append([])
        elif tag in ("td", "th") and self.part:
            self.cell = [tag, "", int(a.get("colspan", 1)), int(a.get("rowspan", 1))]

    def handle_endtag(self, tag):
        if self.current is None:
            return
        if tag == "section":
            if self.depth:
                self.depth -= 1
            else:
                self.current = None
        elif tag in ("td", "th") and self.cell is not None:
            self.tables[self.current][self.part][-1].append(tuple(self.cell))
            self.cell = None
        elif tag in ("thead", "tbody"):
            self.part = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[1] += data


@pytest.fixture(scope="module")
def html_tables(built, example):
    _, views = example
    parser = TableSections([t.id for t in views.tables])
    parser.feed((built / f"{STEM}.html").read_text(encoding="utf-8"))
    assert set(parser.tables) == {t.id for t in views.tables}
    return parser.tables


def html_grid(rows, width):
    """Anchored cells at their grid positions (covered positions -> None)."""
    grid = [[None] * width for _ in rows]
    covered = set()
    for r, cells in enumerate(rows):
        c = 0
        for tag, text, colspan, rowspan in cells:
            while (r, c) in covered:
                c += 1
            grid[r][c] = text
            for dr in range(rowspan):
                for dc in range(colspan):
                    covered.add((r + dr, c + dc))
            c += colspan
    return grid


def html_spans(rows, width):
    out, covered = set(), set()
    for r, cells in enumerate(rows):
        c = 0
        for tag, text, colspan, rowspan in cells:
            while (r, c) in covered:
                c += 1
            if colspan > 1 or rowspan > 1:
                out.add((r, c, rowspan, colspan))
            for dr in range(rowspan):
                for dc in range(colspan):
                    covered.add((r + dr, c + dc))
            c += colspan
    return out


NUMBER = re.compile(r"-?[\d,]+(\.\d+)?")


def norm(value):
    """One comparable form for a cell read back from HTML, CSV or xlsx: numbers as Decimal,
    text as text, empty as None."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    if NUMBER.fullmatch(value):
        return Decimal(value.replace(",", ""))
    return value


def shown(value, number_format: str) -> str:
    """What Excel shows for a numeric cell under our number formats."""
    d = Decimal(str(value))
    section = number_format.split(";")
    if d == 0 and len(section) >= 3:
        return ""   # zero section empty: blank
    if section[0] == "#,##0.00":
        return f"{d:,.2f}"
    if section[0] == "#,##0":
        return f"{int(d):,}"
    return f"{d.normalize():f}"


# ---------------------------------------------------------------------------------------------

def test_one_sheet_per_table_with_readable_unique_names(wb, example):
    _, views = example
    names = sheet_names(views)
    assert wb.sheetnames == [names[t.id] for t in views.tables]
    assert len(wb.sheetnames) == len(views.tables) == 11 + 1 + len(views.budget.projects)
    assert all(len(n) <= SHEET_NAME_MAX for n in wb.sheetnames)
    assert len({n.casefold() for n in wb.sheetnames}) == len(wb.sheetnames)
    assert wb.sheetnames[:6] == ["表1 部门收支总体情况表", "表2 部门收入总体情况表",
                                 "表3 部门支出总体情况表", "表4 财政拨款收支总体情况表",
                                 "表5-1 一般公共预算支出情况表", "表5-2 一般公共预算支出情况表"]
    assert wb.sheetnames[11] == f"表11-1 {views.budget.projects[0].name}"
    assert wb.sheetnames[-1] == "表11 市级部门整体绩效目标申报表"


def test_sheet_name_rules():
    assert clean_sheet_name("表11-2 a/b:c*d?e[f]g\\h") == "表11-2 a_b_c_d_e_f_g_h"
    long = "表11-3 " + "很长的项目名称" * 10
    assert len(clean_sheet_name(long)) == SHEET_NAME_MAX
    used: set[str] = set()
    first = unique_sheet_name(long, used)
    second = unique_sheet_name(long, used)
    assert first != second and second.endswith("~2") and len(second) <= SHEET_NAME_MAX
    assert unique_sheet_name("Sheet", {"sheet"}) == "Sheet~2"   # Excel ignores case


def test_numbers_are_the_same_in_xlsx_csv_and_html(wb, built, example, html_tables):
    """Every 附表, every body cell: xlsx value == CSV value == HTML text (numbers compared as
    numbers; a zero printed blank in HTML is a 0 in xlsx hidden by its number format and a 0
    in the CSV). The header rows match too."""
    _, views = example
    names = sheet_names(views)
    data = built / f"{STEM}-data"
    for t in views.tables:
        ws = wb[names[t.id]]
        width = len(t.columns)
        head_top, body_top, end = layout(t)
        with open(data / f"{t.id}.csv", encoding="utf-8-sig", newline="") as fh:
            csv_rows = list(csv.reader(fh))
        assert csv_rows[0][:width] == flat_labels(t)
        csv_body = [r[:width] for r in csv_rows[1:]]
        html_body = html_grid(html_tables[t.id]["tbody"], width)
        html_head = html_grid(html_tables[t.id]["thead"], width)
        assert len(csv_body) == len(html_body) == len(t.rows) == end - body_top, t.id

        for r in range(len(t.header)):
            xl = [None if isinstance(c, MergedCell) else c.value for c in ws[head_top + r][:width]]
            assert xl == html_head[r], (t.id, r)

        covered = {(p.row + dr, p.col + dc) for p in place([row.cells for row in t.rows], width)
                   for dr in range(p.cell.rowspan) for dc in range(p.cell.colspan)
                   if (dr, dc) != (0, 0)}
        for r in range(len(t.rows)):
            for c in range(width):
                cell = ws.cell(row=body_top + r, column=c + 1)
                where = (t.id, r, c)
                if (r, c) in covered:
                    assert isinstance(cell, MergedCell) and html_body[r][c] is None, where
                    assert csv_body[r][c] == "", where
                    continue
                h, x, v = html_body[r][c], cell.value, csv_body[r][c]
                if v.startswith("'") and v[1:].startswith(FORMULA_START):
                    v = v[1:]   # the CSV neutralises a formula start (目标值 =100%): same text
                if isinstance(x, (int, float)) and not isinstance(x, bool):
                    assert h == shown(x, cell.number_format), where   # what a reader sees
                    if x == 0 and t.blank_zero and t.columns[c].kind == "money":
                        assert h == "" and v == "0", where
                        continue
                assert norm(x) == norm(h) == norm(v), where


def test_amounts_are_numbers_and_codes_text(wb, example):
    _, views = example
    names = sheet_names(views)
    amounts = 0
    for t in views.tables:
        ws = wb[names[t.id]]
        _, body_top, _ = layout(t)
        for p in place([row.cells for row in t.rows], len(t.columns)):
            cell = ws.cell(row=body_top + p.row, column=p.col + 1)
            v = p.cell.value
            if isinstance(v, Decimal):
                amounts += 1
                assert cell.data_type == "n" and isinstance(cell.value, (int, float)), (t.id, p)
                assert Decimal(str(cell.value)) == v
                fmt = cell.number_format
                if t.columns[p.col].kind == "number":
                    assert fmt in ("#,##0", "General")
                elif t.blank_zero:
                    assert fmt in ("#,##0;-#,##0;;@", "#,##0.00;-#,##0.00;;@"), fmt
                else:
                    assert fmt in ("#,##0", "#,##0.00"), fmt
                assert cell.alignment.horizontal == "right"
            elif t.columns[p.col].kind == "code" and v is not None:
                assert cell.data_type == "s" and cell.value == v and cell.number_format == "@"
                assert v[0] == "0" or v.isdigit()
    assert amounts > 1000
    # 表1's 专项收入 is 0: stored, printed blank; 表7's 因公出国 is 0 and prints 0
    t1 = wb[names["table-1"]]
    assert t1["B7"].value == 0 and t1["B7"].number_format.endswith(";;@")
    t7 = wb[names["table-7"]]
    assert t7["B5"].value == 0 and t7["B5"].number_format == "#,##0"


def test_merged_cells_are_exactly_the_ir_spans(wb, example, html_tables):
    _, views = example
    names = sheet_names(views)
    for t in views.tables:
        ws = wb[names[t.id]]
        width = len(t.columns)
        head_top, body_top, end = layout(t)
        expected = {(1, 1, 1, width)}                               # title
        if t.subtitle:
            expected.add((2, 1, 1, width))
        if t.unit_label:
            expected.add((head_top - 1, 1, 1, width))
        if t.note:
            expected.add((end, 1, 1, width))
        head = {(head_top + p.row, p.col + 1, p.cell.rowspan, p.cell.colspan)
                for p in place(list(t.header), width) if p.cell.rowspan > 1 or p.cell.colspan > 1}
        body = {(body_top + p.row, p.col + 1, p.cell.rowspan, p.cell.colspan)
                for p in place([r.cells for r in t.rows], width)
                if p.cell.rowspan > 1 or p.cell.colspan > 1}
        actual = {(m.min_row, m.min_col, m.max_row - m.min_row + 1, m.max_col - m.min_col + 1)
                  for m in ws.merged_cells.ranges}
        assert actual == expected | head | body, t.id
        # the same spans the HTML table has
        assert {(r - head_top, c - 1, rs, cs) for r, c, rs, cs in head} == \
            html_spans(html_tables[t.id]["thead"], width), t.id


def test_layout_and_print_setup(wb, example):
    _, views = example
    names = sheet_names(views)
    for t in views.tables:
        ws = wb[names[t.id]]
        width = len(t.columns)
        head_top, body_top, end = layout(t)
        title = ws.cell(row=1, column=1)
        assert title.value == t.title and title.font.b and title.alignment.horizontal == "center"
        if t.subtitle:
            assert ws.cell(row=2, column=1).value == t.subtitle
        if t.unit_label:
            unit = ws.cell(row=head_top - 1, column=1)
            assert unit.value == t.unit_label and unit.alignment.horizontal == "right"
        for r in range(head_top, body_top):
            for c in range(1, width + 1):
                cell = ws.cell(row=r, column=c)
                if not isinstance(cell, MergedCell):
                    assert cell.font.b and cell.border.left.style == "thin"
                    assert cell.alignment.horizontal == "center" and cell.alignment.wrap_text
        for r, row in enumerate(t.rows, body_top):
            anchors = [ws.cell(row=r, column=c) for c in range(1, width + 1)]
            anchors = [a for a in anchors if not isinstance(a, MergedCell)]
            assert all(a.border.bottom.style == a.border.top.style == "thin" for a in anchors)
            if row.kind in ("total", "unit"):
                assert all(a.font.b for a in anchors)
        if t.note:
            note = ws.cell(row=end, column=1)
            assert note.value == t.note and note.alignment.wrap_text
            assert ws.row_dimensions[end].height >= 18
        else:
            assert ws.max_row == end - 1
        if t.empty:
            assert not t.rows and end == body_top and ws.cell(row=body_top, column=1).value == t.note
        # print: A4, orientation of the Table, fit to one page wide, header rows repeated
        assert ws.page_setup.orientation == ("landscape" if t.landscape else "portrait")
        assert int(ws.page_setup.paperSize) == 9   # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        if t.header:
            assert ws.freeze_panes == f"A{body_top}"
            assert ws.print_title_rows == f"${head_top}:${body_top - 1}"
        # widths: every column set; amounts never need more room than they have
        for i, col in enumerate(t.columns, 1):
            w = ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width
            assert w >= 4
            for r in range(body_top, body_top + len(t.rows)):
                cell = ws.cell(row=r, column=i)
                if isinstance(cell.value, (int, float)) and cell.coordinate not in ws.merged_cells:
                    assert w >= len(shown(cell.value, cell.number_format)) + 2, (t.id, cell.coordinate)


def test_wrapped_text_rows_are_tall_enough(wb, example):
    """Form-like tables (表11) keep their spans and wrap long text in rows sized for it."""
    _, views = example
    names = sheet_names(views)
    t = next(t for t in views.tables if t.id == "table-11-1")
    ws = wb[names[t.id]]
    _, body_top, _ = layout(t)
    r = next(i for i, row in enumerate(t.rows) if row.key == "overview")
    cell = ws.cell(row=body_top + r, column=2)
    assert cell.alignment.wrap_text and len(cell.value) > 100
    assert ws.row_dimensions[body_top + r].height > 3 * 14


def test_two_builds_are_byte_identical(built, example, tmp_path):
    budget, _ = example
    time.sleep(1.1)  # a clock leaking into the file would show
    build(EXAMPLE, tmp_path, ["xlsx"])
    name = f"{STEM}-附表.xlsx"
    assert (tmp_path / name).read_bytes() == (built / name).read_bytes()
    with zipfile.ZipFile(built / name) as z:
        core = z.read("docProps/core.xml").decode()
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in z.infolist())
    stamp = meta_date(budget)
    assert "<dc:creator>gongkai</dc:creator>" in core
    assert core.count(f"{stamp}T00:00:00Z") == 2   # created and modified


def test_cli_builds_xlsx_and_data(small, tmp_path):
    out = tmp_path / "out"
    r = run_cli("build", small, "-o", out, "--format", "xlsx,data")
    assert r.returncode == 0, r.stderr
    assert (out / "small-附表.xlsx").exists() and (out / "small-data" / "datapackage.json").exists()
    assert not (out / "small.html").exists()
    wb = openpyxl.load_workbook(out / "small-附表.xlsx")
    assert wb.sheetnames[0] == "表1 部门收支总体情况表" and len(wb.sheetnames) == 13
    assert "xlsx" in run_cli("build", "--help").stdout


@pytest.mark.skipif(not shutil.which("soffice") or not shutil.which("pdftotext"),
                    reason="LibreOffice (soffice) or poppler-utils (pdftotext) not installed")
def test_libreoffice_prints_every_column(built, example, tmp_path):
    """Printed by LibreOffice: landscape pages for landscape tables, and no column cut off —
    the page with a table's title also shows its last header column."""
    _, views = example
    xlsx = built / f"{STEM}-附表.xlsx"
    r = subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                        "--convert-to", "pdf", "--outdir", str(tmp_path), str(xlsx)],
                       capture_output=True, text=True, timeout=300)
    pdf = tmp_path / f"{xlsx.stem}.pdf"
    assert pdf.exists(), r.stdout + r.stderr
    from pypdf import PdfReader
    pages = PdfReader(pdf).pages
    texts = [subprocess.run(["pdftotext", "-f", str(i), "-l", str(i), "-layout", str(pdf), "-"],
                            capture_output=True, text=True).stdout for i in range(1, len(pages) + 1)]
    flat = ["".join(x.split()) for x in texts]
    firsts = []
    for t in views.tables:   # the page each table starts on (titles repeat: search in order)
        start = firsts[-1] + 1 if firsts else 0
        firsts.append(next(i for i in range(start, len(flat)) if t.title in flat[i]))
    assert firsts[0] == 0
    for n, t in enumerate(views.tables):
        end = firsts[n + 1] if n + 1 < len(firsts) else len(pages)
        for i in range(firsts[n], end):
            box = pages[i].mediabox
            assert (box.width > box.height) == t.landscape, (t.id, i)
            if t.header:   # every page shows the left edge (and header rows are repeated) ...
                assert "".join(str(t.header[0][0].value).split()) in flat[i], (t.id, i)
        row = t.rows[0] if t.rows else None
        amounts = [v for v in (t.grid_rows()[0] if row else []) if isinstance(v, Decimal) and v]
        if t.header and amounts:   # ... and the right edge: the first row's last amount
            assert f"{int(amounts[-1]):,}" in flat[firsts[n]], t.id


def test_text_a_cell_cannot_hold_is_refused_not_cut():
    """openpyxl cuts a string at 32,767 characters without a word; the 附表 writer refuses it,
    naming the sheet and cell (the reader's E-CELL-004 names the workbook cell first)."""
    from openpyxl import Workbook

    from compiler.render.build import BuildError
    from compiler.render.xlsx import _set_value
    ws = Workbook().active
    ws.title = "表11-1 测试专项"
    _set_value(ws["B11"], "字" * 32767)
    assert len(ws["B11"].value) == 32767
    with pytest.raises(BuildError, match=r"“表11-1 测试专项”!B12 的文字有 32,768 个字符"):
        _set_value(ws["B12"], "字" * 32768)
    assert ws["B12"].value is None
