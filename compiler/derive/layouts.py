"""Layouts: how a table is put together from a dimension (rows) and measures (columns).

* matrix — dimension rows × measure columns (表2, 表3, 表5, 表6, 表8, 表9);
* two-sided — 收入 items and amounts beside 支出 items and amounts, each side a list of fixed
  measures, closed by a 合计 row (表1, 表4);
* fixed rows — a list of measures, one amount column (表7 “三公”);
* listing — one row per record of a sheet (表10 政府采购).

Wording (titles, notes, header and row labels) comes from the template data through Ctx.
"""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Sequence

from .. import vocab
from ..model import Line
from . import dimensions as dim
from .context import Ctx
from .dimensions import W_MONEY
from .measures import (FISCAL_BASIS, PROJECT_KEYS, SOURCE_KEYS, ZERO, accumulate, expense_keys,
                       expense_vector)
from .table import Cell, Column, Row, Table


# ---------------------------------------------------------------------------------------------
# matrix: 支出 by 功能分类 (表3, 表5-1, 表8, 表9)

def expense_columns(ctx: Ctx) -> list[Column]:
    """合计 | 基本支出: 小计, the groups (其他支出 when there is any) | 项目支出: 小计, 项目类别."""
    cols = [Column("total", ctx.lab("total"), "money", W_MONEY)]
    for k in expense_keys(ctx)[1:]:
        group = ctx.lab("basic") if k.startswith("basic_") else ctx.lab("project")
        label = ctx.lab("subtotal") if k.endswith("_subtotal") else ctx.lab(k)
        cols.append(Column(k, (group, label), "money", W_MONEY))
    return cols


def expense_by_func(ctx: Ctx, tid: str, number: str, lines: Sequence[Line], *,
                    empty_when_none: bool = False) -> Table:
    empty = empty_when_none and not lines
    cols, rows = dim.func_by_unit(ctx, lines, expense_keys(ctx), expense_vector(ctx))
    # the note under an empty table is template data; the workbook's 空表说明:<表名> is the
    # narrative's reason (十、空表情况说明), not this note
    note = ctx.config.table(number).get("empty_note") if empty else None
    return Table(id=tid, number=number, title=ctx.title(number),
                 columns=tuple(cols + expense_columns(ctx)), rows=() if empty else rows,
                 unit_label=ctx.lab("unit_yuan"), note=note, empty=empty, landscape=True)


# ---------------------------------------------------------------------------------------------
# matrix: 收入 by 功能分类 (表2)

def income_by_func(ctx: Ctx, tid: str, number: str, lines: Sequence[Line]) -> Table:
    from .measures import income_keys, income_vector
    keys = income_keys(ctx)
    mcols = [Column("total", ctx.lab("total"), "money", W_MONEY),
             Column("gpb_subtotal", (ctx.lab("gpb"), ctx.lab("subtotal")), "money", W_MONEY),
             Column("gpb_fiscal_appropriation", (ctx.lab("gpb"), ctx.lab("gpb_fiscal_appropriation")),
                    "money", W_MONEY)]
    mcols += [Column(k, ctx.lab(k), "money", W_MONEY) for k in keys[3:]]
    cols, rows = dim.func_by_unit(ctx, lines, keys, income_vector)
    return Table(id=tid, number=number, title=ctx.title(number), columns=tuple(cols + mcols),
                 rows=rows, unit_label=ctx.lab("unit_yuan"), landscape=True)


# ---------------------------------------------------------------------------------------------
# matrix: 支出 by 部门 × 政府 经济分类 (表5-2), 一般公共预算基本支出 by 部门经济分类 (表6)

def expense_by_econ_pairs(ctx: Ctx, tid: str, number: str, lines: Sequence[Line],
                          labels: str) -> Table:
    cols, rows = dim.econ_pairs(ctx, lines, expense_keys(ctx), expense_vector(ctx),
                                ctx.lab("dept_econ", labels), ctx.lab("gov_econ", labels),
                                ctx.lab("name", labels))
    return Table(id=tid, number=number, title=ctx.title(number),
                 columns=tuple(cols + expense_columns(ctx)), rows=rows,
                 unit_label=ctx.lab("unit_yuan"), landscape=True)


