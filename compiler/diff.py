"""`gongkai diff A.xlsx B.xlsx`: what changed between two workbooks, in the terms readers use.

Both workbooks are read and derived (no output is written). The comparison has four parts:

* **支出明细** — the entered amounts, summed by classification (单位, 功能科目, 经济分类,
  支出类型, 项目, 资金来源) and 政府采购 by item: what the staff changed.
* **附表** — every derived table (the 11 附表 and 主要项目), rows matched by ``Row.key`` and
  columns by ``Column.key``: rows added, removed and changed, with both amounts, the change and
  the percentage. A 绩效目标表 is matched by its project's name. Only amounts are compared here;
  the texts the tables print are compared in the next part, in full.
* **文字** — every text of the workbook (职责, 机构, 项目 texts and fields, 绩效指标, 整体绩效,
  上年数 增减原因, 说明文字, 名词解释 …) as a unified diff.
* **数字** — the numbers the narrative quotes (the facts of derive, flattened to dotted keys).

Two consecutive years are compared by the same keys; the year itself is then ignored: a text
that differs only by the budget year moving on (2020年 → 2021年, see rollover.shift_years) is
the same text, and dept.year is not a change.

Exit status, as diff(1): 0 identical, 1 different, 2 trouble (unreadable file, wrong arguments).
"""
from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from .derive import Views
from .derive.table import Cell, Table, expand
from .model import Budget
from .render.format import pct, yuan
from .rollover import shift_years

JSON_SCHEMA_VERSION = 1
HUNDRED = Decimal(100)


# ---------------------------------------------------------------------------------- results

@dataclass
class Amount:
    """One compared amount: old and new (None where absent), change and percentage."""
    label: str
    old: Decimal | None
    new: Decimal | None

    @property
    def change(self) -> Decimal:
        return (self.new or Decimal(0)) - (self.old or Decimal(0))

    @property
    def percent(self) -> Decimal | None:
        if not self.old:
            return None
        return (self.change * HUNDRED / abs(self.old)).quantize(Decimal("0.01"), ROUND_HALF_UP)

    def as_dict(self) -> dict:
        return {"label": self.label, "old": _num(self.old), "new": _num(self.new),
                "change": _num(self.change), "percent": _num(self.percent)}


@dataclass
class RowChange:
    key: str
    label: str
    status: str                 # "added" | "removed" | "changed"
    amounts: list[Amount]       # changed columns (all non-zero amounts of an added/removed row)
    columns: list[str] = field(default_factory=list)  # Column.key of each amount

    def as_dict(self) -> dict:
        return {"key": self.key, "label": self.label, "status": self.status,
                "amounts": [dict(a.as_dict(), column=c) for a, c in zip(self.amounts, self.columns)]}


@dataclass
class TableChange:
    key: str                    # table id, or "project:<name>" for a 绩效目标表
    title: str
    status: str                 # "added" | "removed" | "changed"
    rows: list[RowChange]

    def as_dict(self) -> dict:
        return {"key": self.key, "title": self.title, "status": self.status,
                "rows": [r.as_dict() for r in self.rows]}


@dataclass
class TextChange:
    where: str
    old: str
    new: str

    @property
    def unified(self) -> list[str]:
        return list(difflib.unified_diff(self.old.splitlines(), self.new.splitlines(),
                                         "A", "B", lineterm="", n=1))

    def as_dict(self) -> dict:
        return {"where": self.where, "old": self.old, "new": self.new, "unified": self.unified}


@dataclass
class FactChange:
    key: str
    old: Decimal | int | None
    new: Decimal | int | None

    @property
    def change(self):
        return (self.new or 0) - (self.old or 0)

    @property
    def percent(self) -> Decimal | None:
        if not self.old or self.key.endswith(".share"):
            return None
        return (Decimal(self.change) * HUNDRED / abs(Decimal(self.old))).quantize(
            Decimal("0.01"), ROUND_HALF_UP)

    def as_dict(self) -> dict:
        return {"key": self.key, "old": _num(self.old), "new": _num(self.new),
                "change": _num(self.change), "percent": _num(self.percent)}


