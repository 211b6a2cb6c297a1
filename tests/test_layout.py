"""Issue 11: tables fit by construction (column widths from content, compiler/render/colwidths.py)
and every PDF build proves it (the laid-out boxes, compiler/render/layoutcheck.py): an amount
wider than its column fails the build with E-LAYOUT-001 naming 附表, row and column."""
from __future__ import annotations

import re
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from compiler.config import load_config
from compiler.derive.table import Cell, Column, Row, Table
from compiler.render.colwidths import BOLD, REGULAR, WIDE, fit, geometry, table_fit, text_em
from conftest import ROOT, run_cli

sys.path.insert(0, str(ROOT / "benchmarks"))
import corpus  # noqa: E402

PRINT = load_config().data["print"]
MAX = Decimal("9999999999.99")


def money_table(n_money: int, value: Decimal = MAX, landscape: bool = True) -> Table:
    cols = (Column("name", ("科目名称",), "text", 4.4),
            *(Column(f"m{i}", ("基本支出", f"第{i}列"), "money", 2.1) for i in range(n_money)))
    rows = (Row("total", (Cell("合计"), *(Cell(value) for _ in range(n_money)))),
            Row("item", (Cell("城市基础设施和公共服务综合保障与管理运行维护专项工作经费"),
                         *(Cell(Decimal("1.5")) for _ in range(n_money)))))
    return Table("table-x", "x", "测试表", cols, rows, landscape=landscape)


def test_widest_bold_total_with_cents_gets_its_width():
    t = money_table(8)
    f = table_fit(t, PRINT)
    g = geometry(PRINT, landscape=True)
    need = text_em("9,999,999,999.99", bold=True) * g.font_pt + g.padding_pt
    assert f.font_pt is None and f.fits
    assert all(w > need for w in f.widths_pt[1:])
    assert sum(f.percents) == pytest.approx(100)
    assert f.widths_pt[0] > f.widths_pt[1]          # the name column keeps the rest


def test_proportions_are_kept_when_every_share_suffices():
    t = money_table(3, Decimal("12.00"))
    f = table_fit(t, PRINT)
    assert [round(p, 2) for p in f.percents] == [round(100 * c.width / 10.7, 2) for c in t.columns]


def test_a_table_too_wide_steps_its_font_down_to_the_floor():
    f = table_fit(money_table(10), PRINT)           # 10 ten-digit amounts: not at 8 pt
    assert f.fits and 7 <= f.font_pt < 8
    assert f.style() == f"--print-font: {f.font_pt:g}pt"
    g = geometry(PRINT, landscape=True)
    assert fit(money_table(10), g).font_pt == f.font_pt == 7.5
    floor = fit(money_table(30), g)                 # cannot fit: floor, and layoutcheck fails it
    assert floor.font_pt == g.min_font_pt and not floor.fits


def test_what_does_not_fit_at_the_floor_gets_a_larger_page():
    a3 = table_fit(money_table(14), PRINT)          # 14 ten-digit amounts: A3 landscape
    assert a3.page == "oversize" and a3.fits and a3.font_pt == PRINT["oversize_font_pt"]
    turned = table_fit(money_table(7, landscape=False), PRINT)   # portrait, 7 amounts
    assert turned.page == "landscape" and turned.fits
    assert table_fit(money_table(60), PRINT).page is None        # nothing fits: its own page


