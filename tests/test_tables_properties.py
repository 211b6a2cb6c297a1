"""Properties of the 附表 over generated valid Budgets (built directly from the models).

In every table the 合计 row is the sum of its unit rows (or of its item rows where a table has
no units) and every unit row the sum of its item rows, column by column; 表1 balances; 表3 and
表5 (功能) agree cell for cell when every line is 一般公共预算; 表2 and 表3 agree on 合计.
"""
from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compiler.catalogs import load_catalog
from compiler.config import load_config
from compiler.derive.tables import derive_tables, project_amounts
from compiler.model import Budget, Indicator, Info, Line, Procurement, Project, Staff, Task, Unit
from compiler.vocab import GENERAL_BUDGET_SOURCES
from compiler.workbook.schema import ENUMS
from test_tables import assert_grid

CATALOG = load_catalog(2020)
CONFIG = load_config()
ZERO = Decimal(0)

FUNCS = ["2011301", "2011302", "2011350", "2080505", "2101101", "2210201", "2160218", "2050803",
         "2019998"]  # the last is not in the catalogue: its name comes from the line
BASIC_ECON = ["30101", "30102", "30108", "30201", "30212", "30217", "30231", "30301", "30305",
              "31002", "31013", "39999"]  # 39999 其他支出 opens a 其他支出 column
PROJECT_ECON = ["30201", "30217", "30227", "31002", "31013", "31299"]
SOURCES = list(ENUMS["资金来源"])
KINDS = list(ENUMS["单位类型"])
CATEGORIES = list(ENUMS["项目类别"])
SKELETON = CONFIG.skeleton
LEVELS = [(a, b) for a, bs in SKELETON for b in bs] + [("产出目标", "新二级"), ("新一级", "新二级")]