def gpb_by_econ(ctx: Ctx, tid: str, number: str, lines: Sequence[Line], labels: str) -> Table:
    from .measures import gpb_vector
    keys = ["gpb_subtotal", "gpb_fiscal_appropriation"]
    cols, rows = dim.econ(ctx, lines, keys, gpb_vector, ctx.lab("dept_econ", labels),
                          ctx.lab("name", labels))
    mcols = [Column("gpb_subtotal", (ctx.lab("gpb"), ctx.lab("subtotal")), "money", 2.2),
             Column("gpb_fiscal_appropriation", (ctx.lab("gpb"), ctx.lab("gpb_fiscal_appropriation")),
                    "money", 2.2)]
    return Table(id=tid, number=number, title=ctx.title(number), columns=tuple(cols + mcols),
                 rows=rows, unit_label=ctx.lab("unit_yuan"))


# ---------------------------------------------------------------------------------------------
# two-sided: 收入 | 支出 (表1, 表4)

def income_items(ctx: Ctx, lines: Sequence[Line]) -> list[tuple[str, int, Decimal]]:
    """收入 side of 表1: (key, level, amount); level 0 = 一、…, level 1 = 1、…"""
    by = defaultdict(lambda: ZERO)
    for ln in lines:
        by[SOURCE_KEYS.get(ln.source, "other_income")] += ln.amount
    gpb_keys = [SOURCE_KEYS[s] for s in vocab.GENERAL_BUDGET_SOURCES]
    items = [("gpb", 0, sum((by[k] for k in gpb_keys), ZERO))] + [(k, 1, by[k]) for k in gpb_keys]
    rest = ["gov_fund", "soe_capital", "fiscal_special_account", "other_income", "upper_transfer"]
    if ctx.has_carryover:
        rest.append("carryover")
    return items + [(k, 0, by[k]) for k in rest]


def fiscal_income_items(ctx: Ctx, lines: Sequence[Line]) -> list[tuple[str, int, Decimal]]:
    """收入 side of 表4 (lines already restricted to the 财政拨款 basis)."""
    by = defaultdict(lambda: ZERO)
    for ln in lines:
        by[FISCAL_BASIS[ln.source]] += ln.amount
    return [(k, 0, by[k]) for k in ("gpb", "gov_fund", "soe_capital")]


def expense_items(ctx: Ctx, lines: Sequence[Line]) -> list[tuple[str, int, Decimal]]:
    """支出 side of 表1/表4: 基本支出 by economic group, 项目支出 by 项目类别."""
    keys = expense_keys(ctx)
    values = dict(zip(keys, accumulate(lines, keys, expense_vector(ctx))))
    basic = [k for k in keys if k.startswith("basic_") and k != "basic_subtotal"]
    return ([("basic", 0, values["basic_subtotal"])] + [(k, 1, values[k]) for k in basic]
            + [("project", 0, values["proj_subtotal"])]
            + [(k, 1, values[k]) for k in PROJECT_KEYS.values()])


def two_sides(ctx: Ctx, tid: str, number: str, income, expense, table_labels: str) -> Table:
    """Items of 收入 beside items of 支出, row by row; a side that ends first leaves blanks;
    the 合计 row sums each side's level-0 items."""
    def lab(k: str) -> str:
        return ctx.lab(k, table_labels) if k in ctx.labels.get(table_labels, {}) else ctx.lab(k, "table1")

    cols = (Column("income_item", (lab("income"), lab("item")), "text", 4.2),
            Column("income_amount", (lab("income"), lab("amount")), "money", W_MONEY),
            Column("expense_item", (lab("expense"), lab("item")), "text", 4.2),
            Column("expense_amount", (lab("expense"), lab("amount")), "money", W_MONEY))
    rows = []
    for i in range(max(len(income), len(expense))):
        ik = income[i] if i < len(income) else None
        ek = expense[i] if i < len(expense) else None
        cells = ((Cell(lab(ik[0])), Cell(ik[2])) if ik else (Cell(None), Cell(None)))
        cells += ((Cell(lab(ek[0])), Cell(ek[2])) if ek else (Cell(None), Cell(None)))
        rows.append(Row("item", cells, key=f"{ik[0] if ik else '-'}|{ek[0] if ek else '-'}"))
    in_total = sum((v for _, level, v in income if level == 0), ZERO)
    ex_total = sum((v for _, level, v in expense if level == 0), ZERO)
    rows.append(Row("total", (Cell(lab("income_total")), Cell(in_total),
                              Cell(lab("expense_total")), Cell(ex_total)), key="total"))
    return Table(id=tid, number=number, title=ctx.title(number), columns=cols,
                 rows=tuple(rows), unit_label=ctx.lab("unit_yuan"))


