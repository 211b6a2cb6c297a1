"""The PDF proves that it fits: after WeasyPrint has laid the document out and before a byte is
written, every piece of text is compared with the box it must stay in.

* Text inside a table cell must stay inside the cell's content box (an amount wider than its
  column is drawn over the neighbouring cell: WeasyPrint does not clip, does not shrink, and
  says nothing).
* Every piece of text must stay on its page (a table wider than the page is cut off).

What is compared are WeasyPrint's own boxes (the laid-out TextBox of each line fragment and
its TableCellBox), not a guess from the CSS, so whatever the widths, fonts, templates or
content, an overflow cannot reach a published PDF unnoticed. The walk visits each box once:
about 40 ms for the example's 58 pages, against 6 s of layout (docs/performance.md).

A found overflow is reported as E-LAYOUT-001, located by 附表, row and column from the Table
IR (the cell's section id is the table's id, WeasyPrint's row index and grid column are the
IR's row and column)."""
from __future__ import annotations

from dataclasses import dataclass

from ..diagnostics import RULES

# CSS px (WeasyPrint's unit) per pt, and what rounding may leave over: 0.01 pt.
PX_PER_PT = 4 / 3
SLACK = 0.01 * PX_PER_PT
CODE = "E-LAYOUT-001"


@dataclass(frozen=True)
class Overflow:
    page: int                  # 1-based
    text: str
    by_pt: float               # how far it crosses, in pt
    table: str | None = None   # the table-section's id, e.g. "table-5-1"; None outside tables
    head: bool = False         # in a header row
    row: int | None = None     # row index within the table's thead or tbody
    col: int | None = None     # grid column
    edge: str = "cell"         # "cell" or "page"


def overflows(document) -> list[Overflow]:
    """Every text fragment of a rendered WeasyPrint document that crosses its cell or page."""
    from weasyprint.formatting_structure import boxes as B

    found: list[Overflow] = []

    def walk(box, page, area, section, group, row, cell):
        element = getattr(box, "element", None)
        if isinstance(box, B.TableCellBox):
            cell = box
        elif isinstance(box, B.TableRowBox):
            row = box
        elif isinstance(box, B.TableRowGroupBox):
            group = box
        elif element is not None and box.element_tag == "section" and element.get("id"):
            section = element.get("id")
        if isinstance(box, B.TextBox):
            if not box.text.strip():
                return
            x0, x1 = box.position_x, box.position_x + box.width
            y0, y1 = box.position_y, box.position_y + box.height
            if cell is not None:
                left = cell.content_box_x()
                by = max(left - x0, x1 - (left + cell.width))
                if by > SLACK:
                    found.append(Overflow(page, box.text, by / PX_PER_PT, section,
                                          getattr(group, "element_tag", "") == "thead",
                                          getattr(row, "index", None), cell.grid_x))
                    return
            by = max(area[0] - x0, x1 - area[1], area[2] - y0, y1 - area[3])
            if by > SLACK:   # off the page (a table too wide, a row taller than the page)
                found.append(Overflow(page, box.text, by / PX_PER_PT, section,
                                      getattr(group, "element_tag", "") == "thead",
                                      getattr(row, "index", None) if cell is not None else None,
                                      cell.grid_x if cell is not None else None, edge="page"))
            return
        for child in getattr(box, "children", ()):
            walk(child, page, area, section, group, row, cell)

    for number, page in enumerate(document.pages, 1):
        page_box = page._page_box
        left, top = page_box.content_box_x(), page_box.content_box_y()
        area = (left, left + page_box.width, top, top + page_box.height)
        for child in page_box.children:
            if not isinstance(child, B.MarginBox):   # running header and page number
                walk(child, number, area, None, None, None, None)
    return found


def describe(found: list[Overflow], tables) -> str:
    """The Chinese message of a build that fails E-LAYOUT-001: the first overflows, located."""
    by_id = {t.id: t for t in tables}
    lines = [f"{CODE} PDF 排版后有 {len(found)} 处文字超出所在单元格或页面，"
             "印出来会压住相邻的格子或被裁掉，未生成 PDF："]
    for o in found[:5]:
        lines.append("  " + _where(o, by_id.get(o.table)) + f"：“{_short(o.text)}”超出"
                     + ("单元格" if o.edge == "cell" else "页面") + f" {o.by_pt:.1f} pt（第 {o.page} 页）")
    if len(found) > 5:
        lines.append(f"  另有 {len(found) - 5} 处")
    lines.append("  → " + RULES[CODE].hint)
    return "\n".join(lines)


def _where(o: Overflow, table) -> str:
    if table is None:
        return f"{o.table or '正文'}"
    if table.id.startswith("table-"):
        name = f"附表{table.id.removeprefix('table-').replace('-overall', '')} {table.caption or table.title}"
    else:   # a table of the text, e.g. 主要项目
        name = f"正文表格“{table.title}”"
    if o.row is None:
        return name
    column = table.columns[o.col] if o.col is not None and o.col < len(table.columns) else None
    col = f"“{'—'.join(p for p in column.path if p)}”列" if column else f"第 {o.col + 1} 列"
    if o.head:
        return f"{name}，表头第 {o.row + 1} 行，{col}"
    label = _row_label(table.rows[o.row]) if o.row < len(table.rows) else ""
    return f"{name}，第 {o.row + 1} 行" + (f"（{label}）" if label else "") + f"，{col}"


def _row_label(row) -> str:
    """The row's name as a reader finds it: its first text cell (合计, a 科目 or unit name)."""
    for cell in row.cells:
        if isinstance(cell.value, str) and cell.value.strip() and not cell.value.strip().isdigit():
            return _short(cell.value.strip())
    return ""


def _short(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
