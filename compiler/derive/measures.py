"""Measures: what a column (or a fixed row) adds up. Each measure has a stable key (used by the
JSON and CSV exports and by diff) and picks the 支出明细 lines it counts: by 资金来源, by
支出类型, by the 基本支出 group of the economic code, by 项目类别. Amounts are Decimal 元 and
always sums of lines, so every total agrees with its parts by construction."""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Callable, Iterable, Sequence

from .. import vocab
from ..model import Budget, Line
from .figures import basic_group

ZERO = Decimal(0)

# stable keys of the 资金来源, the 基本支出 groups and the 项目类别
SOURCE_KEYS: dict[str, str] = dict(zip(vocab.SOURCES, (
    "fiscal_appropriation", "special_revenue", "admin_fees", "state_resources", "other_gpb",
    "gov_fund", "soe_capital", "fiscal_special_account", "other_income", "upper_transfer",
    "carryover")))
assert len(SOURCE_KEYS) == len(vocab.SOURCES) == 11
FISCAL, GOV_FUND, SOE_CAPITAL = vocab.FISCAL_SOURCES
# 表4: money appropriated by the 财政 from each of the three budgets
FISCAL_BASIS: dict[str, str] = {FISCAL: "gpb", GOV_FUND: "gov_fund", SOE_CAPITAL: "soe_capital"}

BASIC_KEYS: dict[str, str] = {"wages": "basic_wages", "household": "basic_household",
                              "goods": "basic_goods_services", "capital": "basic_capital"}
assert [g[0] for g in vocab.BASIC_GROUPS] == list(BASIC_KEYS)
BASIC_OTHER = "basic_other"
PROJECT_KEYS: dict[str, str] = dict(zip(vocab.PROJECT_CATEGORIES, (
    "proj_social_econ", "proj_debt", "proj_capital_constr", "proj_other")))
assert len(PROJECT_KEYS) == len(vocab.PROJECT_CATEGORIES) == 4
PROJECT_FALLBACK = "proj_other"   # a line whose project is unknown (an error the checks report)

# A line's contribution to each measure it counts for: {measure key: amount}
Vector = Callable[[Line], dict[str, Decimal]]


def total(lines: Iterable[Line]) -> Decimal:
    return sum((ln.amount for ln in lines), ZERO)


def accumulate(lines: Iterable[Line], keys: Sequence[str], vector: Vector) -> list[Decimal]:
    """Σ of each measure in *keys* over *lines*, in the order of *keys*."""
    acc = dict.fromkeys(keys, ZERO)
    for ln in lines:
        for k, v in vector(ln).items():
            if k in acc:
                acc[k] += v
    return [acc[k] for k in keys]


def basic_key(line: Line) -> str:
    group = basic_group(line.econ)
    return BASIC_KEYS[group] if group else BASIC_OTHER


def project_key(line: Line, categories: dict[str, str]) -> str:
    return PROJECT_KEYS.get(categories.get(line.project or "", ""), PROJECT_FALLBACK)


# ---------------------------------------------------------------------------------------------
# 支出: 合计 | 基本支出 by group | 项目支出 by 项目类别

def expense_keys(ctx) -> list[str]:
    basic = ["basic_subtotal", *BASIC_KEYS.values()] + ([BASIC_OTHER] if ctx.has_basic_other else [])
    return ["total", *basic, "proj_subtotal", *PROJECT_KEYS.values()]


def expense_vector(ctx) -> Vector:
    def vector(ln: Line) -> dict[str, Decimal]:
        if ln.is_basic:
            return {"total": ln.amount, "basic_subtotal": ln.amount, basic_key(ln): ln.amount}
        return {"total": ln.amount, "proj_subtotal": ln.amount,
                project_key(ln, ctx.categories): ln.amount}
    return vector


# ---------------------------------------------------------------------------------------------
# 收入: by 资金来源

def income_keys(ctx) -> list[str]:
    keys = ["total", "gpb_subtotal", "gpb_fiscal_appropriation", "gov_fund", "soe_capital",
            "fiscal_special_account", "other_income", "upper_transfer"]
    return keys + (["carryover"] if ctx.has_carryover else [])


def income_vector(ln: Line) -> dict[str, Decimal]:
    out = {"total": ln.amount}
    if ln.is_general_budget:
        out["gpb_subtotal"] = ln.amount
        if ln.source == FISCAL:
            out["gpb_fiscal_appropriation"] = ln.amount
    else:
        out[SOURCE_KEYS.get(ln.source, "other_income")] = ln.amount
    return out


def gpb_vector(ln: Line) -> dict[str, Decimal]:
    """一般公共预算 小计 | 其中：财政拨款 (表6)."""
    return {"gpb_subtotal": ln.amount,
            **({"gpb_fiscal_appropriation": ln.amount} if ln.source == FISCAL else {})}


# ---------------------------------------------------------------------------------------------
# projects and “三公”

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


def unit_project_totals(budget: Budget, source: str | None = None) -> dict[str, Decimal]:
    """单位编码 -> Σ of its 项目支出 lines (units without projects are left out)."""
    out: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for ln in budget.lines:
        if not ln.is_basic and (source is None or ln.source == source):
            out[ln.unit] += ln.amount
    return dict(out)


def three_public_amounts(budget: Budget) -> dict[str, Decimal]:
    """abroad, reception, vehicle_operation, vehicle_purchase, vehicles, total."""
    from .figures import three_public
    amt = three_public(budget)
    out = {"abroad": amt["abroad"], "reception": amt["reception"],
           "vehicle_operation": amt["car_run"], "vehicle_purchase": amt["car_buy"]}
    out["vehicles"] = out["vehicle_operation"] + out["vehicle_purchase"]
    out["total"] = out["abroad"] + out["reception"] + out["vehicles"]
    return out
