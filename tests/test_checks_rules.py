"""One test per rule of issue 3 (codes, references, classification, amounts, projects,
procurement, staff): mutate the valid example, check in process, assert code, cell, severity."""
from __future__ import annotations

from checks_support import append, both, cells, check, codes, copy_row, example, found, small_wb  # noqa: F401
from compiler.checks import run_checks
from compiler.diagnostics import Report
from compiler.pipeline import check_workbook


# ------------------------------------------------------------------------------ codes

def test_func_code_not_7_digits(example, tmp_path):
    c = check(example, tmp_path, cells(**{"支出明细!B2": "201130", "政府采购!B3": "20113011"}))
    d = found(c, "E-CODE-002", "支出明细!B2", "error")[0]
    assert "201130" in d.message and d.expected == "7 位" and d.actual == "6 位"
    found(c, "E-CODE-002", "政府采购!B3", "error")


def test_econ_code_not_5_digits(example, tmp_path):
    c = check(example, tmp_path, cells(**{"支出明细!C2": "3010", "支出明细!D3": "501011"}))
    found(c, "E-CODE-003", "支出明细!C2", "error")
    assert "政府经济分类" in found(c, "E-CODE-003", "支出明细!D3", "error")[0].message


def test_unknown_code_where_the_catalogue_is_complete_is_an_error(example, tmp_path):
    c = check(example, tmp_path, cells(**{"支出明细!B2": "9991301", "支出明细!C3": "38801",
                                          "政府采购!B2": "9991301"}))
    d = found(c, "E-CODE-004", "支出明细!B2", "error")[0]
    assert "999" in d.message and "类" in d.message
    found(c, "E-CODE-004", "支出明细!C3", "error")
    found(c, "E-CODE-004", "政府采购!B2", "error")


def test_unknown_code_where_the_catalogue_is_incomplete_is_a_warning(example, tmp_path):
    c = check(example, tmp_path, cells(**{"支出明细!B2": "2011398", "支出明细!C3": "30188"}))
    assert "2011398" in found(c, "W-CODE-005", "支出明细!B2", "warning")[0].message
    found(c, "W-CODE-005", "支出明细!C3", "warning")
    assert not c.report.errors


def test_name_given_on_a_line_must_match_the_catalogue(example, tmp_path):
    c = check(example, tmp_path, cells(**{"支出明细!I2": "一般行政管理事务", "支出明细!J2": "基本工资",
                                          "支出明细!J3": "奖金", "支出明细!I3": "行政运行"}))
    d = found(c, "E-CODE-006", "支出明细!I2", "error")[0]
    assert "一般行政管理事务" in d.message and "行政运行" in d.message
    assert (d.expected, d.actual) == ("行政运行", "一般行政管理事务")
    found(c, "E-CODE-006", "支出明细!J3", "error")  # 30102 is 津贴补贴
    assert [d.location for d in c.report.errors] == ["支出明细!I2", "支出明细!J3"]


# ------------------------------------------------------------------------------ references

def test_unit_code_must_exist(example, tmp_path):
    c = check(example, tmp_path, cells(**{"支出明细!A2": "039999", "项目!B3": "039998",
                                          "政府采购!A2": "039997"}))
    assert "039999" in found(c, "E-REF-001", "支出明细!A2", "error")[0].message
    found(c, "E-REF-001", "项目!B3", "error")
    found(c, "E-REF-001", "政府采购!A2", "error")


def test_line_project_must_exist(example, tmp_path):
    c = check(example, tmp_path, cells(**{"支出明细!F36": "供应链创新与应用专项资金"}))
    d = found(c, "E-REF-002", "支出明细!F36", "error")[0]
    assert "供应链创新与应用专项资金" in d.message and "供应链体系建设专项资金" in d.message  # suggestion


def test_indicator_project_must_exist(example, tmp_path):
    c = check(example, tmp_path, cells(**{"绩效指标!A2": "供应链创新与应用专项资金"}))
    found(c, "E-REF-003", "绩效指标!A2", "error")


def test_task_projects_must_exist(example, tmp_path):
    c = check(example, tmp_path, cells(**{"整体绩效任务!C2": "对外开放资金一（招商引资专项）\n商贸流通业发展专项资金"}))
    d = found(c, "E-REF-004", "整体绩效任务!C2", "error")
    assert len(d) == 1 and "对外开放资金一（招商引资专项）" in d[0].message


