"""The figures a text may quote, by scope: a project's text may quote its project's four amounts
(and what its lines add up to by economic code), its indicators, its unit's totals and the
department's figures; any other text may quote the department's figures, every unit's and every
project's. Derived with the definitions of compiler/derive/figures.py, so a text is compared
with exactly the figures the document prints."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from ..derive import figures as fg
from ..derive.figures import ZERO, total
from ..render.format import largest_remainder, yuan
from ..workbook.schema import ENUMS
from .quantities import Quantity, parse


@dataclass(frozen=True)
class Figure:
    name: str                 # 本年度金额, 绩效指标“境外投资额”, 在职人员
    value: Decimal            # 元 for money
    kind: str                 # "money" | "percent" | "count"
    unit: str = "元"          # currency or measure word
    label: str = ""           # the words a text would use for it ('' = a budget amount, any words)
    shown: str = ""           # as printed in a message: "≥30亿元人民币", "1,200,000 元"
    where: str | None = None  # the cell it comes from (绩效指标!E12), when it is typed
    comparator: str | None = None
    high: Decimal | None = None
    source: str = ""          # where a reader finds it: 绩效指标, 人员车辆资产, …

    @property
    def budget(self) -> bool:
        return self.kind == "money" and not self.label


def money(name: str, value: Decimal) -> Figure:
    return Figure(name, value, "money", shown=f"{yuan(value)} 元")


def typed(q: Quantity, name: str, where: str | None) -> Figure:
    """A figure typed in a cell (an indicator's 目标值): its label is its name."""
    return Figure(name, q.value, q.kind, q.unit, label=name, shown=q.text, where=where,
                  comparator=q.comparator, high=q.high, source=(where or "").split("!")[0])


class Scopes:
    """Figures by scope, computed once per check."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.budget = ctx.budget

    # ------------------------------------------------------------------ department
    @cached_property
    def department(self) -> list[Figure]:
        b = self.budget
        lines = fg.lumps(b)  # the lines' sums by every field selected on below: same figures
        basic = [ln for ln in lines if ln.is_basic]
        gpb = fg.general(lines)
        gpb_basic = [ln for ln in gpb if ln.is_basic]
        out = [money("收支预算总计", total(lines)), money("基本支出", total(basic)),
               money("项目支出", total(ln for ln in lines if not ln.is_basic)),
               money("一般公共预算", total(gpb)), money("一般公共预算基本支出", total(gpb_basic)),
               money("人员经费", total(ln for ln in gpb_basic if ln.econ[:3] in fg.PERSONNEL)),
               money("公用经费", total(ln for ln in gpb_basic if ln.econ[:3] in fg.PUBLIC))]
        for key, label, _ in fg.BASIC_GROUPS:
            out.append(money(label, total(ln for ln in basic if fg.basic_group(ln.econ) == key)))
        for source in ENUMS["资金来源"]:
            out.append(money(source, total(ln for ln in lines if ln.source == source)))
        out.append(money("财政拨款收支", total(ln for ln in lines if ln.source in
                                            ("财政拨款", "政府性基金预算", "国有资本经营预算"))))
        category = {p.name: p.category for p in b.projects}
        for c in fg.PROJECT_CATEGORIES:
            out.append(money(c, total(ln for ln in lines if not ln.is_basic and category.get(ln.project) == c)))
        three = fg.three_public(b)
        out += [money(label, three[key]) for key, label, _ in fg.THREE_PUBLIC]
        out += [money("“三公”经费", sum(three.values(), ZERO)),
                money("公务用车购置及运行维护费", three["car_buy"] + three["car_run"])]
        running = fg.running_lines(b, lines)
        out.append(money("机关运行经费", total(running)))
        by_econ: dict[str, Decimal] = defaultdict(Decimal)
        for ln in running:
            by_econ[ln.econ] += ln.amount
        out += [money(f"机关运行经费中的{self._econ_name(c)}", a) for c, a in by_econ.items()]
        out.append(money("政府采购", total(b.procurement)))
        proc: dict[str, Decimal] = defaultdict(Decimal)
        for row in b.procurement:
            cat = row.category or (self.ctx.catalog.procurement_category(row.catalog) if self.ctx.catalog else None)
            if cat:
                proc[cat] += row.amount
        out += [money(f"政府采购{c}", a) for c, a in proc.items()]
        for row in b.prior:
            try:
                current = fg.prior_item_amount(b, row.item)
            except KeyError:
                continue
            out += [money(f"上年{row.item}", row.amount), money(f"{row.item}增减", abs(current - row.amount))]
        out += self._shares(lines, gpb)
        out += self._counts()
        return [f for f in out if f.kind != "money" or f.value]

    def _econ_name(self, code: str) -> str:
        cat = self.ctx.catalog
        return (cat.econ_name(code) if cat else None) or code

    def _shares(self, lines, gpb) -> list[Figure]:
        """Shares the narrative prints (功能分类 类, 一般公共预算 by use), labelled by name."""
        out = []
        cat = self.ctx.catalog
        by_class: dict[str, Decimal] = defaultdict(Decimal)
        for ln in lines:
            by_class[ln.func[:3]] += ln.amount
        names = {c: ((cat.func_name(c) if cat else None) or c) for c in by_class}
        for c, share in largest_remainder(dict(by_class), total(lines)).items():
            out.append(Figure(f"{names[c]}占比", share, "percent", "%", label=f"{names[c]}占", shown=f"{share}%",
                              source="按功能科目分类的支出"))
        return out

    def _counts(self) -> list[Figure]:
        s, b = self.budget.staff, self.budget
        counts = [("编制", s.staff_total, "人"), ("行政编制", s.staff_admin, "人"), ("事业编制", s.staff_inst, "人"),
                  ("工勤编制", s.staff_worker, "人"), ("在职人员", s.staff_active, "人"),
                  ("离退休人员", s.staff_retired, "人"), ("车辆", s.car_total, "辆"),
                  ("一般公务用车", s.car_general, "辆"), ("一般执法执勤用车", s.car_enforce, "辆"),
                  ("特种专业技术用车", s.car_special, "辆"), ("其他用车", s.car_other, "辆"),
                  ("单价50万元以上通用设备", s.equip_general, "台"), ("单价100万元以上专用设备", s.equip_special, "台"),
                  ("下属单位", sum(1 for u in b.units if u.level == "下属单位"), "家")]
        return [Figure(name, Decimal(v), "count", unit, label=name, shown=f"{v}{unit}",
                       source="单位表" if name == "下属单位" else "人员车辆资产") for name, v, unit in counts]

    # ------------------------------------------------------------------ units and projects
    @cached_property
    def units(self) -> dict[str, list[Figure]]:
        out: dict[str, list[Figure]] = {}
        lumps = fg.lumps(self.budget)
        for u in self.budget.units:
            lines = [ln for ln in lumps if ln.unit == u.code]
            out[u.code] = [f for f in (money(f"{u.name}支出", total(lines)),
                                       money(f"{u.name}基本支出", total(ln for ln in lines if ln.is_basic)),
                                       money(f"{u.name}项目支出", total(ln for ln in lines if not ln.is_basic)))
                           if f.value]
        return out

    def project_amounts(self, p) -> list[Figure]:
        out = [money("本年度金额", self.ctx.project_amount(p.name)), money("项目总金额", p.total)]
        if p.prev_amount is not None:
            out.append(money("上年度金额", p.prev_amount))
        if p.prev_total is not None:
            out.append(money("上年度项目总金额", p.prev_total))
        return [f for f in out if f.value]

    def project(self, p) -> list[Figure]:
        out = self.project_amounts(p)
        by_econ: dict[str, Decimal] = defaultdict(Decimal)
        for ln in self.ctx.project_lines.get(p.name, ()):
            by_econ[ln.econ] += ln.amount
        if len(by_econ) > 1:
            out += [money(f"其中{self._econ_name(c)}", a) for c, a in by_econ.items()]
        return out + self.indicators.get(p.name, [])

    @cached_property
    def indicators(self) -> dict[str, list[Figure]]:
        out: dict[str, list[Figure]] = defaultdict(list)
        for ind in self.budget.indicators:
            name = _clean(ind.level3)
            for q in parse(ind.target or "", bare=True, label=name):
                out[ind.project].append(typed(q, name, f"{ind.sheet}!{ind.cell('target')}"))
        return dict(out)

    @cached_property
    def overall(self) -> list[Figure]:
        out = []
        for ind in self.budget.overall_indicators:
            name = _clean(ind.level3)
            out += [typed(q, name, f"{ind.sheet}!{ind.cell('target')}")
                    for q in parse(ind.target or "", bare=True, label=name)]
        return out

    # ------------------------------------------------------------------ scopes
    def of_prior(self, row) -> list[Figure]:
        """What a 增减原因 may quote: its 指标's figures, and the projects' amounts and their change
        from last year (主要是某专项资金增加 200 万元)."""
        try:
            current = fg.prior_item_amount(self.budget, row.item)
        except KeyError:
            return []
        out = [money(f"本年{row.item}", current), money(f"上年{row.item}", row.amount),
               money(f"{row.item}增减", abs(current - row.amount))]
        for p in self.budget.projects:
            now = self.ctx.project_amount(p.name)
            out += [money(p.name, now), money(f"{p.name}增减", abs(now - (p.prev_amount or ZERO)))]
        return [f for f in out if f.value]

    @cached_property
    def everything(self) -> list[Figure]:
        out = list(self.department)
        for figs in self.units.values():
            out += figs
        for p in self.budget.projects:
            out += [Figure(f"{p.name}{f.name}", f.value, f.kind, shown=f.shown) for f in self.project_amounts(p)]
        for figs in self.indicators.values():
            out += figs
        return out + self.overall

    @cached_property
    def printed(self) -> dict[str, Decimal]:
        """Figure name -> its 万元 as the narrative prints it, where that is not the half-up value
        (a part apportioned so the parts add up to their total: derive/parts.py). Worked out
        only when a typed amount matches no figure half-up."""
        from ..derive.facts import derive_facts
        from ..derive.names import _value, registry
        from ..render.format import Amount, to_wan
        if self.ctx.config is None or self.ctx.catalog is None:
            return {}
        facts = derive_facts(self.budget, self.ctx.catalog, self.ctx.config, [])
        out = {}
        for name, e in registry(self.ctx.config).items():
            raw = _value(facts, e["value"]) if e.get("scope", "department") == "department" else None
            if isinstance(raw, Amount) and raw.printed != to_wan(Decimal(raw)):
                out[name] = raw.printed
        return out

    @cached_property
    def largest(self) -> Decimal:
        return max((f.value for f in self.department if f.kind == "money"), default=ZERO)


def _clean(label: str) -> str:
    """An indicator's name without a bracketed unit: 上传肉菜追溯数据（条） → 上传肉菜追溯数据."""
    import re
    return re.sub(r"[（(][^（）()]*[）)]\s*$", "", label or "").strip()