def test_print_geometry_agrees_with_style_css():
    """colwidths computes with document.toml [print]; WeasyPrint prints with style.css."""
    css = (ROOT / "templates" / "standard" / "style.css").read_text(encoding="utf-8")
    page = re.search(r"@page \{[^}]*size: A4 portrait;\s*margin: ([\d.]+)mm ([\d.]+)mm ([\d.]+)mm ([\d.]+)mm", css)
    wide = re.search(r"@page wide \{[^}]*size: A4 landscape;\s*margin: ([\d.]+)mm ([\d.]+)mm ([\d.]+)mm ([\d.]+)mm", css)
    assert 210 - float(page[2]) - float(page[4]) == PRINT["portrait_width_mm"]
    assert 297 - float(wide[2]) - float(wide[4]) == PRINT["landscape_width_mm"]
    a3 = re.search(r"@page oversize \{[^}]*size: A3 landscape;\s*margin: ([\d.]+)mm ([\d.]+)mm ([\d.]+)mm ([\d.]+)mm", css)
    assert 420 - float(a3[2]) - float(a3[4]) == PRINT["oversize_width_mm"]
    assert f"table.budget {{ font-size: var(--print-font, {PRINT['portrait_font_pt']}pt); }}" in css
    assert f"section.landscape table.budget {{ font-size: var(--print-font, {PRINT['landscape_font_pt']}pt); }}" in css
    assert f"padding: {PRINT['cell_padding_px']}px {PRINT['cell_padding_px']}px;" in css
    assert f"border: {PRINT['border_pt']}pt solid" in css
    assert f"tr.indent-1 td.text:first-of-type {{ padding-left: {PRINT['indent_em']}em; }}" in css


def test_font_advances_are_no_narrower_than_the_installed_fonts():
    """The em widths colwidths uses, against the real advances of the CJK faces the CSS names."""
    from fontTools.ttLib import TTCollection, TTFont

    from compiler.render.fonts import SANS, SERIF, font_files
    files = {p for fam in (*SERIF, *SANS) for p in font_files(fam)}
    if not files:
        pytest.skip("no CJK font installed")
    checked = 0
    for path in sorted(files):
        fonts = (TTCollection(str(path), lazy=True).fonts if path.suffix.lower() in (".ttc", ".otc")
                 else [TTFont(str(path), lazy=True)])
        for font in fonts[:1]:   # the faces of a collection share the Latin glyphs
            bold = font["OS/2"].usWeightClass >= 600
            table, upm = (BOLD if bold else REGULAR), font["head"].unitsPerEm
            cmap, hmtx = font.getBestCmap(), font["hmtx"]
            for ch in "0123456789,.-% 中（":
                advance = hmtx[cmap[ord(ch)]][0] / upm
                assert text_em(ch, bold) >= advance - 1e-9, (path.name, ch, advance)
            checked += 1
    assert checked and WIDE == 1.0


def test_excel_starts_from_the_same_widths_and_page():
    from openpyxl import Workbook

    from compiler.render.xlsx import TARGET_WIDTH, column_widths, write_table
    t = money_table(8)
    f = table_fit(t, PRINT)
    widths = column_widths(t, PRINT)
    assert widths[1] >= round(f.percents[1] * TARGET_WIDTH[True] / 100, 1)
    ws = Workbook().active
    write_table(ws, money_table(14), PRINT)         # printed on A3 in the PDF: A3 in Excel
    assert str(ws.page_setup.paperSize) == str(ws.PAPERSIZE_A3) and ws.page_setup.orientation == "landscape"


# ------------------------------------------------------------------ the laid-out PDF is verified

def test_layoutcheck_finds_text_crossing_its_cell_and_the_page():
    from weasyprint import HTML

    from compiler.render.layoutcheck import overflows
    html = """<style>@page { size: 200px 200px; margin: 10px } td { padding: 0; white-space: nowrap }
      table { table-layout: fixed; width: 100px; border-collapse: collapse }</style>
      <section id="table-9"><table><tbody><tr><td>ok</td><td>12,345,678,901.23</td></tr></tbody></table></section>
      <p style="white-space: nowrap">ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZ</p>"""
    found = overflows(HTML(string=html).render())
    cell, page = [o for o in found if o.edge == "cell"], [o for o in found if o.edge == "page"]
    assert [(o.table, o.row, o.col, o.text) for o in cell] == [("table-9", 0, 1, "12,345,678,901.23")]
    assert cell[0].by_pt > 10 and page[0].text.startswith("ABCDEF") and page[0].table is None


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus")
    for name in corpus.SMALL:
        corpus.write_department(corpus.spec(name), out / f"{name}.xlsx")
    return out


