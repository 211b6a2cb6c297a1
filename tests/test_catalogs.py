"""The bundled 2020 code catalogues and their loader."""
from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from compiler.catalogs import (
    RESERVED_FILE,
    TABLES,
    Catalog,
    CatalogError,
    load_catalog,
    unit_class,
)

BUNDLED = Path(__file__).resolve().parent.parent / "compiler" / "catalogs" / "2020"


@pytest.fixture(scope="module")
def cat() -> Catalog:
    return load_catalog(2020)


def copy_catalog(tmp_path: Path) -> Path:
    target = tmp_path / "catalog"
    shutil.copytree(BUNDLED, target)
    return target


# -- names the 郑州市商务局 2020 example uses -------------------------------------------------

FUNC_EXAMPLE = {
    "2011301": "行政运行",
    "2011302": "一般行政管理事务",
    "2011304": "对外贸易管理",
    "2011305": "国际经济合作",
    "2011307": "国内贸易管理",
    "2011308": "招商引资",
    "2011350": "事业运行",
    "2050803": "培训支出",
    "2080501": "行政单位离退休",
    "2080505": "机关事业单位基本养老保险缴费支出",
    "2101101": "行政单位医疗",
    "2101102": "事业单位医疗",
    "2160218": "民贸企业补贴",
    "2210201": "住房公积金",
}


@pytest.mark.parametrize("code,name", sorted(FUNC_EXAMPLE.items()))
def test_example_function_items(cat, code, name):
    assert cat.func_name(code) == name


def test_function_classes_and_kuan(cat):
    assert cat.func_name("201") == "一般公共服务支出"
    assert cat.func_name("20113") == "商贸事务"
    assert cat.func_name("205") == "教育支出"
    assert cat.func_name("20508") == "进修及培训"
    assert cat.func_name("208") == "社会保障和就业支出"
    assert cat.func_name("210") == "卫生健康支出"
    assert cat.func_name("21011") == "行政事业单位医疗"
    assert cat.func_name("216") == "商业服务业等支出"
    assert cat.func_name("21602") == "商业流通事务"
    assert cat.func_name("221") == "住房保障支出"
    assert cat.func_name("22102") == "住房改革支出"
    # every 项 of 20113 商贸事务
    assert [cat.func_name(f"20113{x}") for x in ("01", "02", "03", "04", "05", "06", "07", "08", "50", "99")] == [
        "行政运行", "一般行政管理事务", "机关服务", "对外贸易管理", "国际经济合作", "外资管理",
        "国内贸易管理", "招商引资", "事业运行", "其他商贸事务支出"]


def test_function_codes_are_stripped_and_unknown_is_none(cat):
    assert cat.func_name(" 2011301 ") == "行政运行"
    assert cat.func_name("2011398") is None
    assert cat.func_name("") is None
    assert cat.func_name("20113.0") is None


def test_all_function_classes(cat):
    classes = {c for c in _codes(BUNDLED / "功能分类.csv") if len(c) == 3}
    assert classes == {
        "201", "202", "203", "204", "205", "206", "207", "208", "209", "210", "211", "212", "213",
        "214", "215", "216", "217", "219", "220", "221", "222", "223", "224", "227", "229", "230",
        "231", "232", "233", "234"}
    # the seed's "行政运行（商贸事务）" is a display variant, not the catalogue name
    assert cat.func_name("2011301") != "行政运行（商贸事务）"


ECON_EXAMPLE = {
    "30101": "基本工资", "30102": "津贴补贴", "30108": "机关事业单位基本养老保险缴费",
    "30110": "职工基本医疗保险缴费", "30112": "其他社会保障缴费", "30113": "住房公积金",
    "30201": "办公费", "30202": "印刷费", "30203": "咨询费", "30204": "手续费", "30205": "水费",
    "30206": "电费", "30207": "邮电费", "30209": "物业管理费", "30211": "差旅费",
    "30213": "维修（护）费", "30215": "会议费", "30216": "培训费", "30217": "公务接待费",
    "30226": "劳务费", "30227": "委托业务费", "30228": "工会经费", "30229": "福利费",
    "30231": "公务用车运行维护费", "30239": "其他交通费用", "30299": "其他商品和服务支出",
    "30301": "离休费", "30302": "退休费", "30305": "生活补助", "31002": "办公设备购置",
    "31299": "其他对企业补助",
    "301": "工资福利支出", "302": "商品和服务支出", "303": "对个人和家庭的补助", "310": "资本性支出",
    "312": "对企业补助", "30913": "公务用车购置", "31013": "公务用车购置",
}


