"""单位预算公开: each unit's own document from the department's workbook (`build --unit`)."""
from __future__ import annotations

import json
from decimal import Decimal

from compiler.pipeline import Options, check, compile_workbook, derive_views, for_unit

from conftest import EXAMPLE, run_cli

STEM = EXAMPLE.stem


def _money(v):
    return Decimal(v) if isinstance(v, str) and v.replace(".", "", 1).isdigit() else None


def _rows(table: dict) -> dict[str, dict[str, Decimal]]:
    return {r["key"]: {k: _money(v) for k, v in r["cells"].items() if _money(v) is not None}
            for r in table["rows"]}


def _sides(table: dict) -> dict[str, Decimal]:
    """Item label -> amount on both sides of a two-sided table (row pairing may differ)."""
    out: dict[str, Decimal] = {}
    for r in table["rows"]:
        c = r["cells"]
        for item, amount in (("income_item", "income_amount"), ("expense_item", "expense_amount")):
            if c.get(item):
                out[f"{item}:{c[item]}"] = Decimal(c[amount])
    return out


def test_every_unit_document_adds_up_to_the_department(tmp_path):
    r = run_cli("build", EXAMPLE, "--unit", "all", "-o", tmp_path / "units", "--format", "json,html")
    assert r.returncode == 0, r.stdout + r.stderr
    dept = compile_workbook(EXAMPLE, Options(out=tmp_path / "dept", formats=("json",)))
    d = json.loads((tmp_path / "dept" / f"{STEM}.json").read_text(encoding="utf-8"))
    codes = [u.code for u in dept.budget.units]
    units = {c: json.loads((tmp_path / "units" / c / f"{STEM}-{c}.json").read_text(encoding="utf-8"))
             for c in codes}
    assert (tmp_path / "units" / "index.html").exists()
    assert all(u["unit"] == c and u["department"] == d["department"] for c, u in units.items())
    checked = 0
    for tid, table in d["tables"].items():
        if tid in ("table-1", "table-4"):
            sums: dict[str, Decimal] = {}
            for u in units.values():
                for k, v in _sides(u["tables"][tid]).items():
                    sums[k] = sums.get(k, Decimal(0)) + v
            assert {k: v for k, v in sums.items() if v} == {k: v for k, v in _sides(table).items() if v}, tid
            checked += 1
        elif tid.startswith("table-") and not table["columns"][0]["key"] == "level1":
            rows = _rows(table)
            keys = ["total"] if "total" in rows and tid != "table-7" else list(rows)
            for key in keys:
                for col, value in rows[key].items():
                    got = sum((_rows(u["tables"][tid]).get(key, {}).get(col, Decimal(0))
                               for u in units.values() if tid in u["tables"]), Decimal(0))
                    assert got == value, (tid, key, col)
            checked += 1
    assert checked >= 11
    # every project's form is in exactly one unit's document; the department's goals are not
    forms = [t["title"] for u in units.values() for t in u["tables"].values()
             if t["id"].startswith("table-11-") and t["id"] != "table-11-overall"]
    assert len(forms) == len(dept.budget.projects)
    assert not any("table-11-overall" in u["tables"] for u in units.values())
    assert units["031003"]["tables"]["table-1"]["title"] == "郑州市会展业发展促进中心单位收支总体情况表"


def test_one_unit(tmp_path):
    r = run_cli("build", EXAMPLE, "--unit", "031003", "-o", tmp_path, "--format", "html")
    assert r.returncode == 0, r.stderr
    html = (tmp_path / f"{STEM}-031003.html").read_text(encoding="utf-8")
    assert "<title>郑州市会展业发展促进中心 2020 年单位预算公开</title>" in html
    assert "第一部分 单位基本情况" in html and "人员构成情况" not in html
    assert "郑州市人民政府外商投诉中心" not in html  # another unit's name appears nowhere


