"""`gongkai rollover`: next year's workbook from this year's, written by the one writer."""
from __future__ import annotations

import shutil
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from compiler.catalogs import load_catalog
from compiler.config import load_config
from compiler.derive import derive
from compiler.derive.figures import prior_item_amount
from compiler.pipeline import check_workbook
from compiler.rollover import PRIOR_ITEMS, shift_date, shift_years
from compiler.workbook.schema import ENUMS
from conftest import EXAMPLE, mutate, run_cli


def views(path: Path):
    checked = check_workbook(path)
    assert checked.budget is not None, path
    b = checked.budget
    return checked, derive(b, load_catalog(b.info.year), load_config())


def extend_projects(names=None, end=datetime(2021, 12, 31)):
    """openpyxl edit: the named projects (all when None) run into 2021."""
    def fn(wb):
        ws = wb["项目"]
        for row in ws.iter_rows(min_row=2):
            if row[0].value and (names is None or row[0].value in names):
                row[8].value = end  # 结束日期
    return fn


@pytest.fixture
def old(tmp_path) -> Path:
    p = tmp_path / "old.xlsx"
    shutil.copyfile(EXAMPLE, p)
    return p


@pytest.fixture
def old_carried(tmp_path) -> Path:
    """The example with every project running into 2021, so all are carried."""
    return mutate(EXAMPLE, tmp_path / "old-carried.xlsx", extend_projects())


def totals(v) -> dict:
    """The derived totals a budget officer compares: every 合计 row of 表1–表9 and the facts'
    main figures."""
    rows = {t.id: [c.value for c in next(r for r in t.rows if r.key == "total").cells]
            for t in v.tables if t.number in "123456789" and not t.empty}
    f = v.facts
    return {"rows": rows, "income": f["income"]["total"], "expense": f["expense"],
            "gpb": f["gpb"]["total"], "three": f["three"], "running": f["running"]["total"]}


# ------------------------------------------------------------------------- lines cleared

def test_rollover_clears_lines_and_moves_the_year(old, tmp_path):
    before = old.read_bytes()
    new = tmp_path / "new.xlsx"
    r = run_cli("rollover", old, "-o", new)
    assert r.returncode == 0, r.stderr
    assert old.read_bytes() == before                         # OLD is never written
    assert "已生成 2021 年度工作簿" in r.stdout
    assert "2 处，请逐一核对" in r.stdout                      # texts whose years moved (not 从2019年起)
    checked_old, v_old = views(old)
    checked, v = views(new)
    b = checked.budget
    assert (b.info.year, b.info.asset_date, b.info.publish_date) == (2021, date(2020, 12, 31), None)
    assert b.info.dept_name == checked_old.budget.info.dept_name
    assert b.lines == [] and b.procurement == []
    assert v.facts["expense"]["total"] == 0                    # no expenditure yet
    # carried as they were
    o = checked_old.budget
    assert [u.code for u in b.units] == [u.code for u in o.units]
    assert [d.text for d in b.duties] == [d.text for d in o.duties]
    assert [(x.name, x.duty) for x in b.orgs] == [(x.name, x.duty) for x in o.orgs]
    assert b.staff.model_dump(exclude={"row", "refs"}) == o.staff.model_dump(exclude={"row", "refs"})
    assert [g.text for g in b.goals] == [g.text for g in o.goals]
    assert len(b.overall_indicators) == len(o.overall_indicators)
    assert [(t.term, t.text) for t in b.glossary] == [(t.term, t.text) for t in o.glossary]
    # every project of the example ends in 2020: none carried, tasks lose their links
    assert b.projects == [] and b.indicators == []
    assert [t.name for t in b.tasks] == [t.name for t in o.tasks]
    assert all(not t.project_names for t in b.tasks)
    # 上年数: every 指标, OLD's derived figure, 增减原因 blank
    assert [p.item for p in b.prior] == list(ENUMS["上年数指标"])
    for p in b.prior:
        assert p.amount == prior_item_amount(o, p.item), p.item
        assert p.reason is None
    # years in texts: 2020年 → 2021年 (and 2019年 → 2020年), other numbers untouched
    old_texts = {t.key: t.text for t in o.texts}
    new_texts = {t.key: t.text for t in b.texts}
    assert new_texts["专项转移支付情况"] == old_texts["专项转移支付情况"].replace("2020年", "2021年")
    # a year that anchors a past event stays: the reform began “从2019年起” whatever the budget year
    assert "财预〔2017〕98号" in new_texts["经济分类说明"] and "从2019年起" in new_texts["经济分类说明"]
    # checks: a draft with no lines yet is not publishable, and says only that (no 增减原因 is
    # demanded before there is a current figure to explain)
    assert [(d.code, d.location) for d in checked.report.errors] == [("E-DATA-001", "支出明细!A2")]
    assert checked.exit_status == 1


