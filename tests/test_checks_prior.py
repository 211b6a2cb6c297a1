"""上年数 (E-/W-PRIOR-*) and the current-year figures they are compared with."""
from __future__ import annotations

from decimal import Decimal

import pytest

from checks_support import append, cells, check, codes, example, found  # noqa: F401
from compiler.checks.figures import ITEMS, prior_item_amount
from compiler.pipeline import check_workbook
from compiler.workbook.schema import ENUMS


@pytest.fixture(scope="module")
def budget(example):
    return check_workbook(example).budget


@pytest.mark.parametrize("item, amount", [
    ("收支预算总计", 275565673),
    ("一般公共预算", 275565673),          # every line is 一般公共预算 money
    ("政府性基金预算", 0),
    ("国有资本经营预算", 0),
    ("因公出国（境）费", 0),
    ("公务用车购置费", 0),
    ("公务用车运行维护费", 190000),       # 100,000 + 90,000 (表7)
    ("公务接待费", 290000),               # 40,000 + 70,000 basic + 180,000 project (表7)
    ("机关运行经费", 4890850),            # 031001 basic 302 + 310 (seed-audit A4)
])
def test_current_figures_of_the_example(budget, item, amount):
    assert prior_item_amount(budget, item) == Decimal(amount)


def test_every_enumerated_item_has_a_figure(budget):
    assert set(ITEMS) == set(ENUMS["上年数指标"])


def test_change_without_reason(example, tmp_path):
    c = check(example, tmp_path, cells(**{"上年数!C6": None, "上年数!C7": "无"}))
    d = found(c, "E-PRIOR-001", "上年数!C6", "error")[0]
    assert "190,000 元" in d.message and "320,000 元" in d.message and "减少 130,000 元" in d.message
    assert "“无”不是原因" in found(c, "E-PRIOR-001", "上年数!C7", "error")[0].message


def test_reason_for_no_change(example, tmp_path):
    c = check(example, tmp_path, cells(**{"上年数!C3": "政策调整。"}))
    found(c, "W-PRIOR-002", "上年数!C3", "warning")


def test_placeholder_reason(example, tmp_path):
    c = check(example, tmp_path, cells(**{"上年数!C2": "主要是XX增加", "上年数!C6": "待填写"}))
    found(c, "E-PRIOR-003", "上年数!C2", "error")
    found(c, "E-PRIOR-003", "上年数!C6", "error")
    assert not [d for d in c.report.items if d.code == "W-TEXT-001" and d.sheet == "上年数"]  # one per problem


def test_duplicate_item(example, tmp_path):
    c = check(example, tmp_path, append("上年数", ["公务接待费", 290000, None]))
    d = found(c, "E-PRIOR-004", "上年数!A9", "error")[0]
    assert "第 7 行" in d.message


def test_threshold_from_the_templates(example, tmp_path):
    """A change up to prior_change_threshold 元 needs no reason."""
    tpl = tmp_path / "tpl"
    tpl.mkdir()
    (tpl / "document.toml").write_text("[checks]\nprior_change_threshold = 200000\n", encoding="utf-8")
    edit = cells(**{"上年数!C6": None, "上年数!C7": None})  # changes 130,000 and 220,000
    c = check(example, tmp_path, edit, templates=tpl)
    assert [d.location for d in c.report.items if d.code == "E-PRIOR-001"] == ["上年数!C7"]


def test_unknown_lines_leave_the_figures_alone(example, tmp_path):
    """A line the reader dropped would falsify every figure: no follow-on E-PRIOR-001."""
    c = check(example, tmp_path, cells(**{"支出明细!H2": "abc", "上年数!B2": 275565673, "上年数!C2": None}))
    assert [(d.code, d.location) for d in c.report.errors] == [("E-AMOUNT-002", "支出明细!H2")]
