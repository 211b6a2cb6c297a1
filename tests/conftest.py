"""Shared test helpers: a small valid workbook built with the real writer, mutated per test."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from hypothesis import settings

# Property tests explore the same examples on every run, so CI is red only for a real change;
# HYPOTHESIS_PROFILE=explore draws new ones (and keeps failures in .hypothesis/) when hunting.
settings.register_profile("default", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

from compiler.workbook.new import build_workbook

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "inputs" / "zhengzhou-commerce-2020.xlsx"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

SMALL = {
    "基本信息": [("部门名称", "测试市测试局"), ("部门简称", "我局"), ("预算年度", 2021),
              ("资产统计截止日期", "2020-12-31")],
    "单位": [
        {"单位编码": "101001", "单位名称": "测试市测试局机关", "单位类型": "行政单位", "经费形式": "财政全供", "级次": "本级"},
        {"单位编码": "101002", "单位名称": "测试市测试中心", "单位类型": "事业单位", "经费形式": "财政全供", "级次": "下属单位"},
    ],
    "部门职责": [{"序号": 1, "职责内容": "负责全市测试工作。"}],
    "内设机构": [{"序号": 1, "机构名称": "办公室", "主要职责": "负责综合协调。"}],
    "人员车辆资产": [("行政编制", 10), ("事业编制", 5), ("工勤编制", 1), ("在职人员", 15),
                ("离退休人员", 3), ("一般公务用车", 2), ("其他用车", 1)],
    "支出明细": [
        {"单位编码": "101001", "功能科目编码": "2011301", "部门经济分类编码": "30101", "支出类型": "基本支出", "资金来源": "财政拨款", "金额": 120000},
        {"单位编码": "101001", "功能科目编码": "2011301", "部门经济分类编码": "30201", "支出类型": "基本支出", "资金来源": "财政拨款", "金额": 30000},
        {"单位编码": "101002", "功能科目编码": "2011350", "部门经济分类编码": "30101", "支出类型": "基本支出", "资金来源": "财政拨款", "金额": 80000},
        {"单位编码": "101001", "功能科目编码": "2011302", "部门经济分类编码": "30227", "支出类型": "项目支出", "项目名称": "测试专项", "资金来源": "财政拨款", "金额": 50000},
    ],
    "项目": [{"项目名称": "测试专项", "单位编码": "101001", "项目类别": "社会事业和经济发展项目", "资金用途": "业务类",
            "开始日期": "2021-01-01", "结束日期": "2021-12-31", "项目总金额": 50000, "项目概况": "开展测试。"}],
    "绩效指标": [{"项目名称": "测试专项", "一级指标": "产出目标", "二级指标": "数量", "三级指标": "完成测试次数", "目标值": "≥2次"}],
    "政府采购": [{"单位编码": "101001", "功能科目编码": "2011301", "采购项目": "办公设备购置", "采购目录": "计算机",
              "采购类别": "货物", "计量单位": "台", "数量": 2, "金额": 10000}],
    "上年数": [{"指标": "一般公共预算", "上年预算数": 250000, "增减原因": "项目增加。"},
            {"指标": "政府性基金预算", "上年预算数": 0}, {"指标": "因公出国（境）费", "上年预算数": 0},
            {"指标": "公务用车购置费", "上年预算数": 0}, {"指标": "公务用车运行维护费", "上年预算数": 0},
            {"指标": "公务接待费", "上年预算数": 0}, {"指标": "机关运行经费", "上年预算数": 30000}],
    "整体绩效目标": [{"序号": 1, "目标内容": "完成测试工作。"}],
    "整体绩效任务": [{"任务名称": "测试工作", "主要内容": "测试", "关联项目": "测试专项"}],
    "整体绩效指标": [{"一级指标": "履职效能", "二级指标": "整体工作完成", "三级指标": "总体工作完成率", "指标值": "100%"}],
    "说明文字": [{"键": "专项转移支付情况", "内容": "本部门没有安排专项转移支付项目。"}],  # + slot keys, below
    "名词解释": [{"序号": 1, "名词": "基本支出", "解释": "单位为保障机构正常运转而发生的各项支出。"}],
}



def _fill_slots(data: dict) -> None:
    """A valid workbook fills every 说明文字 key the default templates declare (W-SLOT-001)."""
    from compiler.config import load_config
    have = {r["键"] for r in data["说明文字"]}
    keys = load_config().data.get("slots", {}).get("keys", [])
    data["说明文字"] += [{"键": k, "内容": f"{k}的测试内容。"} for k in keys if k not in have]


_fill_slots(SMALL)


# Labels the published tables print differently from their own text; gongkai prints one wording
# everywhere (issue 11), the official names (docs/example-notes.md §1).
RELABELLED = {"4、国有资源资产有偿使用收入": "4、国有资源（资产）有偿使用收入",
              "3、商品服务支出": "3、商品和服务支出", "商品服务支出": "商品和服务支出"}


def published(name: str) -> list[dict]:
    """Rows of a published table of the seed (tests/fixtures/published/<name>), relabelled."""
    import csv
    with (FIXTURES / "published" / name).open(encoding="utf-8") as fh:
        return [{k: RELABELLED.get(v, v) for k, v in row.items()} for row in csv.DictReader(fh)]


def example_views():
    """The example checked and derived in-process: (budget, catalog, views)."""
    from compiler.catalogs import load_catalog
    from compiler.config import load_config
    from compiler.derive import derive
    from compiler.pipeline import check_workbook
    checked = check_workbook(EXAMPLE)
    assert checked.exit_status == 0
    catalog = load_catalog(checked.budget.info.year)
    return checked.budget, catalog, derive(checked.budget, catalog, load_config())


def build(path: Path, out: Path, formats) -> list[Path]:
    """Check and render a clean workbook through the pipeline; the paths written."""
    from compiler.pipeline import Options, compile_workbook
    result = compile_workbook(path, Options(formats=tuple(formats), out=out))
    assert result.exit_status == 0 and result.error is None, (result.error, result.report.errors)
    return result.written


def write_small(path: Path, data: dict | None = None) -> Path:
    build_workbook(data=data or SMALL).save(path)
    return path


@pytest.fixture
def small(tmp_path) -> Path:
    return write_small(tmp_path / "small.xlsx")


def mutate(src: Path, dst: Path, fn) -> Path:
    """Edit a copy of a workbook with openpyxl; fn(wb) changes it. The source is untouched."""
    wb = openpyxl.load_workbook(src)
    fn(wb)
    wb.save(dst)
    return dst


def run_cli(*args, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "compiler", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd or ROOT, env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})
