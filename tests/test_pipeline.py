"""The one compile step, the back-end registry, the Table IR's header paths and the dated
vocabulary."""
from __future__ import annotations

from pathlib import Path

from compiler import vocab
from compiler.derive.table import Cell, Column, header_cells, header_rows
from compiler.pipeline import Options, check, compile_workbook, derive_views
from compiler.render.build import BACKENDS, FORMATS

from conftest import EXAMPLE, SMALL, write_small


def test_header_rows_come_from_the_column_paths():
    cols = [Column("c", ("科目编码", "类"), "code"), Column("k", ("科目编码", "款"), "code"),
            Column("name", "科目名称", "text"), Column("total", "合计"),
            Column("b1", ("基本支出", "小计")), Column("b2", ("基本支出", "工资福利支出")),
            Column("p1", ("项目支出", "小计"))]
    assert header_rows(cols) == (
        (Cell("科目编码", colspan=2), Cell("科目名称", rowspan=2), Cell("合计", rowspan=2),
         Cell("基本支出", colspan=2), Cell("项目支出", colspan=1)),
        (Cell("类"), Cell("款"), Cell("小计"), Cell("工资福利支出"), Cell("小计")))
    # placed: (row, first column) of each cell, for back ends that draw on a grid
    assert [(r, c) for r, c, _ in header_cells(cols)] == [
        (0, 0), (0, 2), (0, 3), (0, 4), (0, 6), (1, 0), (1, 1), (1, 4), (1, 5), (1, 6)]


def test_equal_leaf_labels_under_different_groups_stay_apart():
    cols = [Column("a", ("收入", "项目"), "text"), Column("b", ("收入", "金额")),
            Column("c", ("支出", "项目"), "text"), Column("d", ("支出", "金额"))]
    top, bottom = header_rows(cols)
    assert top == (Cell("收入", colspan=2), Cell("支出", colspan=2))
    assert [c.value for c in bottom] == ["项目", "金额", "项目", "金额"]
    assert all(c.colspan == 1 for c in bottom)


def test_three_level_paths():
    cols = [Column("t", ("三公", "合计")), Column("a", ("三公", "公务用车", "小计")),
            Column("b", ("三公", "公务用车", "购置费")), Column("x", "备注", "text")]
    rows = header_rows(cols)
    assert rows[0] == (Cell("三公", colspan=3), Cell("备注", rowspan=3))
    assert rows[1] == (Cell("合计", rowspan=2), Cell("公务用车", colspan=2))
    assert rows[2] == (Cell("小计"), Cell("购置费"))


def test_dated_definitions_pick_the_version_in_force():
    d = vocab.Dated(((2018, "a"), (2024, "b")))
    assert (d.at(2017), d.at(2018), d.at(2023), d.at(2024), d.at(2030), d.current) == \
        ("a", "a", "a", "b", "b", "b")
    assert vocab.THREE_PUBLIC_DATED.at(2020) == vocab.THREE_PUBLIC
    assert vocab.SOURCE_GROUPS["一般公共预算"] == vocab.SOURCES[:5]


def test_the_registry_names_every_format():
    assert FORMATS == ("html", "json", "pdf", "xlsx", "data")
    assert all(BACKENDS[f].description for f in FORMATS)


def test_compile_writes_the_requested_formats(tmp_path):
    result = compile_workbook(EXAMPLE, Options(formats=("json", "html"), out=tmp_path))
    assert result.exit_status == 0 and result.error is None
    stem = EXAMPLE.stem
    assert result.written == [tmp_path / f"{stem}.html", tmp_path / f"{stem}.json"]
    assert len(result.views.tables) == 11 + 1 + len(result.budget.projects)


def test_stages_reuse_what_the_checks_loaded():
    result = check(EXAMPLE)
    assert result.catalog is not None and result.config is not None
    views = derive_views(result)
    assert derive_views(result) is views  # derived once


def test_a_workbook_with_errors_is_not_rendered(tmp_path):
    data = {**SMALL, "支出明细": [dict(SMALL["支出明细"][0], 项目名称="测试专项"), *SMALL["支出明细"][1:]]}
    path = write_small(tmp_path / "bad.xlsx", data)
    out = tmp_path / "out"
    result = compile_workbook(path, Options(out=out))
    assert result.exit_status == 1 and result.written == [] and not out.exists()
    assert [d.code for d in result.report.errors] == ["E-LINE-001"]


def test_an_unknown_format_is_a_build_error_and_writes_nothing(tmp_path):
    path = write_small(tmp_path / "small.xlsx")
    result = compile_workbook(path, Options(formats=("html", "docx"), out=tmp_path / "out"))
    assert result.exit_status == 1 and "docx" in result.error
    assert not (tmp_path / "out").exists()
    assert isinstance(result.path, Path)