@pytest.mark.parametrize("code,name", sorted(ECON_EXAMPLE.items()))
def test_example_econ_names(cat, code, name):
    assert cat.econ_name(code) == name


def test_all_econ_classes(cat):
    classes = [c for c in _codes(BUNDLED / "部门经济分类.csv") if len(c) == 3]
    assert classes == ["301", "302", "303", "307", "309", "310", "311", "312", "313", "399"]
    assert cat.econ_name("30210") is None  # no such 款 since 2018


GOV_EXAMPLE = {
    "50101": "工资奖金津补贴", "50102": "社会保障缴费", "50103": "住房公积金",
    "50201": "办公经费", "50202": "会议费", "50203": "培训费", "50205": "委托业务费",
    "50206": "公务接待费", "50208": "公务用车运行维护费", "50209": "维修（护）费",
    "50299": "其他商品和服务支出", "50306": "设备购置", "50501": "工资福利支出",
    "50502": "商品和服务支出", "50601": "资本性支出（一）", "50799": "其他对企业补助",
    "50901": "社会福利和救助", "50905": "离退休费", "501": "机关工资福利支出",
    "505": "对事业单位经常性补助", "509": "对个人和家庭的补助",
}


@pytest.mark.parametrize("code,name", sorted(GOV_EXAMPLE.items()))
def test_example_gov_names(cat, code, name):
    assert cat.gov_name(code) == name


# -- 部门 → 政府 correspondence ----------------------------------------------------------------

ADMIN_POINTS = {
    "30101": "50101", "30102": "50101", "30103": "50101", "30107": "50101",
    "30108": "50102", "30109": "50102", "30110": "50102", "30111": "50102", "30112": "50102",
    "30113": "50103", "30199": "50199",
    "30201": "50201", "30202": "50201", "30211": "50201", "30228": "50201", "30229": "50201",
    "30239": "50201", "30215": "50202", "30216": "50203", "30217": "50206", "30227": "50205",
    "30226": "50205", "30203": "50205", "30231": "50208", "30213": "50209", "30299": "50299",
    "31002": "50306", "31013": "50303",
}
BOTH_POINTS = {"30301": "50905", "30302": "50905", "30305": "50901", "31299": "50799"}


@pytest.mark.parametrize("econ,gov", sorted({**ADMIN_POINTS, **BOTH_POINTS}.items()))
def test_correspondence_administrative(cat, econ, gov):
    assert cat.gov_for(econ, "行政") == gov
    # the full 单位类型 is accepted too
    assert cat.gov_for(econ, "行政单位") == gov
    assert cat.gov_for(econ, "参照公务员法管理事业单位") == gov


def test_correspondence_institutions(cat):
    econ = [c for c in _codes(BUNDLED / "部门经济分类.csv") if len(c) == 5]
    for code in econ:
        if code.startswith("301"):
            assert cat.gov_for(code, "事业") == "50501", code
        elif code.startswith("302"):
            assert cat.gov_for(code, "事业") == "50502", code
        elif code.startswith("310"):
            assert cat.gov_for(code, "事业") == "50601", code
        elif code.startswith("309"):
            assert cat.gov_for(code, "事业") == "50602", code
        elif code.startswith("303"):
            assert cat.gov_for(code, "事业").startswith("509"), code
            assert cat.gov_for(code, "事业") == cat.gov_for(code, "行政"), code
        elif code.startswith("312"):
            assert cat.gov_for(code, "事业").startswith("507") or cat.gov_for(code, "事业").startswith("508")
    for econ_code, gov in BOTH_POINTS.items():
        assert cat.gov_for(econ_code, "事业") == gov
        assert cat.gov_for(econ_code, "事业单位") == gov