@dataclass
class Diff:
    a: str
    b: str
    year_a: int
    year_b: int
    lines: list[RowChange] = field(default_factory=list)
    procurement: list[RowChange] = field(default_factory=list)
    tables: list[TableChange] = field(default_factory=list)
    texts: list[TextChange] = field(default_factory=list)
    facts: list[FactChange] = field(default_factory=list)

    @property
    def identical(self) -> bool:
        return not (self.lines or self.procurement or self.tables or self.texts or self.facts
                    or self.year_a != self.year_b)

    def as_dict(self) -> dict:
        return {"schema": JSON_SCHEMA_VERSION, "a": self.a, "b": self.b,
                "year_a": self.year_a, "year_b": self.year_b, "identical": self.identical,
                "lines": [r.as_dict() for r in self.lines],
                "procurement": [r.as_dict() for r in self.procurement],
                "tables": [t.as_dict() for t in self.tables],
                "texts": [t.as_dict() for t in self.texts],
                "facts": [f.as_dict() for f in self.facts]}


def _num(v):
    """JSON numbers for amounts: exact as a string would lose type; Decimal → int or str."""
    if v is None:
        return None
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else str(v)
    return v


# ---------------------------------------------------------------------------------- keyed rows

# a compared row: (label, {column key: amount}, {column key: column label})
Keyed = dict[str, tuple[str, dict[str, Decimal], dict[str, str]]]


def _keyed(rows: Keyed, other: Keyed) -> list[RowChange]:
    """Compare keyed rows: A = rows, B = other; rows in A's order, then B's new ones."""
    out: list[RowChange] = []
    for key in list(rows) + [k for k in other if k not in rows]:
        a, b = rows.get(key), other.get(key)
        label = (b or a)[0]
        names = {**(a[2] if a else {}), **(b[2] if b else {})}
        if a is None or b is None:
            status = "added" if a is None else "removed"
            values = (b or a)[1]
            amounts = [(c, Amount(names.get(c, c), None if a is None else v, v if a is None else None))
                       for c, v in values.items() if v]
        else:
            status = "changed"
            amounts = [(c, Amount(names.get(c, c), a[1].get(c), b[1].get(c)))
                       for c in list(a[1]) + [c for c in b[1] if c not in a[1]]
                       if (a[1].get(c) or Decimal(0)) != (b[1].get(c) or Decimal(0))]
            if not amounts:
                continue
        out.append(RowChange(key, label, status, [x for _, x in amounts], [c for c, _ in amounts]))
    return out


def line_rows(budget: Budget) -> Keyed:
    """支出明细 summed by classification; the key names it in codes, the label in words."""
    units = {u.code: u.name for u in budget.units}
    out: Keyed = {}
    for ln in budget.lines:
        key = "/".join((ln.unit, ln.func, ln.econ, ln.gov_econ or "", ln.kind, ln.project or "", ln.source))
        label = " ".join(x for x in (units.get(ln.unit, ln.unit), ln.func, ln.econ, ln.gov_econ,
                                     ln.kind, f"“{ln.project}”" if ln.project else None, ln.source) if x)
        prev = out[key][1]["amount"] if key in out else Decimal(0)
        out[key] = (label, {"amount": prev + ln.amount}, {"amount": "金额"})
    return out


def procurement_rows(budget: Budget) -> Keyed:
    units = {u.code: u.name for u in budget.units}
    out: Keyed = {}
    for p in budget.procurement:
        parts = (p.unit, p.func, p.item, p.catalog, p.spec or "", p.measure or "")
        key = "/".join(parts)
        label = " ".join(x for x in (units.get(p.unit, p.unit), p.func, p.item, p.catalog, p.spec,
                                     p.measure) if x)
        old = out[key][1] if key in out else {"quantity": Decimal(0), "amount": Decimal(0)}
        out[key] = (label, {"quantity": old["quantity"] + (p.quantity or 0),
                            "amount": old["amount"] + p.amount}, {"quantity": "数量", "amount": "金额"})
    return out


