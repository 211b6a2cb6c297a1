"""References: every 单位编码 names a unit, every 项目名称 names a project, and names and codes
are unique, so each line, project and task belongs to exactly one thing."""
from __future__ import annotations

from ..diagnostics import E, W, rule
from .context import Context

rule("E-REF-001", E, "引用", "单位编码不在“单位”表中",
     "请在“单位”表中添加该单位，或改为已有的单位编码")
rule("E-REF-002", E, "引用", "支出明细的项目名称不在“项目”表中",
     "项目名称须与“项目”表中的名称一字不差（含括号全角/半角）；新项目请先在“项目”表中添加")
rule("E-REF-003", E, "引用", "绩效指标的项目名称不在“项目”表中",
     "项目名称须与“项目”表中的名称一字不差（含括号全角/半角）")
rule("E-REF-004", E, "引用", "整体绩效任务的关联项目不在“项目”表中",
     "关联项目填写“项目”表中的项目名称，多个项目用“、”或换行分隔")
rule("E-REF-005", E, "引用", "单位编码重复", "每个单位只占一行，编码不能重复")
rule("E-REF-006", E, "引用", "单位名称重复", "两个单位不能同名；请核对单位全称")
rule("E-REF-007", E, "引用", "项目名称重复",
     "每个项目只占一行，名称不能重复；同一项目的多笔支出在“支出明细”中分行填写")
rule("W-REF-008", W, "引用", "项目支出行的单位与项目所属单位不同",
     "项目按“项目”表中的单位编码归属；请核对支出明细的单位编码或项目的单位编码")


def _suggest(name: str, names) -> str:
    import difflib
    close = difflib.get_close_matches(name, list(names), n=1, cutoff=0.6)
    return f"；是否为“{close[0]}”？" if close else ""


def _duplicates(ctx: Context, records, key, code: str, label: str, fld: str) -> None:
    first: dict = {}
    for rec in records:
        k = key(rec)
        if k in first:
            ctx.add(code, f"{label}“{k}”与第 {first[k].row} 行重复", rec, fld)
        else:
            first[k] = rec


def check(ctx: Context) -> None:
    b = ctx.budget
    _duplicates(ctx, b.units, lambda u: u.code, "E-REF-005", "单位编码", "code")
    _duplicates(ctx, b.units, lambda u: u.name, "E-REF-006", "单位名称", "name")
    _duplicates(ctx, b.projects, lambda p: p.name, "E-REF-007", "项目名称", "name")

    if not ctx.incomplete("单位"):
        codes = "、".join(ctx.units) or "（无）"
        for rec in [*b.lines, *b.projects, *b.procurement]:
            if rec.unit not in ctx.units:
                ctx.add("E-REF-001", f"单位编码“{rec.unit}”不在“单位”表中（已有：{codes}）", rec, "unit")

    if not ctx.incomplete("项目"):
        names = ctx.projects
        for line in b.lines:
            if line.project and line.project not in names:
                ctx.add("E-REF-002", f"项目“{line.project}”不在“项目”表中{_suggest(line.project, names)}",
                        line, "project")
        for ind in b.indicators:
            if ind.project not in names:
                ctx.add("E-REF-003", f"项目“{ind.project}”不在“项目”表中{_suggest(ind.project, names)}",
                        ind, "project")
        for task in b.tasks:
            for name in task.project_names:
                if name not in names:
                    ctx.add("E-REF-004", f"任务“{task.name}”的关联项目“{name}”不在“项目”表中"
                            f"{_suggest(name, names)}", task, "projects")

    for line in b.lines:
        project = ctx.projects.get(line.project or "")
        if project is not None and project.unit != line.unit and line.unit in ctx.units:
            ctx.add("W-REF-008", f"该行单位 {line.unit}，而项目“{project.name}”属于单位 {project.unit}",
                    line, "unit", expected=project.unit, actual=line.unit)
