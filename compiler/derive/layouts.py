"""Layouts: how a declared table is put together from a dimension (rows) and measures (columns).

* ``matrix`` — dimension rows × measure columns (收入总表, 支出总表, 一般公共预算支出表, …), or a
  list of fixed rows, each a measure, × columns (郑州 表7 “三公”), or the 合计 row alone ×
  columns (the central “三公” table with its 上年/本年 column groups);
* ``two-sided`` — 收入 beside 支出 (收支总表, 财政拨款收支总表): each side has its item column
  and its own amount columns, its rows are fixed measures or dimension rows, ``sum`` rows add
  the side's top-level rows above them; the rows before the first ``sum`` pair up, then the
  ``sum`` blocks of both sides pair up at the bottom;
* ``procurement`` — one row per 政府采购 record (郑州 表10).

The forms (绩效目标表) are in forms.py. Every amount is a sum of 支出明细 lines that pass the
table's basis, the row's and the column's filters; wording comes from the template data.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Sequence

from ..model import Line
from . import dimensions as dim
from .context import Ctx
from .dimensions import W_MONEY, Rows
from .measures import ZERO, Invalid, Measure, compile_measure
from .table import Cell, Column, Row, Table


# ---------------------------------------------------------------------------------------------
# columns and fixed rows

COLUMN_KEYS = ("key", "label", "when", "width", "measure", "source", "kind", "econ", "category",
               "unit_kind", "any", "year")
WHEN = ("always", "nonzero")


@dataclass(frozen=True)
class Col:
    """A declared amount column: its key, its header path (label keys), its measure, and
    whether it is shown only when the document has money for it (``when = "nonzero"``)."""
    key: str
    labels: tuple[str, ...]
    measure: Measure
    when: str = "always"
    width: float = W_MONEY


def compile_col(spec: dict, default_key: str | None = None) -> Col:
    if not isinstance(spec, dict):
        raise Invalid("列应为表，如 { key = \"total\", label = [\"total\"] }", "columns")
    for k in spec:
        if k not in COLUMN_KEYS:
            raise Invalid(f"列中未知的设置“{k}”（可用：{'、'.join(COLUMN_KEYS)}）", k)
    key = str(spec.get("key") or default_key or "")
    if not key:
        raise Invalid("列须有 key", "label")
    labels = spec.get("label", [key])
    labels = tuple(str(x) for x in (labels if isinstance(labels, list) else [labels]))
    when = str(spec.get("when", "always"))
    if when not in WHEN:
        raise Invalid(f"when 应为 always 或 nonzero：“{when}”", when)
    return Col(key, labels, compile_measure(spec), when, float(spec.get("width", W_MONEY)))


ROW_ITEM_KEYS = ("key", "label", "kind_of_row", "indent", "when", "sum", "zero", "dimension",
                 "levels", "measure", "source", "kind", "econ", "category", "unit_kind", "any")


@dataclass(frozen=True)
class Item:
    """A declared row of a fixed list or of a side: an amount row (a measure), a ``sum`` row, a
    ``zero`` row (always 0, e.g. 结转下年), or dimension rows (one per 类, …)."""
    key: str
    label: str
    measure: Measure | None = None
    row_kind: str = "item"
    indent: int = 0
    when: str = "always"
    sum: bool = False
    zero: bool = False
    rows: Rows | None = None


def compile_item(spec: dict) -> Item:
    if not isinstance(spec, dict):
        raise Invalid("行应为表，如 { key = \"gpb\", source = \"一般公共预算\" }", "rows")
    for k in spec:
        if k not in ROW_ITEM_KEYS:
            raise Invalid(f"行中未知的设置“{k}”（可用：{'、'.join(ROW_ITEM_KEYS)}）", k)
    if "dimension" in spec:
        rows = dim.compile_rows({k: spec[k] for k in ("dimension", "levels") if k in spec})
        if rows.dimension not in dim.CODE_DIMENSIONS:
            raise Invalid("两栏表中的维度行只能是功能分类、部门经济分类或政府经济分类", rows.dimension)
        return Item(key="", label="", rows=rows)
    key = str(spec.get("key", ""))
    if not key:
        raise Invalid("行须有 key（也是其标签的键）", "key")
    when = str(spec.get("when", "always"))
    if when not in WHEN:
        raise Invalid(f"when 应为 always 或 nonzero：“{when}”", when)
    row_kind = str(spec.get("kind_of_row", "total" if spec.get("sum") else "item"))
    if row_kind not in ("item", "total", "subtotal"):
        raise Invalid(f"kind_of_row 应为 item、subtotal 或 total：“{row_kind}”", row_kind)
    measure = None
    if not spec.get("sum") and not spec.get("zero"):
        measure = compile_measure({k: v for k, v in spec.items() if k not in ("key", "label")})
        if measure.prior is not None:
            raise Invalid("行不能取上年数（上年数只用于列）", "year")
    return Item(key, str(spec.get("label", key)), measure, row_kind, int(spec.get("indent", 0)),
                when, bool(spec.get("sum")), bool(spec.get("zero")))


# ---------------------------------------------------------------------------------------------
# amounts

class Amounts:
    """Sums of lines by filter, for one table: which lines pass the basis, which columns are
    shown, each column's sum over a group of lines. Each column's filter is applied once per
    table (a set of the lines it counts), not once per row."""

    def __init__(self, ctx: Ctx, basis, cols: Sequence[Col]):
        self.ctx = ctx
        facts = ctx.facts
        self.lines = [ln for ln in ctx.budget.lines if basis.test(ln, facts)]
        self.cols = [c for c in cols if self.shown(c)]
        self._counted = [None if c.measure.prior is not None else
                         {id(ln) for ln in self.lines if c.measure.filter.test(ln, facts)}
                         for c in self.cols]

    def shown(self, col: Col) -> bool:
        """``nonzero`` columns are shown when the document has money for them (any basis, so
        tables sharing a column set show the same columns). 上年 columns are left out of a
        unit's own document: the 上年数 sheet holds the department's figures."""
        if col.measure.prior is not None and self.ctx.budget.scope:
            return False
        return col.when == "always" or self.total(self.ctx.budget.lines, col.measure) != 0

    def prior(self, measure: Measure) -> Decimal:
        have = {p.item: p.amount for p in self.ctx.budget.prior}
        return sum((have.get(item, ZERO) for item in measure.prior), ZERO)

    def total(self, lines: Sequence[Line], measure: Measure) -> Decimal:
        if measure.prior is not None:
            return self.prior(measure)
        facts = self.ctx.facts
        return sum((ln.amount for ln in lines if measure.filter.test(ln, facts)), ZERO)

    def cells(self, lines: Sequence[Line], extra=None) -> tuple[Cell, ...]:
        """The shown columns' sums over *lines* (only those *extra* also counts, if given)."""
        if extra is not None:
            lines = [ln for ln in lines if extra.test(ln, self.ctx.facts)]
        return tuple(Cell(self.prior(c.measure) if counted is None else
                          sum((ln.amount for ln in lines if id(ln) in counted), ZERO))
                     for c, counted in zip(self.cols, self._counted))


