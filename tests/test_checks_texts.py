"""Free texts (W-TEXT-*) and narrative slots (W-SLOT-*)."""
from __future__ import annotations

import pytest

from checks_support import append, cells, check, codes, example, found  # noqa: F401
from compiler.checks.slots import template_keys
from compiler.checks.texts import find_placeholder
from compiler.config import Config


@pytest.mark.parametrize("text, hit", [
    ("郑州市XX局", "XX"), ("ＸＸ单位", "ＸＸ"), ("××年", "××"), ("{单位}负责", "{单位}"),
    ("{部门}", "{部门}"), ("待填写", "待填写"), ("请填写原因", "请填写"), ("待补充", "待补充"),
    ("TODO: 补", "TODO"), ("TBD", "TBD"), ("某某项目", "某某"), ("○○中心", "○○"), ("主要包括……", "……"),
    ("XXL 号", None), ("Exxon", None), ("郑州市商务局", None), ("“三公”经费", None),
])
def test_placeholders(text, hit):
    assert find_placeholder(text) == hit


def test_placeholder_in_a_text_cell(example, tmp_path):
    c = check(example, tmp_path, cells(**{"说明文字!B2": "我局XX年预算没有安排专项转移支付项目。",
                                          "部门职责!B2": "负责{部门}的工作。"}))
    assert "XX" in found(c, "W-TEXT-001", "说明文字!B2", "warning")[0].message
    found(c, "W-TEXT-001", "部门职责!B2", "warning")


def test_years_other_than_this_and_last(example, tmp_path):
    c = check(example, tmp_path, cells(**{"部门职责!B2": "2015年起负责全市商务工作。",
                                          "部门职责!B3": "截至2018年底，全市有企业100家。",
                                          "部门职责!B4": "依据《2017年全市商务工作要点》开展工作。",
                                          "部门职责!B5": "依据豫政办〔2017〕75号和（2016年修订）执行。",
                                          "部门职责!B6": "2019年完成，2020年继续。"}))
    d = found(c, "W-TEXT-002", "部门职责!B2", "warning")[0]
    assert "2015年" in d.message
    others = [x.location for x in c.report.items if x.sheet == "部门职责"]
    assert others == ["部门职责!B2"]


def test_years_of_a_project_period_are_fine(example, tmp_path):
    """到2022年 in 项目总目标 is fine for a project that runs until 2022."""
    c = check(example, tmp_path, cells(**{"项目!I2": "2022-12-31"}))
    assert not [d for d in c.report.items if d.location == "项目!S2" and d.code in ("W-TEXT-002", "W-TEXT-006")]


def test_history_and_horizons_are_not_stale_years(example, tmp_path):
    """A project's background tells its history; 到2022年 names when a goal is due. Neither is
    a year left over from an old text (the example's 项目概况 and 项目总目标 are clean)."""
    c = check(example, tmp_path, cells(**{"项目!M2": "2011年10月，商务部启动试点，2014年3月我市出台办法。",
                                          "项目!S2": "到2023年，培育企业20家。",
                                          "部门职责!B2": "2015年起负责全市商务工作。",
                                          "项目!T2": "2017年完成全部验收。"}))
    assert not [d for d in c.report.items if d.location in ("项目!M2", "项目!S2") and d.code == "W-TEXT-002"]
    # elsewhere, and in a project's goals, another year is still worth a look
    found(c, "W-TEXT-002", "部门职责!B2", "warning")
    found(c, "W-TEXT-002", "项目!T2", "warning")


def test_stale_plan_year(example, tmp_path):
    c = check(example, tmp_path, cells(**{"整体绩效目标!B2": "力争2019年实现进出口额增长。"}))
    d = found(c, "W-TEXT-006", "整体绩效目标!B2", "warning")[0]
    assert "2019" in d.message and "2020" in d.message


def test_amount_in_project_text_that_is_no_project_figure(example, tmp_path):
    """The seed's 肉菜 "400万元" (the project is 390 万) — and a changed 47万元."""
    c = check(example, tmp_path, cells(**{"项目!M11": "对会展中心整体财产保险进行补贴，总金额48万元。"}))
    d = found(c, "W-TEXT-003", "项目!M11", "warning")[0]
    assert "48万元" in d.message and "470,000 元" in d.message
    assert (d.expected, d.actual, d.extra["difference"]) == ("470,000", "480,000", "+10,000")
    seed = found(c, "W-TEXT-003", "项目!M4", "warning")[0]
    assert "400万元" in seed.message and "3,900,000 元" in seed.message
    assert (seed.expected, seed.actual) == ("3,900,000", "4,000,000")


def test_amounts_that_are_not_budget_figures_are_left_alone(example, tmp_path):
    text = ("交易额达到5000万元；约9万元；100万元以上；36亿元；100万美元；"
            "分项：40万元、60万元、300万元、5000万元。")  # 电商: the parts add up to 5400 万
    c = check(example, tmp_path, cells(**{"项目!M8": text}))
    assert not [d for d in c.report.items if d.location == "项目!M8"]


def test_units_mixed_in_a_sentence(example, tmp_path):
    c = check(example, tmp_path, cells(**{"说明文字!B2": "安排资金47万元，其中支付12000元。下一句只有5万元。"}))
    d = found(c, "W-TEXT-004", "说明文字!B2", "warning")[0]
    assert "万元" in d.message and "、元" in d.message


def test_yuan_with_more_than_two_decimals(example, tmp_path):
    c = check(example, tmp_path, cells(**{"说明文字!B2": "本年支出12000.125元。"}))
    assert "12000.125元" in found(c, "W-TEXT-005", "说明文字!B2", "warning")[0].message


# ------------------------------------------------------------------------------ slots

def _delete_key(key):
    def fn(wb):
        ws = wb["说明文字"]
        for r in range(ws.max_row, 1, -1):
            if ws.cell(r, 1).value == key:
                ws.delete_rows(r)
    return fn


def test_slot_the_templates_need(example, tmp_path):
    c = check(example, tmp_path, _delete_key("绩效目标说明"))
    d = [x for x in c.report.items if x.code == "W-SLOT-001" and "绩效目标说明" in x.message]
    assert d and d[0].sheet == "说明文字" and d[0].cell.startswith("A")


def test_slot_no_template_uses(example, tmp_path):
    c = check(example, tmp_path, cells(**{"说明文字!A3": "绩效目标说明明"}))
    d = found(c, "W-SLOT-002", "说明文字!A3", "warning")[0]
    assert "是否为“绩效目标说明”" in d.message


def test_empty_table_notes_are_always_allowed(example, tmp_path):
    c = check(example, tmp_path, append("说明文字", ["空表说明:政府采购预算表", "本单位无政府采购。"]))
    assert "W-SLOT-002" not in codes(c)


def test_duplicate_slot(example, tmp_path):
    c = check(example, tmp_path, append("说明文字", ["绩效目标说明", "另一段。"]))
    found(c, "W-SLOT-003", "说明文字!A13", "warning")


def test_no_declared_keys_no_slot_check():
    class Ctx:
        config = Config({"slots": {}}, ())
    assert template_keys(Ctx()) is None
