"""The figures every table, sentence and check rests on: the 基本支出 group of an economic code,
the “三公” and 机关运行经费 lines, and the current-year figure of each 上年数 指标. The code sets
themselves are vocabulary (compiler/vocab.py, by year); these are pure functions of the Budget
that apply them."""
from __future__ import annotations

from decimal import Decimal
from typing import Iterable

from .. import vocab
from ..model import Budget, Line
from ..vocab import (BASIC_GROUPS, GENERAL_BUDGET_SOURCES, OTHER_LABEL, PERSONNEL,  # noqa: F401
                     PROJECT_CATEGORIES, PUBLIC, THREE_PUBLIC)

ZERO = Decimal(0)


def total(lines: Iterable[Line]) -> Decimal:
    return sum((ln.amount for ln in lines), ZERO)


def basic_group(econ: str, year: int | None = None) -> str | None:
    """The 基本支出 group (wages, household, goods, capital) of an economic code, or None."""
    for key, _, classes in vocab.BASIC_GROUPS_DATED.at(year):
        if econ[:3] in classes:
            return key
    return None


def general(lines: Iterable[Line]) -> list[Line]:
    return [ln for ln in lines if ln.source in GENERAL_BUDGET_SOURCES]


def three_public(budget: Budget) -> dict[str, Decimal]:
    gpb = general(budget.lines)
    items = vocab.THREE_PUBLIC_DATED.at(budget.info.year)
    return {key: total(ln for ln in gpb if ln.econ in codes) for key, _, codes in items}


def running_lines(budget: Budget) -> list[Line]:
    """机关运行经费 by its definition: 一般公共预算 基本支出 公用经费 of 行政单位 and 参公 units."""
    rule = vocab.RUNNING_DATED.at(budget.info.year)
    admin = {u.code for u in budget.units if u.kind in rule.unit_kinds}
    return [ln for ln in budget.lines
            if ln.source in rule.sources and ln.kind == rule.expense_kind and ln.unit in admin
            and ln.econ[:3] in rule.classes]


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