def _columns(cols: Sequence[Col], lab) -> list[Column]:
    return [Column(c.key, tuple(lab(k) for k in c.labels), "money", c.width) for c in cols]


# ---------------------------------------------------------------------------------------------
# matrix

@dataclass(frozen=True)
class Matrix:
    rows: Rows | tuple[Item, ...]
    cols: tuple[Col, ...]
    head: str = "item"            # label key of the item column of fixed rows
    head_width: float = 5.0


def compile_matrix(decl: dict, cols: tuple[Col, ...]) -> Matrix:
    raw = decl.get("rows")
    if isinstance(raw, list):
        rows: Rows | tuple[Item, ...] = tuple(compile_item(r) for r in raw)
        if any(r.rows or r.sum or r.zero for r in rows):
            raise Invalid("矩阵表的固定行只能是度量行", "rows")
    else:
        rows = dim.compile_rows(raw if raw is not None else "")
    prior = [c for c in cols if c.measure.prior is not None]
    if prior and not (isinstance(rows, Rows) and rows.dimension == dim.TOTAL):
        raise Invalid("上年数的列只能用于只有合计行的表（rows = \"合计\"）：上年数是全部门的数", prior[0].key)
    return Matrix(rows, cols, str(decl.get("head", "item")), float(decl.get("head_width", 5.0)))