def test_unit_budget_keeps_only_its_own_records():
    checked = check(EXAMPLE)
    u = for_unit(checked, "031001")
    b = u.budget
    assert b.scope == "031001" and [x.code for x in b.units] == ["031001"]
    assert {ln.unit for ln in b.lines} == {"031001"} and {p.unit for p in b.procurement} == {"031001"}
    assert {p.unit for p in b.projects} == {"031001"} and b.prior == [] and b.goals == []
    assert b.info.dept_short == "本单位" and b.info.dept_name == checked.budget.info.dept_name
    views = derive_views(u)
    assert views.facts["dept"]["name"] == "郑州市商务局机关"
    assert views.tables[0].caption == "单位收支总体情况表"


def test_a_units_document_has_no_prior_year_columns(tmp_path):
    """The 上年数 are the department's: a unit's “三公” table shows its own year only."""
    from test_profiles import standard_data
    from conftest import write_small
    path = write_small(tmp_path / "s.xlsx", standard_data())
    checked = check(path)
    dept = {t.id: t for t in derive_views(checked).tables}
    unit = {t.id: t for t in derive_views(for_unit(checked, "101001")).tables}
    assert [c.key for c in dept["table-7"].columns][:1] == ["prior_total"]
    assert [c.key for c in unit["table-7"].columns] == [
        "total", "abroad", "vehicles", "vehicle_purchase", "vehicle_operation", "reception"]
    assert unit["table-7"].header[0][0].value == "2021年预算数"


def test_unknown_unit_is_an_argument_error(tmp_path):
    r = run_cli("build", EXAMPLE, "--unit", "999", "-o", tmp_path / "out")
    assert r.returncode == 2 and "没有单位编码“999”" in r.stderr and not (tmp_path / "out").exists()
    r = run_cli("build", EXAMPLE, EXAMPLE, "--unit", "all", "-o", tmp_path / "out")
    assert r.returncode == 2 and "--unit 只用于一个工作簿" in r.stderr


# ---------------------------------------------------------------------------------------------
# properties over random budgets (the generator of test_tables_properties)

from hypothesis import HealthCheck, given, settings  # noqa: E402

from compiler.config import load_config  # noqa: E402
from compiler.derive.tables import derive_tables  # noqa: E402

from test_tables_properties import CATALOG, budgets  # noqa: E402

PROFILES = {name: load_config(profile=name) for name in ("zhengzhou-2020", "standard")}


def _totals(tables) -> dict[tuple[str, str], Decimal]:
    out = {}
    for t in tables:
        if t.form:
            continue
        for row, grid in zip(t.rows, t.grid_rows()):
            if row.key == "total" or t.id == "table-7":
                for c, v in zip(t.columns, grid):
                    if isinstance(v, Decimal) and c.kind == "money":
                        out[(t.id, f"{row.key}/{c.key}")] = v
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(budgets())
def test_units_add_up_to_the_department_in_every_profile(b):
    for name, config in PROFILES.items():
        dept = _totals(derive_tables(b, CATALOG, config))
        unit_config = config.for_unit()
        sums: dict = {}
        for u in b.units:
            for k, v in _totals(derive_tables(b.for_unit(u.code), CATALOG, unit_config)).items():
                sums[k] = sums.get(k, Decimal(0)) + v
        prior = {k for k in dept if k[1].split("/")[1].startswith("prior_")}  # 上年: department only
        assert {k: v for k, v in sums.items() if v and k not in prior} == \
            {k: v for k, v in dept.items() if v and k not in prior}, name


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(budgets())
def test_hierarchical_rows_add_up(b):
    """standard's 类/款/项 rows: a 类 row is the sum of its 款 rows, a 款 row of its 项 rows."""
    for t in derive_tables(b, CATALOG, PROFILES["standard"]):
        kinds = [r.kind for r in t.rows]
        if "class" not in kinds:
            continue
        grid = t.grid_rows()
        money = [i for i, c in enumerate(t.columns) if c.kind == "money"]
        for n, row in enumerate(t.rows):
            if row.kind not in ("class", "kuan"):
                continue
            child = "kuan" if row.kind == "class" and "kuan" in kinds else "item"
            below = []
            for m in range(n + 1, len(t.rows)):
                if t.rows[m].indent <= row.indent:
                    break
                if t.rows[m].kind == child:
                    below.append(grid[m])
            for i in money:
                assert grid[n][i] == sum((g[i] for g in below), Decimal(0)), (t.id, row.key)
