"""The bundled example passes every check without an error; its warnings are exactly the ones
listed here (each is documented in docs/example-notes.md — update both together)."""
from __future__ import annotations


from checks_support import example  # noqa: F401
from compiler.pipeline import check_workbook

EXAMPLE_WARNINGS = {
    # the document's own words, kept as printed (example-notes §3; seed-audit A7, A12, A14)
    ("W-TEXT-003", "项目!M4"),    # 肉菜 项目概况 "400万元", the project is 3,900,000 元
    ("W-TEXT-006", "项目!M6"),    # 服务外包 项目概况 "现计划在2019年组织编制…"
    ("W-TEXT-006", "项目!T12"),   # 会展 年度绩效目标 "力争2019年…"
    # history and long-range goals in project texts (years other than 2019/2020)
    ("W-TEXT-002", "项目!S2"),    # 供应链 项目总目标 "到2022年"
    ("W-TEXT-002", "项目!M5"),    # 外经贸 项目概况 "2014年郑州市委出台…"
    ("W-TEXT-002", "项目!M6"),    # 服务外包 项目概况 "2017年…2018年…"
    ("W-TEXT-002", "项目!M7"),    # 商贸流通 项目概况 "2011年10月…2014年3月"
    ("W-TEXT-002", "项目!S7"),    # 商贸流通 项目总目标 "到2022年"
    
}


def test_example_has_no_errors_and_only_the_known_warnings(example):
    checked = check_workbook(example)
    assert not checked.report.errors, [(d.code, d.location, d.message) for d in checked.report.errors]
    got = {(d.code, d.location) for d in checked.report.warnings}
    assert got == EXAMPLE_WARNINGS, (
        "the example's warnings changed; update EXAMPLE_WARNINGS and docs/example-notes.md:\n"
        f"new: {sorted(got - EXAMPLE_WARNINGS)}\ngone: {sorted(EXAMPLE_WARNINGS - got)}")
    assert checked.exit_status == 0
