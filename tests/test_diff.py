"""`gongkai diff`: what changed between two workbooks, per 附表 row, text and narrative number."""
from __future__ import annotations

import json
import shutil
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from compiler.diff import compare, flatten, views_of
from conftest import EXAMPLE, mutate, run_cli
from test_rollover import extend_projects

BASIC_KEY = "031001/2011301/30101//基本支出//财政拨款"          # 支出明细 H2: 3,996,302
PROJECT_KEY = "031001/2011302/30215//项目支出/供应链体系建设专项资金/财政拨款"  # H37: 200,000
EDITED_TEXT = "项目“市委市政府课题研究经费” · 项目概况"                          # 项目 M3


def three_edits(wb):
    """Two amounts and one text, as a budget officer would change them in Excel."""
    ws = wb["支出明细"]
    assert (ws["A2"].value, ws["C2"].value, ws["H2"].value) == ("031001", "30101", 3996302)
    assert (ws["C37"].value, ws["F37"].value, ws["H37"].value) == ("30215", "供应链体系建设专项资金", 200000)
    ws["H2"] = 4096302           # +100,000 basic wages
    ws["H37"] = 150000           # −50,000 on a project
    wp = wb["项目"]
    assert wp["A3"].value == "市委市政府课题研究经费"
    wp["M3"] = wp["M3"].value + "\n5、新增：<script>alert(1)</script>研究成果汇编。"


@pytest.fixture(scope="module")
def edited(tmp_path_factory) -> Path:
    return mutate(EXAMPLE, tmp_path_factory.mktemp("diff") / "edited.xlsx", three_edits)


@pytest.fixture(scope="module")
def diff3(edited):
    (va, _), (vb, _) = views_of(EXAMPLE), views_of(edited)
    return compare(va, vb, "a.xlsx", "b.xlsx")


# every 附表 row the two amounts move, with its amounts before and after (元)
T = 275565673
EXPECTED_TABLES = {
    "table-1": {
        "gpb|basic": {"income_amount": (T, T + 50000), "expense_amount": (29465673, 29565673)},
        "fiscal_appropriation|basic_wages": {"income_amount": (274729523, 274779523),
                                             "expense_amount": (18962923, 19062923)},
        "other_gpb|project": {"expense_amount": (246100000, 246050000)},
        "gov_fund|proj_social_econ": {"expense_amount": (246100000, 246050000)},
        "total": {"income_amount": (T, T + 50000), "expense_amount": (T, T + 50000)},
    },
    "table-2": {
        "total": {"total": (T, T + 50000), "gpb_subtotal": (T, T + 50000),
                  "gpb_fiscal_appropriation": (274729523, 274779523)},
        "031001": {"total": (254716442, 254766442), "gpb_subtotal": (254716442, 254766442),
                   "gpb_fiscal_appropriation": (253880292, 253930292)},
        "031001/2011301": {"total": (13554575, 13654575), "gpb_subtotal": (13554575, 13654575),
                           "gpb_fiscal_appropriation": (12718425, 12818425)},
        "031001/2011302": {"total": (5750000, 5700000), "gpb_subtotal": (5750000, 5700000),
                           "gpb_fiscal_appropriation": (5750000, 5700000)},
    },
    "table-4": {
        "gpb|basic": {"income_amount": (274729523, 274779523), "expense_amount": (28629523, 28729523)},
        "gov_fund|basic_wages": {"expense_amount": (18962923, 19062923)},
        "-|project": {"expense_amount": (246100000, 246050000)},
        "-|proj_social_econ": {"expense_amount": (246100000, 246050000)},
        "total": {"income_amount": (274729523, 274779523), "expense_amount": (274729523, 274779523)},
    },
    "table-5-2": {
        "total": {"total": (T, T + 50000), "basic_subtotal": (29465673, 29565673),
                  "basic_wages": (18962923, 19062923), "proj_subtotal": (246100000, 246050000),
                  "proj_social_econ": (246100000, 246050000)},
        "30101/50101": {"total": (3996302, 4096302), "basic_subtotal": (3996302, 4096302),
                        "basic_wages": (3996302, 4096302)},
        "30215/50202": {"total": (1830000, 1780000), "proj_subtotal": (1800000, 1750000),
                        "proj_social_econ": (1800000, 1750000)},
    },
    "table-6": {
        "total": {"gpb_subtotal": (29465673, 29565673), "gpb_fiscal_appropriation": (28629523, 28729523)},
        "30101": {"gpb_subtotal": (6404880, 6504880), "gpb_fiscal_appropriation": (6404880, 6504880)},
    },
    "project:供应链体系建设专项资金": {"total": {"target": (850000, 800000)}},   # 项目本年度金额
    "main-projects": {
        "total": {"total": (246100000, 246050000), "general": (246100000, 246050000)},
        "031001": {"total": (235230000, 235180000), "general": (235230000, 235180000)},
        "031001/供应链体系建设专项资金": {"total": (850000, 800000), "general": (850000, 800000)},
    },
}
# 表3 and 表5-1 (by function) have the same rows and columns
BY_FUNCTION = {
    "total": {"total": (T, T + 50000), "basic_subtotal": (29465673, 29565673),
              "basic_wages": (18962923, 19062923), "proj_subtotal": (246100000, 246050000),
              "proj_social_econ": (246100000, 246050000)},
    "031001": {"total": (254716442, 254766442), "basic_subtotal": (19486442, 19586442),
               "basic_wages": (11769202, 11869202), "proj_subtotal": (235230000, 235180000),
               "proj_social_econ": (235230000, 235180000)},
    "031001/2011301": {"total": (13554575, 13654575), "basic_subtotal": (13554575, 13654575),
                       "basic_wages": (8539405, 8639405)},
    "031001/2011302": {"total": (5750000, 5700000), "proj_subtotal": (5750000, 5700000),
                       "proj_social_econ": (5750000, 5700000)},
}
EXPECTED_TABLES["table-3"] = EXPECTED_TABLES["table-5-1"] = BY_FUNCTION


