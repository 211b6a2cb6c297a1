"""Every number typed in a text, reconciled with the figures of its scope (figures_in_scope).

* A budget amount (元/万元/亿元, or 万 without 元) must be one of the figures of its scope, at the
  precision it was typed (W-TEXT-003); amounts that together make up a figure are its parts.
  Not budget amounts: foreign currency (美元), approximations (约、左右), bounds (超过、以上), the
  economy's figures (产值、交易额、进出口额、效益 …) and anything far above the whole budget.
* A target, count or percentage must agree with the figure of the same measure — the indicator
  (or staff count, share …) whose name it shares — in value, comparator and currency
  (W-TEXT-011). A number with no figure of its measure in scope is a fact the data cannot check,
  and is left alone; so is one a third or three times the figure (another quantity of the kind).
* Two indicators of the same measure with two targets (W-PERF-001).
"""
from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from ..diagnostics import W, rule
from ..workbook.schema import SHEET_BY_NAME
from .context import Context, yuan
from .figures_in_scope import Figure, Scopes, _clean
from .quantities import SYMBOL, Quantity, parse
from ..derive.names import mask
from .texts import place_names

rule("W-TEXT-003", W, "文字", "文字中的金额与它所说的项目或部门的金额都不相同",
     "项目文字中的金额应是该项目的本年度金额（支出明细之和）、项目总金额、上年度金额、上年度项目总金额"
     "或其中某一经济分类的金额；其他文字中的金额应是部门、单位或项目的某个金额。按万元写时保留两位小数并"
     "四舍五入（不要截断）；几个金额合起来等于项目金额的视为分项。约数（约、左右）、上下限（超过、以上）、"
     "外币和产值、交易额等经济指标不在此列。不想每年改数字的，可在「」中写数字的名称，如「项目金额」「三公经费」，"
     "由 gongkai 填入（docs/figure-names.md）")
rule("W-TEXT-011", W, "文字", "文字中的目标或数字与同一指标的数值不一致",
     "文字中的目标应与绩效指标（或人员车辆资产等）中同一指标的目标值一致：数值、比较词（“大于X”是不含X的，"
     "“≥X”“X以上”“达到X”含X）和币种（元与美元）都要相同。请改文字，或改指标的目标值")
rule("W-PERF-001", W, "绩效", "同一指标在不同项目中的目标值不同",
     "名称相同（不计“全市”“市级”等限定词）的两个指标衡量的是同一件事，目标值应相同；"
     "请统一目标值，或把指标名称写得能区分开")

# words that make an amount one of the economy's figures, not the budget's
ECONOMIC = re.compile(r"产值|效益|规模|营业|销售|交易|进出口|出口|进口|总值|增加值|税收|利润|融资|贷款|签约|合同|"
                      r"投资|消费|外资|外贸|引资|GDP|业绩")
# an indicator whose 目标值 is an amount of the project's own money (产出目标/成本, 项目资金 ≤…)
COST = re.compile(r"资金|预算|经费|成本|拨款|投入|补贴|补助")
QUALIFIER = r"^(?:全市|市级|全省|省级|全县|县级|全区|区级|我市|本市|全年|年度{places})"
SIMILAR, SAME = 0.3, 0.6          # label similarity: related, surely the same measure
FAR = Decimal(3)                  # values further apart than this are different quantities
PROJECT_TEXTS = ("overview", "basis", "necessity", "measures", "plan", "note", "goal_total", "goal_year")
# cells whose numbers are the figures themselves, or names
FIGURE_CELLS = {("绩效指标", "target"), ("整体绩效指标", "target"), ("绩效指标", "level1"),
                ("绩效指标", "level2"), ("绩效指标", "level3"), ("整体绩效指标", "level1"),
                ("整体绩效指标", "level2"), ("整体绩效指标", "level3")}


NOT_CJK = re.compile(r"[^\u4e00-\u9fff]")


