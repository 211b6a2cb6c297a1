"""Figures by name in texts (issue 12): 「项目金额」「项目支出」「机关运行经费增减」 are filled in by
the build, checked by name (E-TEXT-012/013, W-TEXT-014), left alone by the number checks, kept
as typed by rollover — so next year's document says next year's numbers."""
from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from compiler.config import load_config
from compiler.derive.names import registry
from compiler.docs import figure_names_md
from compiler.pipeline import Options, check, compile_workbook
from compiler.render.format import wan
from conftest import EXAMPLE, mutate, run_cli
from test_rollover import extend_projects

PROJECT = "肉菜追溯体系建设资金"
EXPO = "会展中心财产保险补贴"


def _rows(ws, col=0):
    return {row[col].value: row for row in ws.iter_rows(min_row=2) if row[col].value}


def with_names(wb):
    """The example's texts that state figures, written with names instead."""
    extend_projects()(wb)                              # every project runs into 2021: carried
    projects = _rows(wb["项目"])
    projects[PROJECT][12].value = ("「预算年度」年投入市级财政资金「项目金额」，用于支付肉菜流通追溯试点项目"
                                   "建设尾款及系统基本运行维护，确保体系正常运行")
    projects[EXPO][12].value = "根据市领导批示，对于郑州市会展中心整体财产保险进行补贴，总金额「项目金额」。延续项目。"
    _rows(wb["说明文字"])["绩效目标说明"][1].value = \
        "我局「预算年度」年所有项目支出「项目支出」均纳入预算绩效目标编报范围，参见附表。"
    _rows(wb["上年数"])["机关运行经费"][2].value = "压缩一般性支出，上年为「上年机关运行经费」。"


def html_text(result) -> str:
    path = next(p for p in result.written if p.suffix == ".html")
    return re.sub(r"<[^>]+>", "", path.read_text(encoding="utf-8"))


def build(path: Path, out: Path):
    result = compile_workbook(path, Options(formats=("html",), out=out))
    assert result.exit_status == 0, [d.as_dict() for d in result.report.errors]
    return result


def test_names_are_filled_in_with_the_documents_figures(tmp_path):
    wb = mutate(EXAMPLE, tmp_path / "named.xlsx", with_names)
    result = build(wb, tmp_path / "out")
    text = html_text(result)
    assert "2020年投入市级财政资金390.00 万元，用于支付" in text
    assert "总金额47.00 万元。延续项目。" in text
    assert "我局2020年所有项目支出24610.00 万元均纳入预算绩效目标编报范围" in text
    assert "与 2019 年相比减少 364.77 万元，主要原因：压缩一般性支出，上年为853.85 万元。" in text
    assert "「" not in text
    # the number checks read no number in a name: no W-TEXT-003 on these cells
    assert not [d for d in result.report.items if d.code == "W-TEXT-003"
                and d.sheet in ("说明文字", "上年数")]


def test_a_name_in_the_wrong_place_or_misspelt_is_reported_at_its_cell(tmp_path):
    def fn(wb):
        texts = _rows(wb["说明文字"])
        texts["绩效目标说明"][1].value = "项目支出「项目支岀」均纳入。"          # a misspelt name
        texts["专项转移支付情况"][1].value = "本部门「项目金额」。"               # a project's name
        texts["机关运行经费说明"][1].value = "主要用于「放管服」改革。"          # a quotation, no name
    wb = mutate(EXAMPLE, tmp_path / "bad.xlsx", fn)
    report = check(wb).report
    found = {(d.code, f"{d.sheet}!{d.cell}") for d in report.items if d.code.startswith(("E-TEXT-01", "W-TEXT-014"))}
    rows = {t.key: t.row for t in check(EXAMPLE).budget.texts}
    assert ("E-TEXT-012", f"说明文字!B{rows['绩效目标说明']}") in found
    assert ("E-TEXT-013", f"说明文字!B{rows['专项转移支付情况']}") in found
    assert ("W-TEXT-014", f"说明文字!B{rows['机关运行经费说明']}") in found
    d = next(d for d in report.items if d.code == "E-TEXT-012")
    assert "「项目支岀」不是数字的名称；最接近的：「项目支出」" in d.message
    assert check(wb).exit_status == 1                      # nothing is built with a bad name


