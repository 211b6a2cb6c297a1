"""Figures by name in texts: a free-text cell may write 「三公经费」 or 「项目金额」 instead of typing
the number; the document prints the figure in its units (万元 by format.wan, so a part reads as
in the sentences of the narrative). Texts are kept as typed in the workbook (rollover copies
them so), so next year's document says next year's numbers.

The names are template data (figures.toml of the profile, merged like document.toml into
``config.data["figures"]``): each has a scope and where its value comes from —

* ``department``: a path into the narrative facts (``three.total``); in a unit's own document
  the facts, and so the figure, are the unit's;
* ``unit``: the same path into the facts of the unit of the project the text belongs to;
* ``project``: one of the project's amounts (``amount`` 本年度金额, ``total``, ``prev_amount``,
  ``prev_total``), in the texts of a project and of its 绩效指标;
* ``上年``: a path into the facts' 上年数 (``prior.公务接待费.prior``), or ``kind = "change"``:
  the 增加/减少 phrase of that 上年数 指标.

``value`` may also be a list of paths, added up (the “三公” as the sum of its four 指标).

``kind`` is ``money`` (万元, the default), ``count`` (with ``unit``: 人, 辆) or ``year``."""
from __future__ import annotations

import difflib
import re
from decimal import Decimal

from ..render.format import change, wan

# 「…」: full-width corner brackets, typed by every Chinese IME, never an Excel formula or escape
NAME = re.compile(r"「([^「」\n]{1,40})」")


class NameProblem(ValueError):
    """Why a name has no value in a cell (Chinese, for the diagnostic)."""

    def __init__(self, message: str, unknown: bool = False, near: list[str] | None = None):
        super().__init__(message)
        self.unknown, self.near = unknown, near or []


def registry(config) -> dict[str, dict]:
    """name (and alias) -> its entry, with ``name`` set to the name it is listed under."""
    out: dict[str, dict] = {}
    for name, entry in (config.data.get("figures") or {}).items():
        e = dict(entry, name=name)
        out[name] = e
        for alias in entry.get("aliases", []):
            out.setdefault(alias, e)
    return out


def mask(text: str) -> str:
    """The text with every name emptied (「」): what number checks read, since a name is no
    typed number."""
    return NAME.sub("「」", text or "")


def _path(facts: dict, path: str):
    node = facts
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _value(facts: dict, source):
    """The value of a path, or the sum of a list of paths (None when one is missing): 三公经费增减
    is the change of the four 上年数 指标 of the “三公” together."""
    if isinstance(source, str):
        return _path(facts, source)
    raws = [_path(facts, p) for p in source]
    if not raws or any(r is None for r in raws):
        return None
    if all(isinstance(r, dict) for r in raws):  # 上年数 指标: add current and prior alike
        return {k: sum((r[k] for r in raws), Decimal(0)) for k in ("current", "prior")}
    return sum(raws, Decimal(0))


