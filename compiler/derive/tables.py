"""The 11 附表 as Table IR: ``derive_tables(budget, catalog, config) -> list[Table]``.

Pure functions over a checked Budget: no I/O, no formatting. Every figure is a sum of 支出明细
lines (or of 政府采购 rows), so totals agree with their parts by construction.

Conventions every back end relies on
-------------------------------------
* **Money** cells hold ``Decimal`` 元, *including zero*: a money cell of a body row is never
  None. Published tables print a zero amount as a blank cell; that is the renderer's job and
  ``Table.blank_zero`` says whether to do it (True for 表1–6, 8–10; False for 表7 and the
  绩效目标表, which print 0). None means "no value" (code cells of a 合计 row, empty text).
* **Codes** are split into 类/款/项 text cells: "2011301" -> "201", "13", "01";
  "30101" -> "301", "01". Names come from the catalogue; the line's own 功能科目名称 /
  部门经济分类名称 only when the catalogue lacks the code. Generic 项 names (行政运行, …) are
  qualified by their 款 as the budget system prints them: 行政运行（商贸事务）.
* **Rows**: the 合计 row first (kind "total", key "total"), then per unit (单位 sheet order)
  a "unit" row (key = 单位编码) followed by its "item" rows (key "031001/2011301", sorted by
  code). Tables without units (表5-2, 表6, 表10) have total + item rows. A unit row's code
  cell spans the three code columns.
* **Wording** — titles, notes and every header / row label — comes from the template data
  (``[tables.N]`` and ``[labels]`` of document.toml), never from Python.
* **Classification**: 基本支出 columns by economic 类 (301 工资福利, 303 对个人和家庭,
  302 商品服务, 310 + 309 资本性; any other 类 in 基本支出 adds a 其他支出 column), 项目支出
  columns by the project's 项目类别. 表4 is on a true 财政拨款 basis: 资金来源 财政拨款
  (一般公共预算拨款), 政府性基金预算 and 国有资本经营预算 — not 专项收入, 收费, 国有资源（资产）
  有偿使用收入 etc.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Iterable, Sequence

from ..catalogs import unit_class
from ..config import Config, fill
from ..model import Budget, Line, Project
from ..workbook.schema import ENUMS, GENERAL_BUDGET_SOURCES
from .figures import BASIC_GROUPS, PROJECT_CATEGORIES, THREE_PUBLIC, basic_group
from .table import Cell, Column, Row, Table

ZERO = Decimal(0)

# ---------------------------------------------------------------------------------------------
# classification: stable keys for 资金来源, 基本支出 groups and 项目类别

SOURCE_KEYS: dict[str, str] = dict(zip(ENUMS["资金来源"], (
    "fiscal_appropriation", "special_revenue", "admin_fees", "state_resources", "other_gpb",
    "gov_fund", "soe_capital", "fiscal_special_account", "other_income", "upper_transfer",
    "carryover")))
assert len(SOURCE_KEYS) == len(ENUMS["资金来源"]) == 11
FISCAL = "财政拨款"
GOV_FUND = "政府性基金预算"
SOE_CAPITAL = "国有资本经营预算"
# 表4: money appropriated by the 财政 from each of the three budgets
FISCAL_BASIS: dict[str, str] = {FISCAL: "gpb", GOV_FUND: "gov_fund", SOE_CAPITAL: "soe_capital"}

BASIC_KEYS: dict[str, str] = {"wages": "basic_wages", "household": "basic_household",
                              "goods": "basic_goods_services", "capital": "basic_capital"}
assert [g[0] for g in BASIC_GROUPS] == list(BASIC_KEYS)
BASIC_OTHER = "basic_other"
PROJECT_KEYS: dict[str, str] = dict(zip(PROJECT_CATEGORIES, (
    "proj_social_econ", "proj_debt", "proj_capital_constr", "proj_other")))
assert len(PROJECT_KEYS) == len(PROJECT_CATEGORIES) == 4
PROJECT_FALLBACK = "proj_other"   # a line whose project is unknown (an error the checks report)

# column widths (relative): a 3-digit code, a Chinese name, an amount like 123,456,789
W_CODE, W_NAME, W_MONEY, W_TEXT = 0.75, 4.4, 2.1, 2.5


def basic_key(line: Line) -> str:
    group = basic_group(line.econ)
    return BASIC_KEYS[group] if group else BASIC_OTHER


def project_key(line: Line, categories: dict[str, str]) -> str:
    return PROJECT_KEYS.get(categories.get(line.project or "", ""), PROJECT_FALLBACK)


def total(lines: Iterable[Line]) -> Decimal:
    return sum((ln.amount for ln in lines), ZERO)


def project_lines(budget: Budget) -> dict[str, list[Line]]:
    """项目名称 -> its 项目支出 lines (projects without lines map to [])."""
    out: dict[str, list[Line]] = {p.name: [] for p in budget.projects}
    for ln in budget.lines:
        if not ln.is_basic and ln.project:
            out.setdefault(ln.project, []).append(ln)
    return out


def project_amounts(budget: Budget, source: str | None = None) -> dict[str, Decimal]:
    """项目本年度金额 of every project (derived from its lines); with *source*, only lines of
    that 资金来源 (e.g. "财政拨款" for 其中：财政资金)."""
    return {name: total(ln for ln in lines if source is None or ln.source == source)
            for name, lines in project_lines(budget).items()}


def unit_project_totals(budget: Budget, source: str | None = None) -> dict[str, Decimal]:
    """单位编码 -> Σ of its 项目支出 lines (units without projects are left out)."""
    out: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for ln in budget.lines:
        if not ln.is_basic and (source is None or ln.source == source):
            out[ln.unit] += ln.amount
    return dict(out)


# ---------------------------------------------------------------------------------------------
# context

@dataclass(frozen=True)
class _Ctx:
    budget: Budget
    catalog: object
    config: Config
    labels: dict
    categories: dict[str, str]      # 项目名称 -> 项目类别
    has_basic_other: bool
    has_carryover: bool

    def lab(self, key: str, table: str | None = None) -> str:
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


def _ctx(budget: Budget, catalog, config: Config) -> _Ctx:
    categories = {p.name: p.category for p in budget.projects}
    return _Ctx(
        budget=budget, catalog=catalog, config=config, labels=config.data.get("labels", {}),
        categories=categories,
        has_basic_other=any(ln.is_basic and basic_group(ln.econ) is None for ln in budget.lines),
        has_carryover=any(SOURCE_KEYS.get(ln.source) == "carryover" for ln in budget.lines),
    )


def split_func(code: str) -> tuple[str, str, str]:
    return code[:3], code[3:5], code[5:7]


def split_econ(code: str) -> tuple[str, str]:
    return code[:3], code[3:5]


# ---------------------------------------------------------------------------------------------
# generic builders

Vector = Callable[[Line], dict[str, Decimal]]


def _accumulate(lines: Iterable[Line], keys: Sequence[str], vector: Vector) -> list[Decimal]:
    acc = dict.fromkeys(keys, ZERO)
    for ln in lines:
        for k, v in vector(ln).items():
            if k in acc:
                acc[k] += v
    return [acc[k] for k in keys]


def _money(values: Iterable[Decimal]) -> tuple[Cell, ...]:
    return tuple(Cell(v) for v in values)


def _func_rows(ctx: _Ctx, lines: Sequence[Line], keys: Sequence[str], vector: Vector) -> tuple[Row, ...]:
    """合计, then per unit: the unit row and its 功能科目 项 rows (3 code cells + name + money)."""
    rows = [Row("total", (Cell(None), Cell(None), Cell(None), Cell(ctx.lab("total")))
                + _money(_accumulate(lines, keys, vector)), key="total")]
    for code, name in ctx.units(lines):
        own = [ln for ln in lines if ln.unit == code]
        rows.append(Row("unit", (Cell(code, colspan=3), Cell(name))
                        + _money(_accumulate(own, keys, vector)), key=code))
        by_func: dict[str, list[Line]] = defaultdict(list)
        for ln in own:
            by_func[ln.func].append(ln)
        for func in sorted(by_func):
            group = by_func[func]
            rows.append(Row("item", tuple(Cell(c) for c in split_func(func))
                            + (Cell(ctx.func_name(func, group)),)
                            + _money(_accumulate(group, keys, vector)), key=f"{code}/{func}"))
    return tuple(rows)


def _func_head(ctx: _Ctx) -> tuple[list[Column], list[Cell], list[Cell]]:
    """The 科目编码 类/款/项 + 单位（科目名称） columns and their two header rows."""
    cols = [Column("func_class", ctx.lab("class"), "code", W_CODE),
            Column("func_kuan", ctx.lab("kuan"), "code", W_CODE),
            Column("func_xiang", ctx.lab("xiang"), "code", W_CODE),
            Column("name", ctx.lab("unit_or_subject"), "text", W_NAME)]
    top = [Cell(ctx.lab("code"), colspan=3), Cell(ctx.lab("unit_or_subject"), rowspan=2)]
    bottom = [Cell(ctx.lab("class")), Cell(ctx.lab("kuan")), Cell(ctx.lab("xiang"))]
    return cols, top, bottom


# ---------------------------------------------------------------------------------------------
# 表3 layout (表3, 表5-1, 表8, 表9): 合计 | 基本支出 … | 项目支出 …

def expense_keys(ctx: _Ctx) -> list[str]:
    basic = ["basic_subtotal", *BASIC_KEYS.values()] + ([BASIC_OTHER] if ctx.has_basic_other else [])
    return ["total", *basic, "proj_subtotal", *PROJECT_KEYS.values()]


def expense_vector(ctx: _Ctx) -> Vector:
    def vector(ln: Line) -> dict[str, Decimal]:
        if ln.is_basic:
            return {"total": ln.amount, "basic_subtotal": ln.amount, basic_key(ln): ln.amount}
        return {"total": ln.amount, "proj_subtotal": ln.amount,
                project_key(ln, ctx.categories): ln.amount}
    return vector


def _expense_money_head(ctx: _Ctx, levels: int = 2) -> tuple[list[Column], list[Cell], list[Cell]]:
    keys = expense_keys(ctx)
    basic = [k for k in keys if k.startswith("basic_")]
    proj = [k for k in keys if k.startswith("proj_")]
    cols = [Column("total", ctx.lab("total"), "money", W_MONEY)]
    for k in basic + proj:
        label = ctx.lab("subtotal") if k.endswith("_subtotal") else ctx.lab(k)
        cols.append(Column(k, label, "money", W_MONEY))
    top = [Cell(ctx.lab("total"), rowspan=levels), Cell(ctx.lab("basic"), colspan=len(basic)),
           Cell(ctx.lab("project"), colspan=len(proj))]
    bottom = [Cell(c.label) for c in cols[1:]]
    return cols, top, bottom


def _expense_by_func(ctx: _Ctx, tid: str, number: str, lines: Sequence[Line], *,
                     empty_when_none: bool = False) -> Table:
    fcols, ftop, fbottom = _func_head(ctx)
    mcols, mtop, mbottom = _expense_money_head(ctx)
    empty = empty_when_none and not lines
    rows = () if empty else _func_rows(ctx, lines, expense_keys(ctx), expense_vector(ctx))
    # the note under an empty table is template data; the workbook's 空表说明:<表名> is the
    # narrative's reason (十、空表情况说明), not this note
    note = ctx.config.table(number).get("empty_note") if empty else None
    return Table(id=tid, number=number, title=ctx.title(number), columns=tuple(fcols + mcols),
                 header=(tuple(ftop + mtop), tuple(fbottom + mbottom)), rows=rows,
                 unit_label=ctx.lab("unit_yuan"), note=note, empty=empty, landscape=True)


# ---------------------------------------------------------------------------------------------
# 表1 / 表4: two sides

def income_items(ctx: _Ctx, lines: Sequence[Line]) -> list[tuple[str, int, Decimal]]:
    """收入 side of 表1: (key, level, amount); level 0 = 一、…, level 1 = 1、…"""
    by = defaultdict(lambda: ZERO)
    for ln in lines:
        by[SOURCE_KEYS.get(ln.source, "other_income")] += ln.amount
    gpb_keys = [SOURCE_KEYS[s] for s in GENERAL_BUDGET_SOURCES]
    items = [("gpb", 0, sum((by[k] for k in gpb_keys), ZERO))] + [(k, 1, by[k]) for k in gpb_keys]
    rest = ["gov_fund", "soe_capital", "fiscal_special_account", "other_income", "upper_transfer"]
    if ctx.has_carryover:
        rest.append("carryover")
    return items + [(k, 0, by[k]) for k in rest]


def fiscal_income_items(ctx: _Ctx, lines: Sequence[Line]) -> list[tuple[str, int, Decimal]]:
    """收入 side of 表4 (lines already restricted to the 财政拨款 basis)."""
    by = defaultdict(lambda: ZERO)
    for ln in lines:
        by[FISCAL_BASIS[ln.source]] += ln.amount
    return [(k, 0, by[k]) for k in ("gpb", "gov_fund", "soe_capital")]


def expense_items(ctx: _Ctx, lines: Sequence[Line]) -> list[tuple[str, int, Decimal]]:
    """支出 side of 表1/表4: 基本支出 by economic group, 项目支出 by 项目类别."""
    values = dict(zip(expense_keys(ctx), _accumulate(lines, expense_keys(ctx), expense_vector(ctx))))
    basic = [k for k in expense_keys(ctx) if k.startswith("basic_") and k != "basic_subtotal"]
    return ([("basic", 0, values["basic_subtotal"])] + [(k, 1, values[k]) for k in basic]
            + [("project", 0, values["proj_subtotal"])]
            + [(k, 1, values[k]) for k in PROJECT_KEYS.values()])


def _two_sides(ctx: _Ctx, tid: str, number: str, income, expense, table_labels: str) -> Table:
    lab = lambda k: ctx.lab(k, table_labels) if k in ctx.labels.get(table_labels, {}) else ctx.lab(k, "table1")  # noqa: E731
    cols = (Column("income_item", lab("item"), "text", 4.2),
            Column("income_amount", lab("amount"), "money", W_MONEY),
            Column("expense_item", lab("item"), "text", 4.2),
            Column("expense_amount", lab("amount"), "money", W_MONEY))
    header = ((Cell(lab("income"), colspan=2), Cell(lab("expense"), colspan=2)),
              (Cell(lab("item")), Cell(lab("amount")), Cell(lab("item")), Cell(lab("amount"))))
    rows = []
    for i in range(max(len(income), len(expense))):
        ik = income[i] if i < len(income) else None
        ek = expense[i] if i < len(expense) else None
        cells = ((Cell(lab(ik[0])), Cell(ik[2])) if ik else (Cell(None), Cell(None)))
        cells += ((Cell(lab(ek[0])), Cell(ek[2])) if ek else (Cell(None), Cell(None)))
        rows.append(Row("item", cells, key=f"{ik[0] if ik else '-'}|{ek[0] if ek else '-'}"))
    in_total = sum((v for _, level, v in income if level == 0), ZERO)
    ex_total = sum((v for _, level, v in expense if level == 0), ZERO)
    rows.append(Row("total", (Cell(lab("income_total")), Cell(in_total),
                              Cell(lab("expense_total")), Cell(ex_total)), key="total"))
    return Table(id=tid, number=number, title=ctx.title(number), columns=cols, header=header,
                 rows=tuple(rows), unit_label=ctx.lab("unit_yuan"))


def table1(ctx: _Ctx) -> Table:
    lines = ctx.budget.lines
    return _two_sides(ctx, "table-1", "1", income_items(ctx, lines), expense_items(ctx, lines), "table1")


def table4(ctx: _Ctx) -> Table:
    lines = [ln for ln in ctx.budget.lines if ln.source in FISCAL_BASIS]
    return _two_sides(ctx, "table-4", "4", fiscal_income_items(ctx, lines),
                      expense_items(ctx, lines), "table4")


# ---------------------------------------------------------------------------------------------
# 表2: income by 资金来源

def income_keys(ctx: _Ctx) -> list[str]:
    keys = ["total", "gpb_subtotal", "gpb_fiscal_appropriation", "gov_fund", "soe_capital",
            "fiscal_special_account", "other_income", "upper_transfer"]
    return keys + (["carryover"] if ctx.has_carryover else [])


def income_vector(ln: Line) -> dict[str, Decimal]:
    out = {"total": ln.amount}
    if ln.is_general_budget:
        out["gpb_subtotal"] = ln.amount
        if ln.source == FISCAL:
            out["gpb_fiscal_appropriation"] = ln.amount
    else:
        out[SOURCE_KEYS.get(ln.source, "other_income")] = ln.amount
    return out


def table2(ctx: _Ctx) -> Table:
    fcols, ftop, fbottom = _func_head(ctx)
    keys = income_keys(ctx)
    mcols = [Column("total", ctx.lab("total"), "money", W_MONEY),
             Column("gpb_subtotal", ctx.lab("subtotal"), "money", W_MONEY),
             Column("gpb_fiscal_appropriation", ctx.lab("gpb_fiscal_appropriation"), "money", W_MONEY)]
    mcols += [Column(k, ctx.lab(k), "money", W_MONEY) for k in keys[3:]]
    top = ftop + [Cell(ctx.lab("total"), rowspan=2), Cell(ctx.lab("gpb"), colspan=2)]
    top += [Cell(ctx.lab(k), rowspan=2) for k in keys[3:]]
    bottom = fbottom + [Cell(ctx.lab("subtotal")), Cell(ctx.lab("gpb_fiscal_appropriation"))]
    return Table(id="table-2", number="2", title=ctx.title("2"), columns=tuple(fcols + mcols),
                 header=(tuple(top), tuple(bottom)),
                 rows=_func_rows(ctx, ctx.budget.lines, keys, income_vector),
                 unit_label=ctx.lab("unit_yuan"), landscape=True)


def table3(ctx: _Ctx) -> Table:
    return _expense_by_func(ctx, "table-3", "3", ctx.budget.lines)


def _gpb(ctx: _Ctx) -> list[Line]:
    return [ln for ln in ctx.budget.lines if ln.is_general_budget]


def table5_1(ctx: _Ctx) -> Table:
    return _expense_by_func(ctx, "table-5-1", "5", _gpb(ctx))


def table8(ctx: _Ctx) -> Table:
    lines = [ln for ln in ctx.budget.lines if ln.source == GOV_FUND]
    return _expense_by_func(ctx, "table-8", "8", lines, empty_when_none=True)


def table9(ctx: _Ctx) -> Table:
    lines = [ln for ln in ctx.budget.lines if ln.source == SOE_CAPITAL]
    return _expense_by_func(ctx, "table-9", "9", lines, empty_when_none=True)


# ---------------------------------------------------------------------------------------------
# 表5-2: 一般公共预算 by 部门 and 政府 economic classification

def table5_2(ctx: _Ctx) -> Table:
    lines = _gpb(ctx)
    keys = expense_keys(ctx)
    vector = expense_vector(ctx)
    mcols, mtop, mbottom = _expense_money_head(ctx)
    name = ctx.lab("name", "table5")
    cols = [Column("dept_econ_class", ctx.lab("class"), "code", W_CODE),
            Column("dept_econ_kuan", ctx.lab("kuan"), "code", W_CODE),
            Column("dept_econ_name", name, "text", 3.6),
            Column("gov_econ_class", ctx.lab("class"), "code", W_CODE),
            Column("gov_econ_kuan", ctx.lab("kuan"), "code", W_CODE),
            Column("gov_econ_name", name, "text", 3.6)]
    top = [Cell(ctx.lab("dept_econ", "table5"), colspan=3), Cell(ctx.lab("gov_econ", "table5"), colspan=3)]
    bottom = [Cell(c.label) for c in cols]
    groups: dict[tuple[str, str], list[Line]] = defaultdict(list)
    for ln in lines:
        groups[(ln.econ, ctx.gov_econ(ln))].append(ln)
    rows = [Row("total", (Cell(None),) * 5 + (Cell(ctx.lab("total")),)
                + _money(_accumulate(lines, keys, vector)), key="total")]
    for econ, gov in sorted(groups):
        group = groups[(econ, gov)]
        ec, ek = split_econ(econ)
        gc, gk = split_econ(gov)
        rows.append(Row("item", (Cell(ec), Cell(ek), Cell(ctx.econ_name(econ, group)),
                                 Cell(gc or None), Cell(gk or None),
                                 Cell(ctx.catalog.gov_name(gov) if gov else None))
                        + _money(_accumulate(group, keys, vector)), key=f"{econ}/{gov}"))
    return Table(id="table-5-2", number="5", title=ctx.title("5"), columns=tuple(cols + mcols),
                 header=(tuple(top + mtop), tuple(bottom + mbottom)), rows=tuple(rows),
                 unit_label=ctx.lab("unit_yuan"), landscape=True)


# ---------------------------------------------------------------------------------------------
# 表6: 一般公共预算基本支出 by 部门经济分类 款

def table6(ctx: _Ctx) -> Table:
    lines = [ln for ln in _gpb(ctx) if ln.is_basic]
    keys = ["gpb_subtotal", "gpb_fiscal_appropriation"]

    def vector(ln: Line) -> dict[str, Decimal]:
        return {"gpb_subtotal": ln.amount,
                **({"gpb_fiscal_appropriation": ln.amount} if ln.source == FISCAL else {})}

    cols = (Column("econ_class", ctx.lab("class"), "code", W_CODE),
            Column("econ_kuan", ctx.lab("kuan"), "code", W_CODE),
            Column("name", ctx.lab("name", "table6"), "text", W_NAME),
            Column("gpb_subtotal", ctx.lab("subtotal"), "money", 2.2),
            Column("gpb_fiscal_appropriation", ctx.lab("gpb_fiscal_appropriation"), "money", 2.2))
    header = ((Cell(ctx.lab("dept_econ", "table6"), colspan=3), Cell(ctx.lab("gpb"), colspan=2)),
              tuple(Cell(c.label) for c in cols))
    groups: dict[str, list[Line]] = defaultdict(list)
    for ln in lines:
        groups[ln.econ].append(ln)
    rows = [Row("total", (Cell(None), Cell(None), Cell(ctx.lab("total")))
                + _money(_accumulate(lines, keys, vector)), key="total")]
    for econ in sorted(groups):
        ec, ek = split_econ(econ)
        rows.append(Row("item", (Cell(ec), Cell(ek), Cell(ctx.econ_name(econ, groups[econ])))
                        + _money(_accumulate(groups[econ], keys, vector)), key=econ))
    return Table(id="table-6", number="6", title=ctx.title("6"), columns=cols, header=header,
                 rows=tuple(rows), unit_label=ctx.lab("unit_yuan"))


# ---------------------------------------------------------------------------------------------
# 表7: “三公”经费 (一般公共预算, basic and project)

def three_public_amounts(budget: Budget) -> dict[str, Decimal]:
    """abroad, reception, vehicle_operation, vehicle_purchase, vehicles, total."""
    codes = {key: c for key, _, c in THREE_PUBLIC}
    gpb = [ln for ln in budget.lines if ln.is_general_budget]
    amt = {key: total(ln for ln in gpb if ln.econ in c) for key, c in codes.items()}
    out = {"abroad": amt["abroad"], "reception": amt["reception"],
           "vehicle_operation": amt["car_run"], "vehicle_purchase": amt["car_buy"]}
    out["vehicles"] = out["vehicle_operation"] + out["vehicle_purchase"]
    out["total"] = out["abroad"] + out["reception"] + out["vehicles"]
    return out


def table7(ctx: _Ctx) -> Table:
    amt = three_public_amounts(ctx.budget)
    lab = lambda k: ctx.lab(k, "table7")  # noqa: E731
    cols = (Column("item", lab("item"), "text", 5.0), Column("amount", lab("amount"), "money", 3.0))
    spec = [("total", "total", 0), ("abroad", "item", 0), ("reception", "item", 0),
            ("vehicles", "item", 0), ("vehicle_operation", "item", 1), ("vehicle_purchase", "item", 1)]
    rows = tuple(Row(kind, (Cell(lab(k)), Cell(amt[k])), indent=indent, key=k)
                 for k, kind, indent in spec)
    return Table(id="table-7", number="7", title=ctx.title("7"), columns=cols,
                 header=((Cell(lab("item")), Cell(lab("amount"))),), rows=rows,
                 unit_label=ctx.lab("unit_yuan"), note=ctx.config.table("7").get("note"),
                 blank_zero=False)


# ---------------------------------------------------------------------------------------------
# 表10: 政府采购

def table10(ctx: _Ctx) -> Table:
    lab = lambda k: ctx.lab(k, "table10")  # noqa: E731
    cols = (Column("func_class", ctx.lab("class"), "code", W_CODE),
            Column("func_kuan", ctx.lab("kuan"), "code", W_CODE),
            Column("func_xiang", ctx.lab("xiang"), "code", W_CODE),
            Column("unit_name", lab("unit_name"), "text", 3.6),
            Column("procurement_item", lab("procurement_item"), "text", 2.6),
            Column("catalogue", lab("catalogue"), "text", 2.6),
            Column("spec", lab("spec"), "text", 1.4),
            Column("measure_unit", lab("measure_unit"), "text", 1.1),
            Column("quantity", lab("quantity"), "number", 1.1),
            Column("amount", lab("amount"), "money", W_MONEY))
    header = ((Cell(lab("code"), colspan=3),) + tuple(Cell(c.label, rowspan=2) for c in cols[3:]),
              (Cell(ctx.lab("class")), Cell(ctx.lab("kuan")), Cell(ctx.lab("xiang"))))
    items = ctx.budget.procurement
    cfg = ctx.config.table("10")
    if not items:
        return Table(id="table-10", number="10", title=ctx.title("10"), columns=cols, header=header,
                     rows=(), unit_label=ctx.lab("unit_yuan"), note=cfg.get("empty_note"),
                     empty=True, landscape=True)
    qty = sum((p.quantity or ZERO for p in items), ZERO)
    amount = sum((p.amount for p in items), ZERO)
    rows = [Row("total", (Cell(None),) * 3 + (Cell(ctx.lab("total")),) + (Cell(None),) * 4
                + (Cell(qty), Cell(amount)), key="total")]
    seen: dict[str, int] = defaultdict(int)
    for p in items:
        unit = ctx.budget.unit(p.unit)
        base = f"{p.unit}/{p.func}"
        seen[base] += 1
        rows.append(Row("item", tuple(Cell(c) for c in split_func(p.func))
                        + (Cell(unit.name if unit else p.unit), Cell(p.item), Cell(p.catalog),
                           Cell(p.spec), Cell(p.measure), Cell(p.quantity), Cell(p.amount)),
                        key=f"{base}/{seen[base]}"))
    return Table(id="table-10", number="10", title=ctx.title("10"), columns=cols, header=header,
                 rows=tuple(rows), unit_label=ctx.lab("unit_yuan"), note=cfg.get("note"),
                 landscape=True)


# ---------------------------------------------------------------------------------------------
# 表11: 预算项目绩效目标表 (one per project) and 部门整体绩效目标申报表

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


def project_table(ctx: _Ctx, project: Project, index: int, amount: Decimal) -> Table:
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
                 columns=cols, header=(), rows=tuple(rows), unit_label="", blank_zero=False)


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


def overall_table(ctx: _Ctx) -> Table:
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
                 subtitle=ctx.title("11", "overall_subtitle") or None, columns=cols, header=(),
                 rows=tuple(rows), unit_label=ctx.lab("unit_yuan"), blank_zero=False)


def _runs(starts: list[bool]) -> list[int]:
    """Rowspan per position for runs beginning where *starts* is True; 0 = covered."""
    spans = [0] * len(starts)
    anchor = 0
    for i, s in enumerate(starts):
        if s:
            anchor = i
        spans[anchor] += 1
    return spans


def project_tables(ctx: _Ctx) -> list[Table]:
    amounts = project_amounts(ctx.budget)
    return [project_table(ctx, p, i + 1, amounts.get(p.name, ZERO))
            for i, p in enumerate(ctx.budget.projects)]


# ---------------------------------------------------------------------------------------------

def derive_tables(budget: Budget, catalog, config: Config) -> list[Table]:
    """The 11 附表 in document order: table-1 … table-10, table-11-1 … table-11-<n>,
    table-11-overall."""
    ctx = _ctx(budget, catalog, config)
    return [table1(ctx), table2(ctx), table3(ctx), table4(ctx), table5_1(ctx), table5_2(ctx),
            table6(ctx), table7(ctx), table8(ctx), table9(ctx), table10(ctx),
            *project_tables(ctx), overall_table(ctx)]
