"""Issue 4: the rendered HTML/JSON of the example — golden figures against the published
tables, narrative 万元 against table figures, determinism, overrides, escaping."""
from __future__ import annotations

import json
import re
from decimal import ROUND_HALF_UP, Decimal
from html.parser import HTMLParser

import pytest

from compiler.render.format import largest_remainder, yuan
from conftest import EXAMPLE, mutate, published, run_cli



class Sections(HTMLParser):
    """Text of every <td>/<th> per <section id=…>, and the visible text of the body."""

    def __init__(self):
        super().__init__()
        self.cells: dict[str, list[str]] = {}
        self.stack: list[str | None] = []
        self.current: list[str] | None = None
        self.buf: list[str] = []
        self.text: list[str] = []
        self.in_style = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section":
            self.stack.append(a.get("id"))
        if tag in ("td", "th"):
            self.buf = []
        if tag == "style":
            self.in_style = True

    def handle_endtag(self, tag):
        if tag == "section":
            self.stack.pop()
        if tag in ("td", "th"):
            sid = next((s for s in reversed(self.stack) if s and s.startswith(("table-", "main-"))), None)
            if sid:
                self.cells.setdefault(sid, []).append("".join(self.buf).strip())
        if tag == "style":
            self.in_style = False

    def handle_data(self, data):
        self.buf.append(data)
        if not self.in_style:
            self.text.append(data)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    r = run_cli("build", EXAMPLE, "-o", out, "--format", "html,json")
    assert r.returncode == 0, r.stdout + r.stderr
    html = (out / f"{EXAMPLE.stem}.html").read_text(encoding="utf-8")
    p = Sections()
    p.feed(html)
    return {"out": out, "html": html, "cells": p.cells, "text": "".join(p.text),
            "json": json.loads((out / f"{EXAMPLE.stem}.json").read_text(encoding="utf-8"))}


AMOUNT_COLS = ("total", "basic_subtotal", "basic_wages", "basic_household", "basic_goods_services",
               "basic_capital", "proj_subtotal", "proj_social_econ", "proj_debt",
               "proj_capital_constr", "proj_other", "gpb_subtotal", "gpb_fiscal_appropriation",
               "gov_fund", "soe_capital", "fiscal_special_account", "other_income", "upper_transfer")
# example-notes §1, seed-audit 2: 310 02 办公设备购置 is 资本性, not 商品服务
GOODS_310 = {("total", ""): 150000, ("unit", "031001"): 50000, ("row", "031001/2011301"): 50000,
             ("unit", "031005"): 100000, ("row", "031005/2011350"): 100000}


def _figures_in(cells: list[str], rows, cols, documented=None):
    missing = []
    for r in rows:
        key = (r["level"], r.get("unit_code", "") if r["level"] == "unit" else
               f"{r.get('unit_code', '')}/{r.get('func_class', '')}{r.get('func_kuan', '')}{r.get('func_xiang', '')}"
               if r["level"] == "row" else "")
        for c in cols:
            if c not in r or not Decimal(r[c]):
                continue
            value = Decimal(r[c])
            if documented and c == "basic_goods_services" and key in documented:
                value -= documented[key]  # published 商品服务 = ours 商品服务 + ours 资本性
                assert yuan(documented[key]) in cells
            if yuan(value) not in cells:
                missing.append((key, c, r[c]))
    return missing


@pytest.mark.parametrize("fixture,section", [("table2_income.csv", "table-2"),
                                             ("table3_expense.csv", "table-3"),
                                             ("table5a_gpb_by_function.csv", "table-5-1")])
def test_published_figures_appear_in_their_table(built, fixture, section):
    missing = _figures_in(built["cells"][section], published(fixture), AMOUNT_COLS, GOODS_310)
    assert not missing


def test_table6_figures(built):
    cells = built["cells"]["table-6"]
    for r in published("table6_basic.csv"):
        assert yuan(Decimal(r["gpb_subtotal"])) in cells
        assert yuan(Decimal(r["gpb_fiscal_appropriation"])) in cells
        if r["level"] == "row":
            assert r["name"].replace("(", "（").replace(")", "）") in cells


