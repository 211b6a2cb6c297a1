"""上年数: every change against last year that is larger than the template's threshold needs a
reason, a reason for no change is suspicious, and a reason must be a real sentence."""
from __future__ import annotations

import re

from ..diagnostics import E, W, rule
from .context import Context, yuan
from .figures import prior_item_amount
from .texts import find_placeholder

rule("E-PRIOR-001", E, "上年数", "有增减变化但没有填写增减原因",
     "本年数由支出明细计算；与上年预算数不同时，正文要说明增减原因，请在“增减原因”中填写")
rule("W-PRIOR-002", W, "上年数", "没有增减变化却填写了增减原因",
     "本年数与上年预算数相同，正文写“持平”；请核对上年预算数，或清空增减原因")
rule("E-PRIOR-003", E, "上年数", "增减原因是占位文字", "请填写真实的增减原因，如“专项资金增加”")
rule("E-PRIOR-004", E, "上年数", "指标重复", "每个指标只填一行")

EMPTY_REASONS = re.compile(r"^[\s\-—－_/／.。、…无略暂缺同上见上详见]*$")


def check(ctx: Context) -> None:
    threshold = ctx.config.prior_change_threshold if ctx.config is not None else 0
    # A workbook with no lines at all is a draft (e.g. fresh from `gongkai rollover`): there is
    # no current figure to explain yet, so only the reasons' wording is checked.
    lines_complete = not ctx.incomplete("支出明细") and bool(ctx.budget.lines)
    seen: dict[str, object] = {}
    for row in ctx.budget.prior:
        if row.item in seen:
            ctx.add("E-PRIOR-004", f"指标“{row.item}”与第 {seen[row.item].row} 行重复", row, "item")
            continue
        seen[row.item] = row
        reason = (row.reason or "").strip()
        placeholder = find_placeholder(reason) if reason else None
        if placeholder:
            ctx.add("E-PRIOR-003", f"{row.item}的增减原因“{reason}”是占位文字（含“{placeholder}”）",
                    row, "reason")
            continue
        if not lines_complete:
            continue  # the current figure would be wrong; the missing line is reported already
        empty = not reason or EMPTY_REASONS.match(reason)
        current = prior_item_amount(ctx.budget, row.item)
        change = current - row.amount
        if abs(change) > threshold and empty:
            verb = "增加" if change > 0 else "减少"
            given = f"，“{reason}”不是原因" if reason else "，没有填写增减原因"
            ctx.add("E-PRIOR-001", f"{row.item}本年 {yuan(current)}，上年 {yuan(row.amount)}，{verb} "
                    f"{yuan(abs(change))}{given}", row, "reason")
        elif change == 0 and not empty:
            ctx.add("W-PRIOR-002", f"{row.item}本年与上年都是 {yuan(current)}，却填写了增减原因“{reason}”",
                    row, "reason")