def test_unit_codes_are_unique(example, tmp_path):
    c = check(example, tmp_path, cells(**{"单位!A3": "031001"}))
    assert "第 2 行" in found(c, "E-REF-005", "单位!A3", "error")[0].message


def test_unit_names_are_unique(example, tmp_path):
    c = check(example, tmp_path, cells(**{"单位!B3": "郑州市商务局机关"}))
    found(c, "E-REF-006", "单位!B3", "error")


def test_project_names_are_unique(example, tmp_path):
    c = check(example, tmp_path, cells(**{"项目!A3": "供应链体系建设专项资金"}))
    found(c, "E-REF-007", "项目!A3", "error")


def test_project_line_of_another_unit(example, tmp_path):
    c = check(example, tmp_path, cells(**{"支出明细!A95": "031001"}))  # 会展中心财产保险补贴 is 031003's
    d = found(c, "W-REF-008", "支出明细!A95", "warning")[0]
    assert (d.expected, d.actual) == ("031003", "031001")


def test_a_dropped_project_row_gives_no_follow_on_reference_errors(example, tmp_path):
    c = check(example, tmp_path, cells(**{"项目!J4": "三百九十万"}))
    assert [(d.code, d.location) for d in c.report.errors] == [("E-AMOUNT-002", "项目!J4")]


# ------------------------------------------------------------------------------ classification

def test_basic_line_with_a_non_basic_economic_class(example, tmp_path):
    c = check(example, tmp_path, cells(**{"支出明细!C5": "31299"}))
    d = found(c, "W-CLASS-001", "支出明细!C5", "warning")[0]
    assert "312" in d.message


def test_project_line_with_personnel_class(example, tmp_path):
    c = check(example, tmp_path, cells(**{"支出明细!C36": "30101"}))
    found(c, "W-CLASS-002", "支出明细!C36", "warning")


def test_given_government_class_must_follow_the_correspondence(example, tmp_path):
    # 031001 is a 行政单位: 30101 -> 50101; 50501 is the 事业 class
    c = check(example, tmp_path, cells(**{"支出明细!D2": "50501", "支出明细!D3": "50101"}))
    d = found(c, "E-CLASS-003", "支出明细!D2", "error")[0]
    assert (d.expected, d.actual) == ("50101", "50501") and "行政单位" in d.message
    assert not [x for x in c.report.items if x.location == "支出明细!D3"]


def test_no_government_class_for_an_unknown_economic_code(example, tmp_path):
    c = check(example, tmp_path, cells(**{"支出明细!C2": "30188"}))
    found(c, "W-CLASS-004", "支出明细!D2", "warning")


# ------------------------------------------------------------------------------ amounts

def test_zero_line(example, tmp_path):
    c = check(example, tmp_path, cells(**{"支出明细!H9": 0}))
    found(c, "W-AMOUNT-005", "支出明细!H9", "warning")


def test_duplicate_line(example, tmp_path):
    c = check(example, tmp_path, copy_row("支出明细", 36))
    d = found(c, "W-AMOUNT-006", "支出明细!H137", "warning")[0]
    assert "第 36 行" in d.message


def test_same_line_with_another_amount_is_not_a_duplicate(example, tmp_path):
    def fn(wb):
        copy_row("支出明细", 36)(wb)
        wb["支出明细"]["H137"] = 1
    c = check(example, tmp_path, fn)
    assert "W-AMOUNT-006" not in codes(c)


# ------------------------------------------------------------------------------ projects

def test_project_total_below_its_lines(example, tmp_path):
    c = check(example, tmp_path, cells(**{"项目!J4": 3800000}))
    d = found(c, "E-PROJ-001", "项目!J4", "error")[0]
    assert (d.expected, d.actual) == ("3,900,000", "3,800,000")
    assert d.extra["difference"] == "-100,000"
    assert "肉菜追溯体系建设资金" in d.message and "100,000 元" in d.message


def test_project_total_may_exceed_this_years_amount(example, tmp_path):
    c = check(example, tmp_path, cells(**{"项目!J4": 7800000}))
    assert not c.report.errors


