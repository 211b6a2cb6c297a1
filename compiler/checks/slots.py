"""Narrative slots (说明文字): the keys the templates use and the keys the workbook fills must
meet. A key the templates need but the workbook lacks leaves a gap in the text; a key no
template uses (often a typo) would otherwise vanish without a trace."""
from __future__ import annotations

import difflib

from ..diagnostics import W, rule
from .context import Context

rule("W-SLOT-001", W, "说明文字", "缺少模板需要的说明文字",
     "请在“说明文字”表中添加该键及其内容（键须与模板一致）")
rule("W-SLOT-002", W, "说明文字", "说明文字的键没有被任何模板使用",
     "该内容不会出现在公开文件中；请检查键是否有错别字，或删除该行")
rule("W-SLOT-003", W, "说明文字", "说明文字的键重复", "每个键只填一行；重复的行不会被使用")

EMPTY_TABLE_PREFIX = "空表说明:"


def template_keys(ctx: Context, which: str = "keys") -> list[str] | None:
    """The keys the templates declare ([slots] keys = [...] are needed, optional = [...] may
    be filled), or None when they declare none."""
    if ctx.config is None:
        return None
    keys = ctx.config.data.get("slots", {}).get(which)
    return None if keys is None else [str(k) for k in keys]


def check(ctx: Context) -> None:
    texts = ctx.budget.texts
    first: dict[str, object] = {}
    for t in texts:
        if t.key in first:
            ctx.add("W-SLOT-003", f"键“{t.key}”与第 {first[t.key].row} 行重复", t, "key")
        else:
            first[t.key] = t
    keys = template_keys(ctx)
    if keys is None:
        return
    known = keys + (template_keys(ctx, "optional") or [])
    for t in first.values():
        if t.key in known or t.key.startswith(EMPTY_TABLE_PREFIX):
            continue
        close = difflib.get_close_matches(t.key, known, n=1, cutoff=0.6)
        guess = f"；是否为“{close[0]}”？" if close else ""
        ctx.add("W-SLOT-002", f"键“{t.key}”没有被任何模板使用{guess}", t, "key")
    if ctx.incomplete("说明文字"):
        return
    last = max((t.row for t in texts), default=1)
    for key in keys:
        if key not in first:
            ctx.add("W-SLOT-001", f"缺少说明文字“{key}”，正文中该处将为空", sheet="说明文字",
                    cell=f"A{last + 1}")
