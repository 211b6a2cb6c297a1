"""Forms: the 绩效目标表. A form has no header rows; its labels are body cells (``Cell.header``)
beside the values, and its indicator block spans rows by 一级/二级 指标.

* ``project-forms`` — one 项目绩效目标表 per project (``<id>-1`` … ``<id>-<n>``). The profile
  declares its field rows: ``fields = [["name"], ["unit_code", "use"], "details", ["overview"],
  …, "indicators"]`` — a list is a row of one or two fields (PROJECT_FIELDS, or a measure over
  the project's lines such as ``{ key = "fiscal", source = "财政拨款口径" }``), a string is a
  section heading (a label key), ``"indicators"`` is the indicator block with the template
  data's skeleton (every 一级/二级 row shown, even empty).
* ``overall-form`` — the 部门整体绩效目标表: goals, tasks with the money of their projects (two
  declared measures, ``tasks = [{ key = "task_total" }, { key = "task_fiscal", source = … }]``),
  indicators.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..config import fill
from ..model import Project
from .context import Ctx
from .measures import ZERO, Filter, Invalid, compile_filter
from .table import Cell, Column, Row, Table


def _text(value) -> str | None:
    if value is None:
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


# field -> (value of a project, long text?)
PROJECT_FIELDS: dict[str, tuple] = {
    "name": (lambda ctx, p, amt: p.name, False),
    "unit_code": (lambda ctx, p, amt: p.unit, False),
    "unit_name": (lambda ctx, p, amt: ctx.unit_name(p.unit), False),
    "dept": (lambda ctx, p, amt: ctx.budget.info.dept_name, False),
    "category": (lambda ctx, p, amt: p.category, False),
    "use": (lambda ctx, p, amt: p.use, False),
    "leader": (lambda ctx, p, amt: p.leader, False),
    "contact": (lambda ctx, p, amt: p.contact, False),
    "phone": (lambda ctx, p, amt: p.phone, False),
    "start": (lambda ctx, p, amt: _text(p.start), False),
    "end": (lambda ctx, p, amt: _text(p.end), False),
    "total": (lambda ctx, p, amt: p.total, False),
    "current": (lambda ctx, p, amt: amt, False),
    "prev_total": (lambda ctx, p, amt: p.prev_total, False),
    "prev_amount": (lambda ctx, p, amt: p.prev_amount, False),
    **{k: ((lambda k: lambda ctx, p, amt: getattr(p, k))(k), True)
       for k in ("overview", "basis", "necessity", "measures", "plan", "note", "goal_total",
                 "goal_year")},
}
INDICATORS = "indicators"
INDICATOR_LABELS = ("level1", "level2", "level3", "target")


@dataclass(frozen=True)
class Field:
    key: str
    filter: Filter | None = None     # a money field: the project's lines it counts


@dataclass(frozen=True)
class ProjectForms:
    rows: tuple                      # str (section label key) | tuple[Field, ...]

    def label_keys(self) -> list[str]:
        keys = list(INDICATOR_LABELS)
        for r in self.rows:
            if isinstance(r, str):
                keys += [] if r == INDICATORS else [r]
            else:
                keys += [f.key for f in r]
        return keys


def _field(spec) -> Field:
    if isinstance(spec, str):
        if spec not in PROJECT_FIELDS:
            raise Invalid(f"未知的项目字段“{spec}”；可用：{'、'.join(PROJECT_FIELDS)}，"
                          "或一个度量如 { key = \"fiscal\", source = \"财政拨款口径\" }", spec)
        return Field(spec)
    if isinstance(spec, dict) and spec.get("key"):
        return Field(str(spec["key"]), compile_filter(spec))
    raise Invalid("字段应为字段名或带 key 的度量表", "fields")


def compile_project_forms(decl: dict, cols) -> ProjectForms:
    raw = decl.get("fields")
    if not isinstance(raw, list) or not raw:
        raise Invalid("project-forms 须有 fields（表中各行的字段）", "fields")
    rows: list = []
    for r in raw:
        if isinstance(r, str):
            rows.append(r)
        elif isinstance(r, list) and 1 <= len(r) <= 2:
            rows.append(tuple(_field(f) for f in r))
        else:
            raise Invalid("fields 的每一项应为一两个字段的列表，或一个分节标签", "fields")
    return ProjectForms(tuple(rows))


def indicator_layout(skeleton: list[tuple[str, list[str]]], indicators) -> list[tuple[str, list[tuple[str, list]]]]:
    """[(一级, [(二级, [indicator, …]), …]), …]: the skeleton first (every 一级/二级, even
    empty), the workbook's indicators in their 二级; an unknown 二级 goes after its 一级's
    skeleton 二级, an unknown 一级 after the skeleton — both in order of appearance."""
    layout: list[tuple[str, list[tuple[str, list]]]] = [
        (l1, [(l2, []) for l2 in l2s]) for l1, l2s in skeleton]
    for ind in indicators:
        block = next((b for b in layout if b[0] == ind.level1), None)
        if block is None:
            block = (ind.level1, [])
            layout.append(block)
        group = next((g for g in block[1] if g[0] == ind.level2), None)
        if group is None:
            group = (ind.level2, [])
            block[1].append(group)
        group[1].append(ind)
    return layout


def _indicator_rows(ctx: Ctx, p: Project, H) -> list[Row]:
    rows = [Row("section", tuple(H(k) for k in INDICATOR_LABELS), key="indicators")]
    own = [i for i in ctx.budget.indicators if i.project == p.name]
    for l1, groups in indicator_layout(ctx.config.skeleton, own):
        span1 = sum(max(1, len(inds)) for _, inds in groups)
        first1 = True
        for l2, inds in groups:
            span2 = max(1, len(inds))
            for j in range(span2):
                cells: tuple[Cell, ...] = ()
                if first1:
                    cells += (Cell(l1, rowspan=span1, header=True),)
                    first1 = False
                if j == 0:
                    cells += (Cell(l2, rowspan=span2, header=True),)
                ind = inds[j] if inds else None
                cells += (Cell(ind.level3 if ind else None), Cell(ind.target if ind else None))
                rows.append(Row("item", cells, key=f"{l1}/{l2}" + (f"/{j + 1}" if ind else "")))
    return rows


def project_forms(ctx: Ctx, t, spec: ProjectForms) -> list[Table]:
    lab = t.labeller(ctx)

    def H(k, **kw):
        return Cell(lab(k), header=True, **kw)

    cols = (Column("level1", lab("level1"), "text", 1.6), Column("level2", lab("level2"), "text", 1.6),
            Column("level3", lab("level3"), "text", 3.2), Column("target", lab("target"), "text", 2.2))
    lines = ctx.project_lines()
    out = []
    for index, p in enumerate(ctx.budget.projects, 1):
        own = lines.get(p.name, [])
        amount = sum((ln.amount for ln in own), ZERO)

        def value(f: Field):
            if f.filter is not None:
                return sum((ln.amount for ln in own if f.filter.test(ln, ctx.facts)), ZERO)
            return PROJECT_FIELDS[f.key][0](ctx, p, amount)

        rows: list[Row] = []
        for r in spec.rows:
            if r == INDICATORS:
                rows += _indicator_rows(ctx, p, H)
            elif isinstance(r, str):
                rows.append(Row("section", (H(r, colspan=4),), key=r))
            elif len(r) == 1:
                long = r[0].filter is None and PROJECT_FIELDS[r[0].key][1]
                rows.append(Row("text" if long else "field",
                                (H(r[0].key), Cell(value(r[0]), colspan=3)), key=r[0].key))
            else:
                rows.append(Row("field", (H(r[0].key), Cell(value(r[0])), H(r[1].key),
                                          Cell(value(r[1]))), key=r[0].key))
        unit_name = ctx.unit_name(p.unit)
        subtitle = ctx.title(t.wording, t.subtitle, 单位名称=unit_name) if t.subtitle else None
        out.append(t.table(ctx, cols, rows, id=f"{t.id}-{index}",
                           title=ctx.title(t.wording, t.title, 单位名称=unit_name),
                           subtitle=subtitle or None, subject=p.name))
    return out


# ---------------------------------------------------------------------------------------------
# 部门整体绩效目标表

OVERALL_LABELS = ("dept", "goals", "goal", "tasks", "task_name", "task_content", "task_budget",
                  "task_note", "level1", "level2", "level3", "target", "explain", "remark")


@dataclass(frozen=True)
class OverallForm:
    tasks: tuple[tuple[str, Filter], ...]    # the two budget columns of a task: (label key, filter)

    def label_keys(self) -> list[str]:
        return list(OVERALL_LABELS) + [k for k, _ in self.tasks]


def compile_overall_form(decl: dict, cols) -> OverallForm:
    raw = decl.get("tasks", [{"key": "task_total"}, {"key": "task_fiscal", "source": "财政拨款"}])
    if not isinstance(raw, list) or len(raw) != 2 or not all(isinstance(x, dict) and x.get("key")
                                                             for x in raw):
        raise Invalid("tasks 应为两个带 key 的度量（预算资金的两栏，如合计、其中财政资金）", "tasks")
    return OverallForm(tuple((str(x["key"]), compile_filter(x)) for x in raw))


def _spans(values: list[str | None], breaks: list[bool]) -> list[int]:
    """Rowspan of each cell in a column where a non-empty value covers the empty ones below it
    (within a group: *breaks[i]* starts a new group); 0 = covered."""
    spans = [1] * len(values)
    anchor = None
    for i, v in enumerate(values):
        if breaks[i] or v:
            anchor = i
        elif anchor is not None and values[anchor]:
            spans[anchor] += 1
            spans[i] = 0
    return spans


def _runs(starts: list[bool]) -> list[int]:
    """Rowspan per position for runs beginning where *starts* is True; 0 = covered."""
    spans = [0] * len(starts)
    anchor = 0
    for i, s in enumerate(starts):
        if s:
            anchor = i
        spans[anchor] += 1
    return spans


def overall_form(ctx: Ctx, t, spec: OverallForm) -> list[Table]:
    b = ctx.budget
    lab = t.labeller(ctx)

    def H(k, **kw):
        return Cell(lab(k), header=True, **kw)

    cols = (Column("level1", lab("level1"), "text", 1.6), Column("level2", lab("level2"), "text", 1.8),
            Column("level3", lab("level3"), "text", 2.4), Column("target", lab("target"), "text", 1.6),
            Column("explain", lab("explain"), "text", 3.0), Column("remark", lab("remark"), "text", 3.4))
    rows = [Row("field", (H("dept"), Cell(ctx.owner_name, colspan=5)), key="dept")]
    for i, g in enumerate(b.goals):
        text = fill(lab("goal"), 序号=g.no if g.no is not None else i + 1, 内容=g.text)
        cells = ((H("goals", rowspan=len(b.goals)),) if i == 0 else ()) + (Cell(text, colspan=5),)
        rows.append(Row("field", cells, key=f"goal/{i + 1}"))
    if not b.goals:
        rows.append(Row("field", (H("goals"), Cell(None, colspan=5)), key="goals"))
    lines = ctx.project_lines()
    tasks = b.tasks
    rows.append(Row("section", (H("tasks", rowspan=2 + len(tasks)), H("task_name", rowspan=2),
                                H("task_content", rowspan=2), H("task_budget", colspan=2),
                                H("task_note", rowspan=2)), key="tasks"))
    rows.append(Row("section", tuple(H(k) for k, _ in spec.tasks), key="tasks/budget"))
    for i, task in enumerate(tasks):
        names = [n for n in dict.fromkeys(task.project_names) if n in lines]
        sums: list[Decimal] = [sum((ln.amount for n in names for ln in lines[n] if f.test(ln, ctx.facts)),
                                   ZERO) for _, f in spec.tasks]
        rows.append(Row("item", (Cell(task.name), Cell(task.content), *(Cell(s) for s in sums),
                                 Cell(task.note)), key=f"task/{i + 1}"))
    rows.append(Row("section", tuple(H(k) for k in ("level1", "level2", "level3", "target",
                                                     "explain", "remark")), key="indicators"))
    inds = b.overall_indicators
    l1 = [i.level1 for i in inds]
    l2 = [(i.level1, i.level2) for i in inds]
    new1 = [i == 0 or l1[i] != l1[i - 1] for i in range(len(inds))]
    new2 = [i == 0 or l2[i] != l2[i - 1] for i in range(len(inds))]
    span1, span2 = _runs(new1), _runs(new2)
    span_e = _spans([i.explain for i in inds], new2)
    span_r = _spans([i.remark for i in inds], new2)
    for n, ind in enumerate(inds):
        cells: tuple[Cell, ...] = ()
        if span1[n]:
            cells += (Cell(ind.level1, rowspan=span1[n], header=True),)
        if span2[n]:
            cells += (Cell(ind.level2, rowspan=span2[n], header=True),)
        cells += (Cell(ind.level3), Cell(ind.target))
        if span_e[n]:
            cells += (Cell(ind.explain, rowspan=span_e[n]),)
        if span_r[n]:
            cells += (Cell(ind.remark, rowspan=span_r[n]),)
        rows.append(Row("item", cells, key=f"indicator/{n + 1}"))
    subtitle = ctx.title(t.wording, t.subtitle) if t.subtitle else None
    return [t.table(ctx, cols, rows, subtitle=subtitle or None)]
