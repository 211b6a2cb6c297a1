"""Issue 11, "Wrong or broken sentences": each as a department other than the example would
write it, with the sentence the document must print (and must not print)."""
from __future__ import annotations

import copy
import re
from decimal import Decimal

from compiler.pipeline import Options, compile_workbook
from conftest import SMALL, write_small


def document(tmp_path, profile: str | None = None, **changes) -> tuple[str, object]:
    """The visible text of the small workbook's HTML with *changes* (sheet -> rows), and views."""
    data = copy.deepcopy(SMALL)
    data.update(changes)
    path = write_small(tmp_path / "d.xlsx", data)
    result = compile_workbook(path, Options(formats=("html",), out=tmp_path / "out", profile=profile))
    assert result.exit_status == 0, [(d.code, d.location, d.message) for d in result.report.errors]
    html = (tmp_path / "out" / "d.html").read_text(encoding="utf-8")
    text = re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", html.split("<body>", 1)[1]))
    return text, result.views


def _staff(**over):
    rows = dict(SMALL["人员车辆资产"])
    rows.update(over)
    return list(rows.items())


def test_other_vehicles_note_written_as_a_sentence_is_not_doubled(tmp_path):
    text, _ = document(tmp_path, 人员车辆资产=_staff(其他用车说明="其他用车主要是机要通信用车。"))
    assert "其他用车1辆，其他用车主要是机要通信用车。" in text
    assert "其他用车主要是其他用车" not in text and "。。" not in text


def test_other_vehicles_note_as_a_phrase(tmp_path):
    text, _ = document(tmp_path, 人员车辆资产=_staff(其他用车说明="机要通信用车；"))
    assert "其他用车1辆，其他用车主要是机要通信用车。" in text


def test_zero_amount_is_said_as_not_planned(tmp_path):
    """SMALL plans no 三公 money: no "0.00 万元，主要用于…" sentence anywhere."""
    text, _ = document(tmp_path)
    assert "因公出国（境）费未安排。" in text
    assert "公务用车购置费未安排，公务用车运行维护费未安排。" in text
    assert "公务接待费未安排。" in text
    assert not re.search(r"0\.00万元，主要用于", text)
    assert "未安排政府性基金支出预算" in text


def test_zero_three_public_total_is_said_as_not_planned_in_standard(tmp_path):
    """The standard profile printed "“三公”经费预算 0.00 万元。其中：…未安排" (seen in a corpus
    department's PDF); like zhengzhou-2020 it now says the total is not planned."""
    prior = SMALL["上年数"] + [{"指标": k, "上年预算数": 0, "增减原因": "新增测试。"}
                              for k in ("收支预算总计", "国有资本经营预算")
                              if k not in {r["指标"] for r in SMALL["上年数"]}]
    text, _ = document(tmp_path, profile="standard", 上年数=prior)
    assert "年未安排一般公共预算财政拨款“三公”经费预算。其中：因公出国（境）费未安排" in text
    assert "“三公”经费预算0.00万元" not in text


def test_total_budget_change_reason_is_printed(tmp_path):
    prior = SMALL["上年数"] + [{"指标": "收支预算总计", "上年预算数": 200000, "增减原因": "新增测试专项。"}]
    text, _ = document(tmp_path, 上年数=prior)
    assert "年收入预算28.00万元（与2020年相比增加8.00万元，主要原因：新增测试专项）" in text


def test_labels_are_the_same_in_tables_and_text(tmp_path):
    text, views = document(tmp_path)
    t1 = next(t for t in views.tables if t.id == "table-1")
    labels = [v for row in t1.grid_rows() for v in row if isinstance(v, str)]
    assert "3、商品和服务支出" in labels and "4、国有资源（资产）有偿使用收入" in labels
    assert "商品和服务支出3.00万元" in text and "商品服务支出" not in text
    assert "国有资源（资产）有偿使用收入0.00万元" in text


def test_overall_task_fiscal_money_includes_government_funds(tmp_path):
    """其中：财政资金 = the 财政拨款 of all three budgets, as the 名词解释 defines 财政拨款."""
    lines = SMALL["支出明细"] + [
        {"单位编码": "101001", "功能科目编码": "2011302", "部门经济分类编码": "30227", "支出类型": "项目支出",
         "项目名称": "测试专项", "资金来源": "政府性基金预算", "金额": 5000},
        {"单位编码": "101001", "功能科目编码": "2011302", "部门经济分类编码": "30227", "支出类型": "项目支出",
         "项目名称": "测试专项", "资金来源": "专项收入", "金额": 700}]
    projects = [dict(SMALL["项目"][0], 项目总金额=55700)]
    prior = [dict(r, 上年预算数=5000) if r["指标"] == "政府性基金预算" else r for r in SMALL["上年数"]]
    prior = [dict(r, 上年预算数=250700) if r["指标"] == "一般公共预算" else r for r in prior]
    _, views = document(tmp_path, 支出明细=lines, 项目=projects, 上年数=prior)
    overall = next(t for t in views.tables if t.id.endswith("-overall"))
    task = next(r for r in overall.rows if r.key == "task/1")
    amounts = [c.value for c in task.cells if isinstance(c.value, Decimal)]
    assert amounts == [Decimal(55700), Decimal(55000)]   # 700 of 专项收入 is not 财政拨款


def _procurement(*measures):
    row = SMALL["政府采购"][0]
    return [dict(row, 计量单位=m, 数量=n) for m, n in measures]


def test_procurement_quantity_total_only_in_one_measure_unit(tmp_path):
    _, views = document(tmp_path, 政府采购=_procurement(("台", 2), ("辆", 3)))
    t10 = next(t for t in views.tables if t.id == "table-10")
    q = t10.column_index("quantity")
    assert t10.grid_rows()[0][q] is None
    _, views = document(tmp_path, 政府采购=_procurement(("台", 2), ("台", 3)))
    t10 = next(t for t in views.tables if t.id == "table-10")
    assert t10.grid_rows()[0][q] == Decimal(5)
