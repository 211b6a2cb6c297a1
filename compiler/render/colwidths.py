"""Column widths from content: for every Table, once, the widths its columns need so that the
widest formatted entry of each column fits (a bold 合计 with 分, an amount of 9,999,999,999.99,
a code), with text and headers wrapping; the HTML (and so the PDF) and the Excel 附表 take
their widths from here.

How: each cell's text is measured with the advance widths of the fonts the CSS names (table
below, in em); a column needs its widest unbreakable entry (amounts, codes, numbers never
wrap) or, for text, a few characters per line; the page width left over is shared out in the
proportions the profile gives (Column.width), never giving a column less than it needs. When
the needs alone are wider than the page, the table's print font steps down by half a point, to
a readable floor ([print] in document.toml); if that is not enough, the table gets a larger
page (a portrait one turned landscape, then A3 landscape). What still does not fit is caught after layout
by layoutcheck (E-LAYOUT-001), which measures WeasyPrint's real boxes: this module only has to
be right, not exact, and errs on the wide side.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache

from ..derive.table import Cell, Table, header_cells
from .format import cell_text

MM = 72 / 25.4            # pt per mm
PX = 0.75                 # pt per CSS px

# Advance widths in em of Noto Serif CJK SC / Noto Sans CJK SC (the same design as Source Han),
# measured with fontTools from the fonts' hmtx tables, rounded up; the larger of serif (body
# cells) and sans (headers) per weight. Digits at the widest digit (tabular-nums).
# tests/test_colwidths.py checks these against the installed fonts.
REGULAR = {"digit": 0.565, ",": 0.33, ".": 0.33, "-": 0.35, "%": 0.93, " ": 0.26,
           "upper": 0.76, "lower": 0.6, "other": 0.6}
BOLD = {"digit": 0.6, ",": 0.34, ".": 0.34, "-": 0.37, "%": 0.97, " ": 0.26,
        "upper": 0.8, "lower": 0.63, "other": 0.65}
WIDE = 1.0                # CJK and full-width characters, and the East Asian ambiguous ones

TEXT_MIN_EM = 6.0         # a wrapping text column keeps at least six characters a line
HEAD_MIN_EM = 2.0         # a header keeps at least two characters a line
SAFETY_PT = 1.0           # per column: rounding, and faces slightly wider than measured


@dataclass(frozen=True)
class Geometry:
    """Where a table is printed: the width it may take and its font, from [print]."""
    width_pt: float
    font_pt: float
    min_font_pt: float
    padding_pt: float      # left + right padding of a cell
    border_pt: float       # the rule between cells
    indent_em: float       # extra left padding per indent level of a row's first text cell
    step_pt: float = 0.5


@dataclass(frozen=True)
class Fit:
    """A table's widths: percentages of the table's width (they add to 100), and the print font
    size when it had to step down from the geometry's (None when it did not)."""
    percents: tuple[float, ...]
    font_pt: float | None
    widths_pt: tuple[float, ...]
    fits: bool             # False: even at the floor the needs exceed the page
    page: str | None = None   # a larger page than the table's own: "landscape" (a portrait
                              # table), "oversize" (A3 landscape); None: its own page

    def style(self) -> str:
        """The table's inline style: the stepped print font, as a custom property only the
        print CSS reads (the screen keeps its size)."""
        return f"--print-font: {self.font_pt:g}pt" if self.font_pt is not None else ""


def geometry(print_data: dict, landscape: bool, oversize: bool = False) -> Geometry:
    side = "oversize" if oversize else "landscape" if landscape else "portrait"
    return Geometry(width_pt=float(print_data[f"{side}_width_mm"]) * MM,
                    font_pt=float(print_data[f"{side}_font_pt"]),
                    min_font_pt=float(print_data["min_font_pt"]),
                    padding_pt=2 * float(print_data["cell_padding_px"]) * PX,
                    border_pt=float(print_data["border_pt"]),
                    indent_em=float(print_data["indent_em"]))


@lru_cache(maxsize=4096)
def text_em(text: str, bold: bool = False) -> float:
    """The width of one line of *text* in em (sum of advances)."""
    table = BOLD if bold else REGULAR
    total = 0.0
    for ch in text:
        if ch.isdigit() and ch.isascii():
            total += table["digit"]
        elif ch in table:
            total += table[ch]
        elif unicodedata.east_asian_width(ch) in "WFA":
            total += WIDE
        elif ch.isascii() and ch.isupper():
            total += table["upper"]
        elif ch.isascii() and ch.islower():
            total += table["lower"]
        else:
            total += table["other"]
    return total


def _lines(text: str) -> list[str]:
    return text.split("\n") or [""]


@dataclass(frozen=True)
class Need:
    col: int
    span: int
    em: float      # content width in em at the table font
    pt: float      # fixed extra in pt (padding, border, safety)


