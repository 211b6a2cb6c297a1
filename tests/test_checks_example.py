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
    # template remnants kept as printed (seed-audit A18)
    ("W-TEXT-007", "说明文字!B10"),   # "我局（委）"
    ("W-TEXT-008", "绩效指标!D127"),  # "奖补跨境电商企业数奖补跨境电商企业数量"
    ("W-TEXT-008", "整体绩效目标!B3"),  # the same, in 目标2
    ("W-TEXT-009", "项目!S2"),    # "培育15-20家成长性好、一体化。"
    ("W-TEXT-009", "项目!S7"),    # the same sentence in 商贸流通
    ("W-TEXT-009", "项目!Q9"),    # "按实际需要展"
    ("W-TEXT-010", "名词解释!C3"),  # "纳入省财政预算管理" in a municipal document
    ("W-TEXT-001", "项目!M10"),   # 支持三外: "郑政〔2019〕**号", a document number not yet given
    ("W-TEXT-001", "项目!N10"),
    ("W-TEXT-001", "项目!O10"),
    ("W-TEXT-001", "项目!P10"),
    # 整体绩效任务 leave 6 projects (66,620,000 元) out (seed-audit A20)
    ("W-TASK-001", "整体绩效任务!C7"),
    # 事业单位 lines on 行政单位 function codes (seed-audit A21)
    ("W-CLASS-005", "支出明细!B73"),   # 031002 on 2101101 行政单位医疗
    ("W-CLASS-005", "支出明细!B92"),   # 031003 on 2101101
    ("W-CLASS-005", "支出明细!B135"),  # 031005 on 2101101
    ("W-CLASS-005", "支出明细!B109"),  # 031004 on 2080501 行政单位离退休
    ("W-CLASS-005", "支出明细!B133"),  # 031005 on 2080501
    # typed targets against the indicator of the same measure (tests/test_checks_numbers.py has
    # the figures): seed-audit A9, A10, A12, A13, A19
    ("W-TEXT-011", "整体绩效目标!B6"),  # 目标5 "达到35亿元" vs ≥36亿元人民币; "大于35家" vs ≥35家
    ("W-TEXT-011", "项目!T5"),     # 外经贸 "5.5亿美元" vs ≥5亿元; "超过100家" vs ≥100家
    ("W-TEXT-011", "项目!T12"),    # 会展 "360亿元" vs ≥370亿元, "200家" vs ≥210家
    ("W-TEXT-011", "项目!T9"),     # 招商 "6次以上" vs ≥12次
    ("W-TEXT-011", "整体绩效目标!B2"),  # "大于5000亿元" vs ≥5000亿元
    ("W-TEXT-011", "整体绩效目标!B3"),  # "大于25家" vs ≥25家
    ("W-TEXT-011", "整体绩效目标!B4"),  # "大于100家", "大于4000亿元", "大于5亿元" vs ≥
    ("W-TEXT-011", "整体绩效目标!B5"),  # "大于1.6万吨" vs 16000吨, "大于200万条" vs ≥200万条
    # one measure, two targets: 全市进出口额 ≥4160亿 vs 市级进出口额 ≥4000亿元 (seed-audit A11)
    ("W-PERF-001", "绩效指标!E176"),
}


def test_example_has_no_errors_and_only_the_known_warnings(example):
    checked = check_workbook(example)
    assert not checked.report.errors, [(d.code, d.location, d.message) for d in checked.report.errors]
    got = {(d.code, d.location) for d in checked.report.warnings}
    assert got == EXAMPLE_WARNINGS, (
        "the example's warnings changed; update EXAMPLE_WARNINGS and docs/example-notes.md:\n"
        f"new: {sorted(got - EXAMPLE_WARNINGS)}\ngone: {sorted(EXAMPLE_WARNINGS - got)}")
    assert checked.exit_status == 0
