"""`gongkai catalog import`: a finance bureau's 科目 list (xlsx/csv) → a --catalog folder."""
from __future__ import annotations

import copy
import csv
import json
from pathlib import Path

import openpyxl
import pytest

from compiler.catalogs import RESERVED_FILE, TABLES, catalog_for, load_catalog
from compiler.catalogs.importer import clean_name
from compiler.cli import main
from compiler.config import load_config
from compiler.derive import derive
from compiler.pipeline import check_workbook
from conftest import write_small

from test_code_lists import CULTURE, item_name

# A bureau's list as they come: a title row and a blank row above the header, codes typed as
# numbers (one as a float), names indented with full-width spaces, a note under the table, a
# second sheet for 经济分类 with its header further down, a sheet of remarks without codes.
FUNC_ROWS = [
    (201, "一般公共服务支出"), (20113, "　商贸事务"), (2011301, "　　行政运行"),
    (207, "文化旅游体育与传媒支出"), (20701, "　文化和旅游"), (2070101, "　　行政运行"),
    (2070104, "　　图书馆"), (2070109.0, "　　群众文化"), (2070199, "　　其他文化和旅游支出"),
    (208, "社会保障和就业支出"), (20805, " 行政事业单位养老支出"), ("2080505", "  机关事业单位基本养老保险缴费支出"),
]
ECON_ROWS = [(301, "工资福利支出"), (30101, "基本工资"), (302, "商品和服务支出"), (30201, "办公费"),
             (30227, "委托业务费"), (30298, "数据服务费(测试)")]


def bureau_list(path: Path, func=FUNC_ROWS, econ=ECON_ROWS) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "支出功能分类科目"
    ws.append(["测试市2021年政府收支分类科目"])
    ws.append([])
    ws.append(["科目编码", "科目名称", "备注"])
    for code, name in func:
        ws.append([code, name])
    ws.append([None, None])
    ws.append(["注：本表为测试用"])
    ws2 = wb.create_sheet("部门预算支出经济分类")
    for _ in range(5):
        ws2.append([])
    ws2.append(["序号", "编码", "名称"])
    for i, (code, name) in enumerate(econ, 1):
        ws2.append([i, code, name])
    wb.create_sheet("填表说明").append(["本表由财政局下发"])
    wb.save(path)
    return path


