"""Properties of the narrative facts over generated Budgets: every total the narrative quotes
equals the matching table total, the rendered 万元 figures are those totals rounded half-up
(their parts apportioned so they add up: test_parts.py), and every set of shares adds to
exactly 100.00%."""
from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import HealthCheck, given, settings

from compiler.derive import derive
from compiler.render.format import wan as printed
from compiler.render.html import render_html
from test_tables_properties import CATALOG, CONFIG, budgets


def cell(views, tid, row_key, col_key):
    t = next(t for t in views.tables if t.id == tid)
    row = next(r for r in t.rows if r.key == row_key)
    return t.grid_rows()[t.rows.index(row)][t.column_index(col_key)]


def wan(x: Decimal) -> str:
    return str((x / 10000).quantize(Decimal("0.01"), ROUND_HALF_UP))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(budgets())
def test_narrative_totals_equal_table_totals(budget):
    views = derive(budget, CATALOG, CONFIG)
    f = views.facts
    if not budget.lines:
        return
    assert f["expense"]["total"] == cell(views, "table-3", "total", "total")
    assert f["expense"]["basic"] == cell(views, "table-3", "total", "basic_subtotal")
    assert f["expense"]["project"] == cell(views, "table-3", "total", "proj_subtotal")
    assert f["expense"]["basic_wages"] == cell(views, "table-3", "total", "basic_wages")
    assert f["expense"]["basic_capital"] == cell(views, "table-3", "total", "basic_capital")
    assert f["income"]["total"] == cell(views, "table-2", "total", "total")
    assert f["income"]["general"] == cell(views, "table-2", "total", "gpb_subtotal")
    assert f["gpb"]["total"] == cell(views, "table-5-1", "total", "total")
    assert f["gpb"]["basic"] == cell(views, "table-6", "total", "gpb_subtotal")
    assert f["three"]["total"] == cell(views, "table-7", "total", "amount")
    assert f["procurement"]["total"] == (cell(views, "table-10", "total", "amount") if budget.procurement else 0)
    for group in (f["functions"], f["gpb"]["parts"]):
        if sum(p["amount"] for p in group):  # shares of a whole of 0 are all 0
            assert sum(p["share"] for p in group) == 100
    # and the rendered narrative prints exactly those totals in 万元, rounded half-up
    text = re.sub(r"<[^>]+>", "", render_html(views, CONFIG, "2020-01-01"))
    assert f"年支出预算 {wan(f['expense']['total'])} 万元" in text
    # the parts as apportioned to add up to the total (format.wan reads their printed value)
    assert f"其中：基本支出 {printed(f['expense']['basic'])} 万元，项目支出 {printed(f['expense']['project'])} 万元" in text
    if f["three"]["total"]:
        assert f"“三公”经费预算 {wan(f['three']['total'])} 万元" in text
    else:  # a planned zero is said as none planned, not "0.00 万元"
        assert "未安排“三公”经费预算" in text and "“三公”经费预算 0.00 万元" not in text
