"""Figure names in texts (「三公经费」, derive/names.py): each must be a name of the list, written
where it has a figure. Checked with the resolver the build uses, so what passes here is what
the document prints."""
from __future__ import annotations

from ..derive.names import NAME, Namer, NameProblem, name_cells, project_of
from ..diagnostics import E, W, rule
from .context import Context

rule("E-TEXT-012", E, "文字", "文字中「」里写的不是数字的名称",
     "「」中的名称由 gongkai 填入数字（如「三公经费」「项目金额」）；请改为提示中最接近的名称，"
     "可用的名称见 docs/figure-names.md")
rule("E-TEXT-013", E, "文字", "文字中的数字名称在这里没有数值",
     "项目的名称（「项目金额」等）只能写在项目和其绩效指标的文字中；上年的名称需要上年数表中的那一指标，"
     "项目上年度的名称需要项目表中的上年度金额")
rule("W-TEXT-014", W, "文字", "文字中「」里的内容不是数字的名称，将按原文印出",
     "「」用于写数字的名称（docs/figure-names.md）；引用原话请用“”")


def check(ctx: Context) -> None:
    cells = list(name_cells(ctx.budget))
    if not cells or ctx.config is None or ctx.catalog is None:
        return
    from ..derive.facts import derive_facts
    b = ctx.budget
    namer = Namer(b, derive_facts(b, ctx.catalog, ctx.config, []), ctx.config, ctx.catalog)
    for rec, fld, header, text in cells:
        project = project_of(b, rec)
        for m in NAME.finditer(text):
            try:
                namer.value(m.group(1), project)
            except NameProblem as exc:
                if exc.unknown and not exc.near:
                    ctx.add("W-TEXT-014", f"{header}中的{m.group(0)}{str(exc)[len(m.group(0)):]}，将按原文印出",
                            rec, fld, actual=m.group(0))
                elif exc.unknown:
                    near = "、".join(f"「{n}」" for n in exc.near)
                    ctx.add("E-TEXT-012", f"{header}中的{exc}；最接近的：{near}", rec, fld,
                            expected=f"「{exc.near[0]}」", actual=m.group(0),
                            hint=f"是否想写{near}？可用的名称见 docs/figure-names.md")
                else:
                    ctx.add("E-TEXT-013", f"{header}中的{exc}", rec, fld, actual=m.group(0))
