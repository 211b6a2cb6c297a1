"""What every table builder gets: the Budget, the catalogue, the template data, and the lookups
they share (labels, titles with their placeholders filled, names of codes, units in order)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from ..catalogs import unit_class
from ..config import Config, fill
from ..model import Budget, Line
from .measures import LineFacts, project_lines


@dataclass(frozen=True)
class Ctx:
    budget: Budget
    catalog: object
    config: Config
    labels: dict
    facts: LineFacts                # 项目类别 and 单位类型 of a line, for filters

    @property
    def owner_name(self) -> str:
        """The name the document is published under (stripped from titles in lists): the
        department's, or the unit's in its own document."""
        if self.budget.scope:
            return self.unit_name(self.budget.scope)
        return self.budget.info.dept_name

    def unit_name(self, code: str) -> str:
        unit = self.budget.unit(code)
        return unit.name if unit else code

    def project_lines(self) -> dict[str, list[Line]]:
        return project_lines(self.budget)

    def lab(self, key: str, table: str | None = None) -> str:
        """A label of [labels]; the table's own [labels.<table>] first."""
        if table is not None:
            own = self.labels.get(table, {})
            if key in own:
                return own[key]
        return self.labels[key]

    def fill(self, text: str, **extra) -> str:
        """Template text with the document's placeholders filled in."""
        info = self.budget.info
        values = {"部门名称": info.dept_name, "部门简称": info.dept_short, "预算年度": info.year,
                  "上年度": info.prev_year, "单位名称": self.owner_name, **extra}
        return fill(text, **values)

    def title(self, n: str, key: str = "title", **extra) -> str:
        return self.fill(self.config.table(n).get(key, ""), **extra)

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
    return Ctx(budget=budget, catalog=catalog, config=config,
               labels=config.data.get("labels", {}), facts=LineFacts(budget))