def test_correspondence_one_row_per_code_and_class():
    with (BUNDLED / "经济分类对应.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    keys = [(r["部门经济分类编码"], r["单位类别"]) for r in rows]
    assert len(keys) == len(set(keys))
    econ = {c for c in _codes(BUNDLED / "部门经济分类.csv") if len(c) == 5}
    assert set(keys) == {(c, cls) for c in econ for cls in ("行政", "事业")}


def test_correspondence_unknown(cat):
    assert cat.gov_for("30210", "行政") is None
    assert cat.gov_for("30101", "企业") is None
    assert cat.gov_for("301", "行政") is None


# -- completeness ------------------------------------------------------------------------------

def test_completeness_flags(cat):
    assert cat.is_complete("功能分类", "类")
    assert not cat.is_complete("功能分类", "款")
    assert not cat.is_complete("功能分类", "项")
    assert cat.is_complete("部门经济分类", "类")
    assert cat.is_complete("政府经济分类", "类")
    assert cat.is_complete("经济分类对应", "款")
    assert cat.is_complete("政府采购品目", "类")
    assert not cat.is_complete("政府采购品目", "款")
    assert not cat.is_complete("不存在的表", "类")


def test_catalog_json_names_a_source_for_every_file():
    meta = json.loads((BUNDLED / "catalog.json").read_text(encoding="utf-8"))
    assert meta["year"] == 2020
    assert set(meta["sources"]) == set(TABLES.values()) | {RESERVED_FILE}
    assert set(meta["complete"]) == set(TABLES)


# -- procurement -------------------------------------------------------------------------------

@pytest.mark.parametrize("value,category", [
    ("计算机", "货物"), ("打印机", "货物"), ("办公家具", "货物"),
    ("印刷、出版", "服务"), ("会议", "服务"), ("车辆维修及配件采购", "服务"),
    ("车辆维修和保养服务", "服务"), ("印刷,出版", "服务"), (" 会议 ", "服务"),
    ("A02010104", "货物"), ("A02010104 台式计算机", "货物"), ("A020101", "货物"),
    ("A0201060102", "货物"), ("A99", "货物"), ("B", "工程"), ("B01", "工程"), ("C", "服务"),
    ("c0601", "服务"), ("台式计算机", "货物"),
])
def test_procurement_category(cat, value, category):
    assert cat.procurement_category(value) == category


@pytest.mark.parametrize("value", ["", "   ", "不知道的东西", "B超", "A4纸", "D01"])
def test_procurement_category_unknown(cat, value):
    assert cat.procurement_category(value) is None


def test_procurement_name(cat):
    assert cat.procurement_name("A02010104") == "台式计算机"
    assert cat.procurement_name("C") == "服务"
    assert cat.procurement_name("A0201099") is None


# -- unit classes ------------------------------------------------------------------------------

def test_unit_class():
    assert unit_class("行政单位") == "行政"
    assert unit_class("参照公务员法管理事业单位") == "行政"
    assert unit_class(" 事业单位 ") == "事业"
    with pytest.raises(ValueError):
        unit_class("企业")


# -- loading, fallback, override, errors -------------------------------------------------------

def test_cache_and_fallback(cat):
    from compiler.catalogs import bundled_years
    assert load_catalog(2020) is cat
    assert bundled_years() == [2020, 2021, 2022, 2023, 2024, 2025]
    assert load_catalog(2023).year == 2023
    later = load_catalog(2031)  # no bundled 2031: newest bundled year <= 2031
    assert later.year == 2025
    assert later is load_catalog(2025)
    with pytest.raises(CatalogError, match="2019"):
        load_catalog(2019)


def test_override_directory(tmp_path, cat):
    d = copy_catalog(tmp_path)
    path = d / "功能分类.csv"
    text = path.read_text(encoding="utf-8").replace("2011308,招商引资", "2011308,招商引资（测试）")
    path.write_text(text, encoding="utf-8-sig")  # with a BOM, as Excel writes it
    over = load_catalog(2020, d)
    assert over.source_dir == d.resolve()
    assert over.func_name("2011308") == "招商引资（测试）"
    assert cat.func_name("2011308") == "招商引资"
    assert over.func_name("2011301") == "行政运行"
    assert load_catalog(2020, d) is over


def test_override_whitespace_is_stripped(tmp_path):
    d = copy_catalog(tmp_path)
    path = d / "部门经济分类.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("30101,基本工资", " 30101 , 基本工资 "),
                    encoding="utf-8")
    assert load_catalog(2020, d).econ_name("30101") == "基本工资"