def test_table7_table10_and_main_projects(built):
    cells = built["cells"]
    for r in published("table7_three_public.csv"):
        assert yuan(Decimal(r["amount_yuan"])) in cells["table-7"]
    for r in published("table10_procurement.csv"):
        assert yuan(Decimal(r["amount_yuan"])) in cells["table-10"]
        if r["level"] != "total":  # 合计 of mixed 计量单位 is left blank (test_tables.test_table10)
            assert r["quantity"] in cells["table-10"]
    for r in published("main_projects.csv"):
        assert yuan(Decimal(r["subtotal_yuan"])) in cells["main-projects"]


def test_table1_with_documented_difference(built):
    cells = built["cells"]["table-1"]
    for r in published("table1_income_expense.csv"):
        value = Decimal(r["amount_yuan"])
        if r["item"] == "3、商品和服务支出":
            value -= 150000  # seed-audit 2
        if value:
            assert yuan(value) in cells, r["item"]
    assert yuan(150000) in cells  # 4、资本性支出


def test_performance_headers(built):
    cells = built["cells"]
    for i, r in enumerate(published("performance_projects.csv")):
        found = [sid for sid in cells if sid.startswith("table-11-") and r["project_name"].replace("(", "（").replace(")", "）") in cells[sid]]
        assert found, r["project_name"]
        sec = cells[found[0]]
        assert yuan(Decimal(r["current_year_yuan"])) in sec and yuan(Decimal(r["project_total_yuan"])) in sec


def _table_value(doc, tid, row_key, col_key):
    row = next(r for r in doc["tables"][tid]["rows"] if r["key"] == row_key)
    return Decimal(row["cells"][col_key])


def test_narrative_wan_equals_table_figures(built):
    """Every 万元 figure quoted equals the table figure / 10000, rounded half-up."""
    t, doc = built["text"], built["json"]
    total = _table_value(doc, "table-3", "total", "total")
    checks = {
        r"年收入预算 ([\d.]+) 万元": total,
        r"年支出预算 ([\d.]+) 万元": total,
        r"其中：基本支出 ([\d.]+) 万元": _table_value(doc, "table-3", "total", "basic_subtotal"),
        r"，项目支出 ([\d.]+) 万元。": _table_value(doc, "table-3", "total", "proj_subtotal"),
        r"工资福利支出 ([\d.]+) 万元": _table_value(doc, "table-3", "total", "basic_wages"),
        r"资本性支出 ([\d.]+) 万元": _table_value(doc, "table-3", "total", "basic_capital"),
        r"“三公”经费预算 ([\d.]+) 万元": _table_value(doc, "table-7", "total", "amount"),
        r"公务接待费 ([\d.]+) 万元": _table_value(doc, "table-7", "reception", "amount"),
        r"政府采购预算 ([\d.]+) 万元": _table_value(doc, "table-10", "total", "amount"),
        r"一般公共预算基本支出预算 ([\d.]+) 万元": _table_value(doc, "table-6", "total", "gpb_subtotal"),
    }
    for pattern, figure in checks.items():
        m = re.search(pattern, t)
        assert m, pattern
        assert Decimal(m[1]) == (figure / 10000).quantize(Decimal("0.01"), ROUND_HALF_UP), pattern
    # the seed printed 27556.5 here (truncated); we round
    assert "27556.57 万元" in t and "27556.5 万元" not in t


def test_shares_add_to_100(built):
    for group in (built["json"]["facts"]["functions"], built["json"]["facts"]["gpb"]["parts"]):
        assert sum(Decimal(p["share"]) for p in group) == 100


def test_largest_remainder_exact():
    shares = largest_remainder({"a": 1, "b": 1, "c": 1})
    assert shares == {"a": Decimal("33.34"), "b": Decimal("33.33"), "c": Decimal("33.33")}


