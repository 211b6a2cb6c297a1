"""Code lists that serve every department (issue 11): the budget year's catalogue (or the
nearest earlier one, said once), names entered for codes the list lacks accepted and used
everywhere, 政府采购 names, and a clean non-example department passing --strict."""
from __future__ import annotations

import copy
import csv
import shutil
from pathlib import Path

import pytest

from compiler.catalogs import catalog_for, load_catalog
from compiler.cli import main
from compiler.config import load_config
from compiler.derive import derive
from compiler.pipeline import Options, check_workbook, compile_workbook
from conftest import SMALL, write_small

from checks_support import codes, found

# A 2021 culture bureau: 图书馆, 群众文化 and 其他文化和旅游支出 under 20701, names entered as
# the hint says; 政府采购 under 群众文化 with no name of its own.
CULTURE = copy.deepcopy(SMALL)
CULTURE["基本信息"] = [("部门名称", "测试市文化广电和旅游局"), ("部门简称", "我局"), ("预算年度", 2021),
                   ("资产统计截止日期", "2020-12-31")]
CULTURE["支出明细"] = [
    {"单位编码": "101001", "功能科目编码": "2070101", "部门经济分类编码": "30101", "支出类型": "基本支出",
     "资金来源": "财政拨款", "金额": 120000.55},
    {"单位编码": "101001", "功能科目编码": "2070199", "部门经济分类编码": "30201", "支出类型": "基本支出",
     "资金来源": "财政拨款", "金额": 30000, "功能科目名称": "其他文化和旅游支出"},
    {"单位编码": "101002", "功能科目编码": "2070104", "部门经济分类编码": "30101", "支出类型": "基本支出",
     "资金来源": "财政拨款", "金额": 80000, "功能科目名称": "图书馆"},
    {"单位编码": "101001", "功能科目编码": "2070109", "部门经济分类编码": "30227", "支出类型": "项目支出",
     "项目名称": "测试专项", "资金来源": "财政拨款", "金额": 49999.45, "功能科目名称": "群众文化"},
]
CULTURE["政府采购"] = [{"单位编码": "101001", "功能科目编码": "2070109", "采购项目": "办公设备购置",
                    "采购目录": "计算机", "采购类别": "货物", "计量单位": "台", "数量": 2, "金额": 10000}]
# rows of 支出明细 in the sheet (header is row 1)
LIBRARY_ROW = 4


@pytest.fixture(scope="module")
def culture(tmp_path_factory) -> Path:
    return write_small(tmp_path_factory.mktemp("culture") / "culture-2021.xlsx", CULTURE)


def catalog_without(tmp_path: Path, year: int, *codes: str) -> Path:
    """A copy of the bundled catalogue of *year* without *codes* (and their children)."""
    src = load_catalog(year).source_dir
    dst = tmp_path / f"catalog-{year}"
    shutil.copytree(src, dst)
    path = dst / "功能分类.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    kept = [r for r in rows if not any(r[0].startswith(c) for c in codes)]
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(kept)
    return dst


def item_name(views, table_id: str, key: str) -> str:
    table = next(t for t in views.tables if t.id == table_id)
    row = next(r for r in table.rows if r.key == key)
    return row.cells[table.column_index("name")].value


def views_of(path: Path, catalog_dir: Path | None = None):
    checked = check_workbook(path, catalog_dir)
    return checked, derive(checked.budget, catalog_for(checked.budget, catalog_dir), load_config())


# -- the culture bureau ------------------------------------------------------------------------

def test_culture_bureau_2021_is_clean_and_prints_its_names(culture):
    checked, views = views_of(culture)
    assert checked.report.items == []
    assert item_name(views, "table-3", "101002/2070104") == "图书馆"
    assert item_name(views, "table-3", "101001/2070109") == "群众文化"
    assert item_name(views, "table-3", "101001/2070199") == "其他文化和旅游支出"


def test_strict_passes_for_a_clean_department(culture, capsys):
    assert main(["check", str(culture), "--strict"]) == 0
    assert "0 个错误，0 个警告" in capsys.readouterr().out