# ---------------------------------------------------------------------------------------------
# fixed rows: “三公” (表7)

def three_public(ctx: Ctx, tid: str, number: str, labels: str) -> Table:
    from .measures import three_public_amounts
    amt = three_public_amounts(ctx.budget)

    def lab(k: str) -> str:
        return ctx.lab(k, labels)

    cols = (Column("item", lab("item"), "text", 5.0), Column("amount", lab("amount"), "money", 3.0))
    spec = [("total", "total", 0), ("abroad", "item", 0), ("reception", "item", 0),
            ("vehicles", "item", 0), ("vehicle_operation", "item", 1), ("vehicle_purchase", "item", 1)]
    rows = tuple(Row(kind, (Cell(lab(k)), Cell(amt[k])), indent=indent, key=k)
                 for k, kind, indent in spec)
    return Table(id=tid, number=number, title=ctx.title(number), columns=cols, rows=rows,
                 unit_label=ctx.lab("unit_yuan"), note=ctx.config.table(number).get("note"),
                 blank_zero=False)


# ---------------------------------------------------------------------------------------------
# listing: 政府采购 (表10)

def procurement(ctx: Ctx, tid: str, number: str, labels: str) -> Table:
    def lab(k: str) -> str:
        return ctx.lab(k, labels)

    cols = tuple(dim.func_columns(ctx, lab("code"))) + (
        Column("unit_name", lab("unit_name"), "text", 3.6),
        Column("procurement_item", lab("procurement_item"), "text", 2.6),
        Column("catalogue", lab("catalogue"), "text", 2.6),
        Column("spec", lab("spec"), "text", 1.4),
        Column("measure_unit", lab("measure_unit"), "text", 1.1),
        Column("quantity", lab("quantity"), "number", 1.1),
        Column("amount", lab("amount"), "money", W_MONEY))
    items = ctx.budget.procurement
    cfg = ctx.config.table(number)
    if not items:
        return Table(id=tid, number=number, title=ctx.title(number), columns=cols, rows=(),
                     unit_label=ctx.lab("unit_yuan"), note=cfg.get("empty_note"), empty=True,
                     landscape=True)
    qty = sum((p.quantity or ZERO for p in items), ZERO)
    amount = sum((p.amount for p in items), ZERO)
    rows = [Row("total", (Cell(None),) * 3 + (Cell(ctx.lab("total")),) + (Cell(None),) * 4
                + (Cell(qty), Cell(amount)), key="total")]
    seen: dict[str, int] = defaultdict(int)
    for p in items:
        unit = ctx.budget.unit(p.unit)
        base = f"{p.unit}/{p.func}"
        seen[base] += 1
        rows.append(Row("item", tuple(Cell(c) for c in dim.split_func(p.func))
                        + (Cell(unit.name if unit else p.unit), Cell(p.item), Cell(p.catalog),
                           Cell(p.spec), Cell(p.measure), Cell(p.quantity), Cell(p.amount)),
                        key=f"{base}/{seen[base]}"))
    return Table(id=tid, number=number, title=ctx.title(number), columns=cols, rows=tuple(rows),
                 unit_label=ctx.lab("unit_yuan"), note=cfg.get("note"), landscape=True)