def test_reports_exactly_the_three_edits(diff3):
    d = diff3
    assert not d.identical
    assert {r.key: [(a.old, a.new) for a in r.amounts] for r in d.lines} == {
        BASIC_KEY: [(Decimal(3996302), Decimal(4096302))],
        PROJECT_KEY: [(Decimal(200000), Decimal(150000))],
    }
    assert all(r.status == "changed" for r in d.lines)
    assert d.procurement == []
    assert [t.where for t in d.texts] == [EDITED_TEXT]
    added = [ln for ln in d.texts[0].unified if ln.startswith("+") and not ln.startswith("+++")]
    assert added == ["+5、新增：<script>alert(1)</script>研究成果汇编。"]


def test_effect_on_every_affected_table_row(diff3):
    got = {t.key: {r.key: {c: (int(a.old), int(a.new)) for c, a in zip(r.columns, r.amounts)}
                   for r in t.rows} for t in diff3.tables}
    assert got == EXPECTED_TABLES
    assert all(t.status == "changed" for t in diff3.tables)
    for t in diff3.tables:  # every change is one of the two edits or their sum
        for r in t.rows:
            for a in r.amounts:
                assert a.change in (100000, -50000, 50000), (t.key, r.key, a)
                assert a.percent == (a.change * 100 / a.old).quantize(Decimal("0.01"), ROUND_HALF_UP)


def test_narrative_facts_that_moved(diff3):
    facts = {f.key: (f.old, f.new) for f in diff3.facts}
    assert facts["expense.total"] == (T, T + 50000)
    assert facts["expense.basic"] == (29465673, 29565673)
    assert facts["expense.project"] == (246100000, 246050000)
    assert facts["gpb.personnel"] == (21965143, 22065143)
    assert facts["functions.201.amount"] == (206927535, 206977535)
    assert "three.total" not in facts and "running.total" not in facts   # untouched figures
    assert "procurement.total" not in facts


def test_identical_copy_exits_0(tmp_path):
    copy = tmp_path / "copy.xlsx"
    shutil.copyfile(EXAMPLE, copy)
    r = run_cli("diff", EXAMPLE, copy)
    assert r.returncode == 0, r.stderr
    assert "两个工作簿相同" in r.stdout
    r = run_cli("diff", EXAMPLE, copy, "--format", "json")
    assert r.returncode == 0 and json.loads(r.stdout)["identical"] is True


