"""A profile's 附表 declarations, checked and compiled, and the tables built from them.

Python holds the vocabulary — the layouts (layouts.py, forms.py), the dimensions
(dimensions.py) and the measures (measures.py: filters over 支出明细 lines by 资金来源,
支出类型, economic code, 项目类别, 单位类型, and the named measures with their 上年数 指标);
a profile holds the table list. ``compile_tables`` checks every name a declaration uses and
raises ProfileError with the file and line of the first one that does not exist;
``build_tables`` turns the compiled declarations into Tables for one Budget.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..profiles import Profile, ProfileError, TableDecl
from . import forms, layouts
from .context import Ctx
from .measures import EVERYTHING, Invalid, compile_filter
from .table import Table


@dataclass(frozen=True)
class Layout:
    compile: Callable      # (declaration, column specs) -> layout spec; Invalid on a bad name
    build: Callable        # (ctx, TableSpec, layout spec) -> [Table]


LAYOUTS: dict[str, Layout] = {
    "matrix": Layout(layouts.compile_matrix, layouts.matrix),
    "two-sided": Layout(layouts.compile_two_sided, layouts.two_sided),
    "procurement": Layout(layouts.compile_procurement, layouts.procurement),
    "project-forms": Layout(forms.compile_project_forms, forms.project_forms),
    "overall-form": Layout(forms.compile_overall_form, forms.overall_form),
}

TABLE_KEYS = ("id", "number", "after", "layout", "labels", "wording", "title", "subtitle", "note",
              "empty_note", "list_title", "basis", "rows", "columns", "left", "right", "head",
              "head_width", "landscape", "blank_zero", "empty", "unit", "fields", "tasks", "scope")
EMPTY = ("zeros", "note")
SCOPES = ("all", "department")   # department: left out of a unit's own document


@dataclass(frozen=True)
class TableSpec:
    """A compiled 附表 declaration (see docs/profiles.md for every key)."""
    id: str
    number: str
    layout: str
    spec: object
    labels: tuple[str, ...]          # [labels.<section>] looked up first, in order, then [labels]
    wording: str                     # [tables.<wording>] holds title, note, empty_note
    title: str = "title"
    subtitle: str | None = None
    note: str = "note"
    empty_note: str = "empty_note"
    list_title: str | None = None    # wording key of this number's entry in the 附表 list
    basis: object = EVERYTHING       # a Filter: the lines the table counts at all
    landscape: bool = False
    blank_zero: bool = True
    empty: str = "zeros"             # zeros | note: no lines on the basis -> an empty table
    unit: bool = True                # print 单位：元 above the table
    scope: str = "all"               # department: not in a unit's own document

    @property
    def empty_note_when_empty(self) -> bool:
        return self.empty == "note"

    def labeller(self, ctx: Ctx) -> Callable[[str], str]:
        """key -> label: the table's label sections first, then [labels]; the placeholders of
        titles ({预算年度}, {上年度}, …) are filled, so a header may say "2024年预算数"."""
        def lab(key: str) -> str:
            for section in self.labels:
                own = ctx.labels.get(section, {})
                if key in own:
                    return ctx.fill(own[key])
            return ctx.fill(ctx.labels[key])
        return lab

    def table(self, ctx: Ctx, columns, rows, *, empty: bool = False, id: str | None = None,
              title: str | None = None, subtitle: str | None = None, subject: str | None = None,
              unit_label: str | None = None) -> Table:
        """The Table of this declaration, with its wording filled in."""
        wording = ctx.config.table(self.wording)
        note = wording.get(self.empty_note if empty else self.note)
        title = title if title is not None else ctx.title(self.wording, self.title)
        caption = subject or title.replace(ctx.owner_name, "", 1)
        list_title = ctx.title(self.wording, self.list_title) if self.list_title else caption
        if unit_label is None:
            unit_label = self.labeller(ctx)("unit_yuan") if self.unit else ""
        return Table(id=id or self.id, number=self.number, title=title,
                     columns=tuple(columns), rows=tuple(rows), unit_label=unit_label,
                     subtitle=subtitle, note=note, empty=empty, landscape=self.landscape,
                     blank_zero=self.blank_zero, form=self.layout in ("project-forms", "overall-form"),
                     caption=caption, list_title=list_title, subject=subject)


def _columns(decl: TableDecl, sets: dict) -> tuple:
    """The table's columns, compiled: a named column set of the profile, or its own list."""
    raw = decl.data.get("columns", [])
    if isinstance(raw, str):
        if raw not in sets:
            raise Invalid(f"未定义的列组“{raw}”；已定义：{'、'.join(sets) or '（无）'}", raw)
        return sets[raw]
    if not isinstance(raw, list):
        raise Invalid("columns 应为列组名或列的列表", "columns")
    return tuple(layouts.compile_col(c) for c in raw)


