"""The figures every table, sentence and check rests on: the 基本支出 group of an economic code,
the “三公” and 机关运行经费 lines, and the current-year figure of each 上年数 指标. The code sets
themselves are vocabulary (compiler/vocab.py, by year); these are pure functions of the Budget
that apply them."""
from __future__ import annotations

import weakref
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from .. import vocab
from ..model import Budget, Line
from ..vocab import (BASIC_GROUPS, GENERAL_BUDGET_SOURCES, OTHER_LABEL, PERSONNEL,  # noqa: F401
                     PROJECT_CATEGORIES, PUBLIC, THREE_PUBLIC)

ZERO = Decimal(0)


def total(lines: Iterable[Line]) -> Decimal:
    return sum((ln.amount for ln in lines), ZERO)


@dataclass(frozen=True, slots=True)
class Lump:
    """The lines alike in every field a figure selects by (unit, codes, kind, project, source),
    as one line carrying their sum. Any figure selecting by these fields is the same over the
    lumps as over the lines, and costs a pass over a few hundred lumps instead of 100,000 lines:
    amounts are bounded (workbook/read.py), so every sum is exact and the order of adding does
    not change its value or its exponent."""
    unit: str
    func: str
    econ: str
    kind: str
    project: str | None
    source: str
    amount: Decimal

    @property
    def is_basic(self) -> bool:
        return self.kind == vocab.BASIC


_LUMPS: dict[int, tuple] = {}  # id(budget) -> (weak reference to it, its lumps)


def lumps(budget: Budget) -> list[Lump]:
    """budget.lines as Lumps, in the order each lump's first line comes (so figures keyed by
    first appearance come out in the same order); computed once per Budget (a frozen model)."""
    key = id(budget)
    hit = _LUMPS.get(key)
    if hit is not None and hit[0]() is budget:
        return hit[1]
    sums: dict[tuple, Decimal] = {}
    for ln in budget.lines:
        k = (ln.unit, ln.func, ln.econ, ln.kind, ln.project, ln.source)
        sums[k] = sums.get(k, ZERO) + ln.amount
    out = [Lump(*k, amount) for k, amount in sums.items()]
    _LUMPS[key] = (weakref.ref(budget, lambda ref, key=key: _forget(key, ref)), out)
    return out


def _forget(key: int, ref) -> None:
    """A Budget is gone: drop its lumps (unless its id already belongs to a newer one)."""
    if _LUMPS.get(key, (None,))[0] is ref:
        del _LUMPS[key]


def basic_group(econ: str, year: int | None = None) -> str | None:
    """The 基本支出 group (wages, household, goods, capital) of an economic code, or None."""
    for key, _, classes in vocab.BASIC_GROUPS_DATED.at(year):
        if econ[:3] in classes:
            return key
    return None


def general(lines: Iterable[Line]) -> list[Line]:
    return [ln for ln in lines if ln.source in GENERAL_BUDGET_SOURCES]


def three_public(budget: Budget) -> dict[str, Decimal]:
    gpb = general(lumps(budget))
    items = vocab.THREE_PUBLIC_DATED.at(budget.info.year)
    return {key: total(ln for ln in gpb if ln.econ in codes) for key, _, codes in items}


def running_lines(budget: Budget, lines: Iterable[Line] | None = None) -> list[Line]:
    """机关运行经费 by its definition: 一般公共预算 基本支出 公用经费 of 行政单位 and 参公 units
    (among *lines*: budget.lines, or its lumps)."""
    rule = vocab.RUNNING_DATED.at(budget.info.year)
    admin = {u.code for u in budget.units if u.kind in rule.unit_kinds}
    return [ln for ln in (budget.lines if lines is None else lines)
            if ln.source in rule.sources and ln.kind == rule.expense_kind and ln.unit in admin
            and ln.econ[:3] in rule.classes]


def prior_item_amount(budget: Budget, item: str) -> Decimal:
    """The current-year figure that a 上年数 row is compared with."""
    lines = lumps(budget)
    if item == "收支预算总计":
        return total(lines)
    if item == "一般公共预算":
        return total(general(lines))
    if item in ("政府性基金预算", "国有资本经营预算"):
        return total(ln for ln in lines if ln.source == item)
    if item == "机关运行经费":
        return total(running_lines(budget, lines))
    three = three_public(budget)
    for key, label, _ in THREE_PUBLIC:
        if label == item:
            return three[key]
    raise KeyError(item)
