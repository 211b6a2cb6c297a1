"""Measures: what a column (or a fixed row) adds up. A profile declares a measure as a filter
over 支出明细 lines — by 资金来源 or a group of them, 支出类型, economic code (a 基本支出 group,
人员经费, 公用经费, a “三公” item, or a code), 项目类别, 单位类型 — or names one of the measures
below (三公经费, 机关运行经费, …), and may ask for the 上年 amount of a measure that has a
上年数 指标. Amounts are Decimal 元 and always sums of lines, so every total agrees with its
parts by construction."""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from .. import vocab
from ..model import Budget, Line
from .figures import basic_group

ZERO = Decimal(0)


def total(lines: Iterable[Line]) -> Decimal:
    return sum((ln.amount for ln in lines), ZERO)


# ---------------------------------------------------------------------------------------------
# projects

def project_lines(budget: Budget) -> dict[str, list[Line]]:
    """项目名称 -> its 项目支出 lines (projects without lines map to [])."""
    out: dict[str, list[Line]] = {p.name: [] for p in budget.projects}
    for ln in budget.lines:
        if not ln.is_basic and ln.project:
            out.setdefault(ln.project, []).append(ln)
    return out


def project_amounts(budget: Budget, source: str | None = None) -> dict[str, Decimal]:
    """项目本年度金额 of every project (derived from its lines); with *source*, only lines of
    that 资金来源 (e.g. "财政拨款" for 其中：财政资金)."""
    return {name: total(ln for ln in lines if source is None or ln.source == source)
            for name, lines in project_lines(budget).items()}




# ---------------------------------------------------------------------------------------------
# declared measures: what a profile's column or fixed row adds up

class Invalid(Exception):
    """A declaration that names something that does not exist. *needle* is the offending
    value or key, so the profile loader can find its line."""

    def __init__(self, message: str, needle: object = None):
        super().__init__(message)
        self.message, self.needle = message, needle


FILTER_KEYS = ("source", "kind", "econ", "category", "unit_kind", "measure", "any", "year")
YEARS = ("本年", "上年")


def econ_sets(year: int | None = None) -> dict[str, tuple[str, ...]]:
    """Names a filter's ``econ`` may use -> economic code prefixes: the 基本支出 groups (and
    the official long names), 人员经费, 公用经费 and the “三公” items. "其他支出" (basic
    spending outside the four groups) is handled apart: it is a complement, not a prefix set."""
    out = {label: classes for _, label, classes in vocab.BASIC_GROUPS_DATED.at(year)}
    out["商品和服务支出"] = out["商品服务支出"]
    out["对个人和家庭的补助"] = out["对个人和家庭的补助支出"]
    out["人员经费"] = vocab.PERSONNEL_DATED.at(year)
    out["公用经费"] = vocab.PUBLIC_DATED.at(year)
    for _, label, codes in vocab.THREE_PUBLIC_DATED.at(year):
        out[label] = codes
    return out


def named_measures(year: int | None = None) -> dict[str, tuple[dict, tuple[str, ...] | None]]:
    """Measures a declaration may name (``measure = "…"``): name -> (filter, the 上年数 指标
    whose 上年预算数 give its previous-year amount, or None when the workbook records none)."""
    gpb = "一般公共预算"
    three = [label for _, label, _ in vocab.THREE_PUBLIC_DATED.at(year)]
    car = ["公务用车购置费", "公务用车运行维护费"]
    running = vocab.RUNNING_DATED.at(year)
    out: dict[str, tuple[dict, tuple[str, ...] | None]] = {
        "收支预算总计": ({}, ("收支预算总计",)),
        "一般公共预算": ({"source": gpb}, ("一般公共预算",)),
        "政府性基金预算": ({"source": "政府性基金预算"}, ("政府性基金预算",)),
        "国有资本经营预算": ({"source": "国有资本经营预算"}, ("国有资本经营预算",)),
        "人员经费": ({"kind": vocab.BASIC, "econ": "人员经费"}, None),
        "公用经费": ({"kind": vocab.BASIC, "econ": "公用经费"}, None),
        "三公经费": ({"source": gpb, "econ": three}, tuple(three)),
        "公务用车购置及运行费": ({"source": gpb, "econ": car}, tuple(car)),
        # vocab.RUNNING: the 公用经费 of 基本支出 on 一般公共预算 money, of 行政 and 参公 units
        "机关运行经费": ({"source": list(running.sources), "kind": running.expense_kind,
                     "unit_kind": list(running.unit_kinds), "econ": "公用经费"},
                    ("机关运行经费",)),
    }
    for label in three:
        out[label] = ({"source": gpb, "econ": label}, (label,))
    return out


