"""The domain vocabulary of 部门预算, below the workbook contract.

What a 资金来源, a 支出类型 or a 单位类型 may be, which of them form a named group, and the code
sets that define 人员经费, 公用经费, the “三公” items and 机关运行经费 are facts of the budget
system, not of the workbook's layout: the schema (which column takes which list), the model,
the checks and derive all import them from here, so a definition changes in one place.

Definitions that the 财政部 has changed over time are `Dated`: each version says the first
budget year it applies to, and ``.at(year)`` picks the one in force. Today every code set below
has one version, from 2018, the year the 部门/政府 支出经济分类 of 财预〔2017〕98号 took effect
(the codes 301…310 and the “三公” codes 30212/30217/30231/31013/30913 are of that reform); a
budget year before it uses the earliest version.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Dated(Generic[T]):
    """A definition with versions ``((valid_from_year, value), …)`` in ascending year order."""
    versions: tuple[tuple[int, T], ...]

    def at(self, year: int | None = None) -> T:
        """The version in force in budget *year* (the newest when *year* is None; the earliest
        when *year* is before every version)."""
        if year is None:
            return self.versions[-1][1]
        chosen = self.versions[0][1]
        for since, value in self.versions:
            if since <= year:
                chosen = value
        return chosen

    @property
    def current(self) -> T:
        return self.at(None)


# ---------------------------------------------------------------------------------------------
# enumerations the workbook offers (schema.ENUMS maps its drop-down names onto these)

# 资金来源. The first five are the 一般公共预算; the order is the order of the 收入 tables.
# 事业收入 … 附属单位上缴收入 are the income of 事业单位 that the national 收入总表 shows in
# columns of their own (财预 formats since 2022); older municipal formats count them as
# 其他各项收入 (the group 其他收入类 below).
SOURCES: tuple[str, ...] = (
    "财政拨款", "专项收入", "行政事业性收费收入", "国有资源（资产）有偿使用收入",
    "其他一般公共预算收入", "政府性基金预算", "国有资本经营预算", "财政专户管理的非税收入",
    "事业收入", "事业单位经营收入", "上级补助收入", "附属单位上缴收入",
    "其他各项收入", "上级转移支付", "上年结转",
)

# Named groups of 资金来源 that tables and sentences speak of.
SOURCE_GROUPS: dict[str, tuple[str, ...]] = {
    # 一般公共预算 income: the 财政拨款 proper and the non-tax revenue paid into the budget
    "一般公共预算": SOURCES[:5],
    # money appropriated by the 财政 from its three budgets (财政拨款收支总表)
    "财政拨款口径": ("财政拨款", "政府性基金预算", "国有资本经营预算"),
    # what the national 财政拨款收支总表 counts: the appropriations of all three budgets, the
    # 一般公共预算 with the non-tax revenue paid into the treasury and appropriated back
    "三本预算拨款": (*SOURCES[:5], "政府性基金预算", "国有资本经营预算"),
    # 其他收入 of the national formats (which have no 上级转移支付 column)
    "其他收入": ("其他各项收入", "上级转移支付"),
    # everything a format without 事业收入 columns shows as 其他各项收入
    "其他收入类": ("事业收入", "事业单位经营收入", "上级补助收入", "附属单位上缴收入", "其他各项收入"),
}
GENERAL_BUDGET_SOURCES = SOURCE_GROUPS["一般公共预算"]
FISCAL_SOURCES = SOURCE_GROUPS["财政拨款口径"]

# 支出类型. 上缴上级支出, 事业单位经营支出 and 对附属单位补助支出 are neither 基本 nor 项目
# spending; the national 支出总表 has a column for each.
EXPENSE_KINDS: tuple[str, ...] = ("基本支出", "项目支出", "上缴上级支出", "事业单位经营支出",
                                  "对附属单位补助支出")
BASIC, PROJECT = EXPENSE_KINDS[:2]
EXPENSE_KIND_GROUPS: dict[str, tuple[str, ...]] = {
    # what a format with only 基本支出 | 项目支出 shows under 项目支出
    "基本支出以外": EXPENSE_KINDS[1:],
}

UNIT_KINDS: tuple[str, ...] = ("行政单位", "参照公务员法管理事业单位", "事业单位")
# 行政 and 参公 units take the 行政 government classification and count for 机关运行经费
ADMIN_UNIT_KINDS: tuple[str, ...] = UNIT_KINDS[:2]

FUNDING_FORMS: tuple[str, ...] = ("财政全供", "财政差额", "自收自支")
UNIT_LEVELS: tuple[str, ...] = ("本级", "下属单位")
PROJECT_CATEGORIES: tuple[str, ...] = ("社会事业和经济发展项目", "债务项目", "基本建设项目", "其他项目")
FUND_USES: tuple[str, ...] = ("业务类", "政策类（转移性支出）", "基本建设类", "其他类")
PROCUREMENT_CATEGORIES: tuple[str, ...] = ("货物", "工程", "服务")

# 上年数 指标: the figures whose previous-year amount a workbook records (derive/figures.py
# computes the current-year side of each)
PRIOR_ITEMS: tuple[str, ...] = (
    "收支预算总计", "一般公共预算", "政府性基金预算", "国有资本经营预算",
    "因公出国（境）费", "公务用车购置费", "公务用车运行维护费", "公务接待费", "机关运行经费",
)


# ---------------------------------------------------------------------------------------------
# economic code sets (部门预算支出经济分类, by 类 = the first three digits)

# 基本支出 groups as the 附表 show them: (key, name, economic 类)
BASIC_GROUPS_DATED: Dated[tuple[tuple[str, str, tuple[str, ...]], ...]] = Dated((
    (2018, (
        ("wages", "工资福利支出", ("301",)),
        ("household", "对个人和家庭的补助支出", ("303",)),
        ("goods", "商品服务支出", ("302",)),
        ("capital", "资本性支出", ("310", "309")),
    )),
))
BASIC_GROUPS = BASIC_GROUPS_DATED.current
OTHER_LABEL = "其他支出"            # basic spending outside the four groups (e.g. 399)

# 人员经费 and 公用经费 of 基本支出
PERSONNEL_DATED: Dated[tuple[str, ...]] = Dated(((2018, ("301", "303")),))
PUBLIC_DATED: Dated[tuple[str, ...]] = Dated(((2018, ("302", "310", "309")),))
PERSONNEL = PERSONNEL_DATED.current
PUBLIC = PUBLIC_DATED.current

# economic 类 that belong to 基本支出 at all (others are normally 项目支出: W-CLASS-001)
BASIC_CLASSES: tuple[str, ...] = ("301", "302", "303", "309", "310", "399")

# “三公” items and their economic 款 (counted on 一般公共预算 money only)
THREE_PUBLIC_DATED: Dated[tuple[tuple[str, str, tuple[str, ...]], ...]] = Dated((
    (2018, (
        ("abroad", "因公出国（境）费", ("30212",)),
        ("car_buy", "公务用车购置费", ("31013", "30913")),
        ("car_run", "公务用车运行维护费", ("30231",)),
        ("reception", "公务接待费", ("30217",)),
    )),
))
THREE_PUBLIC = THREE_PUBLIC_DATED.current


@dataclass(frozen=True)
class RunningCosts:
    """机关运行经费: the 一般公共预算 基本支出 公用经费 of 行政 and 参公 units (名词解释 of
    every 部门预算公开 since 2015)."""
    sources: tuple[str, ...]
    expense_kind: str
    unit_kinds: tuple[str, ...]
    classes: tuple[str, ...]


RUNNING_DATED: Dated[RunningCosts] = Dated((
    (2018, RunningCosts(GENERAL_BUDGET_SOURCES, BASIC, ADMIN_UNIT_KINDS, PUBLIC_DATED.at(2018))),
))
RUNNING = RUNNING_DATED.current
