"""Parts printed beside their total in 万元 add up to the printed total (issue 12, audit #16):
largest-remainder rounding (format.apportion) over the [[sums]] groups of the template data
(derive/parts.py), on the example and over generated budgets for every profile."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings

from compiler.config import load_config
from compiler.derive import derive
from compiler.derive.parts import _resolve
from compiler.render.format import Amount, apportion, to_wan, wan
from compiler.render.html import render_html
from conftest import example_views
from test_tables_properties import CATALOG, budgets

D = Decimal
CONFIGS = {name: load_config(profile=name) for name in ("zhengzhou-2020", "standard")}


def test_apportion_gives_the_missing_cent_to_the_largest_remainder():
    # 基本支出 of the example: 2196.5149 + 750.0524 = 2946.5673 万元 -> 2946.57, not 2946.56
    assert apportion(D("2946.57"), [D("21965149"), D("7500524")]) == [D("2196.52"), D("750.05")]
    # ties go to the first listed; a part of 0 stays 0
    assert apportion(D("0.03"), [D("50"), D("50"), D("50"), D(0)]) == [D("0.01"), D("0.01"), D("0.01"), D(0)]
    assert apportion(D("0.02"), [D("140"), D("60"), D(0)]) == [D("0.01"), D("0.01"), D(0)]
    # parts that do not make the total cannot be apportioned to it
    assert apportion(D("5.00"), [D("100"), D("100")]) is None


def test_an_amount_prints_its_apportioned_value_and_computes_as_decimal():
    a = Amount(D("21965149"), D("2196.52"))
    assert wan(a) == "2196.52" and wan(D("21965149")) == "2196.51"
    assert a + 1 == D("21965150") and type(a + 1) is D
    assert f"{a:f}" == "21965149"


def test_example_basic_spending_adds_up_as_printed():
    """Audit #16: "基本支出 2946.57 万元，其中：人员经费 2196.51 万元…公用经费 750.05 万元" added
    to 2946.56; the 4 基本支出 groups likewise (1896.29 + 300.22 + 735.05 + 15.00)."""
    text = re.sub(r"<[^>]+>", "", render_html(example_views()[2], CONFIGS["zhengzhou-2020"], "2020-01-01"))
    assert ("2020 年一般公共预算基本支出预算 2946.57 万元，其中：人员经费 2196.52 万元，"
            "主要包括：基本工资、津贴补贴、社保支出、离退休工资等；公用经费 750.05 万元，") in text
    assert ("基本支出 2946.57 万元，其中：工资福利支出 1896.29 万元，对个人和家庭的补助支出 300.22 万元，"
            "商品和服务支出 735.06 万元，资本性支出 15.00 万元；项目支出 24610.00 万元") in text
    assert ("主要用于以下方面：工资福利支出 1896.29 万元，占 6.88%；对个人和家庭的补助支出 300.22 万元，"
            "占 1.09%；商品和服务支出 735.06 万元，占 2.67%；资本性支出 15.00 万元，占 0.05%；"
            "社会事业和经济发展项目 24610.00 万元，占 89.31%。") in text
    assert "2020 年支出预算 27556.57 万元，其中：基本支出 2946.57 万元，项目支出 24610.00 万元。" in text
    assert "2196.51" not in text and "735.05" not in text


def _groups(facts, config):
    for g in config.data["sums"]:
        totals = _resolve(facts, g["total"])
        assert len(totals) == 1, g["total"]      # every declared total exists in the facts
        (c, k), = totals
        parts = [c2[k2] for p in g["parts"] for c2, k2 in _resolve(facts, p)]
        yield g, c[k], parts


# groups that are a partition of their total for every budget (the others, e.g. 政府采购 by
# category, only when every row has one)
ALWAYS = {"expense.total", "three.total", "three.car", "income.total", "gpb.total", "gpb.basic",
          "expense.basic", "expense.project", "income.general", "fiscal.total"}


@pytest.mark.parametrize("profile", sorted(CONFIGS))
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(budget=budgets())
def test_printed_parts_add_up_to_the_printed_total(profile, budget):
    config = CONFIGS[profile]
    views = derive(budget, CATALOG, config)
    for g, whole, parts in _groups(views.facts, config):
        if g["total"] in ALWAYS:
            assert sum(parts, D(0)) == whole, g
        if sum(parts, D(0)) != whole:
            continue
        assert to_wan(whole) == (whole / 10000).quantize(D("0.01"), "ROUND_HALF_UP") or \
            isinstance(whole, Amount), g          # a total prints half-up unless it is a part itself
        assert sum((to_wan(p) for p in parts), D(0)) == to_wan(whole), (g, whole, parts)
        for p in parts:                            # Hamilton: each part within a cent of its value
            assert abs(to_wan(p) - p / 10000) < D("0.01"), (g, p)
            if p == 0:
                assert to_wan(p) == 0
    if profile == "zhengzhou-2020" and budget.lines:
        # and the sentences print them so: 支出预算 and 基本支出 (audit #16)
        text = re.sub(r"<[^>]+>", "", render_html(views, config, "2020-01-01"))
        for m in re.finditer(r"(?:支出预算|基本支出预算?) (\d+\.\d\d) 万元，其中：([^。]*)", text):
            clause = m.group(2).split("；项目支出")[0]  # 基本支出 …；项目支出 … is two sentences
            printed = [D(x) for x in re.findall(r"(\d+\.\d\d) 万元", clause)]
            assert sum(printed, D(0)) == D(m.group(1)), m.group(0)