@dataclass(frozen=True)
class Filter:
    """Which lines a measure counts: every condition given must hold (each a set of allowed
    values), and when *alternatives* are given, at least one of them must hold too."""
    sources: frozenset | None = None
    kinds: frozenset | None = None
    econ: tuple[str, ...] | None = None     # economic code sets by name (econ_sets), or code
                                            # prefixes: resolved in the line's budget year
    econ_other: bool = False                # also: basic spending outside the four groups
    categories: frozenset | None = None     # 项目类别 of the line's project
    unit_kinds: frozenset | None = None
    alternatives: tuple["Filter", ...] = ()

    def test(self, ln: Line, facts: "LineFacts") -> bool:
        if self.sources is not None and ln.source not in self.sources:
            return False
        if self.kinds is not None and ln.kind not in self.kinds:
            return False
        if self.econ is not None or self.econ_other:
            hit = self.econ is not None and ln.econ.startswith(facts.prefixes(self.econ))
            if not hit and not (self.econ_other and basic_group(ln.econ, facts.year) is None):
                return False
        if self.categories is not None and facts.category(ln) not in self.categories:
            return False
        if self.unit_kinds is not None and facts.unit_kind(ln) not in self.unit_kinds:
            return False
        return not self.alternatives or any(a.test(ln, facts) for a in self.alternatives)



EVERYTHING = Filter()


@dataclass(frozen=True)
class Measure:
    """A declared measure: the lines it counts, or (``year = "上年"``) the 上年数 指标 whose
    上年预算数 it adds."""
    filter: Filter = EVERYTHING
    prior: tuple[str, ...] | None = None


def _members(spec: dict, key: str, members, groups: dict, what: str) -> frozenset:
    """The values of *key*, each a member or a group of members (资金来源 or 支出类型)."""
    found: list[str] = []
    for v in _values(spec, key):
        if v in groups:
            found += groups[v]
        elif v in members:
            found.append(v)
        else:
            raise Invalid(f"未知的{what}或{what}组“{v}”；{what}：{'、'.join(members)}；"
                          f"组：{'、'.join(groups)}", v)
    return frozenset(found)


def _values(spec: dict, key: str) -> list[str]:
    v = spec[key]
    return [str(x) for x in v] if isinstance(v, list) else [str(v)]


