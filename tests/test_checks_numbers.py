"""Every typed number reconciled (issue 12, step 2): quantities read from texts, budget amounts
against the figures of their scope (W-TEXT-003), targets and counts against the figure of the
same measure (W-TEXT-011), one measure with two targets (W-PERF-001). The seed-audit items that
are still in the example's texts are pinned at their cells; the example's clean texts stay
clean, and numbers that are no budget figures are left alone."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from checks_support import append, cells, check, example, found  # noqa: F401
from compiler.checks.quantities import parse
from compiler.checks.reconcile import comparators_agree, similarity


def at(checked, where: str, code: str | None = None) -> list:
    return [d for d in checked.report.items if d.location == where and (code is None or d.code == code)]


def one(text: str):
    qs = parse(text)
    assert len(qs) == 1, qs
    return qs[0]


# ------------------------------------------------------------------------------ reading

@pytest.mark.parametrize("text, kind, value, unit, comparator", [
    ("投入资金400万元", "money", D(4000000), "元", None),
    ("投入资金400万", "money", D(4000000), "元", None),          # 万 without 元
    ("安排资金0.04亿元", "money", D(4000000), "元", None),
    ("项目成本≤400万元", "money", D(4000000), "元", "<="),
    ("总额12,000元", "money", D(12000), "元", None),
    ("境外投资额5.5亿美元", "money", D(550000000), "美元", None),
    ("全市进出口额≥4160亿人民币", "money", D(416000000000), "元", ">="),
    ("经贸活动6次以上", "count", D(6), "次", ">="),
    ("肉蛋菜储备量大于1.6万吨", "count", D(16000), "吨", ">"),
    ("上传数据大于200万条", "count", D(2000000), "条", ">"),
    ("展览总面积280万平方米", "count", D(2800000), "平方米", None),
    ("奖补企业数量达到100家", "count", D(100), "家", "reach"),
    ("增长20%以上", "percent", D(20), "%", ">="),
    ("投诉率降低百分之十", None, None, None, None),              # Chinese numerals: not read
    ("占比不低于60％", "percent", D(60), "%", ">="),
])
def test_quantities(text, kind, value, unit, comparator):
    qs = parse(text)
    if kind is None:
        assert qs == []
        return
    q = one(text)
    assert (q.kind, q.value, q.unit, q.comparator) == (kind, value, unit, comparator)


@pytest.mark.parametrize("text", [
    "依据《关于2012年开展肉流通追溯体系建设试点有关问题的通知》（财办建〔2012〕15号）",
    "（国办发【2017】84号）", "2019年8月19日，市委书记强调", "向市财政报送：年度4-5月份", "联系电话67170388",
    "第15项：规划", "1、在网站发布通知。2.组织评审", "形成1+2+3+N的发展模式", "按4:4:2拨付",
    "《郑州市会展业发展规划》（2016—2020）",
])
def test_numbers_that_are_not_quantities(text):
    assert parse(text) == []


def test_a_range_and_an_approximation():
    q = one("每个合作区新加入企业1-2家")
    assert (q.value, q.high) == (D(1), D(2)) and q.matches(D(2)) and not q.matches(D(3))
    q = one("计划4-5月份支出第一批资金约9万元")
    assert q.approx and q.value == D(90000)
    assert one("从业人员2万余人").approx


def test_typed_precision():
    """万元 with two decimals is rounded half-up (never truncated); coarser amounts are exact."""
    assert one("基本支出2946.57万元").matches(D(29465673))
    assert not one("基本支出2946.56万元").matches(D(29465673))      # truncated (seed-audit 16)
    assert not one("安排资金0.04亿元").matches(D(3900000))            # 4,000,000, not 3,900,000
    assert one("安排资金390万元").matches(D(3900000))
    assert not one("安排资金390万元").matches(D(3904000))
    assert one("占6.88%").matches(D("6.8815"))
    assert not one("占6.8%").matches(D("6.8815"))                     # truncated (seed-audit 16)


def test_labels_and_comparators():
    assert similarity("带动经济社会效益", "带动社会经济效益") > 0.5
    assert similarity("会展企业从业数量", "会展从业主体数量") > 0.3
    assert similarity("出口企业中应用跨境电子商务比例", "实现跨境电子商务交易额同比增长") == 0  # 比例 ≠ 增长
    assert not comparators_agree(">", ">=") and not comparators_agree(">", None)  # 大于 vs ≥ / 16000吨
    assert comparators_agree("reach", "=") and comparators_agree(">=", ">=") and comparators_agree(None, ">=")
    assert not comparators_agree(">=", "<=") and comparators_agree("~", ">")


# ------------------------------------------------------------------------------ the example

SEED = {
    # seed-audit 9: 目标5 "达到35亿元" beside 服务外包 ≥36亿元人民币
    ("整体绩效目标!B6", "达到35亿元", "≥36亿元人民币"),
    # seed-audit 10: 外经贸 年度目标 "境外投资额5.5亿美元" beside ≥5亿元
    ("项目!T5", "5.5亿美元", "≥5亿元"),
    # seed-audit 12: 会展 "力争2019年 … 360亿元 … 200家" beside ≥370亿元, ≥210家
    ("项目!T12", "360亿元", "≥370亿元"), ("项目!T12", "200家", "≥210家"),
    # seed-audit 13: 招商引资 "6次以上" beside ≥12次
    ("项目!T9", "6次以上", "≥12次"),
    # seed-audit 19: 部门整体 "大于X" beside "≥X", and "大于1.6万吨" beside "16000吨"
    ("整体绩效目标!B2", "大于5000亿元", "≥5000亿元"), ("整体绩效目标!B3", "大于25家", "≥25家"),
    ("整体绩效目标!B4", "大于100家", "≥100家"), ("整体绩效目标!B4", "大于4000亿元", "≥4000亿元"),
    ("整体绩效目标!B4", "大于5亿元", "≥5亿元"), ("整体绩效目标!B5", "大于1.6万吨", "16000吨"),
    ("整体绩效目标!B5", "大于200万条", "≥200万条"), ("整体绩效目标!B6", "大于35家", "≥35家"),
    # the same wording in the 外经贸 年度目标: "超过100家" beside ≥100家
    ("项目!T5", "超过100家", "≥100家"),
}


def test_seed_audit_targets_at_their_cells(example, tmp_path):
    c = check(example, tmp_path)
    got = {(d.location, d.actual, d.expected) for d in c.report.items if d.code == "W-TEXT-011"}
    assert got == SEED
    d = next(d for d in c.report.items if d.code == "W-TEXT-011" and d.actual == "5.5亿美元")
    assert "数值不同" in d.message and "币种也不同" in d.message and "绩效指标!E72" in d.message
    d = next(d for d in c.report.items if d.code == "W-TEXT-011" and d.actual == "大于1.6万吨")
    assert "比较词不同" in d.message and "绩效指标!E105" in d.message


def test_seed_audit_two_targets_for_one_measure(example, tmp_path):
    """seed-audit 11: 全市进出口额 ≥4160亿 (支持三外) beside 市级进出口额 ≥4000亿元 (外经贸)."""
    c = check(example, tmp_path)
    d = found(c, "W-PERF-001", "绩效指标!E176", "warning")[0]
    assert (d.expected, d.actual) == ("≥4000亿元", "≥4160亿人民币") and "第 71 行" in d.message
    assert len([x for x in c.report.items if x.code == "W-PERF-001"]) == 1  # 奖补企业 100 vs 1000家: two outputs


def test_a_measure_qualified_by_the_departments_own_place(example, tmp_path):
    """The place comes from 部门名称, not from code: in 洛阳市商务局, 洛阳市进出口额 and 全市进出口额
    are one measure; 郑州市进出口额 is another city's."""
    c = check(example, tmp_path, cells(**{"基本信息!B2": "洛阳市商务局", "绩效指标!D176": "洛阳市进出口额"}))
    assert [d.location for d in c.report.items if d.code == "W-PERF-001"] == ["绩效指标!E176"]
    c = check(example, tmp_path, cells(**{"基本信息!B2": "洛阳市商务局", "绩效指标!D176": "郑州市进出口额"}))
    assert not [d for d in c.report.items if d.code == "W-PERF-001" and d.location == "绩效指标!E176"]