# ---------------------------------------------------------------------------------- tables

def _table_key(t: Table) -> str:
    """Per-project forms are matched by project, not by position (table-11-3 may be another
    project next year)."""
    return f"project:{t.subject}" if t.subject else t.id


def _table_title(t: Table, dept: str) -> str:
    if t.id == "main-projects":
        return "主要项目"
    number = t.id.removeprefix("table-")
    if t.subject:
        return f"表{t.number} 项目绩效目标表：{t.subject}"
    return f"表{number} {t.title.replace(dept, '', 1) or t.title}"


def _cells(t: Table) -> list[list[Cell | None]]:
    """The body as a grid of Cells (spans expanded, None where covered)."""
    return expand(t.rows, len(t.columns), lambda r: tuple(
        Cell(c, colspan=c.colspan, rowspan=c.rowspan) for c in r.cells))


def column_labels(t: Table) -> list[str]:
    """Each column's header path, e.g. "基本支出·小计" (a leaf label alone is ambiguous)."""
    out = []
    for col in t.columns:
        parts: list[str] = []
        for text in (p.strip() for p in col.path):
            if text and text not in parts:
                parts.append(text)
        out.append("·".join(parts) or col.label)
    return out


def table_rows(t: Table) -> Keyed:
    """The rows holding amounts, keyed by Row.key, amounts by Column.key. A money cell is
    labelled by the header cell just left of it (form-like tables), else by the section row
    above it, else by its column's header path."""
    grid = _cells(t)
    heads = column_labels(t)
    section: dict[int, str] = {}
    rows: Keyed = {}
    seen: dict[str, int] = {}
    for i, (row, line) in enumerate(zip(t.rows, grid)):
        cells = line  # the original Cells
        if row.kind == "section":
            for j, c in enumerate(cells):
                if c is not None and c.value:
                    section[j] = str(c.value)
            continue
        key = row.key if row.key is not None else f"row{i + 1}"
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            key = f"{key}#{seen[key]}"
        amounts: dict[str, Decimal] = {}
        labels: dict[str, str] = {}
        words: list[str] = []
        for j, c in enumerate(cells):
            if c is None:
                continue
            if isinstance(c.value, Decimal):
                ckey = t.columns[j].key
                left = next((x for x in reversed(cells[:j]) if x is not None), None)
                if left is not None and left.header and isinstance(left.value, str):
                    labels[ckey] = left.value
                else:
                    labels[ckey] = section.get(j, heads[j])
                amounts[ckey] = c.value
            elif isinstance(c.value, str) and c.value.strip() and c.value not in words:
                words.append(c.value.strip())
        if not amounts:
            continue  # text-only rows: their texts are compared in full under 文字
        rows[key] = (" ".join(words)[:80], amounts, labels)
    return rows


def compare_tables(va: Views, vb: Views) -> list[TableChange]:
    dept_a, dept_b = va.budget.info.dept_name, vb.budget.info.dept_name
    ta = {_table_key(t): t for t in [*va.tables, va.main_projects]}
    tb = {_table_key(t): t for t in [*vb.tables, vb.main_projects]}
    out: list[TableChange] = []
    for key in list(ta) + [k for k in tb if k not in ta]:
        a, b = ta.get(key), tb.get(key)
        title = _table_title(b, dept_b) if b is not None else _table_title(a, dept_a)
        rows = _keyed(table_rows(a) if a is not None else {}, table_rows(b) if b is not None else {})
        if a is None or b is None:
            out.append(TableChange(key, title, "added" if a is None else "removed", rows))
        elif rows:
            out.append(TableChange(key, title, "changed", rows))
    return out


# ---------------------------------------------------------------------------------- texts

def _s(v) -> str:
    if v is None:
        return ""
    return v.isoformat() if hasattr(v, "isoformat") else str(v)