# ------------------------------------------------------------------------- --keep-lines

def test_keep_lines_draft_checks_clean_and_keeps_every_figure(old_carried, tmp_path):
    before = old_carried.read_bytes()
    new = tmp_path / "new.xlsx"
    r = run_cli("rollover", old_carried, "-o", new, "--keep-lines")
    assert r.returncode == 0, r.stderr
    assert old_carried.read_bytes() == before
    checked_old, v_old = views(old_carried)
    checked, v = views(new)
    o, b = checked_old.budget, checked.budget
    assert checked.exit_status == 0, [d.as_dict() for d in checked.report.errors]
    assert checked.report.errors == []
    assert len(b.lines) == len(o.lines) and b.procurement == []
    assert totals(v) == totals(v_old)
    for item in PRIOR_ITEMS:  # 上年数 = OLD's derived figure = the new derived figure
        row = next(p for p in b.prior if p.item == item)
        assert row.amount == prior_item_amount(o, item) == prior_item_amount(b, item), item
    amounts = {}
    for ln in o.lines:
        if ln.project:
            amounts[ln.project] = amounts.get(ln.project, Decimal(0)) + ln.amount
    assert [p.name for p in b.projects] == [p.name for p in o.projects]
    for p_old, p_new in zip(o.projects, b.projects):
        assert p_new.prev_total == p_old.total
        assert p_new.prev_amount == amounts.get(p_old.name, Decimal(0))
        assert (p_new.start, p_new.end) == (p_old.start, p_old.end)   # real dates never move
        assert p_new.overview == shift_years(p_old.overview or "", 2020, 2021) or p_new.overview is None
    assert len(b.indicators) == len(o.indicators)
    assert [t.project_names for t in b.tasks] == [t.project_names for t in o.tasks]


def test_partial_carry_drops_ended_projects_everywhere(tmp_path):
    keep = ["商贸流通业发展专项资金", "会展业发展专项资金"]
    old = mutate(EXAMPLE, tmp_path / "old.xlsx", extend_projects(keep))
    new = tmp_path / "new.xlsx"
    r = run_cli("rollover", old, "-o", new, "--keep-lines")
    assert r.returncode == 0, r.stderr
    assert "结转 2 个" in r.stdout and "未结转 9 个" in r.stdout
    o = check_workbook(old).budget
    b = check_workbook(new).budget
    assert [p.name for p in b.projects] == keep
    assert {i.project for i in b.indicators} == set(keep)
    assert all(ln.is_basic or ln.project in keep for ln in b.lines)
    assert len(b.lines) == sum(1 for ln in o.lines if ln.is_basic or ln.project in keep)
    links = [n for t in b.tasks for n in t.project_names]
    assert links == ["商贸流通业发展专项资金"]       # the other linked projects ended
    assert len(b.tasks) == len(o.tasks)


# ------------------------------------------------------------------------- safety