def compile_table(decl: TableDecl, sets: dict, labels: dict, wording: dict) -> TableSpec:
    d = decl.data
    for k in d:
        if k not in TABLE_KEYS:
            raise Invalid(f"附表中未知的设置“{k}”（可用：{'、'.join(TABLE_KEYS)}）", k)
    layout = str(d.get("layout", ""))
    if layout not in LAYOUTS:
        raise Invalid(f"未知的版式（layout）“{layout}”；可用：{'、'.join(LAYOUTS)}", layout or "layout")
    empty = str(d.get("empty", "zeros"))
    if empty not in EMPTY:
        raise Invalid(f"empty 应为 zeros（显示为 0）或 note（无数时显示空表说明）：“{empty}”", empty)
    basis = d.get("basis")
    if isinstance(basis, (str, list)):
        basis = {"source": basis}
    scope = str(d.get("scope", "all"))
    if scope not in SCOPES:
        raise Invalid(f"scope 应为 all 或 department（单位预算公开中不出现）：“{scope}”", scope)
    sections = d.get("labels", [])
    sections = tuple(str(s) for s in (sections if isinstance(sections, list) else [sections]))
    for s in sections:
        if not isinstance(labels.get(s), dict):
            raise Invalid(f"document.toml 中没有标签组 [labels.{s}]", s)
    spec = LAYOUTS[layout].compile(d, _columns(decl, sets))
    t = TableSpec(id=decl.id, number=decl.number, layout=layout, spec=spec, labels=sections,
                  wording=str(d.get("wording", decl.number)), title=str(d.get("title", "title")),
                  subtitle=d.get("subtitle"), note=str(d.get("note", "note")),
                  empty_note=str(d.get("empty_note", "empty_note")), list_title=d.get("list_title"),
                  basis=compile_filter(basis) if basis else EVERYTHING,
                  landscape=bool(d.get("landscape", False)), blank_zero=bool(d.get("blank_zero", True)),
                  empty=empty, unit=bool(d.get("unit", True)), scope=scope)
    # every label and wording key the table will use must exist
    for key in used_labels(t):
        if not any(key in labels.get(s, {}) for s in sections) and key not in labels:
            where = f"[labels.{sections[0]}] 或 [labels]" if sections else "[labels]"
            raise Invalid(f"document.toml 的 {where} 中没有标签“{key}”", key)
    own = wording.get(t.wording)
    if not isinstance(own, dict) or not own.get(t.title):
        raise Invalid(f"document.toml 中没有 [tables.{t.wording}] 的 {t.title}（附表标题）",
                      d.get("title", decl.number))
    for key in (t.subtitle, t.list_title):
        if key and key not in own:
            raise Invalid(f"document.toml 的 [tables.{t.wording}] 中没有 {key}", key)
    if t.empty == "note" and not own.get(t.empty_note):
        raise Invalid(f"empty = \"note\" 需要 [tables.{t.wording}] 的 {t.empty_note}（空表说明）",
                      "empty")
    return t


def used_labels(t: TableSpec) -> list[str]:
    """Every label key a compiled table looks up (so a missing one fails at load time)."""
    keys = ["unit_yuan"] if t.unit else []
    s = t.spec
    if isinstance(s, layouts.Matrix):
        keys += [k for c in s.cols for k in c.labels]
        if isinstance(s.rows, tuple):
            keys += [s.head] + [i.label for i in s.rows]
        else:
            keys += s.rows.label_keys()
    elif isinstance(s, layouts.TwoSided):
        for side in (s.left, s.right):
            keys += [side.head, side.item_label] + [k for c in side.cols for k in c.labels]
            keys += [i.label for i in side.items if i.rows is None]
    elif s is None:  # procurement
        keys += list(layouts.PROCUREMENT_LABELS)
    else:
        keys += s.label_keys()
    return keys


def compile_tables(profile: Profile, document: dict) -> tuple[TableSpec, ...]:
    """Check and compile every 附表 of *profile* against the merged template data; a
    ProfileError names the file and line of the first problem."""
    labels, wording = document.get("labels", {}), document.get("tables", {})
    sets = {}
    for name, (raw, origin) in profile.columns.items():
        try:
            if not isinstance(raw, list):
                raise Invalid(f"列组“{name}”应为列的列表", name)
            sets[name] = tuple(layouts.compile_col(c) for c in raw)
        except Invalid as exc:
            raise ProfileError(f"列组 {name}：{exc.message}", origin.file,
                               origin.line_of(exc.needle)) from None
    out = []
    for decl in profile.tables:
        try:
            out.append(compile_table(decl, sets, labels, wording))
        except Invalid as exc:
            raise ProfileError(f"附表 {decl.id}：{exc.message}", decl.origin.file,
                               decl.origin.line_of(exc.needle)) from None
    if not out:
        raise ProfileError("公开格式没有任何附表（[[table]]）", profile.file)
    return tuple(out)


def build_tables(ctx: Ctx, specs: tuple[TableSpec, ...]) -> list[Table]:
    """Every 附表 of the profile, in its order (a project-forms declaration gives one table per
    project)."""
    out: list[Table] = []
    for t in specs:
        out += LAYOUTS[t.layout].build(ctx, t, t.spec)
    return out