def texts(budget: Budget) -> dict[str, str]:
    """Every text of the workbook under a readable name. Lists whose items have no name of their
    own (职责, 目标, 指标) are one text each, an item a paragraph, so the diff shows the item."""
    b = budget
    out: dict[str, str] = {}

    def put(where: str, value) -> None:
        if _s(value).strip():
            out[where] = _s(value)

    put("基本信息 · 部门名称", b.info.dept_name)
    put("基本信息 · 部门简称", b.info.dept_short)
    for u in b.units:
        put(f"单位 {u.code}", " / ".join(x for x in (u.name, u.kind, u.funding, u.level) if x))
    put("部门职责", "\n".join(f"{d.no or i}. {d.text}" for i, d in enumerate(b.duties, 1)))
    for o in b.orgs:
        put(f"内设机构“{o.name}” · 主要职责", o.duty or "（无）")
    put("人员车辆资产 · 其他用车说明", b.staff.car_other_note)
    fields = (("unit", "单位编码"), ("category", "项目类别"), ("use", "资金用途"),
              ("leader", "项目负责人"), ("contact", "联系人"), ("phone", "联系电话"),
              ("start", "开始日期"), ("end", "结束日期"), ("overview", "项目概况"),
              ("basis", "立项依据"), ("necessity", "项目设立的必要性"), ("measures", "项目配套制度措施"),
              ("plan", "项目实施计划"), ("note", "备注"), ("goal_total", "项目总目标"),
              ("goal_year", "年度绩效目标"))
    for p in b.projects:
        for f, label in fields:
            put(f"项目“{p.name}” · {label}", getattr(p, f))
        put(f"项目“{p.name}” · 绩效指标",
            "\n".join(f"{i.level1} / {i.level2} / {i.level3}：{i.target or ''}"
                      for i in b.indicators if i.project == p.name))
    for p in b.prior:
        put(f"上年数“{p.item}” · 增减原因", p.reason)
    put("整体绩效目标", "\n".join(f"{g.no or i}. {g.text}" for i, g in enumerate(b.goals, 1)))
    for t in b.tasks:
        put(f"整体绩效任务“{t.name}”", "\n".join(x for x in (
            f"主要内容：{t.content}" if t.content else "", f"关联项目：{'、'.join(t.project_names)}"
            if t.project_names else "", f"备注：{t.note}" if t.note else "") if x) or "（无）")
    put("整体绩效指标", "\n".join(
        f"{i.level1} / {i.level2} / {i.level3}：{i.target or ''}"
        + (f"；解释：{i.explain}" if i.explain else "") + (f"；说明：{i.remark}" if i.remark else "")
        for i in b.overall_indicators))
    for t in b.texts:
        put(f"说明文字“{t.key}”", t.text or "（空）")
    for g in b.glossary:
        put(f"名词解释“{g.term}”", g.text)
    return out


def compare_texts(a: Budget, b: Budget) -> list[TextChange]:
    ta, tb = texts(a), texts(b)
    ya, yb = a.info.year, b.info.year
    out = []
    for where in list(ta) + [k for k in tb if k not in ta]:
        old, new = ta.get(where, ""), tb.get(where, "")
        same = old == new or (ya != yb and shift_years(old, ya, yb) == new)
        if not same:
            out.append(TextChange(where, old, new))
    return out


# ---------------------------------------------------------------------------------- facts

def flatten(obj, prefix: str = "") -> dict[str, object]:
    """Nested dicts/lists → {dotted key: scalar}. List items are keyed by their code, id or name
    (so a reordering is not a change), else by position; a list of plain values is one value."""
    out: dict[str, object] = {}
    if isinstance(obj, dict):
        for k, v in obj.items():
            out.update(flatten(v, f"{prefix}.{k}" if prefix else str(k)))
    elif isinstance(obj, list):
        if all(not isinstance(x, (dict, list)) for x in obj):
            out[prefix] = "、".join(map(str, obj))
        for i, item in enumerate(obj):
            if isinstance(item, dict):
                name = next((item[k] for k in ("code", "id", "name") if item.get(k)), i + 1)
                rest = {k: v for k, v in item.items() if item.get(k) != name}
                out.update(flatten(rest, f"{prefix}.{name}"))
    else:
        out[prefix] = obj
    return out


