"""Amounts: a line of 0 元 and a line entered twice are almost always slips.
(Blank, non-numeric, negative and over-precise amounts are reader errors: E-AMOUNT-001…004.)"""
from __future__ import annotations

from operator import attrgetter

from ..diagnostics import W, rule
from .context import Context, yuan

rule("W-AMOUNT-005", W, "金额", "支出明细金额为 0",
     "金额为 0 的行不影响任何合计；如确无预算请删除该行")
rule("W-AMOUNT-006", W, "金额", "支出明细有完全相同的两行",
     "两行的单位、科目、支出类型、项目、资金来源和金额全都相同，可能重复录入；"
     "确属两笔支出请合并为一行")

LINE_FIELDS = ("unit", "func", "econ", "gov_econ", "kind", "project", "source", "amount",
               "func_name", "econ_name")
_line_key = attrgetter(*LINE_FIELDS)


def check(ctx: Context) -> None:
    seen: dict[tuple, object] = {}
    for line in ctx.budget.lines:
        if line.amount == 0:
            ctx.add("W-AMOUNT-005", "金额为 0 元", line, "amount")
        key = _line_key(line)
        first = seen.get(key)
        if first is None:
            seen[key] = line
        else:
            ctx.add("W-AMOUNT-006", f"与第 {first.row} 行完全相同（{line.unit}、{line.func}、{line.econ}、"
                    f"{line.kind}、{line.source}、{yuan(line.amount)}）", line, "amount")
