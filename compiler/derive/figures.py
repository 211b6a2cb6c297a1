"""The definitions every derived figure rests on, in one place: how an economic code groups
into the 基本支出 columns, which lines are “三公” or 机关运行经费, and the current-year figure of
each 上年数 指标. Pure functions over the Budget; tables, facts and checks all use them."""
from __future__ import annotations

from decimal import Decimal
from typing import Iterable

from ..model import Budget, Line
from ..workbook.schema import GENERAL_BUDGET_SOURCES

ZERO = Decimal(0)

# 基本支出 columns of 表1/3/5: (key, label, economic 类)
BASIC_GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("wages", "工资福利支出", ("301",)),
    ("household", "对个人和家庭的补助支出", ("303",)),
    ("goods", "商品服务支出", ("302",)),
    ("capital", "资本性支出", ("310", "309")),
)
OTHER_LABEL = "其他支出"           # basic spending outside the four groups (e.g. 399)
PERSONNEL = ("301", "303")         # 人员经费
PUBLIC = ("302", "310", "309")     # 公用经费

# “三公” items and their economic codes (一般公共预算 money only)
THREE_PUBLIC: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("abroad", "因公出国（境）费", ("30212",)),
    ("car_buy", "公务用车购置费", ("31013", "30913")),
    ("car_run", "公务用车运行维护费", ("30231",)),
    ("reception", "公务接待费", ("30217",)),
)

# 项目支出 columns follow the 项目类别 enumeration
from ..workbook.schema import ENUMS  # noqa: E402

PROJECT_CATEGORIES: tuple[str, ...] = ENUMS["项目类别"]


def total(lines: Iterable[Line]) -> Decimal:
    return sum((ln.amount for ln in lines), ZERO)


def basic_group(econ: str) -> str | None:
    for key, _, classes in BASIC_GROUPS:
        if econ[:3] in classes:
            return key
    return None


def general(lines: Iterable[Line]) -> list[Line]:
    return [ln for ln in lines if ln.source in GENERAL_BUDGET_SOURCES]


def three_public(budget: Budget) -> dict[str, Decimal]:
    gpb = general(budget.lines)
    return {key: total(ln for ln in gpb if ln.econ in codes) for key, _, codes in THREE_PUBLIC}


def running_lines(budget: Budget) -> list[Line]:
    """机关运行经费 by its definition: 一般公共预算 基本支出 公用经费 of 行政单位 and 参公 units."""
    admin = {u.code for u in budget.units if u.is_admin}
    return [ln for ln in general(budget.lines)
            if ln.is_basic and ln.unit in admin and ln.econ[:3] in PUBLIC]


def prior_item_amount(budget: Budget, item: str) -> Decimal:
    """The current-year figure that a 上年数 row is compared with."""
    lines = budget.lines
    if item == "收支预算总计":
        return total(lines)
    if item == "一般公共预算":
        return total(general(lines))
    if item in ("政府性基金预算", "国有资本经营预算"):
        return total(ln for ln in lines if ln.source == item)
    if item == "机关运行经费":
        return total(running_lines(budget))
    three = three_public(budget)
    for key, label, _ in THREE_PUBLIC:
        if label == item:
            return three[key]
    raise KeyError(item)