def compile_filter(spec: dict, year: int | None = None) -> Filter:
    """A Filter from a declaration's keys (source, kind, econ, category, unit_kind, measure,
    any); Invalid for a name that does not exist."""
    spec = {k: v for k, v in spec.items() if k in FILTER_KEYS and k != "year"}
    if "measure" in spec:
        named = named_measures(year)
        name = str(spec.pop("measure"))
        if name not in named:
            raise Invalid(f"未知的度量（measure）“{name}”；可用：{'、'.join(named)}", name)
        base = named[name][0]
        for k in spec:
            if k in base:
                raise Invalid(f"“{k}”已由度量“{name}”规定，不能再写", k)
        spec = {**base, **spec}
    sources = kinds = econ = categories = unit_kinds = None
    econ_other = False
    alternatives: tuple[Filter, ...] = ()
    if "source" in spec:
        sources = _members(spec, "source", vocab.SOURCES, vocab.SOURCE_GROUPS, "资金来源")
    if "kind" in spec:
        kinds = _members(spec, "kind", vocab.EXPENSE_KINDS, vocab.EXPENSE_KIND_GROUPS, "支出类型")
    if "econ" in spec:
        sets = econ_sets(year)
        names: list[str] = []
        for v in _values(spec, "econ"):
            if v == vocab.OTHER_LABEL:
                econ_other = True
            elif v in sets or re.fullmatch(r"\d{3}(\d{2})?", v):
                names.append(v)
            else:
                raise Invalid(f"未知的经济分类“{v}”；可用：{'、'.join(sets)}、{vocab.OTHER_LABEL}，"
                              "或 3 位类、5 位款编码", v)
        econ = tuple(names) if names else None
    if "category" in spec:
        for v in _values(spec, "category"):
            if v not in vocab.PROJECT_CATEGORIES:
                raise Invalid(f"未知的项目类别“{v}”；可用：{'、'.join(vocab.PROJECT_CATEGORIES)}", v)
        categories = frozenset(_values(spec, "category"))
    if "unit_kind" in spec:
        for v in _values(spec, "unit_kind"):
            if v not in vocab.UNIT_KINDS:
                raise Invalid(f"未知的单位类型“{v}”；可用：{'、'.join(vocab.UNIT_KINDS)}", v)
        unit_kinds = frozenset(_values(spec, "unit_kind"))
    if "any" in spec:
        if not isinstance(spec["any"], list) or not all(isinstance(a, dict) for a in spec["any"]):
            raise Invalid("any 应为条件表的列表，如 any = [{ kind = \"项目支出\" }, …]", "any")
        alternatives = tuple(compile_filter(a, year) for a in spec["any"])
    return Filter(sources, kinds, econ, econ_other, categories, unit_kinds, alternatives)


def compile_measure(spec: dict, year: int | None = None) -> Measure:
    """A declared column or row: its filter, or for ``year = "上年"`` the 上年数 指标 of a named
    measure (a measure without one, or extra conditions, is Invalid)."""
    when = str(spec.get("year", "本年"))
    if when not in YEARS:
        raise Invalid(f"year 应为 本年 或 上年：“{when}”", when)
    if when == "本年":
        return Measure(compile_filter(spec, year))
    extra = [k for k in spec if k in FILTER_KEYS and k not in ("measure", "year")]
    name = spec.get("measure")
    named = named_measures(year)
    if name is None or extra:
        raise Invalid("上年数只能按度量（measure）取，且不能另加条件：上年数表中只有"
                      f"{'、'.join(vocab.PRIOR_ITEMS)}", extra[0] if extra else "year")
    if name not in named or named[name][1] is None:
        with_prior = [n for n, (_, p) in named.items() if p]
        raise Invalid(f"度量“{name}”没有对应的上年数指标；有上年数的度量：{'、'.join(with_prior)}", name)
    return Measure(prior=named[name][1])


class LineFacts:
    """What a filter asks of a line beyond its own cells: its project's 项目类别 and its unit's
    单位类型 (looked up once per budget)."""

    def __init__(self, budget: Budget):
        self.year = budget.info.year
        self._categories = {p.name: p.category for p in budget.projects}
        self._unit_kinds = {u.code: u.kind for u in budget.units}
        self._sets = econ_sets(self.year)
        self._prefixes: dict[tuple[str, ...], tuple[str, ...]] = {}

    def prefixes(self, names: tuple[str, ...]) -> tuple[str, ...]:
        """Economic code prefixes of set names (in this budget's year) and literal codes."""
        if names not in self._prefixes:
            self._prefixes[names] = tuple(p for n in names for p in self._sets.get(n, (n,)))
        return self._prefixes[names]

    def category(self, ln: Line) -> str | None:
        """The 项目类别 of the line's project; a non-basic line whose project is unknown (an
        error the checks report) or that has none (上缴上级支出 …) counts as 其他项目."""
        if ln.is_basic:
            return None
        return self._categories.get(ln.project or "", vocab.PROJECT_CATEGORIES[-1])

    def unit_kind(self, ln: Line) -> str | None:
        return self._unit_kinds.get(ln.unit)