amounts = st.decimals(min_value=0, max_value=10 ** 7, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def budgets(draw) -> Budget:
    n_units = draw(st.integers(1, 3))
    units = [Unit(sheet="单位", row=i + 2, code=f"10100{i + 1}", name=f"测试单位{i + 1}",
                  kind=draw(st.sampled_from(KINDS))) for i in range(n_units)]
    codes = [u.code for u in units]
    projects = [Project(sheet="项目", row=i + 2, name=f"项目{i + 1}", unit=draw(st.sampled_from(codes)),
                        category=draw(st.sampled_from(CATEGORIES)), total=Decimal(0))
                for i in range(draw(st.integers(0, 3)))]
    lines = []
    for i in range(draw(st.integers(0, 25))):
        project = draw(st.sampled_from(projects)) if projects and draw(st.booleans()) else None
        func = draw(st.sampled_from(FUNCS))
        lines.append(Line(
            sheet="支出明细", row=i + 2, unit=project.unit if project else draw(st.sampled_from(codes)),
            func=func, econ=draw(st.sampled_from(PROJECT_ECON if project else BASIC_ECON)),
            kind="项目支出" if project else "基本支出", project=project.name if project else None,
            source=draw(st.sampled_from(SOURCES)), amount=draw(amounts),
            func_name=None if CATALOG.func_name(func) else "自定义科目"))
    indicators = []
    for i in range(draw(st.integers(0, 8))):
        if not projects:
            break
        l1, l2 = draw(st.sampled_from(LEVELS))
        indicators.append(Indicator(sheet="绩效指标", row=i + 2, project=draw(st.sampled_from(projects)).name,
                                    level1=l1, level2=l2, level3=f"指标{i}", target="≥1"))
    procurement = [Procurement(sheet="政府采购", row=i + 2, unit=draw(st.sampled_from(codes)),
                               func=draw(st.sampled_from(FUNCS)), item="采购", catalog="计算机",
                               quantity=draw(st.one_of(st.none(), st.decimals(0, 100, places=0))),
                               amount=draw(amounts))
                   for i in range(draw(st.integers(0, 4)))]
    tasks = [Task(sheet="整体绩效任务", row=2, name="任务1",
                  projects="、".join(p.name for p in projects[:2]))] if projects else []
    return Budget(file="gen.xlsx", info=Info(sheet="基本信息", row=1, dept_name="测试局", year=2020),
                  staff=Staff(sheet="人员车辆资产", row=1), units=units, lines=lines, projects=projects,
                  indicators=indicators, procurement=procurement, tasks=tasks)


def test_carryover_row_only_when_the_carryover_is_not_zero():
    """Found by the property test in CI: a 上年结转 line of 0.00 opens no 上年结转 row in 表1
    (the profile's when = "nonzero"); an amount does."""
    unit = Unit(sheet="单位", row=2, code="101001", name="测试单位1", kind="行政单位")

    def income_of(amount: str) -> dict:
        line = Line(sheet="支出明细", row=2, unit="101001", func="2011301", econ="30101", kind="基本支出",
                    source="上年结转", amount=Decimal(amount))
        b = Budget(file="gen.xlsx", info=Info(sheet="基本信息", row=1, dept_name="测试局", year=2020),
                   staff=Staff(sheet="人员车辆资产", row=1), units=[unit], lines=[line])
        return two_sides(next(t for t in derive_tables(b, CATALOG, CONFIG) if t.id == "table-1"))[0]

    assert "carryover" not in income_of("0.00")
    assert income_of("12.50")["carryover"] == Decimal("12.50")


def money_columns(t) -> list[int]:
    return [i for i, c in enumerate(t.columns) if c.kind in ("money", "number")]


def add(a, b):
    return (a or ZERO) + (b or ZERO)


def check_sums(t):
    """合计 = Σ unit rows (or Σ item rows without units); unit = Σ its item rows."""
    cols = money_columns(t)
    grid = t.grid_rows()
    kinds = [r.kind for r in t.rows]
    total = [g for g, k in zip(grid, kinds) if k == "total"]
    assert len(total) == 1, t.id
    parts = [g for g, k in zip(grid, kinds) if k == "unit"] or [g for g, k in zip(grid, kinds) if k == "item"]
    for i in cols:
        if t.columns[i].key == "quantity":
            # 数量 adds up only when every row has one and all share one 计量单位
            m = [j for j, c in enumerate(t.columns) if c.key == "measure_unit"][0]
            one = len({(p[m] or "").strip() for p in parts}) == 1 and all(p[i] is not None for p in parts)
            if not one:
                assert total[0][i] is None, (t.id, "quantity")
                continue
        s = ZERO
        for p in parts:
            s = add(s, p[i])
        assert (total[0][i] or ZERO) == s, (t.id, t.columns[i].key)
    unit, acc = None, None
    for g, k in list(zip(grid, kinds)) + [(None, "end")]:
        if k in ("unit", "end") and unit is not None:
            for i in cols:
                assert unit[i] == acc[i], (t.id, t.columns[i].key)
        if k == "unit":
            unit, acc = g, {i: ZERO for i in cols}
        elif k == "item" and unit is not None:
            for i in cols:
                acc[i] = add(acc[i], g[i])


def check_expense_identities(t):
    keys = [c.key for c in t.columns]
    for g in t.grid_rows():
        v = dict(zip(keys, g))
        basic = [k for k in keys if k.startswith("basic_") and k != "basic_subtotal"]
        proj = [k for k in keys if k.startswith("proj_") and k != "proj_subtotal"]
        assert v["total"] == v["basic_subtotal"] + v["proj_subtotal"]
        assert v["basic_subtotal"] == sum((v[k] for k in basic), ZERO)
        assert v["proj_subtotal"] == sum((v[k] for k in proj), ZERO)


def two_sides(t) -> tuple[dict, dict]:
    income, expense = {}, {}
    for row, g in zip(t.rows, t.grid_rows()):
        ik, ek = row.key.split("|") if row.key != "total" else ("total", "total")
        if g[0] is not None:
            income[ik] = g[1]
        if g[2] is not None:
            expense[ek] = g[3]
    return income, expense


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(budgets())
def test_table_properties(b):
    ts = {t.id: t for t in derive_tables(b, CATALOG, CONFIG)}
    everything = sum((ln.amount for ln in b.lines), ZERO)
    gpb_lines = [ln for ln in b.lines if ln.is_general_budget]
    for t in ts.values():
        assert_grid(t)
        assert len({r.key for r in t.rows}) == len(t.rows), t.id
        if t.id in ("table-2", "table-3", "table-5-1", "table-5-2", "table-6", "table-8", "table-9",
                    "table-10") and not t.empty:
            check_sums(t)
        if t.id in ("table-3", "table-5-1", "table-5-2", "table-8", "table-9"):
            check_expense_identities(t)

    # 表1 balances; its sections are the sums of their items
    income, expense = two_sides(ts["table-1"])
    assert income["total"] == expense["total"] == everything
    gpb = ["fiscal_appropriation", "special_revenue", "admin_fees", "state_resources", "other_gpb"]
    assert income["gpb"] == sum((income[k] for k in gpb), ZERO)
    assert income["total"] == sum((v for k, v in income.items() if k not in gpb and k != "total"), ZERO)
    basic = [k for k in expense if k.startswith("basic_")]
    proj = [k for k in expense if k.startswith("proj_")]
    assert expense["basic"] == sum((expense[k] for k in basic), ZERO)
    assert expense["project"] == sum((expense[k] for k in proj), ZERO)
    assert expense["total"] == expense["basic"] + expense["project"]
    # the profile shows 上年结转 `when = "nonzero"`: a line of 0.00 from it opens no row
    carried = sum((ln.amount for ln in b.lines if ln.source == "上年结转"), ZERO)
    assert ("carryover" in income) == (carried != 0)

    # 表4 on the 财政拨款 basis
    income4, expense4 = two_sides(ts["table-4"])
    fiscal = sum((ln.amount for ln in b.lines if ln.source in ("财政拨款", "政府性基金预算", "国有资本经营预算")), ZERO)
    assert income4["total"] == expense4["total"] == fiscal
    assert income4["gpb"] == sum((ln.amount for ln in b.lines if ln.source == "财政拨款"), ZERO)

    # names: catalogue first, the line's own name for a code the catalogue lacks
    for r, g in zip(ts["table-3"].rows, ts["table-3"].grid_rows()):
        if r.kind == "item":
            name = CATALOG.func_name(r.key.split("/")[1])
            if name is None:
                assert g[3] == "自定义科目"
            else:
                assert g[3].startswith(name)  # 行政运行 may be qualified: 行政运行（商贸事务）

    # 表2 合计 = 表3 合计, row by row
    t2, t3 = ts["table-2"], ts["table-3"]
    assert [r.key for r in t2.rows] == [r.key for r in t3.rows]
    i2, i3 = t2.column_index("total"), t3.column_index("total")
    for a, c in zip(t2.grid_rows(), t3.grid_rows()):
        assert a[i2] == c[i3]
    assert t3.grid_rows()[0][i3] == everything
    assert ts["table-5-1"].grid_rows()[0][i3] == sum((ln.amount for ln in gpb_lines), ZERO)

    # 表6 = the basic part of 表5; 表7
    t6 = ts["table-6"].grid_rows()[0]
    assert t6[3] == sum((ln.amount for ln in gpb_lines if ln.is_basic), ZERO)
    assert t6[4] == sum((ln.amount for ln in gpb_lines if ln.is_basic and ln.source == "财政拨款"), ZERO)
    seven = {r.key: g[1] for r, g in zip(ts["table-7"].rows, ts["table-7"].grid_rows())}
    assert seven["total"] == seven["abroad"] + seven["reception"] + seven["vehicles"]
    assert seven["vehicles"] == seven["vehicle_operation"] + seven["vehicle_purchase"]

    # 表8/9 are empty exactly when there is no such money, and keep their header
    for tid, source in (("table-8", "政府性基金预算"), ("table-9", "国有资本经营预算")):
        t = ts[tid]
        assert t.empty == (not any(ln.source == source for ln in b.lines))
        assert t.header and (t.note if t.empty else True)

    t10 = ts["table-10"]
    assert t10.empty == (not b.procurement) and t10.header and t10.note
    assert t10.note == CONFIG.table("10")["empty_note" if t10.empty else "note"]

    # 表11: 本年度金额 derived from the project's lines; every skeleton 二级 shown
    amounts_ = project_amounts(b)
    for i, p in enumerate(b.projects, 1):
        t = ts[f"table-11-{i}"]
        rows = {r.key: r for r in t.rows}
        assert rows["total"].cells[3].value == amounts_[p.name] == sum(
            (ln.amount for ln in b.lines if ln.project == p.name), ZERO)
        for l1, l2s in SKELETON:
            for l2 in l2s:
                assert f"{l1}/{l2}" in rows or f"{l1}/{l2}/1" in rows
        n_ind = sum(1 for x in b.indicators if x.project == p.name)
        assert sum(1 for r in t.rows if r.kind == "item" and r.cells[-2].value is not None) == n_ind


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(budgets(), st.data())
def test_table3_equals_table5_when_all_general_budget(b, data):
    lines = [ln.model_copy(update={"source": data.draw(st.sampled_from(GENERAL_BUDGET_SOURCES))})
             for ln in b.lines]
    b = b.model_copy(update={"lines": lines})
    ts = {t.id: t for t in derive_tables(b, CATALOG, CONFIG)}
    t3, t5 = ts["table-3"], ts["table-5-1"]
    assert (t3.columns, t3.header, t3.rows) == (t5.columns, t5.header, t5.rows)