def test_code_missing_from_the_list_is_accepted_with_its_name(culture, tmp_path):
    """The list lacks 2070104 and 2070109: the names typed on the lines are used in the
    tables, the narrative's data and the open data, and nothing is reported."""
    cat = catalog_without(tmp_path, 2021, "2070104", "2070109")
    assert load_catalog(2021, cat).func_name("2070104") is None
    checked, views = views_of(culture, cat)
    assert checked.report.items == []
    assert item_name(views, "table-3", "101002/2070104") == "图书馆"
    assert item_name(views, "table-3", "101001/2070109") == "群众文化"
    out = tmp_path / "out"
    result = compile_workbook(culture, Options(catalog=cat, formats=("html", "data"), out=out))
    assert result.exit_status == 0 and result.error is None
    with (out / "culture-2021-data" / "lines.csv").open(encoding="utf-8-sig") as fh:
        lines = {r["来源行号"]: r for r in csv.DictReader(fh)}
    assert lines[str(LIBRARY_ROW)]["功能分类项编码"] == "2070104"
    assert lines[str(LIBRARY_ROW)]["功能分类项名称"] == "图书馆"
    assert "图书馆" in (out / "culture-2021.html").read_text(encoding="utf-8")


def test_code_missing_without_a_name_is_reported(culture, tmp_path):
    cat = catalog_without(tmp_path, 2021, "2070104")
    data = copy.deepcopy(CULTURE)
    del data["支出明细"][2]["功能科目名称"]
    path = write_small(tmp_path / "noname.xlsx", data)
    checked = check_workbook(path, cat)
    level = "E-CODE-004" if load_catalog(2021, cat).is_complete("功能分类", "项") else "W-CODE-005"
    d = found(checked, level, f"支出明细!B{LIBRARY_ROW}")[0]
    assert "2070104" in d.message and "2021 年科目目录" in d.message


@pytest.mark.parametrize("year,level", [(2020, "E-CODE-004"), (2021, "W-CODE-005")])
def test_a_name_does_not_make_an_unknown_class(tmp_path, year, level):
    """The 类 comes from the list (the narrative groups by it): 999 with a 项 name is still
    not a 功能分类 — an error where the list claims every 类 (2020), a warning where the 类
    list of the year could not be verified (2021)."""
    assert load_catalog(year).is_complete("功能分类", "类") == (level == "E-CODE-004")
    data = copy.deepcopy(CULTURE)
    data["基本信息"][2] = ("预算年度", year)
    data["支出明细"][2]["功能科目编码"] = "9990104"
    checked = check_workbook(write_small(tmp_path / "class.xlsx", data))
    d = found(checked, level, f"支出明细!B{LIBRARY_ROW}")[0]
    assert d.message == f"功能科目编码 9990104 的类级 999 不在 {year} 年科目目录中（功能分类类级）"


def test_name_of_a_listed_sibling_is_a_likely_typo(tmp_path):
    data = copy.deepcopy(CULTURE)
    # 一般行政管理事务 is 2070102: 2070120 is that code with two digits swapped
    data["支出明细"][3].update({"功能科目编码": "2070120", "功能科目名称": "一般行政管理事务"})
    data["政府采购"][0]["功能科目编码"] = "2070120"
    checked = check_workbook(write_small(tmp_path / "typo.xlsx", data))
    d = found(checked, "W-CODE-007", "支出明细!I5", "warning")[0]
    assert d.expected == "2070102" and d.actual == "2070120"
    assert d.message == "功能科目编码 2070120 不在 2021 年科目目录中，而名称“一般行政管理事务”是目录中 2070102 的名称"
    assert codes(checked) == {"W-CODE-007"}


def test_one_unlisted_code_with_two_names(tmp_path):
    cat = catalog_without(tmp_path, 2021, "2070104")
    data = copy.deepcopy(CULTURE)
    data["支出明细"][1].update({"功能科目编码": "2070104", "功能科目名称": "图书馆事业"})
    checked = check_workbook(write_small(tmp_path / "two.xlsx", data), cat)
    d = found(checked, "E-CODE-008", f"支出明细!I{LIBRARY_ROW}", "error")[0]
    assert d.expected == "图书馆事业" and d.actual == "图书馆"


def test_listed_code_with_a_different_name_is_still_an_error(tmp_path):
    data = copy.deepcopy(CULTURE)
    data["支出明细"][0]["功能科目名称"] = "图书馆"  # 2070101 is 行政运行
    checked = check_workbook(write_small(tmp_path / "wrong.xlsx", data))
    d = found(checked, "E-CODE-006", "支出明细!I2", "error")[0]
    assert d.expected == "行政运行"


# -- 政府采购 ----------------------------------------------------------------------------------

