"""Complete means complete: a workbook that lacks the data a disclosure is made of is not clean,
however consistent its few figures are. A blank workbook from `gongkai new` or a fresh
rollover draft checks with errors that list what is still to be filled, so neither can be
published as a document of zeros, and texts still equal to the shipped defaults are flagged
one by one so nobody publishes a sentence that may not be true of the department."""
from __future__ import annotations

from ..diagnostics import E, W, rule
from ..workbook import defaults
from .context import Context

rule("E-DATA-001", E, "完整性", "没有任何支出明细",
     "所有附表和金额都由“支出明细”计算；请逐笔填写本年预算支出（草稿阶段可先检查其他表）")
rule("E-DATA-002", E, "完整性", "没有填写单位",
     "请在“单位”表中至少填写本部门（本级）一行：单位编码、单位名称、单位类型")
rule("E-DATA-003", E, "完整性", "没有填写部门职责", "正文第一部分要列出部门主要职责；请在“部门职责”表中逐条填写")
rule("E-DATA-004", E, "完整性", "缺少上年数",
     "正文要与上年预算比较；请在“上年数”表中填写这些指标的上年预算数。"
     "本年是首次公开预算时，在“基本信息”中把“首次公开”填为“是”")
rule("W-DATA-005", W, "完整性", "说明文字仍是空白工作簿自带的示例文字",
     "示例文字未必符合本部门情况；请按实际情况改写（内容确实相符时，略作修改以表明已核对）")

DEFAULT_TEXTS = {k: v for k, v in defaults.TEXTS if k in defaults.TO_CONFIRM}


def _empty(ctx: Context, sheet: str, records) -> bool:
    """Nothing loaded and nothing left out by the reader (an unreadable row is reported already)."""
    return not records and not ctx.incomplete(sheet)


def check(ctx: Context) -> None:
    b = ctx.budget
    if _empty(ctx, "单位", b.units):
        ctx.add("E-DATA-002", "“单位”表没有任何单位", sheet="单位", cell="A2")
    if _empty(ctx, "支出明细", b.lines):
        ctx.add("E-DATA-001", "“支出明细”表没有任何支出，附表将全部为零", sheet="支出明细", cell="A2")
    if _empty(ctx, "部门职责", b.duties):
        ctx.add("E-DATA-003", "“部门职责”表没有任何职责", sheet="部门职责", cell="A2")
    _prior(ctx)
    for t in b.texts:
        if t.text is not None and DEFAULT_TEXTS.get(t.key) == t.text.strip():
            ctx.add("W-DATA-005", f"说明文字“{t.key}”仍是示例文字：“{t.text.strip()[:30]}”", t, "text")


def _prior(ctx: Context) -> None:
    """The 上年数 指标 the profile's narrative compares ([checks] prior_required) must be there,
    unless this is the department's first publication."""
    if ctx.config is None or ctx.budget.info.is_first_publication or ctx.incomplete("上年数"):
        return
    required = ctx.config.data.get("checks", {}).get("prior_required", [])
    have = {p.item for p in ctx.budget.prior}
    missing = [item for item in required if item not in have]
    if missing:
        last = max((p.row for p in ctx.budget.prior), default=1)
        ctx.add("E-DATA-004", f"“上年数”缺少 {len(missing)} 个指标：{'、'.join(missing)}；"
                "正文中这些比较将缺失", sheet="上年数", cell=f"A{last + 1}")
