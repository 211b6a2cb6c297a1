"""人员车辆资产: counts are non-negative integers. The reader already rejects anything else in
the workbook (E-INT-001); this guards Budgets built another way (e.g. by a program)."""
from __future__ import annotations

from decimal import Decimal

from ..derive.figures import THREE_PUBLIC
from ..diagnostics import E, W, rule
from ..workbook.schema import SHEET_BY_NAME, Kind
from .context import Context, yuan

rule("E-STAFF-001", E, "人员车辆资产", "人数、车辆数或设备数为负数", "请填写 0 或正整数")
rule("W-STAFF-002", W, "人员车辆资产", "安排了公务用车运行维护费，却没有车辆",
     "人员车辆资产中的车辆数都是 0，支出明细却有公务用车运行维护费（30231）；请填写车辆数，"
     "或核对这些支出的经济分类（租用车辆的费用可不理会本警告）")

COUNT_KEYS = [k for k in SHEET_BY_NAME["人员车辆资产"].keys if k.kind is Kind.INT]
# where a key sits in a workbook written from the schema (row 1 is the header)
KEY_ROW = {k.field: i for i, k in enumerate(SHEET_BY_NAME["人员车辆资产"].keys, 2)}


def check(ctx: Context) -> None:
    staff = ctx.budget.staff
    for key in COUNT_KEYS:
        value = getattr(staff, key.field)
        if value is not None and value < 0:
            ctx.add("E-STAFF-001", f"{key.key} 为 {value}，不能为负数", staff, key.field,
                    cell=staff.cell(key.field) or "B1")
    _cars(ctx)


CAR_RUNNING = next(codes for key, _, codes in THREE_PUBLIC if key == "car_run")


def _cars(ctx: Context) -> None:
    staff = ctx.budget.staff
    if staff.car_total:
        return
    lines = [ln for ln in ctx.budget.lines if ln.econ in CAR_RUNNING]
    amount = sum((ln.amount for ln in lines), Decimal(0))
    if amount:
        rows = "、".join(str(ln.row) for ln in lines[:8]) + ("等" if len(lines) > 8 else "")
        ctx.add("W-STAFF-002", f"支出明细第 {rows} 行安排公务用车运行维护费共 {yuan(amount)}，"
                f"人员车辆资产中的车辆却都是 0 辆", staff, "car_general",
                cell=staff.cell("car_general") or f"B{KEY_ROW['car_general']}")
