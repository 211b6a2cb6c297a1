"""上年数: every change against last year that is larger than the template's threshold needs a
reason, a reason for no change is suspicious, and a reason must be a real sentence."""
from __future__ import annotations

import re
from decimal import Decimal

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
rule("W-PRIOR-005", W, "上年数", "增减原因说的方向与实际增减相反",
     "增减由程序按本年数减上年预算数算出；增减原因只说“增加”而实际减少（或反之、或说“持平”而有增减），"
     "多半是沿用了往年的原因或上年预算数填错；请核对")
rule("W-PRIOR-006", W, "上年数", "本年数是上年预算数的约一万倍（上年预算数可能按万元填写）",
     "上年预算数以元为单位；如上年 1,234.56 万元应填 12345600，而不是 1234.56")

EMPTY_REASONS = re.compile(r"^[\s\-—－_/／.。、…无略暂缺同上见上详见]*$")
# Direction words of a reason. A reason may name causes both ways (人员经费增加，专项资金减少);
# only a reason that speaks of one direction, the wrong one, is reported.
UP = re.compile(r"增加|增长|增多|上升|上涨|提高|新增|追加|扩大|加大|增设|增资|调增|多安排")
DOWN = re.compile(r"减少|下降|降低|压缩|缩减|削减|核减|调减|减支|减半|取消|撤销|节约|精简|少安排|缩小|压减")
FLAT = re.compile(r"持平|无变化|没有变化|未变化|不变|相同")
TEN_THOUSAND = Decimal(10000)


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
        if change and not empty:
            _direction(ctx, row, reason, current, change)
        _scale(ctx, row, current)


def _direction(ctx: Context, row, reason: str, current, change) -> None:
    up, down, flat = UP.search(reason), DOWN.search(reason), FLAT.search(reason)
    actual = "增加" if change > 0 else "减少"
    said = None
    if change > 0 and down and not up:
        said = down.group(0)
    elif change < 0 and up and not down:
        said = up.group(0)
    elif flat and not up and not down:
        said = flat.group(0)
    if said:
        ctx.add("W-PRIOR-005", f"{row.item}本年 {yuan(current)}，上年 {yuan(row.amount)}，实际{actual} "
                f"{yuan(abs(change))}，增减原因却说“{said}”（“{reason}”）", row, "reason",
                expected=actual, actual=said)


def _scale(ctx: Context, row, current) -> None:
    """A 上年预算数 typed in 万元: this year's figure is about 10,000 times it (within a factor
    of 10 either way, so a budget that grew or shrank a lot is still caught)."""
    if row.amount <= 0 or current <= 0:
        return
    ratio = current / row.amount
    if TEN_THOUSAND / 10 <= ratio <= TEN_THOUSAND * 10:
        ctx.add("W-PRIOR-006", f"{row.item}上年预算数填的是 {yuan(row.amount)}，本年是 {yuan(current)}，"
                f"是上年的 {ratio:,.0f} 倍；上年预算数若按万元填写，应为 {yuan(row.amount * TEN_THOUSAND)}",
                row, "amount", expected=row.amount * TEN_THOUSAND, actual=row.amount)
