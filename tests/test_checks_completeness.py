"""Complete means complete (issue 11): missing data is an error, an unconfirmed default text a
warning, and 上年数 is required unless the department publishes for the first time."""
from __future__ import annotations

from checks_support import both, cells, check, codes, found, small_wb  # noqa: F401
from compiler.workbook import defaults


def _clear(sheet: str):
    def fn(wb):
        ws = wb[sheet]
        ws.delete_rows(2, ws.max_row)
    return fn


def test_small_workbook_is_complete(small_wb, tmp_path):
    assert not {c for c in codes(check(small_wb, tmp_path)) if c.startswith(("E-DATA", "W-DATA"))}


def test_no_lines_is_an_error_and_no_increase_reason_is_demanded(small_wb, tmp_path):
    checked = check(small_wb, tmp_path, _clear("支出明细"))
    found(checked, "E-DATA-001", "支出明细!A2", "error")
    assert "E-PRIOR-001" not in codes(checked)


def test_no_units_and_no_duties_are_errors(small_wb, tmp_path):
    checked = check(small_wb, tmp_path, both(_clear("单位"), _clear("部门职责")))
    found(checked, "E-DATA-002", "单位!A2", "error")
    found(checked, "E-DATA-003", "部门职责!A2", "error")


def test_missing_prior_items_are_listed_once(small_wb, tmp_path):
    checked = check(small_wb, tmp_path, _clear("上年数"))
    [d] = found(checked, "E-DATA-004", "上年数!A2", "error")
    assert "一般公共预算、政府性基金预算、因公出国（境）费" in d.message and "机关运行经费" in d.message


def test_one_missing_prior_item_points_below_the_last_row(small_wb, tmp_path):
    def drop_last(wb):
        wb["上年数"].delete_rows(wb["上年数"].max_row)
    [d] = found(check(small_wb, tmp_path, drop_last), "E-DATA-004", "上年数!A8")
    assert "缺少 1 个指标：机关运行经费" in d.message


def test_first_publication_needs_no_prior(small_wb, tmp_path):
    def first(wb):
        wb["基本信息"].append(["首次公开", "是"])
    checked = check(small_wb, tmp_path, both(_clear("上年数"), first))
    assert "E-DATA-004" not in codes(checked)
    assert checked.budget.info.is_first_publication


def test_first_publication_value_outside_list_is_an_error(small_wb, tmp_path):
    def bad(wb):
        wb["基本信息"].append(["首次公开", "不是"])
    assert "E-ENUM-001" in codes(check(small_wb, tmp_path, bad))


def test_default_claim_left_unchanged_is_warned_at_its_cell(small_wb, tmp_path):
    claim = dict(defaults.TEXTS)["专项转移支付情况"]
    [d] = found(check(small_wb, tmp_path, cells(**{"说明文字!B2": claim})), "W-DATA-005", "说明文字!B2",
                "warning")
    assert "专项转移支付情况" in d.message


def test_rewritten_claim_and_standard_definitions_are_not_warned(small_wb, tmp_path):
    rewritten = "本部门2021年预算没有安排专项转移支付项目，已核对。"
    standard = dict(defaults.TEXTS)["公务接待费说明"]  # a definition, true for every department
    assert "公务接待费说明" not in defaults.TO_CONFIRM
    checked = check(small_wb, tmp_path, cells(**{"说明文字!B2": rewritten, "说明文字!B3": standard}))
    assert "W-DATA-005" not in codes(checked)
