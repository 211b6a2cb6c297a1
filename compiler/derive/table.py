"""The one Table IR. Every 附表 is built as a Table by derive/, and every back end (HTML, PDF
via HTML, XLSX, CSV/JSON) renders a Table and nothing else, so the outputs cannot disagree.

A Table is a grid: header rows and body rows of cells; a cell may span rows/columns (the
published 附表 have multi-row headers, and the 绩效目标表 are forms). Amounts are Decimal 元.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, Union

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
    key: str          # stable id used by JSON/CSV exports, e.g. "basic_wages"
    label: str        # leaf header text
    kind: ColKind = "money"
    width: float = 1  # relative width; back ends turn these into fixed column widths


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
    header: tuple[tuple[Cell, ...], ...]   # header rows (cells with spans)
    rows: tuple[Row, ...]
    unit_label: str = "单位：元"
    subtitle: str | None = None            # e.g. "（2020年）"
    note: str | None = None                # 备注 / 注 printed under the table
    empty: bool = False                    # nothing to show: the note says why
    landscape: bool = False                # too wide for portrait
    blank_zero: bool = True                # print a money cell holding 0 as blank (as published);
                                           # False where the form prints 0 (表7, 绩效目标表)

    def column_index(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)

    def grid_rows(self) -> list[list[Value]]:
        """Body as plain values, one list per row, spans expanded (None in covered cells)."""
        return expand(self.rows, len(self.columns), lambda r: r.cells)


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