def test_project_without_lines(example, tmp_path):
    row = ["新项目", "031001", "其他项目", "业务类"] + [None] * 5 + [100000]
    c = check(example, tmp_path, append("项目", row))
    found(c, "W-PROJ-002", "项目!A13", "warning")


def test_project_without_indicators(example, tmp_path):
    def fn(wb):
        ws = wb["绩效指标"]
        for r in range(ws.max_row, 1, -1):
            if ws.cell(r, 1).value == "市委市政府课题研究经费":
                ws.delete_rows(r)
    c = check(example, tmp_path, fn)
    d = found(c, "W-PROJ-003", "项目!A3", "warning")
    assert len(d) == 1


def test_indicator_levels_outside_the_skeleton(example, tmp_path):
    c = check(example, tmp_path, cells(**{"绩效指标!B2": "产出指标", "绩效指标!C3": "预算"}))
    d = found(c, "W-PROJ-004", "绩效指标!B2", "warning")[0]
    assert d.actual == "产出指标" and "产出目标" in d.expected
    assert "投入与目标管理" in found(c, "W-PROJ-004", "绩效指标!C3", "warning")[0].message


def test_start_after_end(example, tmp_path):
    c = check(example, tmp_path, cells(**{"项目!H2": "2020-12-31", "项目!I2": "2020-01-01"}))
    found(c, "E-PROJ-005", "项目!H2", "error")


def test_project_period_out_of_the_budget_year(example, tmp_path):
    c = check(example, tmp_path, cells(**{
        "项目!H2": "2019-01-01", "项目!I2": "2019-06-30",  # ended before 2020
        "项目!H3": "2021-03-01", "项目!I3": "2021-12-31",  # starts after 2020
        "项目!I4": "2035-12-31",                                  # > 10 years away
        "项目!H5": "2005-01-01"}))
    for where in ("项目!I2", "项目!H3", "项目!I4", "项目!H5"):
        found(c, "W-PROJ-006", where, "warning")
    assert not c.report.errors


def test_multi_year_project_is_fine(example, tmp_path):
    c = check(example, tmp_path, cells(**{"项目!H2": "2018-01-01", "项目!I2": "2022-12-31"}))
    assert "W-PROJ-006" not in codes(c)


# ------------------------------------------------------------------------------ procurement

def test_procurement_category_against_the_catalogue(example, tmp_path):
    c = check(example, tmp_path, cells(**{"政府采购!E2": "货物"}))  # 印刷、出版 is a service
    d = found(c, "E-PROC-001", "政府采购!E2", "error")[0]
    assert (d.expected, d.actual) == ("服务", "货物")


def test_blank_category_that_cannot_be_derived(example, tmp_path):
    c = check(example, tmp_path, cells(**{"政府采购!D3": "神秘物品", "政府采购!E3": None,
                                          "政府采购!E4": None}))
    found(c, "W-PROC-002", "政府采购!E3", "warning")
    assert not [d for d in c.report.items if d.location == "政府采购!E4"]  # derivable: fine


def test_procurement_exceeding_spending_on_a_function(example, tmp_path):
    c = check(example, tmp_path, cells(**{"政府采购!I10": 99000000}))
    d = found(c, "W-PROC-003", "政府采购!I5", "warning")[0]
    assert "031005" in d.message and "2011350" in d.message
    assert d.actual == "99,155,000" and d.extra["difference"].startswith("+")


def test_procurement_quantity_blank(example, tmp_path):
    c = check(example, tmp_path, cells(**{"政府采购!H2": None}))
    found(c, "W-PROC-004", "政府采购!H2", "warning")


# ------------------------------------------------------------------------------ staff

def test_negative_counts_in_a_budget_built_by_a_program(small_wb):
    checked = check_workbook(small_wb)
    budget = checked.budget.model_copy(update={
        "staff": checked.budget.staff.model_copy(update={"car_general": -1})})
    report = Report("small.xlsx")
    run_checks(budget, report)
    d = [x for x in report.items if x.code == "E-STAFF-001"]
    assert [x.location for x in d] == ["人员车辆资产!B7"] and "一般公务用车" in d[0].message