def matrix(ctx: Ctx, t, spec: Matrix) -> list[Table]:
    amounts = Amounts(ctx, t.basis, spec.cols)
    lab = t.labeller(ctx)
    if t.empty_note_when_empty and not amounts.lines:
        heading = [] if not isinstance(spec.rows, Rows) else \
            dim.build_rows(ctx, spec.rows, [], lambda lines: (), lab)[0]
        return [t.table(ctx, heading + _columns(amounts.cols, lab), (), empty=True)]
    if isinstance(spec.rows, Rows):
        heading, rows = dim.build_rows(ctx, spec.rows, amounts.lines, amounts.cells, lab)
    else:
        heading = [Column("item", lab(spec.head), "text", spec.head_width)]
        rows = [Row(item.row_kind, (Cell(lab(item.label)),)
                    + amounts.cells(amounts.lines, item.measure.filter), indent=item.indent,
                    key=item.key)
                for item in spec.rows if item.when == "always"
                or amounts.total(ctx.budget.lines, item.measure) != 0]
    return [t.table(ctx, heading + _columns(amounts.cols, lab), tuple(rows))]


# ---------------------------------------------------------------------------------------------
# two-sided

@dataclass(frozen=True)
class Side:
    head: str                      # label key over the side (收入 / 支出); column key prefix
    cols: tuple[Col, ...]
    items: tuple[Item, ...]
    item_label: str = "item"
    item_width: float = 4.2


SIDE_KEYS = ("head", "columns", "rows", "item_label", "item_width")


def compile_side(spec, name: str) -> Side:
    if not isinstance(spec, dict):
        raise Invalid(f"两栏表须有 [table.{name}]（head、columns、rows）", name)
    for k in spec:
        if k not in SIDE_KEYS:
            raise Invalid(f"[table.{name}] 中未知的设置“{k}”（可用：{'、'.join(SIDE_KEYS)}）", k)
    cols = tuple(compile_col(c) for c in spec.get("columns", [{"key": "amount"}]))
    for c in cols:
        if c.measure.prior is not None:
            raise Invalid("两栏表不能有上年数的列", c.key)
    items = tuple(compile_item(r) for r in spec.get("rows", []))
    if not items:
        raise Invalid(f"[table.{name}] 须有 rows", name)
    return Side(str(spec.get("head", name)), cols, items, str(spec.get("item_label", "item")),
                float(spec.get("item_width", 4.2)))


@dataclass(frozen=True)
class TwoSided:
    left: Side
    right: Side


def compile_two_sided(decl: dict, cols) -> TwoSided:
    return TwoSided(compile_side(decl.get("left"), "left"), compile_side(decl.get("right"), "right"))


def _side_rows(ctx: Ctx, side: Side, amounts: Amounts, lab) -> tuple[list, list]:
    """(body, foot): entries (key, label, kind, values) before the first sum row, and from it."""
    entries: list[tuple[str, str, str, list[Decimal], int]] = []
    for item in side.items:
        if item.rows is not None:
            d = dim.CODE_DIMENSIONS[item.rows.dimension]
            length = next(lvl.length for lvl in d.levels if lvl.name == item.rows.levels[-1])
            groups: dict[str, list[Line]] = defaultdict(list)
            for ln in amounts.lines:
                groups[d.code(ctx, ln)[:length]].append(ln)
            for code in sorted(groups):
                values = [c.value for c in amounts.cells(groups[code])]
                name = d.name(ctx, code, groups[code] if length == d.levels[-1].length else ())
                entries.append((code, name, "item", values, 0))
        elif item.sum:
            tops = [e for e in entries if e[2] == "item" and e[4] == 0]
            values = [sum((e[3][i] for e in tops), ZERO) for i in range(len(amounts.cols))]
            entries.append((item.key, lab(item.label), "sum", values, 0))
        elif item.zero:
            entries.append((item.key, lab(item.label), "zero", [ZERO] * len(amounts.cols), 0))
        elif item.when == "always" or amounts.total(ctx.budget.lines, item.measure) != 0:
            values = [c.value for c in amounts.cells(amounts.lines, item.measure.filter)]
            entries.append((item.key, lab(item.label), "item", values, item.indent))
    first_sum = next((i for i, e in enumerate(entries) if e[2] == "sum"), len(entries))
    return entries[:first_sum], entries[first_sum:]