def test_rollover_keeps_the_names_and_next_year_prints_next_years_numbers(tmp_path):
    old = mutate(EXAMPLE, tmp_path / "old.xlsx", with_names)
    new = tmp_path / "new.xlsx"
    r = run_cli("rollover", old, "-o", new, "--keep-lines")
    assert r.returncode == 0, r.stderr
    assert "文字中的数字名称（如「三公经费」）：3 处，按原样结转，生成时填入 2021 年的数字" in r.stdout

    def next_year(wb):
        """Next year's budget: every line at 90 %, and the 增减原因 the change now needs."""
        for row in wb["支出明细"].iter_rows(min_row=2):
            if row[7].value is not None:
                row[7].value = float((Decimal(str(row[7].value)) * Decimal("0.9")).quantize(
                    Decimal("0.01"), ROUND_HALF_UP))
        for row in wb["上年数"].iter_rows(min_row=2):
            if row[0].value and not row[2].value:
                row[2].value = "压缩一般性支出。"
    import openpyxl
    typed = {row[0].value: row[12].value for row in openpyxl.load_workbook(new)["项目"].iter_rows(min_row=2)}
    assert typed[EXPO] == "根据市领导批示，对于郑州市会展中心整体财产保险进行补贴，总金额「项目金额」。延续项目。"
    reason = {row[0].value: row[2].value for row in openpyxl.load_workbook(new)["上年数"].iter_rows(min_row=2)}
    assert reason["机关运行经费"] is None                   # 增减原因 are next year's to write
    mutate(new, new, next_year)
    wb = openpyxl.load_workbook(new)
    _rows(wb["上年数"])["机关运行经费"][2].value = "压缩一般性支出，上年为「上年机关运行经费」。"
    wb.save(new)

    text = html_text(build(new, tmp_path / "out"))
    assert "2021年投入市级财政资金351.00 万元，用于支付" in text
    assert "总金额42.30 万元。延续项目。" in text
    assert "我局2021年所有项目支出22149.00 万元均纳入预算绩效目标编报范围" in text
    assert "与 2020 年相比减少 48.91 万元，主要原因：压缩一般性支出，上年为489.09 万元。" in text
    for old_figure in ("390.00 万元", "47.00 万元", "24610.00 万元", "853.85 万元", "2020年投入", "2020年所有"):
        assert old_figure not in text, old_figure
    assert "「" not in text


def test_the_names_are_listed_in_the_docs():
    names = registry(load_config())
    assert {"三公经费", "项目金额", "单位支出", "上年公务接待费", "公务接待费增减"} <= set(names)
    doc = figure_names_md()
    assert "| 「三公经费」 |" in doc and "「项目金额」" in doc
    assert (Path(__file__).resolve().parent.parent / "docs" / "figure-names.md").read_text(encoding="utf-8") == doc


def test_the_blank_workbooks_default_texts_name_their_figures(tmp_path):
    """`gongkai new` starts 绩效目标说明 with names; built, it says this workbook's figures."""
    import copy

    from compiler.workbook import defaults
    from conftest import SMALL, write_small
    default = dict(defaults.TEXTS)["绩效目标说明"]
    assert "「项目支出」" in default and "「预算年度」" in default
    data = copy.deepcopy(SMALL)
    data["说明文字"] = [r for r in data["说明文字"] if r["键"] != "绩效目标说明"] + \
        [{"键": "绩效目标说明", "内容": default}]
    path = write_small(tmp_path / "small.xlsx", data)
    result = compile_workbook(path, Options(formats=("html",), out=tmp_path / "out"))
    assert not [d for d in result.report.items if d.code in ("E-TEXT-012", "E-TEXT-013", "W-TEXT-014")]
    facts = result.views.facts
    assert (f"本部门{facts['dept']['year']}年项目支出{wan(facts['expense']['project'])} 万元"
            f"全部纳入预算绩效目标编报范围") in html_text(result)