class Namer:
    """Resolves the names of one document: its Budget, its facts, the template data."""

    def __init__(self, budget, facts: dict, config, catalog, project_amounts: dict | None = None):
        self.budget, self.facts, self.config, self.catalog = budget, facts, config, catalog
        self.names = registry(config)
        self._amounts = project_amounts
        self._unit_facts: dict[str, dict] = {}
        self.missing: list[str] = []     # names written where they have no figure

    def amounts(self) -> dict:
        if self._amounts is None:
            from .measures import project_amounts
            self._amounts = project_amounts(self.budget)
        return self._amounts

    def unit_facts(self, code: str) -> dict:
        if code not in self._unit_facts:
            from .facts import derive_facts
            if self.budget.scope == code:
                self._unit_facts[code] = self.facts
            else:
                self._unit_facts[code] = derive_facts(self.budget.for_unit(code), self.catalog,
                                                      self.config, [])
        return self._unit_facts[code]

    def value(self, name: str, project=None) -> str:
        """The printed figure of *name* in a text of *project* (a Project, or None)."""
        entry = self.names.get(name.strip())
        if entry is None:
            near = difflib.get_close_matches(name.strip(), list(self.names), n=3, cutoff=0.5)
            raise NameProblem(f"「{name}」不是数字的名称", unknown=True, near=near)
        scope, source = entry.get("scope", "department"), entry["value"]
        if scope == "project":
            if project is None:
                raise NameProblem(f"「{name}」是项目的金额，只能写在项目（或其绩效指标）的文字中")
            raw = (self.amounts().get(project.name, Decimal(0)) if source == "amount"
                   else getattr(project, source))
        elif scope == "unit":
            if project is None and not self.budget.scope:
                raise NameProblem(f"「{name}」是单位的数字，只能写在项目（或其绩效指标）的文字中，"
                                 f"指该项目所属的单位")
            code = project.unit if project is not None else self.budget.scope
            raw = _value(self.unit_facts(code), source)
        else:
            raw = _value(self.facts, source)
        if raw is None and scope == "上年" and self.budget.scope:
            raise NameProblem(f"「{name}」是部门的上年数，单位预算公开中没有")
        if raw is None:
            raise NameProblem(f"「{name}」在本工作簿中没有数值（{entry.get('missing', '没有填写它所依据的数据')}）")
        return self.shown(entry, raw)

    @staticmethod
    def shown(entry: dict, raw) -> str:
        kind = entry.get("kind", "money")
        if kind == "change":
            return change(raw["current"], raw["prior"])
        if kind == "count":
            return f"{raw} {entry.get('unit', '')}".strip()
        if kind == "year":
            return str(raw)
        return f"{wan(raw)} 万元"

    def fill(self, text: str, project=None) -> str:
        """*text* with every name replaced by its figure; a name without one stays as typed (the
        checks have reported it: E-TEXT-012/013)."""
        if not text or "「" not in text:
            return text

        def repl(m: re.Match) -> str:
            try:
                return self.value(m.group(1), project)
            except NameProblem as exc:
                if not exc.unknown:
                    self.missing.append(str(exc))
                return m.group(0)
        return NAME.sub(repl, text)


def project_of(budget, rec):
    """The project a text belongs to: a 项目 row, or the project of a 绩效指标 row."""
    if rec.sheet == "项目":
        return rec
    if rec.sheet == "绩效指标":
        return budget.project(rec.project)
    return None


def name_cells(budget):
    """(record, field, header, text) of every free-text cell that writes a name."""
    from ..checks.texts import free_text_cells
    for rec, fld, header, text in free_text_cells(budget):
        if "「" in text and NAME.search(text):
            yield rec, fld, header, text


def resolve(budget, facts: dict, config, catalog):
    """The Budget with every name in its texts replaced by its figure (the workbook as typed is
    untouched). The same Budget when no text writes a name."""
    cells = list(name_cells(budget))
    if not cells:
        return budget
    namer = Namer(budget, facts, config, catalog)
    updates: dict[int, dict] = {}
    missing: list[str] = []
    for rec, fld, _header, text in cells:
        updates.setdefault(id(rec), {})[fld] = namer.fill(text, project_of(budget, rec))
        missing += [f"{rec.sheet}!{rec.cell(fld) or ''}：{m}" for m in namer.missing]
        namer.missing.clear()
    if missing:
        # the checks stop these in the department's document (E-TEXT-013); a unit's own
        # document has no 上年数 (they are the department's): it is not built, rather than
        # printing 「上年机关运行经费」
        from ..render.build import BuildError
        raise BuildError("文字中的数字名称在本文件中没有数值，未生成：" + "；".join(missing[:5])
                         + ("等" if len(missing) > 5 else ""))

    def new(rec):
        return rec.model_copy(update=updates[id(rec)]) if id(rec) in updates else rec

    changed: dict = {attr: new(getattr(budget, attr)) for attr in ("info", "staff")}
    for attr, value in budget:
        if isinstance(value, list) and value and hasattr(value[0], "sheet"):
            changed[attr] = [new(r) for r in value]
    return budget.model_copy(update=changed)