def needs(t: Table, g: Geometry) -> list[Need]:
    """What each cell needs, header and body, placed on the grid."""
    out: list[Need] = []
    fixed = g.padding_pt + g.border_pt + SAFETY_PT
    for _, col, cell in ([] if t.form else header_cells(t.columns)):
        label = str(cell.value or "")
        em = max((min(text_em(part, True), HEAD_MIN_EM) for part in _lines(label)), default=0)
        out.append(Need(col, cell.colspan, em, fixed))
    for row, placed in zip(t.rows, _placed_rows(t)):
        bold = row.kind in ("total", "unit")
        for index, (col, cell) in enumerate(placed):
            column = t.columns[col] if col < len(t.columns) else None
            kind = getattr(column, "kind", None)
            text = cell_text(cell.value, kind, t.blank_zero)
            if not text:
                continue
            nowrap = isinstance(cell.value, Decimal) or kind in ("code", "money", "number")
            widest = max(text_em(part, bold) for part in _lines(text))
            em = widest if nowrap else min(widest, TEXT_MIN_EM)
            extra = fixed
            if index == 0 and row.indent and not nowrap and not cell.header:
                # style.css: tr.indent-N td.text:first-of-type { padding-left: N × 1.2em }
                extra += row.indent * g.indent_em * g.font_pt - g.padding_pt / 2
            out.append(Need(col, cell.colspan, em, extra))
    return out


def _placed_rows(t: Table) -> list[list[tuple[int, Cell]]]:
    """(grid column, cell) of each body row's cells, rowspans of rows above skipped."""
    covered: set[tuple[int, int]] = set()
    out = []
    for r, row in enumerate(t.rows):
        c, cells = 0, []
        for cell in row.cells:
            while (r, c) in covered:
                c += 1
            cells.append((c, cell))
            for dr in range(1, cell.rowspan):
                for dc in range(cell.colspan):
                    covered.add((r + dr, c + dc))
            c += cell.colspan
        out.append(cells)
    return out


def column_needs(t: Table, g: Geometry, font_pt: float, cells: list[Need] | None = None) -> list[float]:
    """The width in pt each column needs at *font_pt*: single cells first, then spanning cells
    widen the columns they span in proportion, when together they are too narrow."""
    n = len(t.columns)
    need = [0.0] * n
    cells = needs(t, g) if cells is None else cells
    for c in cells:
        if c.span == 1 and c.col < n:
            need[c.col] = max(need[c.col], c.em * font_pt + c.pt)
    for c in cells:
        if c.span > 1 and c.col < n:
            cols = range(c.col, min(c.col + c.span, n))
            want = c.em * font_pt + c.pt
            have = sum(need[i] for i in cols)
            if want > have:
                rel = [t.columns[i].width for i in cols]
                total = sum(rel) or 1.0
                for i, w in zip(cols, rel):
                    need[i] = max(need[i], want * w / total)
    return need


def share(rel: list[float], need: list[float], width: float) -> list[float]:
    """Widths adding to *width*, in the proportions *rel*, none below its *need* (water-filling:
    a column whose share is too small gets its need, the rest share what is left)."""
    fixed: dict[int, float] = {}
    while True:
        left = width - sum(fixed.values())
        free = [i for i in range(len(rel)) if i not in fixed]
        total = sum(rel[i] for i in free)
        if not free or total <= 0:
            break
        short = [i for i in free if left * rel[i] / total < need[i]]
        if not short:
            break
        for i in short:
            fixed[i] = need[i]
    left = width - sum(fixed.values())
    free = [i for i in range(len(rel)) if i not in fixed]
    total = sum(rel[i] for i in free) or 1.0
    return [fixed[i] if i in fixed else left * rel[i] / total for i in range(len(rel))]


def fit(t: Table, g: Geometry) -> Fit:
    """The widths of *t* printed in geometry *g*, stepping the font down when the needs exceed
    the width, to g.min_font_pt at the lowest."""
    rel = [c.width for c in t.columns]
    cells = needs(t, g)
    font = g.font_pt
    need = column_needs(t, g, font, cells)
    while sum(need) > g.width_pt and font - g.step_pt >= g.min_font_pt - 1e-9:
        font = round(font - g.step_pt, 2)
        need = column_needs(t, g, font, cells)
    fits = sum(need) <= g.width_pt
    if not any(n > g.width_pt * r / (sum(rel) or 1.0) for n, r in zip(need, rel)):
        # Every share suffices: the profile's proportions as they are (the same percentages
        # the template computed before widths came from content).
        total = sum(rel) or 1.0
        percents = tuple(100 * r / total for r in rel)
    else:
        widths = share(rel, need, g.width_pt) if fits else need
        total = sum(widths) or 1.0
        percents = tuple(100 * w / total for w in widths)
    return Fit(percents, font if font != g.font_pt else None,
               tuple(p * g.width_pt / 100 for p in percents), fits)


def table_fit(t: Table, print_data: dict | None) -> Fit:
    """*t*'s widths in the [print] geometry of its page; without [print] (a profile that does
    not extend standard), the profile's proportions as they are."""
    if not print_data:
        total = sum(c.width for c in t.columns) or 1.0
        return Fit(tuple(100 * c.width / total for c in t.columns), None, (), True)
    own = fit(t, geometry(print_data, t.landscape))
    if own.fits or not t.number:   # a table of the text (主要项目) stays on the text's pages
        return own
    # Still too wide at the floor: a larger page, in the order a reader would still accept
    # (a portrait table turned landscape, then A3 landscape), each with its own font steps.
    larger = [("landscape", False)] if not t.landscape else []
    larger += [("oversize", True)] if "oversize_width_mm" in print_data else []
    for page, oversize in larger:
        g = geometry(print_data, True, oversize)
        bigger = fit(t, g)
        if bigger.fits:
            return replace(bigger, page=page, font_pt=bigger.font_pt or g.font_pt)
    return own   # the layout verification will name what does not fit