def two_sided(ctx: Ctx, t, spec: TwoSided) -> list[Table]:
    lab = t.labeller(ctx)
    sides = []
    for side in (spec.left, spec.right):
        amounts = Amounts(ctx, t.basis, side.cols)
        body, foot = _side_rows(ctx, side, amounts, lab)
        cols = [Column(f"{side.head}_item", (lab(side.head), lab(side.item_label)), "text",
                       side.item_width)]
        cols += [Column(f"{side.head}_{c.key}", (lab(side.head), *(lab(k) for k in c.labels)),
                        "money", c.width) for c in amounts.cols]
        sides.append((cols, body, foot, len(amounts.cols)))
    rows = []
    for part in (1, 2):
        n = max(len(s[part]) for s in sides)
        for i in range(n):
            cells: tuple[Cell, ...] = ()
            keys, total = [], False
            for cols, body, foot, width in sides:
                block = body if part == 1 else foot
                e = block[i] if i < len(block) else None
                keys.append(e[0] if e else "-")
                total = total or bool(e and e[2] == "sum")
                cells += (Cell(e[1]), *(Cell(v) for v in e[3])) if e else (Cell(None),) * (1 + width)
            key = "total" if part == 2 and i == 0 and total else "|".join(keys)
            rows.append(Row("total" if total else "item", cells, key=key))
    return [t.table(ctx, sides[0][0] + sides[1][0], tuple(rows))]


# ---------------------------------------------------------------------------------------------
# procurement listing

PROCUREMENT_LABELS = ("code", "class", "kuan", "xiang", "total", "unit_name", "procurement_item",
                      "catalogue", "spec", "measure_unit", "quantity", "amount")


def compile_procurement(decl: dict, cols) -> None:
    return None


def procurement(ctx: Ctx, t, spec) -> list[Table]:
    lab = t.labeller(ctx)
    code = lab("code")
    cols = (Column("func_class", (code, lab("class")), "code", dim.W_CODE),
            Column("func_kuan", (code, lab("kuan")), "code", dim.W_CODE),
            Column("func_xiang", (code, lab("xiang")), "code", dim.W_CODE),
            Column("unit_name", lab("unit_name"), "text", 3.6),
            Column("procurement_item", lab("procurement_item"), "text", 2.6),
            Column("catalogue", lab("catalogue"), "text", 2.6),
            Column("spec", lab("spec"), "text", 1.4),
            Column("measure_unit", lab("measure_unit"), "text", 1.1),
            Column("quantity", lab("quantity"), "number", 1.1),
            Column("amount", lab("amount"), "money", W_MONEY))
    items = ctx.budget.procurement
    if not items:
        return [t.table(ctx, cols, (), empty=True)]
    # 数量 adds up only in one 计量单位 (2 辆 + 3 台 is no number); otherwise the total is blank
    measures = {(p.measure or "").strip() for p in items}
    qty = (sum((p.quantity or ZERO for p in items), ZERO)
           if len(measures) == 1 and all(p.quantity is not None for p in items) else None)
    amount = sum((p.amount for p in items), ZERO)
    rows = [Row("total", (Cell(None),) * 3 + (Cell(lab("total")),) + (Cell(None),) * 4
                + (Cell(qty), Cell(amount)), key="total")]
    seen: dict[str, int] = defaultdict(int)
    for p in items:
        unit = ctx.budget.unit(p.unit)
        base = f"{p.unit}/{p.func}"
        seen[base] += 1
        rows.append(Row("item", (Cell(p.func[:3]), Cell(p.func[3:5]), Cell(p.func[5:7]),
                                 Cell(unit.name if unit else p.unit), Cell(p.item), Cell(p.catalog),
                                 Cell(p.spec), Cell(p.measure), Cell(p.quantity), Cell(p.amount)),
                        key=f"{base}/{seen[base]}"))
    return [t.table(ctx, cols, tuple(rows))]