def test_round_trip(tmp_path, capsys):
    src = bureau_list(tmp_path / "科目表.xlsx")
    out = tmp_path / "cat"
    assert main(["catalog", "import", str(src), "--year", "2021", "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "功能分类：类 3 个、款 3 个、项 6 个" in printed
    assert "部门经济分类：类 2 个、款 4 个" in printed
    assert "跳过没有“编码”“名称”表头的工作表：填表说明" in printed
    with (out / "功能分类.csv").open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["编码", "名称"]
    assert ["2070104", "图书馆"] in rows and ["2070109", "群众文化"] in rows
    assert ["20805", "行政事业单位养老支出"] in rows
    meta = json.loads((out / "catalog.json").read_text(encoding="utf-8"))
    assert meta["year"] == 2021
    assert set(meta["sources"]) == set(TABLES.values()) | {RESERVED_FILE}
    assert meta["complete"]["功能分类"] == ["类", "款", "项"]
    assert "科目表.xlsx" in meta["sources"]["功能分类.csv"]
    assert "沿用内置 2021 年目录" in meta["sources"]["政府经济分类.csv"]

    cat = load_catalog(2021, out)
    assert cat.func_name("2070104") == "图书馆"
    assert cat.econ_name("30298") == "数据服务费（测试）"   # brackets as the lists print them
    assert cat.gov_for("30201", "行政") == "50201"           # correspondence kept from the built-in
    assert cat.gov_for("30298", "行政") is None              # a 款 the built-in cannot map
    assert (cat.reserved_for("2070101"), cat.reserved_for("2070104")) == ("行政", None)  # by name

    # the culture bureau without any names typed: the imported list names every code
    data = copy.deepcopy(CULTURE)
    for line in data["支出明细"]:
        line.pop("功能科目名称", None)
    wb = write_small(tmp_path / "culture.xlsx", data)
    checked = check_workbook(wb, out)
    assert checked.report.items == []
    views = derive(checked.budget, catalog_for(checked.budget, out), load_config())
    assert item_name(views, "table-3", "101002/2070104") == "图书馆"
    assert main(["check", str(wb), "--catalog", str(out), "--strict"]) == 0


def test_complete_list_makes_unknown_codes_errors_and_partial_does_not(tmp_path):
    src = bureau_list(tmp_path / "list.xlsx")
    full, part = tmp_path / "full", tmp_path / "part"
    assert main(["catalog", "import", str(src), "--year", "2021", "-o", str(full)]) == 0
    assert main(["catalog", "import", str(src), "--year", "2021", "-o", str(part), "--partial"]) == 0
    data = copy.deepcopy(CULTURE)
    data["支出明细"][1].update({"功能科目编码": "2070108", "功能科目名称": None})
    data["支出明细"][1].pop("功能科目名称")
    wb = write_small(tmp_path / "wb.xlsx", data)
    assert [d.code for d in check_workbook(wb, full).report.items] == ["E-CODE-004"]
    assert [d.code for d in check_workbook(wb, part).report.items] == ["W-CODE-005"]


def test_csv_in_gbk_with_a_combined_code_and_name_cell(tmp_path, capsys):
    text = ("功能分类科目代码,功能分类科目名称\n201,一般公共服务支出\n20113,商贸事务\n"
            "2011301 行政运行,\n101,税收收入\n")
    src = tmp_path / "list.csv"
    src.write_bytes(text.encode("gbk"))
    out = tmp_path / "cat"
    assert main(["catalog", "import", str(src), "--year", "2022", "-o", str(out)]) == 0
    assert "跳过收入分类科目 1 行" in capsys.readouterr().out
    cat = load_catalog(2022, out)
    assert cat.func_name("2011301") == "行政运行"
    assert cat.econ_name("30101") == "基本工资"  # no 经济分类 in the file: the built-in list


@pytest.mark.parametrize("func,fragment", [
    (FUNC_ROWS + [(2070110, None)], "工作表“支出功能分类科目”第 16 行：编码 2070110 缺少名称"),
    (FUNC_ROWS + [(2130101, "行政运行")], "工作表“支出功能分类科目”第 16 行：功能分类编码 2130101 的上级 21301 不在表中"),
    (FUNC_ROWS + [(20113, "商业事务")], "第 16 行：编码 20113 的名称“商业事务”与科目表.xlsx 工作表“支出功能分类科目”第 5 行的“商贸事务”不同"),
    (FUNC_ROWS + [("20A13", "商贸事务")], "第 16 行：编码“20A13”应只含数字"),
    (FUNC_ROWS + [(9010101, "测试")], "第 16 行：编码“9010101”既不是支出功能分类科目"),
])
def test_unusable_input_names_file_sheet_and_row(tmp_path, capsys, func, fragment):
    src = bureau_list(tmp_path / "科目表.xlsx", func=func)
    out = tmp_path / "cat"
    assert main(["catalog", "import", str(src), "--year", "2021", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert fragment in err and "科目表.xlsx" in err
    assert not out.exists()                                     # nothing half-written
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".cat")]


def test_file_problems_exit_2(tmp_path, capsys):
    nohead = tmp_path / "nohead.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["随便", "写点"])
    wb.save(nohead)
    xls = tmp_path / "old.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    txt = tmp_path / "list.pdf"
    txt.write_bytes(b"%PDF-1.4")
    for path, fragment in [(nohead, "没有找到科目：需要一行表头含“编码”列和“名称”列"),
                           (xls, "旧版 .xls"), (txt, "只能导入 .xlsx 或 .csv"),
                           (tmp_path / "missing.xlsx", "找不到文件")]:
        assert main(["catalog", "import", str(path), "--year", "2021", "-o", str(tmp_path / "o")]) == 2
        assert fragment in capsys.readouterr().err


def test_existing_output_is_kept_unless_forced(tmp_path, capsys):
    src = bureau_list(tmp_path / "list.xlsx")
    out = tmp_path / "cat"
    out.mkdir()
    (out / "mine.txt").write_text("x")
    assert main(["catalog", "import", str(src), "--year", "2021", "-o", str(out)]) == 2
    assert "已存在" in capsys.readouterr().err
    assert (out / "mine.txt").exists()
    assert main(["catalog", "import", str(src), "--year", "2021", "-o", str(out), "--force"]) == 0
    assert not (out / "mine.txt").exists() and (out / "catalog.json").exists()


def test_same_input_same_bytes(tmp_path):
    src = bureau_list(tmp_path / "list.xlsx")
    for name in ("a", "b"):
        assert main(["catalog", "import", str(src), "--year", "2021", "-o", str(tmp_path / name)]) == 0
    for file in ("catalog.json", *TABLES.values()):
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes()


def test_year_is_required(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["catalog", "import", "x.xlsx"])
    assert exc.value.code == 2
    assert "--year" in capsys.readouterr().err


@pytest.mark.parametrize("raw,clean", [("　　行政运行", "行政运行"), (" 维修(护)费 ", "维修（护）费"),
                                       ("行政\n运行", "行政运行"), (None, "")])
def test_clean_name(raw, clean):
    assert clean_name(raw) == clean