def test_the_examples_project_amounts(example, tmp_path):
    """Only 肉菜's 400万元 (seed-audit 7); 电商's 40+60+300+5000万元 are the parts of its 5400万元,
    会展保险's 47万元 is its amount."""
    c = check(example, tmp_path)
    assert [d.location for d in c.report.items if d.code == "W-TEXT-003"] == ["项目!M4"]


# ------------------------------------------------------------------------------ budget amounts

def test_amount_without_yuan_and_in_yi(example, tmp_path):
    c = check(example, tmp_path, cells(**{"项目!M4": "投入市级财政资金400万，用于支付建设尾款",
                                          "项目!Q4": "2020年安排资金0.04亿元。",
                                          "项目!N4": "投入市级财政资金390万元；其中运维220万元。"}))
    d = found(c, "W-TEXT-003", "项目!M4", "warning")[0]
    assert (d.expected, d.actual) == ("3,900,000", "4,000,000") and "“400万”" in d.message
    assert found(c, "W-TEXT-003", "项目!Q4", "warning")[0].actual == "4,000,000"
    assert not at(c, "项目!N4")  # 390万元 and its 委托业务费 220万元


def test_cost_indicator_above_the_project(example, tmp_path):
    c = check(example, tmp_path, both_rows(["肉菜追溯体系建设资金", "产出目标", "成本", "项目成本", "≤400万元"],
                                           ["肉菜追溯体系建设资金", "产出目标", "成本", "运维成本", "≤390万元"]))
    d = found(c, "W-TEXT-003", "绩效指标!E216", "warning")[0]
    assert (d.expected, d.actual) == ("3,900,000", "4,000,000")
    assert not at(c, "绩效指标!E217")