def test_cli_text_and_json(edited):
    r = run_cli("diff", EXAMPLE, edited)
    assert r.returncode == 1, r.stderr
    out = r.stdout
    assert "3,996,302 → 4,096,302（+100,000，+2.50%）" in out
    assert "200,000 → 150,000（-50,000，-25.00%）" in out
    assert "表11 项目绩效目标表：供应链体系建设专项资金" in out
    assert "项目本年度金额：850,000 → 800,000（-50,000，-5.88%）" in out
    assert f"  {EDITED_TEXT}" in out and "+5、新增：" in out
    assert "共 2 处金额、9 张表、1 处文字" in out
    r = run_cli("diff", EXAMPLE, edited, "--format", "json")
    assert r.returncode == 1
    doc = json.loads(r.stdout)
    assert doc["schema"] == 1 and doc["identical"] is False
    assert [x["key"] for x in doc["lines"]] == [BASIC_KEY, PROJECT_KEY]
    assert doc["lines"][0]["amounts"][0] == {"label": "金额", "old": 3996302, "new": 4096302,
                                             "change": 100000, "percent": "2.50", "column": "amount"}
    assert {t["key"] for t in doc["tables"]} == set(EXPECTED_TABLES)


def test_html_report_is_self_contained_and_escaped(edited, tmp_path):
    out = tmp_path / "diff.html"
    r = run_cli("diff", EXAMPLE, edited, "--format", "html", "-o", out)
    assert r.returncode == 1, r.stderr
    html = out.read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "src=" not in html and "http" not in html and "<link" not in html
    assert "表11 项目绩效目标表：供应链体系建设专项资金" in html
    assert "4,096,302" in html and "+100,000" in html


def test_consecutive_years_compare_by_keys_ignoring_the_year(tmp_path):
    old = mutate(EXAMPLE, tmp_path / "2020.xlsx", extend_projects())
    new = tmp_path / "2021.xlsx"
    assert run_cli("rollover", old, "-o", new, "--keep-lines").returncode == 0
    (va, _), (vb, _) = views_of(old), views_of(new)
    d = compare(va, vb)
    assert (d.year_a, d.year_b) == (2020, 2021)
    # the lines were kept: no amount moved; only 政府采购 was cleared
    assert d.lines == []
    assert d.procurement and all(r.status == "removed" for r in d.procurement)
    tables = {t.key for t in d.tables}
    assert "table-10" in tables
    assert not tables & {"table-1", "table-2", "table-3", "table-5-1", "table-5-2", "table-6", "table-7"}
    # 上年度项目总金额/上年度金额 moved on; nothing else on the 绩效目标表
    for t in d.tables:
        if t.key.startswith("project:"):
            assert [r.key for r in t.rows] == ["prev_total"]
    # texts that differ only by 2020年 → 2021年 are the same text; the reasons were cleared
    assert {t.where for t in d.texts} == {f"上年数“{i}” · 增减原因" for i in
                                          ("一般公共预算", "公务用车运行维护费", "公务接待费", "机关运行经费")}
    keys = {f.key for f in d.facts}
    assert "dept.year" not in keys and "expense.total" not in keys
    assert "prior.一般公共预算.prior" in keys


def test_flatten_keys_lists_by_code_or_name():
    flat = flatten({"a": {"b": 1}, "functions": [{"code": "201", "amount": 5}],
                    "parts": [{"name": "x", "amount": 2}], "units": ["甲", "乙"]})
    assert flat == {"a.b": 1, "functions.201.amount": 5, "parts.x.amount": 2, "units": "甲、乙"}


def test_trouble_exits_2(tmp_path):
    r = run_cli("diff", EXAMPLE, tmp_path / "missing.xlsx")
    assert r.returncode == 2 and "missing.xlsx" in r.stderr
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook")
    assert run_cli("diff", bad, EXAMPLE).returncode == 2
    assert run_cli("diff", EXAMPLE).returncode == 2


def test_output_never_replaces_an_input(tmp_path):
    """`diff A B -o A.xlsx` overwrote workbook A with the report and exited 0."""
    a, b = tmp_path / "A.xlsx", tmp_path / "B.xlsx"
    shutil.copyfile(EXAMPLE, a)
    shutil.copyfile(EXAMPLE, b)
    link = tmp_path / "link.xlsx"
    link.symlink_to(b)
    before = a.read_bytes()
    for out in (a, b, link, tmp_path / "sub" / ".." / "A.xlsx"):
        r = run_cli("diff", a, b, "-o", out)
        assert r.returncode == 2, (out, r.stdout, r.stderr)
        assert "不能覆盖" in r.stderr and "Traceback" not in r.stderr
        assert str(out) in r.stderr
    assert a.read_bytes() == before and b.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["A.xlsx", "B.xlsx", "link.xlsx"]