def test_procurement_takes_the_name_from_the_lines(culture, tmp_path):
    cat = catalog_without(tmp_path, 2021, "2070109")
    assert check_workbook(culture, cat).report.items == []


def test_procurement_without_any_name_is_reported(tmp_path):
    cat = catalog_without(tmp_path, 2021, "2070108")
    data = copy.deepcopy(CULTURE)
    data["政府采购"][0]["功能科目编码"] = "2070108"  # on no 支出明细 line
    checked = check_workbook(write_small(tmp_path / "proc.xlsx", data), cat)
    assert {"W-CODE-005", "E-CODE-004"} & codes(checked)
    assert [d.location for d in checked.report.items if d.code in ("W-CODE-005", "E-CODE-004")] == ["政府采购!B2"]


def test_procurement_own_name_column(tmp_path):
    cat = catalog_without(tmp_path, 2021, "2070108")
    data = copy.deepcopy(CULTURE)
    data["政府采购"][0].update({"功能科目编码": "2070108", "功能科目名称": "文化活动"})
    path = write_small(tmp_path / "procname.xlsx", data)
    # no 支出明细 line under 2070108: only the procurement-vs-spending rule speaks
    assert codes(check_workbook(path, cat)) == {"W-PROC-003"}
    checked, views = views_of(path, cat)
    assert catalog_for(checked.budget, cat).func_name("2070108") == "文化活动"


def test_procurement_own_name_must_match_the_list(tmp_path):
    data = copy.deepcopy(CULTURE)
    data["政府采购"][0].update({"功能科目编码": "2070101", "功能科目名称": "文化活动"})  # 2070101 is 行政运行
    checked = check_workbook(write_small(tmp_path / "procwrong.xlsx", data))
    d = found(checked, "E-CODE-006", "政府采购!J2", "error")[0]
    assert d.expected == "行政运行"


def test_procurement_name_must_agree_with_the_lines(tmp_path):
    cat = catalog_without(tmp_path, 2021, "2070109")
    data = copy.deepcopy(CULTURE)
    data["政府采购"][0]["功能科目名称"] = "文化活动"  # the 支出明细 line says 群众文化
    checked = check_workbook(write_small(tmp_path / "procdiff.xlsx", data), cat)
    d = found(checked, "E-CODE-008", "政府采购!J2", "error")[0]
    assert d.message == "功能科目编码 2070109 的名称在支出明细第 5 行为“群众文化”，此处为“文化活动”"


def test_procurement_name_column_is_optional():
    """Workbooks written before the column existed still read (the example has none)."""
    from compiler.workbook.schema import SHEET_BY_NAME
    col = next(c for c in SHEET_BY_NAME["政府采购"].columns if c.field == "func_name")
    assert col.optional and not col.required


# -- the year of the catalogue -----------------------------------------------------------------

def test_year_without_a_catalogue_uses_the_nearest_earlier_and_says_so_once(tmp_path):
    from compiler.catalogs import bundled_years
    latest = bundled_years()[-1]
    data = copy.deepcopy(CULTURE)
    data["基本信息"][2] = ("预算年度", latest + 5)
    data["支出明细"][2]["功能科目编码"] = "2070108"   # not a 2070104 line, and no name: 文化活动
    data["支出明细"][2].pop("功能科目名称")
    checked = check_workbook(write_small(tmp_path / "future.xlsx", data))
    said = [d for d in checked.report.items if d.code == "W-CAT-003"]
    assert len(said) == 1
    assert said[0].location == "基本信息!B4"
    assert said[0].message == f"没有 {latest + 5} 年的内置科目目录，使用的是 {latest} 年的目录"
    assert (said[0].expected, said[0].actual) == (str(latest + 5), str(latest))
    # every code of the workbook is in that list: nothing else about codes or catalogues
    assert [d.code for d in checked.report.items if "CODE" in d.code or "CAT" in d.code] == ["W-CAT-003"]


def test_each_year_uses_its_own_catalogue():
    from compiler.catalogs import bundled_years
    for year in bundled_years():
        assert load_catalog(year).year == year


def test_catalogue_overlay_lookup():
    cat = load_catalog(2020)
    over = cat.with_names({"2011301": "别的名字", "2079999": "新设科目"}, {"30299": "x", "30298": "新款"})
    assert over.func_name("2011301") == "行政运行"      # the list's own name wins
    assert over.func_name("2079999") == "新设科目"
    assert over.econ_name("30298") == "新款"
    assert cat.func_name("2079999") is None             # the cached catalogue is untouched