@lru_cache(maxsize=8192)
def _label_parts(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """(the characters of its last two CJK characters, its CJK character pairs): worked out once
    per label, since every quantity of a text is compared with every figure."""
    cjk = NOT_CJK.sub("", text)
    return frozenset(cjk[-2:]), frozenset(cjk[i:i + 2] for i in range(len(cjk) - 1))


def similarity(a: str, b: str) -> float:
    """How much two labels say the same (Dice over character pairs), 0 when their last words
    share no character (比例 is not 增长, 满意度 is 满意度)."""
    (ta, x), (tb, y) = _label_parts(a), _label_parts(b)
    if not ta & tb:
        return 0.0
    return 2 * len(x & y) / (len(x) + len(y)) if x and y else 0.0


def _side(c: str | None) -> str | None:
    if c in (">", ">=", "reach"):
        return "low"
    if c in ("<", "<="):
        return "high"
    return None if c == "~" else "point"


def comparators_agree(text: str | None, figure: str | None) -> bool:
    """大于X (exclusive) is not ≥X, =X or X; X以上/达到X/X are all fine beside ≥X or =X."""
    a, b = _side(text), _side(figure)
    if a is None or b is None:
        return True
    if {a, b} == {"low", "high"}:
        return False
    strict = {">", "<"}
    return (text in strict) == (figure in strict)


class Reconciler:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.scopes = Scopes(ctx)

    # ------------------------------------------------------------------ one quantity
    def related(self, q: Quantity, figures: list[Figure]) -> list[tuple[float, Figure]]:
        """The labelled figures of q's kind that speak of the same thing, best first."""
        out = []
        for f in figures:
            if not f.label or f.kind != q.kind:
                continue
            # a count's measure word is part of what it says: 培训5期 is 培训期数 ≥6期
            unit, funit = (q.unit, f.unit) if q.kind == "count" else ("", "")
            score = max(similarity(q.before + unit, f.label + funit),
                        similarity(q.after, f.label) if q.after else 0.0)
            if score < SIMILAR:
                continue
            if q.kind == "count" and q.unit and f.unit and q.unit != f.unit and score < SAME:
                continue
            out.append((score, f))
        return sorted(out, key=lambda sf: -sf[0])

    def target(self, rec, fld: str, header: str, q: Quantity, figures: list[Figure]) -> bool:
        """Compare q with the figure of its measure. True when there was one to compare with."""
        related = self.related(q, figures)
        if not related:
            return False
        same = [(s, f) for s, f in related if _equal(q, f)]
        if same:
            _, f = same[0]
            if q.kind == "money" and q.unit != f.unit:
                self._report(rec, fld, header, q, f, f"币种不同（文字为{q.unit}，指标为{f.unit}）")
            elif not q.approx and not comparators_agree(q.comparator, f.comparator):
                self._report(rec, fld, header, q, f, f"比较词不同（文字为“{SYMBOL[q.comparator]}”，"
                             f"指标为“{SYMBOL[f.comparator]}”）")
            return True
        score, f = related[0]
        if q.approx or f.value == 0 or not (1 / FAR <= q.value / f.value <= FAR):
            return True  # an approximation, or another quantity of the same kind
        why = "数值不同" + (f"，币种也不同（文字为{q.unit}，指标为{f.unit}）" if q.kind == "money" and q.unit != f.unit else "")
        self._report(rec, fld, header, q, f, why)
        return True

    def _report(self, rec, fld, header, q: Quantity, f: Figure, why: str) -> None:
        where = f"（{f.where}）" if f.where else ""
        self.ctx.add("W-TEXT-011", f"{header}中的“{q.text}”与{f.source}“{f.name}”的“{f.shown}”{where}不一致：{why}",
                     rec, fld, expected=f.shown, actual=q.text)

    # ------------------------------------------------------------------ cells
    def amounts(self, cells, figures: list[Figure], scope: str) -> None:
        """cells: (rec, fld, header, text) of one scope. Budget amounts that match no figure are
        reported, unless together they make up a figure (a breakdown)."""
        budget = [f for f in figures if f.budget]
        totals = {f.value for f in budget}
        loose: list[tuple] = []
        for rec, fld, header, text in cells:
            stated: set[Decimal] = set()
            unmatched: list[tuple] = []
            for q in parse(mask(text)):  # a name (「三公经费」) is no typed number
                if q.kind == "money" and not q.foreign and self._is_budget(q) \
                        and not self.related(q, figures):
                    stated.add(q.value)
                    if not any(q.matches(f.value) for f in budget) and not self._as_printed(q, budget):
                        unmatched.append((rec, fld, header, q))
                else:
                    self.target(rec, fld, header, q, figures)
            if len(stated) > 1 and sum(stated) in totals:
                continue  # 20 + 30 + 150 万元: the parts of the project's 200 万元
            loose += unmatched
        values = {q.value for *_, q in loose}
        if len(values) > 1 and sum(values) in totals:
            return  # a total and its parts (总额 300 万元，其中 100 万元、200 万元)
        reported: set[tuple] = set()
        for rec, fld, header, q in loose:
            if (rec.row, fld, q.value) in reported:
                continue  # the same amount twice in one cell: one diagnostic
            reported.add((rec.row, fld, q.value))
            near = sorted(budget, key=lambda f: (abs(f.value - q.value), budget.index(f)))[:3]
            listed = "、".join(f"{f.name} {f.shown}" for f in near)
            self.ctx.add("W-TEXT-003", f"{header}中的“{q.text}”（{yuan(q.value)}）与{scope}的金额都不相同；"
                         f"最接近的：{listed}", rec, fld, expected=near[0].value if near else None,
                         actual=q.value)

    def _as_printed(self, q: Quantity, figures: list[Figure]) -> bool:
        """A 万元 amount as the narrative prints it: a part apportioned to add up to its total
        (人员经费 1000.01 万元 beside 基本支出 1500.01 万元) may differ by a cent from half-up."""
        if q.scale != 10000 or q.places != 2:
            return False
        printed = self.scopes.printed
        return any(printed.get(f.name) == q.value / q.scale for f in figures)

    def _is_budget(self, q: Quantity) -> bool:
        return (q.comparator in (None, "=") and not q.approx and not ECONOMIC.search(q.before + q.after)
                and (not self.scopes.largest or q.value <= 10 * self.scopes.largest))

    def cost_indicators(self) -> None:
        """An indicator whose 目标值 is the project's own money (成本, 项目资金 ≤120万元) must be
        one of the project's amounts."""
        for ind in self.ctx.budget.indicators:
            p = self.ctx.projects.get(ind.project)
            name = _clean(ind.level3)
            if p is None or not (ind.level2 == "成本" or COST.search(name)) or ECONOMIC.search(name):
                continue
            budget = self.scopes.project_amounts(p)
            for q in parse(ind.target or "", label=name):
                if q.kind != "money" or q.foreign or any(q.matches(f.value) for f in budget):
                    continue
                near = sorted(budget, key=lambda f: abs(f.value - q.value))[:3]
                self.ctx.add("W-TEXT-003", f"绩效指标“{name}”的目标值“{q.text}”（{yuan(q.value)}）与项目“{p.name}”的"
                             f"金额都不相同；最接近的：{'、'.join(f'{f.name} {f.shown}' for f in near)}",
                             ind, "target", expected=near[0].value if near else None, actual=q.value)

    def same_measure(self) -> None:
        """W-PERF-001: one measure (全市进出口额, 市级进出口额) with two targets."""
        first: dict[tuple, tuple] = {}
        places = "".join("|" + re.escape(p) for p in place_names(self.ctx.budget.info.dept_name))
        qualifier = re.compile(QUALIFIER.format(places=places))
        for ind in self.ctx.budget.indicators:
            name = _clean(ind.level3)
            key_name = qualifier.sub("", name)
            for q in parse(ind.target or "", bare=True, label=name):
                if q.kind == "percent" or not key_name:
                    continue
                key = (key_name, q.kind, q.unit if q.kind == "count" else "")
                seen = first.get(key)
                if seen is None:
                    first[key] = (ind, q)
                    continue
                other, oq = seen
                if other.project == ind.project or oq.value == q.value or oq.value == 0 \
                        or not (1 / FAR <= q.value / oq.value <= FAR):
                    continue
                self.ctx.add("W-PERF-001", f"项目“{ind.project}”的指标“{name}”目标值为“{q.text}”，项目“{other.project}”"
                             f"的“{_clean(other.level3)}”（第 {other.row} 行）为“{oq.text}”：是同一指标的两个目标值",
                             ind, "target", expected=oq.text, actual=q.text)


def _equal(q: Quantity, f: Figure) -> bool:
    if f.high is not None:
        return f.value <= q.value <= f.high
    return q.matches(f.value)


def check(ctx: Context) -> None:
    from .texts import free_text_cells
    if ctx.incomplete("支出明细"):
        return  # every derived figure would be off; the missing line is reported already
    r = Reconciler(ctx)
    header = {c.field: c.header for c in SHEET_BY_NAME["项目"].columns}
    for p in ctx.budget.projects:
        cells = [(p, fld, header[fld], getattr(p, fld)) for fld in PROJECT_TEXTS if getattr(p, fld)]
        r.amounts(cells, r.scopes.project(p), f"项目“{p.name}”")
    others = [(rec, fld, hdr, text) for rec, fld, hdr, text in free_text_cells(ctx.budget)
              if rec.sheet != "项目" and (rec.sheet, fld) not in FIGURE_CELLS]
    everything = r.scopes.everything
    for cell in others:
        rec = cell[0]
        if rec.sheet == "上年数":
            r.amounts([cell], r.scopes.of_prior(rec), f"{rec.item}")
        else:
            r.amounts([cell], everything, "本部门")
    r.cost_indicators()
    r.same_measure()


__all__ = ["check", "similarity", "comparators_agree"]
