"""What every table builder gets: the Budget, the catalogue, the template data, and the lookups
they share (labels, titles with their placeholders filled, names of codes, units in order)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from ..catalogs import unit_class
from ..config import Config, fill
from ..model import Budget, Line
from .figures import basic_group


@dataclass(frozen=True)
class Ctx:
    budget: Budget
    catalog: object
    config: Config
    labels: dict
    categories: dict[str, str]      # 项目名称 -> 项目类别
    has_basic_other: bool           # basic lines outside the four groups: a 其他支出 column
    has_carryover: bool             # lines funded by 上年结转: a 上年结转 column / row

    def lab(self, key: str, table: str | None = None) -> str:
        """A label of [labels]; the table's own [labels.<table>] first."""
        if table is not None:
            own = self.labels.get(table, {})
            if key in own:
                return own[key]
        return self.labels[key]

    def title(self, n: str, key: str = "title", **extra) -> str:
        info = self.budget.info
        return fill(self.config.table(n).get(key, ""), 部门名称=info.dept_name,
                    部门简称=info.dept_short, 预算年度=info.year, 上年度=info.prev_year, **extra)

    def units(self, lines: Sequence[Line]) -> list[tuple[str, str]]:
        """(code, name) of the units these lines belong to: 单位 sheet order, then unknown
        codes in order of appearance."""
        used = {ln.unit for ln in lines}
        out = [(u.code, u.name) for u in self.budget.units if u.code in used]
        known = {c for c, _ in out}
        for ln in lines:
            if ln.unit not in known:
                known.add(ln.unit)
                out.append((ln.unit, ln.unit))
        return out

    def func_name(self, code: str, lines: Iterable[Line] = ()) -> str:
        name = self.catalog.func_name(code)
        if name is None:
            return next((ln.func_name for ln in lines if ln.func_name), "")
        if len(code) == 7 and name in self.labels.get("func_generic", ()):
            kuan = self.catalog.func_name(code[:5])
            if kuan:
                return fill(self.labels["func_qualified"], 名称=name, 款名称=kuan)
        return name

    def econ_name(self, code: str, lines: Iterable[Line] = ()) -> str:
        name = self.catalog.econ_name(code)
        if name is None:
            return next((ln.econ_name for ln in lines if ln.econ_name), "")
        return name

    def gov_econ(self, line: Line) -> str:
        """The line's 政府经济分类: as entered, else by the 部门→政府 correspondence for its
        unit's type ("" when neither says)."""
        if line.gov_econ:
            return line.gov_econ
        unit = self.budget.unit(line.unit)
        if unit is None:
            return ""
        try:
            cls = unit_class(unit.kind)
        except ValueError:
            return ""
        return self.catalog.gov_for(line.econ, cls) or ""


def make_ctx(budget: Budget, catalog, config: Config) -> Ctx:
    from .measures import SOURCE_KEYS
    year = budget.info.year
    return Ctx(
        budget=budget, catalog=catalog, config=config, labels=config.data.get("labels", {}),
        categories={p.name: p.category for p in budget.projects},
        has_basic_other=any(ln.is_basic and basic_group(ln.econ, year) is None for ln in budget.lines),
        has_carryover=any(SOURCE_KEYS.get(ln.source) == "carryover" for ln in budget.lines),
    )
