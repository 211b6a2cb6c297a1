"""人员车辆资产: counts are non-negative integers. The reader already rejects anything else in
the workbook (E-INT-001); this guards Budgets built another way (e.g. by a program)."""
from __future__ import annotations

from ..diagnostics import E, rule
from ..workbook.schema import SHEET_BY_NAME, Kind
from .context import Context

rule("E-STAFF-001", E, "人员车辆资产", "人数、车辆数或设备数为负数", "请填写 0 或正整数")

COUNT_KEYS = [k for k in SHEET_BY_NAME["人员车辆资产"].keys if k.kind is Kind.INT]


def check(ctx: Context) -> None:
    staff = ctx.budget.staff
    for key in COUNT_KEYS:
        value = getattr(staff, key.field)
        if value is not None and value < 0:
            ctx.add("E-STAFF-001", f"{key.key} 为 {value}，不能为负数", staff, key.field,
                    cell=staff.cell(key.field) or "B1")