def _is_number(v) -> bool:
    return isinstance(v, (Decimal, int)) and not isinstance(v, bool)


def compare_facts(va: Views, vb: Views) -> list[FactChange]:
    """Numbers only: the texts facts carry are compared under 文字."""
    fa = {k: v for k, v in flatten(va.facts).items() if not k.startswith("texts.")}
    fb = {k: v for k, v in flatten(vb.facts).items() if not k.startswith("texts.")}
    skip = {"dept.year", "dept.prev_year"} if va.budget.info.year != vb.budget.info.year else set()
    out = []
    for key in list(fa) + [k for k in fb if k not in fa]:
        a, b = fa.get(key), fb.get(key)
        if key in skip or not (_is_number(a) or _is_number(b)) or a == b:
            continue
        if (a is None and b == 0) or (b is None and a == 0):
            continue  # a figure that appears or goes as zero says nothing new
        out.append(FactChange(key, a if _is_number(a) else None, b if _is_number(b) else None))
    return out


# ---------------------------------------------------------------------------------- driver

class DiffError(Exception):
    """A workbook that cannot be compared; the message is for the user."""


def views_of(path: Path, catalog_dir: Path | None = None, templates: Path | None = None,
             profile: str | None = None):
    """(Views, checked Result) of a workbook, in its own profile unless *profile* is given;
    DiffError when it cannot be read or derived."""
    from .pipeline import Options, check
    checked = check(path, Options(templates=templates, catalog=catalog_dir, profile=profile))
    return views_from(checked), checked


def views_from(checked) -> Views:
    """The Views of a checked workbook (pipeline.check); DiffError when it cannot be read or
    its tables cannot be derived."""
    from .pipeline import derive_views
    path = checked.path
    if checked.budget is None or checked.report.fatal:
        from .report import format_human
        raise DiffError(f"无法读取 {path}：\n" + format_human(checked.report))
    try:
        return derive_views(checked)
    except Exception as exc:  # a draft so broken the tables cannot be derived
        raise DiffError(f"{path} 无法生成附表（{type(exc).__name__}: {exc}）；"
                        f"请先运行 gongkai check {path} 改正错误") from exc


def compare(va: Views, vb: Views, a_name: str = "A", b_name: str = "B") -> Diff:
    a, b = va.budget, vb.budget
    d = Diff(a_name, b_name, a.info.year, b.info.year)
    d.lines = _keyed(line_rows(a), line_rows(b))
    d.procurement = _keyed(procurement_rows(a), procurement_rows(b))
    d.tables = compare_tables(va, vb)
    d.texts = compare_texts(a, b)
    d.facts = compare_facts(va, vb)
    return d


# ---------------------------------------------------------------------------------- output

def _money(v) -> str:
    return "—" if v is None else yuan(v)


def _signed(v) -> str:
    return ("+" if v > 0 else "") + yuan(v) if isinstance(v, Decimal) else (f"{v:+d}" if v else "0")


def describe(a: Amount) -> str:
    if a.old is None:
        return f"{a.label}：新增 {_money(a.new)}"
    if a.new is None:
        return f"{a.label}：删除 {_money(a.old)}"
    p = f"，{'+' if a.percent > 0 else ''}{pct(a.percent)}" if a.percent is not None else ""
    return f"{a.label}：{_money(a.old)} → {_money(a.new)}（{_signed(a.change)}{p}）"


def fact_change(f: FactChange) -> str:
    """'1,234,567 → 1,284,567（+50,000，+4.05%）'; shares in 个百分点."""
    share = f.key.endswith(".share")

    def show(v):
        if v is None:
            return "—"
        if share:
            return pct(v)
        return yuan(v) if isinstance(v, Decimal) else str(v)
    change = _signed(f.change) + (" 个百分点" if share else "")
    p = f"，{'+' if f.percent > 0 else ''}{pct(f.percent)}" if f.percent is not None else ""
    return f"{show(f.old)} → {show(f.new)}（{change}{p}）"


def describe_fact(f: FactChange) -> str:
    return f"{f.key}：{fact_change(f)}"


