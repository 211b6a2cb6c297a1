"""Dimensions: what the rows of a table are. A profile names one (``rows = "功能分类"``) with
options; the builder returns the row-heading columns and the rows, each row being its heading
cells followed by the amounts of the table's columns (a callback sums them over the row's
lines). Every dimension starts with the 合计 row (kind "total", key "total").

* 功能分类 (类 3 / 款 5 / 项 7 digits), 部门经济分类 and 政府经济分类 (类 3 / 款 5): rows at the
  levels asked for — one level (郑州: only 项 rows) or several (类/款/项 with subtotal rows, as
  the central formats print them); codes split into 类|款|项 columns or in one 科目编码 column;
  optionally grouped under a row per unit. Names come from the catalogue (the line's own name
  when the catalogue lacks the code); generic 项 names are qualified by their 款 (Ctx.func_name).
* 部门经济分类×政府经济分类: one row per pair of 款 (郑州 表5-2).
* 单位: one row per unit; 项目: projects grouped under a row per unit.
* 合计: the 合计 row alone (a table of columns only, like the central “三公” table).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Sequence

from ..model import Line
from .context import Ctx
from .measures import Invalid
from .table import Cell, Column, Row

# column widths (relative): a 3-digit code, a Chinese name, an amount like 123,456,789
W_CODE, W_NAME, W_MONEY, W_TEXT = 0.75, 4.4, 2.1, 2.5
W_JOINED = 1.3   # a whole code (2011301) in one column

Values = Callable[[Sequence[Line]], tuple]   # the row's lines -> its amount cells


@dataclass(frozen=True)
class Level:
    name: str      # 类 / 款 / 项
    length: int    # digits of a code at this level
    key: str       # column key suffix and label key: class / kuan / xiang


@dataclass(frozen=True)
class CodeDimension:
    prefix: str                     # column keys: func_class, econ_code, …
    levels: tuple[Level, ...]
    code: Callable[[Ctx, Line], str]
    name: Callable[[Ctx, str, Sequence[Line]], str]


CLASS, KUAN, XIANG = Level("类", 3, "class"), Level("款", 5, "kuan"), Level("项", 7, "xiang")

CODE_DIMENSIONS: dict[str, CodeDimension] = {
    "功能分类": CodeDimension("func", (CLASS, KUAN, XIANG), lambda ctx, ln: ln.func,
                          lambda ctx, code, lines: ctx.func_name(code, lines)),
    "部门经济分类": CodeDimension("econ", (CLASS, KUAN), lambda ctx, ln: ln.econ,
                            lambda ctx, code, lines: ctx.econ_name(code, lines)),
    "政府经济分类": CodeDimension("gov_econ", (CLASS, KUAN), lambda ctx, ln: ctx.gov_econ(ln),
                            lambda ctx, code, lines: ctx.catalog.gov_name(code) or ""),
}
PAIR = "部门经济分类×政府经济分类"
UNITS, PROJECTS, TOTAL = "单位", "项目", "合计"
DIMENSIONS = (*CODE_DIMENSIONS, PAIR, UNITS, PROJECTS, TOTAL)

ROW_KEYS = ("dimension", "levels", "by_unit", "codes", "code_label", "name_label", "group_label",
            "group_labels", "total_label", "name_width")


@dataclass(frozen=True)
class Rows:
    """The rows of a table, as declared: ``rows = { dimension = "功能分类", levels = ["项"],
    by_unit = true, codes = "split" }`` (label keys for the heading columns)."""
    dimension: str
    levels: tuple[str, ...] = ()
    by_unit: bool = False
    codes: str = "split"                       # split | joined
    code_label: str | None = "code"            # over the code columns (科目编码)
    name_label: str = "unit_or_subject"
    group_labels: tuple[str, ...] = ()         # over all heading columns (部门预算经济分类); two
                                               # for the pair dimension (部门 …, 政府 …)
    total_label: str = "total"
    name_width: float = W_NAME

    def label_keys(self) -> list[str]:
        keys = [self.name_label, self.total_label, *self.group_labels]
        if self.dimension in CODE_DIMENSIONS or self.dimension == PAIR:
            if self.codes == "split" or self.dimension == PAIR:
                dim = CODE_DIMENSIONS.get(self.dimension, CODE_DIMENSIONS["部门经济分类"])
                keys += [lvl.key for lvl in dim.levels]
            if self.code_label:
                keys.append(self.code_label)
        return keys


def compile_rows(spec) -> Rows:
    """Rows from a declaration (a dimension name, or a table of options); Invalid otherwise."""
    if isinstance(spec, str):
        spec = {"dimension": spec}
    if not isinstance(spec, dict):
        raise Invalid("rows 应为维度名或维度设置表", "rows")
    for k in spec:
        if k not in ROW_KEYS:
            raise Invalid(f"rows 中未知的设置“{k}”（可用：{'、'.join(ROW_KEYS)}）", k)
    dim = str(spec.get("dimension", ""))
    if dim not in DIMENSIONS:
        raise Invalid(f"未知的维度“{dim}”；可用：{'、'.join(DIMENSIONS)}", dim or "dimension")
    levels: tuple[str, ...] = ()
    if dim in CODE_DIMENSIONS:
        allowed = [lvl.name for lvl in CODE_DIMENSIONS[dim].levels]
        levels = tuple(str(x) for x in spec.get("levels", allowed[-1:]))
        for lvl in levels:
            if lvl not in allowed:
                raise Invalid(f"维度“{dim}”没有层级“{lvl}”；可用：{'、'.join(allowed)}", lvl)
        if not levels:
            raise Invalid("levels 不能为空", "levels")
    codes = str(spec.get("codes", "split"))
    if codes not in ("split", "joined"):
        raise Invalid(f"codes 应为 split（类、款、项分列）或 joined（一列）：“{codes}”", codes)
    groups = spec.get("group_labels", [spec["group_label"]] if "group_label" in spec else [])
    return Rows(dim, levels, bool(spec.get("by_unit", False)), codes,
                spec.get("code_label", "code") or None, str(spec.get("name_label", "unit_or_subject")),
                tuple(str(g) for g in groups), str(spec.get("total_label", "total")),
                float(spec.get("name_width", W_NAME)))


# ---------------------------------------------------------------------------------------------

def build_rows(ctx: Ctx, rows: Rows, lines: Sequence[Line], values: Values,
               lab: Callable[[str], str]) -> tuple[list[Column], list[Row]]:
    """The heading columns and the rows (合计 first) of *rows* over *lines*."""
    if rows.dimension == TOTAL:
        return [], [Row("total", values(lines), key="total")]
    if rows.dimension == PAIR:
        return _pairs(ctx, rows, lines, values, lab)
    if rows.dimension in (UNITS, PROJECTS):
        return _units(ctx, rows, lines, values, lab)
    return _codes(ctx, rows, CODE_DIMENSIONS[rows.dimension], lines, values, lab)


def _total(heading: int, label: str, lines, values: Values) -> Row:
    """合计: empty heading cells, the label in the last of them, the sums."""
    return Row("total", (Cell(None),) * (heading - 1) + (Cell(label),) + values(lines), key="total")


def _codes(ctx: Ctx, rows: Rows, dim: CodeDimension, lines, values: Values, lab):
    shown = [lvl for lvl in dim.levels if lvl.name in rows.levels]
    split = [lvl for lvl in dim.levels if lvl.length <= shown[-1].length]
    group = tuple(lab(g) for g in rows.group_labels[:1])
    over = (lab(rows.code_label),) if rows.code_label else ()
    if rows.codes == "split":
        cols = [Column(f"{dim.prefix}_{lvl.key}", group + over + (lab(lvl.key),), "code", W_CODE)
                for lvl in split]
    else:
        cols = [Column(f"{dim.prefix}_code", group + (over or (lab("code"),)), "code", W_JOINED)]
    cols.append(Column("name", group + (lab(rows.name_label),), "text", rows.name_width))
    full = dim.levels[-1].length

    def code_cells(code: str) -> tuple[Cell, ...]:
        if rows.codes == "joined":
            return (Cell(code),)
        out, start = [], 0
        for lvl in split:
            out.append(Cell(code[start:lvl.length] if len(code) >= lvl.length else None))
            start = lvl.length
        return tuple(out)

    def tree(own: list[Line], depth: int, unit: str | None) -> list[Row]:
        lvl = shown[depth]
        groups: dict[str, list[Line]] = defaultdict(list)
        for ln in own:
            groups[dim.code(ctx, ln)[:lvl.length]].append(ln)
        out = []
        for code in sorted(groups):
            group_lines = groups[code]
            last = depth == len(shown) - 1
            kind = "item" if last else lvl.key if lvl.key in ("class", "kuan") else "subtotal"
            name = dim.name(ctx, code, group_lines if len(code) == full else ())
            out.append(Row(kind, code_cells(code) + (Cell(name),) + values(group_lines),
                           indent=depth, key=f"{unit}/{code}" if unit else code))
            if not last:
                out += tree(group_lines, depth + 1, unit)
        return out

    body = [_total(len(cols), lab(rows.total_label), lines, values)]
    if rows.by_unit:
        for code, name in ctx.units(lines):
            own = [ln for ln in lines if ln.unit == code]
            body.append(Row("unit", (Cell(code, colspan=len(cols) - 1), Cell(name)) + values(own),
                            key=code))
            body += tree(own, 0, code)
    else:
        body += tree(list(lines), 0, None)
    return cols, body


def _pairs(ctx: Ctx, rows: Rows, lines, values: Values, lab):
    """部门经济分类 款 × 政府经济分类 款, one row per pair (郑州 表5-2)."""
    dept, gov = (lab(g) for g in (rows.group_labels + ("dept_econ", "gov_econ"))[:2])
    name = lab(rows.name_label)
    cols = [Column("dept_econ_class", (dept, lab("class")), "code", W_CODE),
            Column("dept_econ_kuan", (dept, lab("kuan")), "code", W_CODE),
            Column("dept_econ_name", (dept, name), "text", rows.name_width),
            Column("gov_econ_class", (gov, lab("class")), "code", W_CODE),
            Column("gov_econ_kuan", (gov, lab("kuan")), "code", W_CODE),
            Column("gov_econ_name", (gov, name), "text", rows.name_width)]
    groups: dict[tuple[str, str], list[Line]] = defaultdict(list)
    for ln in lines:
        groups[(ln.econ, ctx.gov_econ(ln))].append(ln)
    body = [_total(6, lab(rows.total_label), lines, values)]
    for code, g in sorted(groups):
        group = groups[(code, g)]
        body.append(Row("item", (Cell(code[:3]), Cell(code[3:5]), Cell(ctx.econ_name(code, group)),
                                 Cell(g[:3] or None), Cell(g[3:5] or None),
                                 Cell(ctx.catalog.gov_name(g) if g else None))
                        + values(group), key=f"{code}/{g}"))
    return cols, body


def _units(ctx: Ctx, rows: Rows, lines, values: Values, lab):
    """单位: a row per unit; 项目: projects under a row per unit (项目支出 lines only)."""
    if rows.dimension == PROJECTS:
        lines = [ln for ln in lines if ln.project and not ln.is_basic]
    cols = [Column("unit_code", lab(rows.code_label or "unit_code"), "code", 1.2),
            Column("name", lab(rows.name_label), "text", rows.name_width)]
    body = [_total(2, lab(rows.total_label), lines, values)]
    for code, name in ctx.units(lines):
        own = [ln for ln in lines if ln.unit == code]
        if rows.dimension == UNITS:
            body.append(Row("item", (Cell(code), Cell(name)) + values(own), key=code))
            continue
        by_project: dict[str, list[Line]] = defaultdict(list)
        for ln in own:
            by_project[ln.project].append(ln)
        if not by_project:
            continue
        body.append(Row("unit", (Cell(code), Cell(name)) + values(own), key=code))
        order = [p.name for p in ctx.budget.projects if p.name in by_project]
        order += [p for p in by_project if p not in order]
        body += [Row("item", (Cell(None), Cell(p)) + values(by_project[p]), indent=1,
                     key=f"{code}/{p}") for p in order]
    return cols, body