def test_refuses_to_overwrite_without_force(old, tmp_path):
    new = tmp_path / "new.xlsx"
    new.write_bytes(b"keep me")
    r = run_cli("rollover", old, "-o", new)
    assert r.returncode == 2 and "--force" in r.stderr
    assert new.read_bytes() == b"keep me"
    before = old.read_bytes()
    r = run_cli("rollover", old, "-o", new, "--force")
    assert r.returncode == 0, r.stderr
    assert check_workbook(new).budget.info.year == 2021
    assert old.read_bytes() == before


def test_never_writes_old_even_with_force(old):
    before = old.read_bytes()
    r = run_cli("rollover", old, "-o", old, "--force")
    assert r.returncode == 2 and "原工作簿" in r.stderr
    assert old.read_bytes() == before


def test_old_must_check_clean(tmp_path):
    def break_amount(wb):
        wb["支出明细"]["H2"] = "1,200"
    bad = mutate(EXAMPLE, tmp_path / "bad.xlsx", break_amount)
    before = bad.read_bytes()
    new = tmp_path / "new.xlsx"
    r = run_cli("rollover", bad, "-o", new)
    assert r.returncode == 1
    assert "支出明细!H2" in r.stdout and "E-AMOUNT" in r.stdout   # OLD's diagnostics
    assert not new.exists()
    assert bad.read_bytes() == before


def test_wrong_year_and_name(old, tmp_path):
    assert run_cli("rollover", old, "-o", tmp_path / "n.xlsx", "--year", "2020").returncode == 2
    assert run_cli("rollover", old, "-o", tmp_path / "n.xls").returncode == 2
    assert run_cli("rollover", tmp_path / "missing.xlsx", "-o", tmp_path / "n.xlsx").returncode == 2


def test_year_option_moves_every_reference(old, tmp_path):
    new = tmp_path / "new.xlsx"
    r = run_cli("rollover", old, "-o", new, "--year", "2022")
    assert r.returncode == 0, r.stderr
    assert "不是 2021 年的" in r.stdout        # 上年数 are 2020's figures: said so
    b = check_workbook(new).budget
    assert (b.info.year, b.info.asset_date) == (2022, date(2021, 12, 31))
    assert "我局2022年预算" in b.text("专项转移支付情况")


# ------------------------------------------------------------------------- year rewriting

@pytest.mark.parametrize("text, expected", [
    ("我局2020年预算", "我局2021年预算"),
    ("2019年与2020年", "2020年与2021年"),           # one pass, never 2019→2020→2021
    ("2020 年度", "2021 年度"),
    ("截至2019年12月31日", "截至2020年12月31日"),
    ("财预〔2020〕98号", "财预〔2020〕98号"),         # not followed by 年: a document number
    ("《2020年商务工作要点》", "《2020年商务工作要点》"),  # a title keeps its year
    ("12020年", "12020年"),                         # part of a longer number
    ("2018年和2022年", "2018年和2022年"),            # other years are not the budget's
    ("共2020人", "共2020人"),
])
def test_shift_years(text, expected):
    assert shift_years(text, 2020, 2021) == expected


def test_shift_date_leap_day():
    assert shift_date(date(2020, 2, 29), 1) == date(2021, 2, 28)
    assert shift_date(date(2019, 12, 31), 1) == date(2020, 12, 31)
    assert shift_date(None, 1) is None


def test_shift_years_moves_budget_years_not_past_anchors():
    from compiler.rollover import shift_years
    assert shift_years("2020年预计需安排资金，2019年度课题", 2020, 2021) == "2021年预计需安排资金，2020年度课题"
    assert shift_years("从2019年起全面实施；自2019年以来；2019年开始试点", 2020, 2021) == \
        "从2019年起全面实施；自2019年以来；2019年开始试点"
    assert shift_years("《2020年工作要点》与 20201 年", 2020, 2021) == "《2020年工作要点》与 20201 年"