MARK = {"added": "+", "removed": "-", "changed": "~"}
STATUS = {"added": "新增", "removed": "删除", "changed": "变化"}


def format_text(d: Diff) -> str:
    out = [f"比较 {d.a}（{d.year_a} 年）→ {d.b}（{d.year_b} 年）"]
    if d.year_a != d.year_b:
        out.append(f"预算年度：{d.year_a} → {d.year_b}（按键比较，文字中顺延的年份不算改动）")
    if d.identical:
        out.append("两个工作簿相同：金额、附表、文字和正文数字都没有变化。")
        return "\n".join(out)

    def rows(items: list[RowChange], indent: str, keys: bool = True) -> None:
        for r in items:  # the key is shown where the label does not already spell it out
            out.append(f"{indent}{MARK[r.status]} {r.label}" + (f" [{r.key}]" if keys else "") + (
                f"（{STATUS[r.status]}）" if r.status != "changed" else ""))
            for a in r.amounts:
                out.append(f"{indent}    {describe(a)}")

    if d.lines or d.procurement:
        out.append("\n一、录入的金额")
        if d.lines:
            out.append("  支出明细（按分类汇总）")
            rows(d.lines, "    ", keys=False)
        if d.procurement:
            out.append("  政府采购")
            rows(d.procurement, "    ", keys=False)
    if d.tables:
        out.append("\n二、附表")
        for t in d.tables:
            out.append(f"  {t.title}" + (f"（{STATUS[t.status]}）" if t.status != "changed" else ""))
            rows(t.rows, "    ")
    if d.texts:
        out.append("\n三、文字")
        for t in d.texts:
            out.append(f"  {t.where}")
            out += [f"    {ln}" for ln in t.unified]
    if d.facts:
        out.append("\n四、正文数字")
        out += [f"  {describe_fact(f)}" for f in d.facts]
    out.append(f"\n共 {len(d.lines) + len(d.procurement)} 处金额、{len(d.tables)} 张表、"
               f"{len(d.texts)} 处文字、{len(d.facts)} 个正文数字不同。")
    return "\n".join(out)


def format_json(d: Diff) -> str:
    return json.dumps(d.as_dict(), ensure_ascii=False, indent=2)


def format_html(d: Diff) -> str:
    from .render.html import tool_environment
    env = tool_environment()
    env.filters["signed"] = _signed
    env.globals.update(describe=describe, fact_change=fact_change, STATUS=STATUS, MARK=MARK)
    return env.get_template("diff.html.j2").render(d=d)


FORMATTERS = {"text": format_text, "json": format_json, "html": format_html}


def run(args) -> int:
    """The `diff` subcommand."""
    import sys
    paths = [Path(args.a), Path(args.b)]
    if args.output:   # before any work: the report must never replace a workbook it compares
        from .files import OutputError, refuse_inputs
        try:
            refuse_inputs(Path(args.output), paths, "比较结果文件")
        except OutputError as exc:
            print(f"gongkai: {exc}", file=sys.stderr)
            return 2
    catalog = Path(args.catalog) if getattr(args, "catalog", None) else None
    try:
        profile = getattr(args, "profile", None) or None
        (va, ca), (vb, cb) = (views_of(p, catalog, profile=profile) for p in paths)
    except DiffError as exc:
        print(f"gongkai: {exc}", file=sys.stderr)
        return 2
    for p, c in zip(paths, (ca, cb)):
        if c.report.errors:
            print(f"注意：{p.name} 有 {len(c.report.errors)} 个错误（gongkai check {p} 查看），"
                  "比较结果按现有内容计算。", file=sys.stderr)
    names = [p.name for p in paths]
    if names[0] == names[1]:
        names = [str(p) for p in paths]
    d = compare(va, vb, *names)
    text = FORMATTERS[args.format](d)
    if args.output:
        from .workbook.new import write_atomic
        write_atomic(Path(args.output), (text + "\n").encode("utf-8"))
        print(f"已写入：{args.output}（{'相同' if d.identical else '有差异'}）")
    else:
        print(text)
    return 0 if d.identical else 1