@pytest.mark.parametrize("name", corpus.SMALL)
def test_corpus_department_builds_to_pdf_with_nothing_overflowing(corpus_dir, name, tmp_path):
    r = run_cli("build", corpus_dir / f"{name}.xlsx", "-o", tmp_path, "--format", "pdf,html")
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr
    assert (tmp_path / f"{name}.pdf").stat().st_size > 0
    if name == "every-column-max":     # ten-digit amounts with 分 in most columns
        html = (tmp_path / f"{name}.html").read_text(encoding="utf-8")
        assert "9,876,543,210.99" in html
        assert re.search(r'id="table-3">.*?<table class="budget" style="--print-font: 7pt">', html, re.S)
        assert 'class="table-section landscape oversize" id="table-5-2"' in html


def test_an_amount_too_wide_fails_the_build_naming_table_row_and_column(corpus_dir, tmp_path):
    """Column widths computed for a page ten times wider than the printed one: the ten-digit
    合计 of 表2 no longer fits, and the laid-out document says where."""
    templates = tmp_path / "narrow"
    templates.mkdir()
    (templates / "document.toml").write_text("[print]\nlandscape_width_mm = 2730\n"
                                             "portrait_width_mm = 1740\n", encoding="utf-8")
    out = tmp_path / "out"
    r = run_cli("build", corpus_dir / "every-column-max.xlsx", "-o", out, "--format", "pdf",
                "--templates", templates)
    assert r.returncode == 1
    assert "E-LAYOUT-001" in r.stderr
    assert ("附表2 部门收入总体情况表，第 1 行（合计），“合计”列：“9,876,543,210.99”超出单元格"
            in r.stderr), r.stderr
    assert "（第 15 页）" in r.stderr
    assert "正文表格“主要项目”，第 1 行（合计），“2020 年—小计”列" in r.stderr
    assert not out.exists() or not list(out.iterdir())


def test_header_keeps_its_last_two_characters_together():
    from compiler.render.html import heading
    assert str(heading("资本性支出")) == '资本性<span class="nobr">支出</span>'
    assert str(heading("小计")) == "小计" and str(heading("单位：元")) == "单位：元"
    assert str(heading("<b>补助支出")) == '&lt;b&gt;补助<span class="nobr">支出</span>'
    assert str(heading(None)) == ""


def _header_lines(document) -> list[list[str]]:
    """The text of each line of every header cell of the laid-out document."""
    from weasyprint.formatting_structure import boxes as B
    cells: list[list[str]] = []

    def text(box) -> str:
        return box.text if isinstance(box, B.TextBox) else "".join(text(c) for c in getattr(box, "children", ()))

    def walk(box, in_head):
        in_head = in_head or (isinstance(box, B.TableRowGroupBox) and box.element_tag == "thead")
        if in_head and isinstance(box, B.TableCellBox):
            cells.append([text(line) for line in box.children if isinstance(line, B.LineBox)])
            return
        for child in getattr(box, "children", ()):
            walk(child, in_head)

    for page in document.pages:
        walk(page._page_box, False)
    return cells


def test_no_header_wraps_one_character_alone(corpus_dir):
    """Narrow columns of a wide table wrapped 对个人和家庭的补助支出 with 出 alone on its last
    line (every-column-max, 表3); the last two characters now stay together."""
    import weasyprint

    from compiler.pipeline import Options, check, render_job
    job = render_job(check(corpus_dir / "every-column-max.xlsx", Options()), Options())
    document = weasyprint.HTML(string=job.html, base_url=str(job.config.template_dirs[-1]) + "/").render()
    wrapped = [lines for lines in _header_lines(document) if len(lines) > 1]
    assert any("".join(lines) == "对个人和家庭的补助支出" for lines in wrapped)
    orphans = [lines for lines in wrapped if len(lines[-1].strip()) == 1]
    assert orphans == []