def both_rows(*rows):
    def fn(wb):
        for r in rows:
            wb["绩效指标"].append(r)
    return fn


def test_department_amounts_in_a_text(example, tmp_path):
    """A typed sentence truncating its 万元 (seed-audit 16) against one rounding them."""
    c = check(example, tmp_path, cells(**{
        "说明文字!B5": "基本支出2946.56万元，其中：人员经费2196.51万元，公用经费750.05万元。",
        "说明文字!B6": "基本支出2946.57万元，其中：人员经费2196.51万元，公用经费750.05万元。",
        "上年数!C2": "专项资金增加15996.6万元。", "上年数!C6": "公车数量减少，减少13万元。",
        "上年数!C7": "压缩“三公”支出，减少接待费20万元。"}))
    d = found(c, "W-TEXT-003", "说明文字!B5", "warning")[0]
    assert d.actual == "29,465,600" and "基本支出 29,465,673 元" in d.message
    assert not at(c, "说明文字!B6") and not at(c, "上年数!C2") and not at(c, "上年数!C6")
    d = found(c, "W-TEXT-003", "上年数!C7", "warning")[0]   # 公务接待费 fell by 22万元
    assert "公务接待费增减 220,000 元" in d.message


# ------------------------------------------------------------------------------ targets, counts

def test_staff_counts(example, tmp_path):
    c = check(example, tmp_path, cells(**{"说明文字!B2": "我局在职人员150人，离退休人员170人。",
                                          "说明文字!B3": "我局在职人员153人；全市电商从业人员超过2万人。"}))
    d = found(c, "W-TEXT-011", "说明文字!B2", "warning")[0]
    assert (d.expected, d.actual) == ("153人", "150人")
    assert not at(c, "说明文字!B3")


def test_a_target_typed_after_the_indicator_changed(example, tmp_path):
    """The indicator moved to ≥15期, the goal still says 5期; a goal matching its indicator is fine."""
    c = check(example, tmp_path, cells(**{"绩效指标!E125": "≥6期", "项目!T8": "举办电子商务人才培训5期。"}))
    d = found(c, "W-TEXT-011", "整体绩效目标!B3", "warning")[0]
    assert (d.expected, d.actual) == ("≥6期", "达到5期")
    assert found(c, "W-TEXT-011", "项目!T8")[0].expected == "≥6期"
    fine = check(example, tmp_path, cells(**{"项目!T8": "举办电子商务人才培训5期，交易额同比增长20%以上。"}))
    assert not at(fine, "项目!T8")


def test_numbers_without_a_figure_of_their_measure_are_left_alone(example, tmp_path):
    """Facts and documents: the data has nothing to compare them with."""
    text = ("依据《郑州市会展业发展规划》（2016—2020）和（郑政〔2019〕12号），2019年8月19日起，第15项："
            "全国20个城市开展试点，占全行业企业总数的95%以上，推介项目30个，联系电话67170388。")
    c = check(example, tmp_path, cells(**{"说明文字!B2": text, "项目!T3": text}))
    assert not [d for d in c.report.items if d.location in ("说明文字!B2", "项目!T3")
                and d.code in ("W-TEXT-003", "W-TEXT-011")]


def test_foreign_currency_is_not_a_budget_amount(example, tmp_path):
    c = check(example, tmp_path, cells(**{"项目!M3": "对出口额达到100万美元的企业进行奖励，共安排100万元。"}))
    assert not at(c, "项目!M3")


def test_an_amount_copied_from_the_narrative_is_no_mismatch(example, tmp_path):
    """The narrative apportions 人员经费 to 2196.52 万元 so 基本支出 2946.57 adds up (half-up alone
    gives 2196.51): a text quoting either is fine, one a cent further off is not."""
    c = check(example, tmp_path, cells(**{
        "说明文字!B5": "基本支出2946.57万元，其中：人员经费2196.52万元，公用经费750.05万元。",
        "说明文字!B6": "人员经费2196.53万元。"}))
    assert not at(c, "说明文字!B5")
    d = found(c, "W-TEXT-003", "说明文字!B6", "warning")[0]
    assert d.actual == "21,965,300"
