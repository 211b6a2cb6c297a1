"""Forms: the 绩效目标表. A form has no header rows; its labels are body cells (``Cell.header``)
beside the values, and its indicator block spans rows by 一级/二级 指标:

* the 项目绩效目标表, one per project (``table-11-<n>``), with the indicator skeleton of the
  template data (every 一级/二级 row shown, even empty);
* the 部门整体绩效目标表 (``table-11-overall``): goals, tasks with the money of their projects,
  indicators.
"""
from __future__ import annotations

from decimal import Decimal

from ..config import fill
from ..model import Project
from .context import Ctx
from .measures import FISCAL, ZERO, project_amounts
from .table import Cell, Column, Row, Table


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


def _text(value) -> str | None:
    if value is None:
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def project_table(ctx: Ctx, project: Project, index: int, amount: Decimal) -> Table:
    lab = lambda k: ctx.lab(k, "table11")  # noqa: E731
    H = lambda k, **kw: Cell(lab(k), header=True, **kw)  # noqa: E731
    cols = (Column("level1", lab("level1"), "text", 1.6), Column("level2", lab("level2"), "text", 1.6),
            Column("level3", lab("level3"), "text", 3.2), Column("target", lab("target"), "text", 2.2))
    p = project
    rows = [
        Row("field", (H("name"), Cell(p.name, colspan=3)), key="name"),
        Row("field", (H("unit_code"), Cell(p.unit), H("use"), Cell(p.use)), key="unit_code"),
        Row("field", (H("leader"), Cell(p.leader), H("contact"), Cell(p.contact)), key="leader"),
        Row("field", (H("phone"), Cell(p.phone, colspan=3)), key="phone"),
        Row("field", (H("start"), Cell(_text(p.start)), H("end"), Cell(_text(p.end))), key="start"),
        Row("field", (H("total"), Cell(p.total), H("current"), Cell(amount)), key="total"),
        Row("field", (H("prev_total"), Cell(p.prev_total), H("prev_amount"), Cell(p.prev_amount)),
            key="prev_total"),
        Row("section", (H("details", colspan=4),), key="details"),
    ]
    for k in ("overview", "basis", "necessity", "measures", "plan", "note"):
        rows.append(Row("text", (H(k), Cell(getattr(p, k), colspan=3)), key=k))
    rows.append(Row("section", (H("goals", colspan=4),), key="goals"))
    rows.append(Row("text", (H("goal_total"), Cell(p.goal_total, colspan=3)), key="goal_total"))
    rows.append(Row("text", (H("goal_year"), Cell(p.goal_year, colspan=3)), key="goal_year"))
    rows.append(Row("section", tuple(H(k) for k in ("level1", "level2", "level3", "target")),
                    key="indicators"))
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
    unit = ctx.budget.unit(p.unit)
    unit_name = unit.name if unit else p.unit
    return Table(id=f"table-11-{index}", number="11",
                 title=ctx.title("11", "project_title", 单位名称=unit_name),
                 subtitle=ctx.title("11", "project_subtitle", 单位名称=unit_name) or None,
                 columns=cols, rows=tuple(rows), unit_label="", blank_zero=False, form=True)


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


def overall_table(ctx: Ctx) -> Table:
    b = ctx.budget
    lab = lambda k: ctx.lab(k, "table11_overall")  # noqa: E731
    H = lambda k, **kw: Cell(lab(k), header=True, **kw)  # noqa: E731
    cols = (Column("level1", lab("level1"), "text", 1.6), Column("level2", lab("level2"), "text", 1.8),
            Column("level3", lab("level3"), "text", 2.4), Column("target", lab("target"), "text", 1.6),
            Column("explain", lab("explain"), "text", 3.0), Column("remark", lab("remark"), "text", 3.4))
    rows = [Row("field", (H("dept"), Cell(b.info.dept_name, colspan=5)), key="dept")]
    for i, g in enumerate(b.goals):
        text = fill(lab("goal"), 序号=g.no if g.no is not None else i + 1, 内容=g.text)
        cells = ((H("goals", rowspan=len(b.goals)),) if i == 0 else ()) + (Cell(text, colspan=5),)
        rows.append(Row("field", cells, key=f"goal/{i + 1}"))
    if not b.goals:
        rows.append(Row("field", (H("goals"), Cell(None, colspan=5)), key="goals"))
    amounts = project_amounts(b)
    fiscal = project_amounts(b, FISCAL)
    rows.append(Row("section", (H("tasks", rowspan=2 + len(b.tasks)), H("task_name", rowspan=2),
                                H("task_content", rowspan=2), H("task_budget", colspan=2),
                                H("task_note", rowspan=2)), key="tasks"))
    rows.append(Row("section", (H("task_total"), H("task_fiscal")), key="tasks/budget"))
    for i, t in enumerate(b.tasks):
        names = [n for n in dict.fromkeys(t.project_names) if n in amounts]
        rows.append(Row("item", (Cell(t.name), Cell(t.content),
                                 Cell(sum((amounts[n] for n in names), ZERO)),
                                 Cell(sum((fiscal[n] for n in names), ZERO)), Cell(t.note)),
                        key=f"task/{i + 1}"))
    rows.append(Row("section", tuple(H(k) for k in ("level1", "level2", "level3", "target",
                                                     "explain", "remark")), key="indicators"))
    inds = b.overall_indicators
    l1 = [i.level1 for i in inds]
    l2 = [(i.level1, i.level2) for i in inds]
    new1 = [i == 0 or l1[i] != l1[i - 1] for i in range(len(inds))]
    new2 = [i == 0 or l2[i] != l2[i - 1] for i in range(len(inds))]
    span1 = _runs(new1)
    span2 = _runs(new2)
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
    return Table(id="table-11-overall", number="11", title=ctx.title("11", "overall_title"),
                 subtitle=ctx.title("11", "overall_subtitle") or None, columns=cols,
                 rows=tuple(rows), unit_label=ctx.lab("unit_yuan"), blank_zero=False, form=True)


def _runs(starts: list[bool]) -> list[int]:
    """Rowspan per position for runs beginning where *starts* is True; 0 = covered."""
    spans = [0] * len(starts)
    anchor = 0
    for i, s in enumerate(starts):
        if s:
            anchor = i
        spans[anchor] += 1
    return spans


def project_tables(ctx: Ctx) -> list[Table]:
    amounts = project_amounts(ctx.budget)
    return [project_table(ctx, p, i + 1, amounts.get(p.name, ZERO))
            for i, p in enumerate(ctx.budget.projects)]
