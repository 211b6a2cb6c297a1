"""The one Table IR. Every 附表 is built as a Table by derive/, and every back end (HTML, PDF
via HTML, XLSX, CSV/JSON) renders a Table and nothing else, so the outputs cannot disagree.

A Table is a grid: header rows and body rows of cells; a cell may span rows/columns (the
published 附表 have multi-row headers, and the 绩效目标表 are forms). Amounts are Decimal 元.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from decimal import Decimal
from typing import Literal, Sequence, Union

Value = Union[Decimal, str, None]
RowKind = Literal["total", "unit", "class", "kuan", "item", "subtotal", "section", "field", "text"]
ColKind = Literal["code", "text", "money", "number"]


@dataclass(frozen=True)
class Cell:
    value: Value = None
    colspan: int = 1
    rowspan: int = 1
    header: bool = False   # a label cell inside a form-like body (th scope=row)
    align: str | None = None  # override: "left" | "center" | "right"


@dataclass(frozen=True)
class Column:
    """One column. *path* is its header from the top header row down to its own label, e.g.
    ("科目编码", "类") or ("基本支出", "小计") or ("合计",): the header rows and their spans are
    computed from the paths (header_cells), so no builder or back end lays out spans by hand.
    A plain string is a one-label path."""
    key: str          # stable id used by JSON/CSV exports, e.g. "basic_wages"
    path: tuple[str, ...]
    kind: ColKind = "money"
    width: float = 1  # relative width; back ends turn these into fixed column widths

    def __post_init__(self):
        if isinstance(self.path, str):
            object.__setattr__(self, "path", (self.path,))

    @property
    def label(self) -> str:
        """The leaf header text."""
        return self.path[-1] if self.path else ""


@dataclass(frozen=True)
class Row:
    kind: RowKind
    cells: tuple[Cell, ...]
    indent: int = 0
    key: str | None = None  # stable row id for diffs and exports, e.g. "031001/2011301"


@dataclass(frozen=True)
class Table:
    id: str                 # "table-1", "table-5-1", "table-11-3", "table-11-overall"
    number: str             # "1", "5", "11" — the 附表 number it belongs to
    title: str              # full title as printed, e.g. "郑州市商务局部门收支总体情况表"
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    unit_label: str = "单位：元"
    subtitle: str | None = None            # e.g. "（2020年）"
    note: str | None = None                # 备注 / 注 printed under the table
    empty: bool = False                    # nothing to show: the note says why
    landscape: bool = False                # too wide for portrait
    blank_zero: bool = True                # print a money cell holding 0 as blank (as published);
                                           # False where the form prints 0 (表7, 绩效目标表)
    form: bool = False                     # a form (绩效目标表): its labels are body cells, no
                                           # header rows are printed
    caption: str = ""                      # its name in lists (contents, bookmarks, sheet
                                           # names): the title without the publisher's name, or
                                           # the project's name of a per-project form
    list_title: str = ""                   # the entry of its 附表 number in the 附表 list
    subject: str | None = None             # the project a per-project form is about

    @cached_property
    def header(self) -> tuple[tuple[Cell, ...], ...]:
        """Header rows (cells with spans), from the columns' paths; () for a form."""
        return () if self.form else header_rows(self.columns)

    def column_index(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)

    def grid_rows(self) -> list[list[Value]]:
        """Body as plain values, one list per row, spans expanded (None in covered cells)."""
        return expand(self.rows, len(self.columns), lambda r: r.cells)


def header_cells(columns: Sequence[Column]) -> list[tuple[int, int, Cell]]:
    """(header row, first column, Cell) of every header cell, from the columns' paths: at each
    level, adjacent columns whose paths agree down to that level and continue below it share
    one cell (colspan); a column's own label reaches down to the last header row (rowspan).

    ("科目编码","类") ("科目编码","款") ("合计",) ("基本支出","小计") ("基本支出","工资福利支出")
    gives  科目编码(colspan 2) | 合计(rowspan 2) | 基本支出(colspan 2)
           类 | 款 | 小计 | 工资福利支出
    """
    depth = max((len(c.path) for c in columns), default=0)
    out: list[tuple[int, int, Cell]] = []
    for level in range(depth):
        col = 0
        while col < len(columns):
            path = columns[col].path
            if len(path) <= level:
                col += 1
            elif len(path) == level + 1:
                out.append((level, col, Cell(path[level], rowspan=depth - level)))
                col += 1
            else:
                end = col + 1
                while (end < len(columns) and len(columns[end].path) > level + 1
                       and columns[end].path[:level + 1] == path[:level + 1]):
                    end += 1
                out.append((level, col, Cell(path[level], colspan=end - col)))
                col = end
    return out


def header_rows(columns: Sequence[Column]) -> tuple[tuple[Cell, ...], ...]:
    """The header as rows of cells (a cell covered by a rowspan from above is left out, as in
    HTML), from header_cells."""
    depth = max((len(c.path) for c in columns), default=0)
    rows: list[list[Cell]] = [[] for _ in range(depth)]
    for level, _, cell in header_cells(columns):
        rows[level].append(cell)
    return tuple(tuple(r) for r in rows)


def expand(rows, width: int, cells_of) -> list[list[Value]]:
    grid: list[list[Value]] = []
    pending: dict[tuple[int, int], bool] = {}
    for r, row in enumerate(rows):
        line: list[Value] = []
        c = 0
        for cell in cells_of(row):
            while pending.pop((r, c), False):
                line.append(None)
                c += 1
            line.append(cell.value)
            line.extend([None] * (cell.colspan - 1))
            for dr in range(1, cell.rowspan):
                for dc in range(cell.colspan):
                    pending[(r + dr, c + dc)] = True
            c += cell.colspan
        while len(line) < width:
            line.append(None)
        grid.append(line[:width])
    return grid


def money_cells(values) -> tuple[Cell, ...]:
    return tuple(Cell(v) for v in values)
