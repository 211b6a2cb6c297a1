"""Projects: the entered 项目总金额 against the derived 本年度金额, a project with nothing in
支出明细 or without indicators, the indicator skeleton, and the project period."""
from __future__ import annotations

from datetime import date

from ..diagnostics import E, W, rule
from .context import Context, yuan

rule("E-PROJ-001", E, "项目", "项目总金额小于本年度金额",
     "本年度金额是“支出明细”中该项目各行之和；项目总金额不能小于它。"
     "请核对项目总金额，或该项目在支出明细中的各行")
rule("W-PROJ-002", W, "项目", "项目在支出明细中没有任何一行",
     "项目的本年度金额由支出明细计算；请在“支出明细”中填写该项目的支出，或删除该项目")
rule("W-PROJ-003", W, "项目", "项目没有绩效指标",
     "每个项目都要公开绩效目标表；请在“绩效指标”表中填写该项目的指标")
rule("W-PROJ-004", W, "项目", "绩效指标的一级/二级指标不在模板的指标框架中",
     "一级、二级指标须取自公开格式的指标框架（其 document.toml 的 performance.skeleton），"
     "否则该指标在绩效目标表中的位置无法确定")
rule("E-PROJ-005", E, "项目", "开始日期晚于结束日期", "请核对项目的开始日期和结束日期")
rule("W-PROJ-006", W, "项目", "项目期限与预算年度不符",
     "项目期限应覆盖预算年度：结束日期不早于预算年度，开始日期不晚于预算年度，且都在 10 年之内")

rule("E-PROJ-007", E, "项目", "上年度金额大于上年度项目总金额",
     "上年度金额是项目在上一年度安排的预算，不能超过上年度的项目总金额；请核对这两个数（单位为元），"
     "常见的是两列填反了")

REASONABLE_YEARS = 10


def _period(ctx: Context, p) -> None:
    if p.start and p.end and p.start > p.end:
        ctx.add("E-PROJ-005", f"项目“{p.name}”开始日期 {p.start} 晚于结束日期 {p.end}", p, "start",
                expected=f"不晚于 {p.end}", actual=str(p.start))
        return
    y = ctx.year
    first, last = date(y, 1, 1), date(y, 12, 31)
    if p.end and p.end < first:
        ctx.add("W-PROJ-006", f"项目“{p.name}”结束日期 {p.end} 早于预算年度 {y} 年", p, "end")
    elif p.end and p.end.year - y > REASONABLE_YEARS:
        ctx.add("W-PROJ-006", f"项目“{p.name}”结束日期 {p.end} 距预算年度 {y} 年超过 {REASONABLE_YEARS} 年",
                p, "end")
    if p.start and p.start > last:
        ctx.add("W-PROJ-006", f"项目“{p.name}”开始日期 {p.start} 晚于预算年度 {y} 年", p, "start")
    elif p.start and y - p.start.year > REASONABLE_YEARS:
        ctx.add("W-PROJ-006", f"项目“{p.name}”开始日期 {p.start} 距预算年度 {y} 年超过 {REASONABLE_YEARS} 年",
                p, "start")


def check(ctx: Context) -> None:
    b = ctx.budget
    lines_complete = not ctx.incomplete("支出明细")
    with_indicators = {i.project for i in b.indicators}
    for p in b.projects:
        amount = ctx.project_amount(p.name)
        if p.total < amount:
            ctx.add("E-PROJ-001", f"项目“{p.name}”的项目总金额 {yuan(p.total)} 小于本年度金额 {yuan(amount)}"
                    f"（支出明细中该项目 {len(ctx.project_lines.get(p.name, []))} 行之和），"
                    f"相差 {yuan(amount - p.total)}", p, "total", expected=amount, actual=p.total)
        if p.name not in ctx.project_lines and lines_complete:
            ctx.add("W-PROJ-002", f"项目“{p.name}”在支出明细中没有任何一行，本年度金额为 0", p, "name")
        if p.name not in with_indicators and not ctx.incomplete("绩效指标"):
            ctx.add("W-PROJ-003", f"项目“{p.name}”没有绩效指标", p, "name")
        if p.prev_amount is not None and p.prev_total is not None and p.prev_amount > p.prev_total:
            ctx.add("E-PROJ-007", f"项目“{p.name}”的上年度金额 {yuan(p.prev_amount)} 大于上年度项目总金额 "
                    f"{yuan(p.prev_total)}", p, "prev_amount", expected=f"不大于 {yuan(p.prev_total)}",
                    actual=yuan(p.prev_amount))
        _period(ctx, p)

    skeleton = dict(ctx.config.skeleton) if ctx.config is not None else {}
    if skeleton:
        for ind in b.indicators:
            if ind.level1 not in skeleton:
                ctx.add("W-PROJ-004", f"一级指标“{ind.level1}”不在指标框架中（可用：{'、'.join(skeleton)}）",
                        ind, "level1", expected="、".join(skeleton), actual=ind.level1)
            elif ind.level2 not in skeleton[ind.level1]:
                ctx.add("W-PROJ-004", f"二级指标“{ind.level2}”不在一级指标“{ind.level1}”之下"
                        f"（可用：{'、'.join(skeleton[ind.level1])}）", ind, "level2",
                        expected="、".join(skeleton[ind.level1]), actual=ind.level2)
