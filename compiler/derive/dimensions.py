"""Dimensions: what the rows of a table are. Each builder returns the row-heading columns of its
dimension and the rows, a row being its heading cells followed by the amounts of the measures
(``accumulate`` over the lines of the row). Codes are split into 类/款/项 text cells
("2011301" -> "201", "13", "01"); names come from the catalogue (the line's own name when the
catalogue lacks the code). Every dimension starts with the 合计 row (kind "total", key "total")."""
from __future__ import annotations

from collections import defaultdict
from typing import Sequence

from ..model import Line
from .context import Ctx
from .measures import Vector, accumulate
from .table import Cell, Column, Row

# column widths (relative): a 3-digit code, a Chinese name, an amount like 123,456,789
W_CODE, W_NAME, W_MONEY, W_TEXT = 0.75, 4.4, 2.1, 2.5


def split_func(code: str) -> tuple[str, str, str]:
    return code[:3], code[3:5], code[5:7]


def split_econ(code: str) -> tuple[str, str]:
    return code[:3], code[3:5]


def money(values) -> tuple[Cell, ...]:
    return tuple(Cell(v) for v in values)


def total_row(heading: int, label: str, lines: Sequence[Line], keys, vector: Vector) -> Row:
    """合计: empty heading cells, the label in the last of them, the sums."""
    return Row("total", (Cell(None),) * (heading - 1) + (Cell(label),)
               + money(accumulate(lines, keys, vector)), key="total")


# ---------------------------------------------------------------------------------------------
# 功能分类 项 rows, grouped by unit (表2, 表3, 表5-1, 表8, 表9)

def func_columns(ctx: Ctx, code_label: str | None = None) -> list[Column]:
    """科目编码 类 | 款 | 项 (+ the name column of the unit-grouped rows)."""
    code = code_label or ctx.lab("code")
    return [Column("func_class", (code, ctx.lab("class")), "code", W_CODE),
            Column("func_kuan", (code, ctx.lab("kuan")), "code", W_CODE),
            Column("func_xiang", (code, ctx.lab("xiang")), "code", W_CODE)]


def func_by_unit(ctx: Ctx, lines: Sequence[Line], keys: Sequence[str],
                 vector: Vector) -> tuple[list[Column], tuple[Row, ...]]:
    """合计, then per unit: the unit row and its 功能科目 项 rows (3 code cells + name + money).
    A unit row's code cell spans the three code columns."""
    cols = func_columns(ctx) + [Column("name", ctx.lab("unit_or_subject"), "text", W_NAME)]
    rows = [total_row(4, ctx.lab("total"), lines, keys, vector)]
    for code, name in ctx.units(lines):
        own = [ln for ln in lines if ln.unit == code]
        rows.append(Row("unit", (Cell(code, colspan=3), Cell(name))
                        + money(accumulate(own, keys, vector)), key=code))
        by_func: dict[str, list[Line]] = defaultdict(list)
        for ln in own:
            by_func[ln.func].append(ln)
        for func in sorted(by_func):
            group = by_func[func]
            rows.append(Row("item", tuple(Cell(c) for c in split_func(func))
                            + (Cell(ctx.func_name(func, group)),)
                            + money(accumulate(group, keys, vector)), key=f"{code}/{func}"))
    return cols, tuple(rows)


# ---------------------------------------------------------------------------------------------
# 部门经济分类 款 rows (表6)

def econ(ctx: Ctx, lines: Sequence[Line], keys: Sequence[str], vector: Vector,
         group_label: str, name_label: str) -> tuple[list[Column], tuple[Row, ...]]:
    cols = [Column("econ_class", (group_label, ctx.lab("class")), "code", W_CODE),
            Column("econ_kuan", (group_label, ctx.lab("kuan")), "code", W_CODE),
            Column("name", (group_label, name_label), "text", W_NAME)]
    groups: dict[str, list[Line]] = defaultdict(list)
    for ln in lines:
        groups[ln.econ].append(ln)
    rows = [total_row(3, ctx.lab("total"), lines, keys, vector)]
    for code in sorted(groups):
        ec, ek = split_econ(code)
        rows.append(Row("item", (Cell(ec), Cell(ek), Cell(ctx.econ_name(code, groups[code])))
                        + money(accumulate(groups[code], keys, vector)), key=code))
    return cols, tuple(rows)


# ---------------------------------------------------------------------------------------------
# 部门经济分类 × 政府经济分类 款 pairs (表5-2)

def econ_pairs(ctx: Ctx, lines: Sequence[Line], keys: Sequence[str], vector: Vector,
               dept_label: str, gov_label: str, name_label: str) -> tuple[list[Column], tuple[Row, ...]]:
    cols = [Column("dept_econ_class", (dept_label, ctx.lab("class")), "code", W_CODE),
            Column("dept_econ_kuan", (dept_label, ctx.lab("kuan")), "code", W_CODE),
            Column("dept_econ_name", (dept_label, name_label), "text", 3.6),
            Column("gov_econ_class", (gov_label, ctx.lab("class")), "code", W_CODE),
            Column("gov_econ_kuan", (gov_label, ctx.lab("kuan")), "code", W_CODE),
            Column("gov_econ_name", (gov_label, name_label), "text", 3.6)]
    groups: dict[tuple[str, str], list[Line]] = defaultdict(list)
    for ln in lines:
        groups[(ln.econ, ctx.gov_econ(ln))].append(ln)
    rows = [total_row(6, ctx.lab("total"), lines, keys, vector)]
    for code, gov in sorted(groups):
        group = groups[(code, gov)]
        ec, ek = split_econ(code)
        gc, gk = split_econ(gov)
        rows.append(Row("item", (Cell(ec), Cell(ek), Cell(ctx.econ_name(code, group)),
                                 Cell(gc or None), Cell(gk or None),
                                 Cell(ctx.catalog.gov_name(gov) if gov else None))
                        + money(accumulate(group, keys, vector)), key=f"{code}/{gov}"))
    return cols, tuple(rows)