@pytest.mark.parametrize("file,old,new,fragment", [
    ("功能分类.csv", "2011308,招商引资", "201130X,招商引资", "第 "),
    ("功能分类.csv", "2011308,招商引资", "2011308,", "缺少名称"),
    ("功能分类.csv", "2011308,招商引资", "2011301,招商引资", "重复"),
    ("功能分类.csv", "2011308,招商引资", "2019308,招商引资", "上级"),
    ("部门经济分类.csv", "编码,名称", "代码,名称", "表头"),
    ("政府经济分类.csv", "50205,委托业务费", "5020,委托业务费", "格式"),
    ("经济分类对应.csv", "30101,行政,50101", "30101,参公,50101", "单位类别"),
    ("经济分类对应.csv", "30101,行政,50101", "30101,行政,50198", "50198"),
    ("经济分类对应.csv", "30101,事业,50501\n", "", "30101"),  # completeness claim broken
    ("政府采购品目.csv", "A06,家具用具,货物", "A06,家具用具,服务", "不一致"),
    ("政府采购品目.csv", "A06,家具用具,货物", "X06,家具用具,货物", "格式"),
])
def test_broken_file_names_file_and_line(tmp_path, file, old, new, fragment):
    d = copy_catalog(tmp_path)
    path = d / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(CatalogError) as exc:
        load_catalog(2020, d)
    message = str(exc.value)
    assert file in message
    assert fragment in message


def test_error_line_number(tmp_path):
    d = copy_catalog(tmp_path)
    path = d / "部门经济分类.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    idx = lines.index("30211,差旅费")
    lines[idx] = "3021A,差旅费"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=f"部门经济分类.csv.*第 {idx + 1} 行"):
        load_catalog(2020, d)


def test_missing_file(tmp_path):
    d = copy_catalog(tmp_path)
    (d / "政府采购品目.csv").unlink()
    with pytest.raises(CatalogError, match="政府采购品目.csv"):
        load_catalog(2020, d)


def test_bad_catalog_json(tmp_path):
    d = copy_catalog(tmp_path)
    (d / "catalog.json").write_text('{"year": 2020, "complete": {"功能分类": ["类",]}}', encoding="utf-8")
    with pytest.raises(CatalogError, match="catalog.json"):
        load_catalog(2020, d)
    (d / "catalog.json").write_text('{"year": 2020, "complete": {"功能分类": ["大类"]}}', encoding="utf-8")
    with pytest.raises(CatalogError, match="catalog.json"):
        load_catalog(2020, d)


def test_not_utf8(tmp_path):
    d = copy_catalog(tmp_path)
    path = d / "功能分类.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gbk"))
    with pytest.raises(CatalogError, match="功能分类.csv.*UTF-8"):
        load_catalog(2020, d)


def test_missing_directory(tmp_path):
    with pytest.raises(CatalogError, match="不存在"):
        load_catalog(2020, tmp_path / "nope")


def _codes(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [row["编码"] for row in csv.DictReader(fh)]


# -- the yearly catalogues 2021–2025 -----------------------------------------------------------

YEARS = [2021, 2022, 2023, 2024, 2025]


@pytest.mark.parametrize("year", YEARS)
def test_yearly_catalogue_says_where_each_row_comes_from(year):
    folder = BUNDLED.parent / str(year)
    meta = json.loads((folder / "catalog.json").read_text(encoding="utf-8"))
    assert meta["year"] == year and load_catalog(year).year == year
    assert set(meta["sources"]) == set(TABLES.values()) | {RESERVED_FILE}
    assert load_catalog(year).reserved_for("2101102") == "事业"
    # nothing claimed complete that could not be checked for that year
    assert "功能分类" not in meta["complete"] and "部门经济分类" not in meta["complete"]
    for file in ("功能分类.csv", "部门经济分类.csv", "政府经济分类.csv"):
        with (folder / file).open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        assert rows and all(r["依据"] for r in rows), file
        carried = [r for r in rows if r["依据"].startswith("沿用2020年内置目录")]
        assert all(f"未能以{year}年来源核对" in r["依据"] for r in carried)
        checked = [r for r in rows if r not in carried]
        assert all(f"{year}年度部门决算" in r["依据"] for r in checked), file


def test_rows_checked_against_published_documents():
    def source(year, file, code):
        with (BUNDLED.parent / str(year) / file).open(encoding="utf-8", newline="") as fh:
            return next(r for r in csv.DictReader(fh) if r["编码"] == code)
    row = source(2025, "功能分类.csv", "2070104")
    assert row["名称"] == "图书馆" and "文化和旅游局《2025年度部门决算》" in row["依据"]
    assert source(2025, "功能分类.csv", "2121999")["名称"] == "其他国有土地使用权出让收入对应专项债务收入安排的支出"
    assert source(2024, "功能分类.csv", "2010608")["名称"] == "财政委托业务支出"
    assert source(2024, "部门经济分类.csv", "30311")["名称"] == "代缴社会保险费"
    assert load_catalog(2021).func_name("2070104") is None      # no 2021 source for it
    assert load_catalog(2024).gov_for("30311", "行政") is None  # its correspondence is unverified