def test_ids_toc_and_self_contained(built):
    html = built["html"]
    ids = set(re.findall(r'<section[^>]+id="([^"]+)"', html))
    expected = {"table-1", "table-2", "table-3", "table-4", "table-5-1", "table-5-2", "table-6",
                "table-7", "table-8", "table-9", "table-10", "table-11-overall",
                *(f"table-11-{i}" for i in range(1, 12))}
    assert expected <= ids
    toc = html.split('<nav class="toc"', 1)[1].split("</nav>", 1)[0]
    for i in expected | {"part-1", "part-2", "part-3", "part-4", "income", "empty"}:
        assert f'href="#{i}"' in toc, i
    assert not re.search(r'(src|href)="(https?:|//|file:)', html)
    assert "<link" not in html and "<script" not in html
    assert 'scope="col"' in html and "<thead>" in html
    assert set(built["json"]["tables"]) >= expected


def test_json_amounts_are_strings_in_yuan(built):
    doc = built["json"]
    assert doc["amount_unit"] == "元"
    row = next(r for r in doc["tables"]["table-3"]["rows"] if r["key"] == "total")
    assert row["cells"]["total"] == "275565673"
    assert doc["facts"]["income"]["by_source"]["国有资源（资产）有偿使用收入"] == "836150"


def test_rebuild_is_byte_identical(built, tmp_path):
    r = run_cli("build", EXAMPLE, "-o", tmp_path, "--format", "html,json")
    assert r.returncode == 0
    for suffix in (".html", ".json"):
        assert (tmp_path / f"{EXAMPLE.stem}{suffix}").read_bytes() == \
            (built["out"] / f"{EXAMPLE.stem}{suffix}").read_bytes()


def test_workbook_text_is_escaped(tmp_path):
    src = mutate(EXAMPLE, tmp_path / "x.xlsx", lambda wb: wb["部门职责"].cell(row=2, column=2, value="<script>alert(1)</script><b>粗</b>"))
    r = run_cli("build", src, "-o", tmp_path / "out", "--format", "html")
    assert r.returncode == 0, r.stdout
    html = (tmp_path / "out" / "x.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;粗&lt;/b&gt;" in html
    assert "<script>" not in html


def test_template_override_falls_back(tmp_path):
    tpl = tmp_path / "tpl"
    tpl.mkdir()
    (tpl / "part3.html.j2").write_text('<section class="part" id="part-3"><h2 class="part">第三部分 术语</h2></section>', encoding="utf-8")
    (tpl / "document.toml").write_text('[tables.6]\ntitle = "{部门名称}基本支出表（自定义）"\n', encoding="utf-8")
    r = run_cli("build", EXAMPLE, "-o", tmp_path / "out", "--format", "html", "--templates", tpl)
    assert r.returncode == 0, r.stderr
    html = (tmp_path / "out" / f"{EXAMPLE.stem}.html").read_text(encoding="utf-8")
    assert "第三部分 术语" in html and "机关运行经费：" not in html   # overridden
    assert "郑州市商务局基本支出表（自定义）" in html                 # merged template data
    assert "郑州市商务局部门收支总体情况表" in html                   # everything else: default


def test_missing_template_value_fails_and_writes_nothing(tmp_path):
    tpl = tmp_path / "tpl"
    tpl.mkdir()
    (tpl / "part3.html.j2").write_text("{{ facts.no_such_fact }}", encoding="utf-8")
    out = tmp_path / "out"
    r = run_cli("build", EXAMPLE, "-o", out, "--format", "html,json", "--templates", tpl)
    assert r.returncode == 1
    assert "no_such_fact" in r.stderr and "Traceback" not in r.stderr
    assert not out.exists() or not any(out.iterdir())


def test_build_with_errors_writes_nothing(tmp_path):
    bad = mutate(EXAMPLE, tmp_path / "bad.xlsx", lambda wb: wb["支出明细"].cell(row=2, column=8, value="12万"))
    out = tmp_path / "out"
    r = run_cli("build", bad, "-o", out)
    assert r.returncode == 1 and "E-AMOUNT-002" in r.stdout and "支出明细!H2" in r.stdout
    assert not out.exists() or not any(out.iterdir())
