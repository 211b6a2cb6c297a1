"""Property: a random valid workbook (written by the real writer, read by the real reader) gets
no error from any check; replacing one random money cell by a non-number gets exactly one
error, E-AMOUNT-002 at that cell — no follow-on errors from the records the reader left out."""
from __future__ import annotations

import csv
import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compiler.catalogs import PACKAGE_DIR, load_catalog
from compiler.config import load_config
from compiler.pipeline import check_workbook
from compiler.workbook.new import build_workbook
from compiler.workbook.schema import ENUMS, col_of

CATALOG = load_catalog(2020)


def _codes(file: str, length: int) -> list[str]:
    with (PACKAGE_DIR / "2020" / file).open(encoding="utf-8-sig", newline="") as fh:
        return [r["编码"] for r in csv.DictReader(fh) if len(r["编码"]) == length]


FUNCS = _codes("功能分类.csv", 7)
ECON = _codes("部门经济分类.csv", 5)
BASIC_ECON = [e for e in ECON if e[:3] in ("301", "302", "303", "310")]
PROJECT_ECON = [e for e in ECON if e[:3] in ("302", "310", "312", "399")]
SLOT_KEYS = load_config().data.get("slots", {}).get("keys", [])
SKELETON = load_config().skeleton
PRIOR_REQUIRED = list(load_config().data["checks"]["prior_required"])
NOT_NUMBERS = ["1,200", "一百", "12万", "abc", "１２", "1.2.3", "约100", "N/A"]

money = st.one_of(st.integers(1, 10 ** 9), st.decimals(min_value=Decimal("0.01"), max_value=10 ** 7,
                                                       places=2, allow_nan=False, allow_infinity=False))


@st.composite
def workbooks(draw) -> dict:
    year = draw(st.sampled_from([2020, 2021]))
    units = [{"单位编码": f"10100{i + 1}", "单位名称": f"测试单位{i + 1}",
              "单位类型": draw(st.sampled_from(ENUMS["单位类型"]))} for i in range(draw(st.integers(1, 3)))]
    kind_of = {u["单位编码"]: u["单位类型"] for u in units}
    projects = [{"项目名称": f"测试项目{i + 1}", "单位编码": draw(st.sampled_from(list(kind_of))),
                 "项目类别": draw(st.sampled_from(ENUMS["项目类别"])), "开始日期": f"{year}-01-01",
                 "结束日期": f"{year}-12-31", "项目概况": "开展相关工作。"}
                for i in range(draw(st.integers(0, 3)))]
    lines, spent = [], {p["项目名称"]: Decimal(0) for p in projects}
    for _ in range(draw(st.integers(1, 30))):
        project = draw(st.sampled_from(projects)) if projects and draw(st.booleans()) else None
        unit = project["单位编码"] if project else draw(st.sampled_from(list(kind_of)))
        econ = draw(st.sampled_from(PROJECT_ECON if project else BASIC_ECON))
        gov = CATALOG.gov_for(econ, kind_of[unit]) if draw(st.booleans()) else None
        amount = Decimal(draw(money))
        lines.append({"单位编码": unit, "功能科目编码": draw(st.sampled_from(FUNCS)), "部门经济分类编码": econ,
                      "政府经济分类编码": gov, "支出类型": "项目支出" if project else "基本支出",
                      "项目名称": project["项目名称"] if project else None,
                      "资金来源": draw(st.sampled_from(ENUMS["资金来源"])), "金额": amount})
        if project:
            spent[project["项目名称"]] += amount
    for p in projects:
        p["项目总金额"] = spent[p["项目名称"]] + draw(st.sampled_from([0, 0, 1000]))
        p["上年度金额"] = draw(st.one_of(st.none(), money))
    level1, level2s = SKELETON[0]
    indicators = [{"项目名称": p["项目名称"], "一级指标": level1, "二级指标": level2s[0], "三级指标": "完成率",
                   "目标值": "100%"} for p in projects]
    procurement = [{"单位编码": draw(st.sampled_from(list(kind_of))), "功能科目编码": draw(st.sampled_from(FUNCS)),
                    "采购项目": "办公设备购置", "采购目录": "计算机", "采购类别": draw(st.sampled_from(["货物", None])),
                    "计量单位": "台", "数量": 2, "金额": draw(money)} for _ in range(draw(st.integers(0, 2)))]
    extra = draw(st.lists(st.sampled_from(ENUMS["上年数指标"]), max_size=3, unique=True))
    items = PRIOR_REQUIRED + [i for i in extra if i not in PRIOR_REQUIRED]  # E-DATA-004 otherwise
    prior = [{"指标": item, "上年预算数": draw(money), "增减原因": "工作任务调整。"} for item in items]
    return {
        "基本信息": [("部门名称", "测试市测试局"), ("预算年度", year)],
        "单位": units, "部门职责": [{"序号": 1, "职责内容": "负责测试工作。"}], "支出明细": lines, "项目": projects, "绩效指标": indicators,
        "政府采购": procurement, "上年数": prior,
        "说明文字": [{"键": k, "内容": "相关说明。"} for k in SLOT_KEYS],
    }


def money_cells(data: dict) -> list[tuple[str, str]]:
    """(sheet, cell) of every filled money cell (rows as the writer lays them out)."""
    out = []
    for sheet, fields in (("支出明细", {"金额": "amount"}), ("项目", {"项目总金额": "total", "上年度金额": "prev_amount"}),
                          ("政府采购", {"金额": "amount"}), ("上年数", {"上年预算数": "amount"})):
        for i, row in enumerate(data[sheet]):
            out += [(sheet, f"{col_of(sheet, f)}{i + 2}") for h, f in fields.items() if row.get(h) is not None]
    return out


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=workbooks(), pick=st.integers(min_value=0), bad=st.sampled_from(NOT_NUMBERS))
def test_valid_workbooks_pass_and_one_bad_money_cell_is_reported_alone(data, pick, bad):
    with tempfile.TemporaryDirectory() as tmp:
        wb = build_workbook(data=data)
        good = Path(tmp) / "good.xlsx"
        wb.save(good)
        checked = check_workbook(good)
        assert not checked.report.errors, [(d.code, d.location, d.message) for d in checked.report.errors]

        sheet, cell = money_cells(data)[pick % len(money_cells(data))]
        wb[sheet][cell] = bad
        broken = Path(tmp) / "broken.xlsx"
        wb.save(broken)
        errors = [(d.code, d.sheet, d.cell) for d in check_workbook(broken).report.errors]
        assert errors == [("E-AMOUNT-002", sheet, cell)]