def test_every_name_has_a_value_on_the_example():
    """No name of the list points at a fact that does not exist: each department and unit name
    has a value on the example, each 上年 name one unless its 指标 is not in the 上年数 sheet."""
    from compiler.derive.names import Namer, NameProblem
    from conftest import example_views
    budget, catalog, views = example_views()
    namer = Namer(budget, views.facts, load_config(), catalog)
    project = budget.project(PROJECT)
    prior = {p.item for p in budget.prior}
    for name, entry in load_config().data["figures"].items():
        scope = entry.get("scope", "department")
        paths = [entry["value"]] if isinstance(entry["value"], str) else entry["value"]
        if scope == "上年" and any(p.split(".")[1] not in prior for p in paths):
            try:
                namer.value(name)
            except NameProblem as exc:
                assert "上年数表中没有" in str(exc)
            else:
                raise AssertionError(name)
            continue
        shown = namer.value(name, project)
        assert re.fullmatch(r"\d+\.\d\d 万元|\d+ [人辆]|\d{4}|(增加|减少) \d+\.\d\d 万元|持平", shown), (name, shown)
    assert namer.value("三公经费") == "48.00 万元" and namer.value("人员经费") == "2196.52 万元"
    assert namer.value("项目金额", project) == "390.00 万元"
    assert namer.value("项目上年度金额", project) == "108.00 万元"
    assert namer.value("机关运行经费增减") == "减少 364.77 万元"
    assert namer.value("上年三公经费") == "83.00 万元" and namer.value("三公经费增减") == "减少 35.00 万元"
    assert namer.value("编制人数") == "165 人" and namer.value("预算年度") == "2020"


def test_a_name_in_an_indicator_target_is_that_projects_figure():
    """绩效指标 目标值 "≤「项目金额」" prints the project's amount in its 绩效目标表."""
    from compiler.derive import derive
    from conftest import example_views
    budget, catalog, _ = example_views()
    first = next(i for i in budget.indicators if i.project == PROJECT)
    named = budget.model_copy(update={"indicators": [
        i.model_copy(update={"target": "≤「项目金额」"}) if i is first else i for i in budget.indicators]})
    views = derive(named, catalog, load_config())
    rows = [r for t in views.tables for r in t.grid_rows() if "≤390.00 万元" in r]
    assert rows == [["投入与目标管理", "投入管理", "预算执行率", "≤390.00 万元"]]
    assert budget.indicators[budget.indicators.index(first)].target != "≤「项目金额」"  # input untouched


def test_a_wrong_name_entry_in_a_templates_folder_is_a_message(tmp_path):
    (tmp_path / "figures.toml").write_text('["我的数字"]\nscope = "项目"\nvalue = "amount"\n', encoding="utf-8")
    report = check(EXAMPLE, Options(templates=tmp_path)).report
    d = next(d for d in report.items if d.code == "E-TPL-001")
    assert "figures.toml：名称「我的数字」的 scope 应为 department、上年、unit、project 之一" in d.message
    (tmp_path / "figures.toml").write_text('["我的数字"]\nvalue = "three.car_run"\n', encoding="utf-8")
    assert registry(load_config(tmp_path))["我的数字"]["value"] == "three.car_run"   # a name added


def test_a_unit_document_without_the_figure_a_text_names_is_not_built(tmp_path):
    """A unit's own document has no 上年数: a 说明文字 naming 「上年机关运行经费」 cannot be said
    there, so that document is not written (the department's is)."""
    def fn(wb):
        _rows(wb["说明文字"])["机关运行经费说明"][1].value = "主要用于维持机关的正常运转，上年为「上年机关运行经费」"
    wb = mutate(EXAMPLE, tmp_path / "named.xlsx", fn)
    build(wb, tmp_path / "dept")
    result = compile_workbook(wb, Options(formats=("html",), out=tmp_path / "unit", unit="031001"))
    assert result.exit_status == 1 and not result.written
    rows = {t.key: t.row for t in check(EXAMPLE).budget.texts}
    assert result.error.startswith(f"文字中的数字名称在本文件中没有数值，未生成：说明文字!B{rows['机关运行经费说明']}："
                                   "「上年机关运行经费」是部门的上年数，单位预算公开中没有")
    assert not (tmp_path / "unit").exists() or not any((tmp_path / "unit").iterdir())
