"""Government procurement: 采购类别 follows the 采购目录, a unit cannot buy more on a 功能科目
than it spends there, and a row says how many."""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from ..derive.figures import lumps
from ..diagnostics import E, W, rule
from .context import Context, yuan

rule("E-PROC-001", E, "政府采购", "采购类别与采购目录不符",
     "采购类别由采购目录决定（A 货物、B 工程、C 服务）；可清空采购类别，由程序按目录推出")
rule("W-PROC-002", W, "政府采购", "采购类别为空且无法从采购目录推出",
     "请填写采购类别（货物、工程、服务），或在采购目录中填写品目编码，如 A02010104")
rule("W-PROC-003", W, "政府采购", "单位在某功能科目上的政府采购超过其支出",
     "政府采购预算是支出预算的一部分；请核对采购行的单位编码、功能科目和金额，或该单位在支出明细中的支出")
rule("W-PROC-004", W, "政府采购", "数量为空", "请填写采购数量（正数）；政府采购预算表要公开数量")
rule("W-PROC-005", W, "政府采购", "政府采购超过它所属项目或支出科目的金额",
     "采购项目写的是项目名称时，该项目的政府采购之和不能超过项目的本年度金额；写的是经济分类名称"
     "（如 会议费、公务用车运行维护费）时，不能超过该单位在这一经济分类上的支出。请核对采购金额（单位为元）")


def check(ctx: Context) -> None:
    b = ctx.budget
    cat = ctx.catalog
    for row in b.procurement:
        derived = cat.procurement_category(row.catalog) if cat else None
        if row.category:
            if derived and row.category != derived:
                ctx.add("E-PROC-001", f"采购目录“{row.catalog}”属于{derived}，采购类别却填为{row.category}",
                        row, "category", expected=derived, actual=row.category)
        elif cat is not None and derived is None:
            ctx.add("W-PROC-002", f"采购目录“{row.catalog}”在品目目录中找不到，无法推出采购类别", row, "category")
        if row.quantity is None:
            ctx.add("W-PROC-004", f"采购项目“{row.item}”没有填写数量", row, "quantity")

    if ctx.incomplete("支出明细"):
        return
    spent: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for line in lumps(b):  # the lines' sums by unit, codes, …: the same sums
        spent[line.unit, line.func] += line.amount
    groups: dict[tuple[str, str], list] = defaultdict(list)
    for row in b.procurement:
        groups[row.unit, row.func].append(row)
    _items(ctx)
    for (unit, func), rows in groups.items():
        bought = sum((r.amount for r in rows), Decimal(0))
        have = spent.get((unit, func), Decimal(0))
        if bought > have:
            where = "、".join(str(r.row) for r in rows)
            ctx.add("W-PROC-003", f"单位 {unit} 在功能科目 {func} 上的政府采购 {yuan(bought)}（第 {where} 行）"
                    f"超过其支出 {yuan(have)}", rows[0], "amount", expected=have, actual=bought)


def _items(ctx: Context) -> None:
    """A row whose 采购项目 names a project, or an economic item of the unit, buys within it."""
    from .codes import norm_name
    b, cat = ctx.budget, ctx.catalog
    econ_of = {}
    if cat is not None:
        for line in lumps(b):  # every econ code, in the order of the lines
            name = cat.econ_name(line.econ)
            if name:
                econ_of.setdefault(norm_name(name), line.econ)
    groups: dict[tuple, list] = defaultdict(list)
    for row in b.procurement:
        if row.item in ctx.projects:
            groups["project", row.item].append(row)
        elif norm_name(row.item) in econ_of:
            groups["econ", row.unit, econ_of[norm_name(row.item)]].append(row)
    for key, rows in groups.items():
        bought = sum((r.amount for r in rows), Decimal(0))
        if key[0] == "project":
            have, what = ctx.project_amount(key[1]), f"项目“{key[1]}”的本年度金额"
        else:
            _, unit, econ = key
            have = sum((ln.amount for ln in lumps(b) if ln.unit == unit and ln.econ == econ), Decimal(0))
            what = f"单位 {unit} 在经济分类 {econ}（{cat.econ_name(econ)}）上的支出"
        if bought > have:
            where = "、".join(str(r.row) for r in rows)
            ctx.add("W-PROC-005", f"采购项目“{rows[0].item}”的政府采购 {yuan(bought)}（第 {where} 行）超过{what} "
                    f"{yuan(have)}", rows[-1], "amount", expected=have, actual=bought)
