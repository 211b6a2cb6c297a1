"""整体绩效任务: the tasks share out the department's project money. Every project belongs to
exactly one task, so the tasks' money (derived from their 关联项目) equals the project money;
a project left out or linked twice is named with its amount."""
from __future__ import annotations

from decimal import Decimal

from ..diagnostics import W, rule
from .context import Context, yuan

rule("W-TASK-001", W, "整体绩效", "有项目没有关联到任何整体绩效任务",
     "部门整体绩效任务的金额由关联项目计算，各任务之和应等于全部项目支出；"
     "请把未关联的项目填入相应任务的“关联项目”，或为它们增加一个任务")
rule("W-TASK-002", W, "整体绩效", "同一项目关联到了多个整体绩效任务",
     "一个项目只能计入一个任务，否则任务金额之和会超过项目支出；请只在一个任务中保留该项目")


def check(ctx: Context) -> None:
    b = ctx.budget
    if not b.tasks or ctx.incomplete("整体绩效任务") or ctx.incomplete("项目") or ctx.incomplete("支出明细"):
        return  # no task table at all is allowed (no 部门整体绩效 form); gaps are reported already
    linked: dict[str, list] = {}
    for task in b.tasks:
        for name in dict.fromkeys(task.project_names):
            if name in ctx.projects:  # unknown names: E-REF-004
                linked.setdefault(name, []).append(task)
    for name, tasks in linked.items():
        if len(tasks) > 1:
            first = tasks[0]
            for task in tasks[1:]:
                ctx.add("W-TASK-002", f"项目“{name}”（{yuan(ctx.project_amount(name))}）已关联到第 {first.row} 行"
                        f"的任务“{first.name}”，又关联到任务“{task.name}”", task, "projects")
    left = [p for p in b.projects if p.name not in linked]
    if not left:
        return
    total = sum((ctx.project_amount(p.name) for p in b.projects), Decimal(0))
    covered = sum((ctx.project_amount(n) for n in linked), Decimal(0))
    names = "、".join(f"{p.name} {yuan(ctx.project_amount(p.name))}" for p in left)
    last = max(t.row for t in b.tasks)
    ctx.add("W-TASK-001", f"整体绩效任务关联的项目共 {yuan(covered)}，项目支出共 {yuan(total)}；"
            f"未关联任何任务的 {len(left)} 个项目共 {yuan(total - covered)}：{names}",
            sheet="整体绩效任务", cell=f"C{last + 1}", expected=total, actual=covered)
