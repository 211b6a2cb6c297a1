"""Profiles: the table set as data. The standard profile's nine core tables against sums
computed here from the 支出明细 lines; a table added to a copy of a profile without Python; a
broken profile named by file and line; the workbook's 公开格式."""
from __future__ import annotations

import json
import shutil
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from compiler.pipeline import Options, check, compile_workbook, derive_views
from compiler.profiles import available
from compiler.resources import templates_root

from conftest import EXAMPLE, SMALL, run_cli, write_small

D = Decimal
GPB = ("财政拨款", "专项收入", "行政事业性收费收入", "国有资源（资产）有偿使用收入", "其他一般公共预算收入")

# a department with money from every kind of source and of every 支出类型
LINES = [
    # unit, func, econ, kind, project, source, amount
    ("101001", "2011301", "30101", "基本支出", None, "财政拨款", 120000),
    ("101001", "2011301", "30201", "基本支出", None, "行政事业性收费收入", 30000),
    ("101001", "2011301", "30217", "基本支出", None, "财政拨款", 8000),        # 公务接待费
    ("101001", "2011301", "30231", "基本支出", None, "财政拨款", 12000),       # 公务用车运行
    ("101001", "2011301", "30212", "基本支出", None, "事业收入", 5000),        # 三公 code, not 一般公共预算
    ("101001", "2080501", "30302", "基本支出", None, "财政拨款", 40000),
    ("101002", "2011350", "30101", "基本支出", None, "事业收入", 80000),
    ("101002", "2011350", "31002", "基本支出", None, "专项收入", 6000),
    ("101002", "2011350", "30201", "上缴上级支出", None, "事业单位经营收入", 7000),
    ("101002", "2011350", "30201", "事业单位经营支出", None, "事业单位经营收入", 9000),
    ("101002", "2011350", "31204", "对附属单位补助支出", None, "上级补助收入", 3000),
    ("101002", "2011350", "30201", "基本支出", None, "附属单位上缴收入", 1500),
    ("101001", "2011302", "30227", "项目支出", "测试专项", "财政拨款", 50000),
    ("101001", "2011302", "31013", "项目支出", "测试专项", "财政拨款", 25000),  # 公务用车购置
    ("101001", "2120801", "31005", "项目支出", "测试专项", "政府性基金预算", 60000),
    ("101001", "2011302", "30227", "项目支出", "测试专项", "国有资本经营预算", 4000),
    ("101002", "2011350", "30227", "项目支出", "测试专项", "上年结转", 11000),
    ("101002", "2011350", "30227", "项目支出", "测试专项", "其他各项收入", 2500),
    ("101002", "2011350", "30227", "项目支出", "测试专项", "财政专户管理的非税收入", 3500),
    ("101002", "2011350", "30227", "项目支出", "测试专项", "上级转移支付", 1200),
]
PRIOR = {"收支预算总计": 400000, "一般公共预算": 250000, "政府性基金预算": 50000,
         "国有资本经营预算": 0, "因公出国（境）费": 3000, "公务用车购置费": 20000,
         "公务用车运行维护费": 10000, "公务接待费": 9000, "机关运行经费": 30000}


def standard_data(profile: str | None = "standard") -> dict:
    data = {k: (list(v) if isinstance(v, list) else v) for k, v in SMALL.items()}
    data["基本信息"] = [kv for kv in SMALL["基本信息"]] + ([("公开格式", profile)] if profile else [])
    data["支出明细"] = [{"单位编码": u, "功能科目编码": f, "部门经济分类编码": e, "支出类型": k,
                     **({"项目名称": p} if p else {}), "资金来源": s, "金额": a}
                    for u, f, e, k, p, s, a in LINES]
    data["项目"] = [dict(SMALL["项目"][0], 项目总金额=200000)]
    data["政府采购"] = []
    data["上年数"] = [{"指标": k, "上年预算数": v, "增减原因": "测试。"} for k, v in PRIOR.items()]
    return data


@pytest.fixture(scope="module")
def standard(tmp_path_factory):
    path = write_small(tmp_path_factory.mktemp("std") / "standard.xlsx", standard_data())
    result = check(path)
    assert result.exit_status == 0, [(d.code, d.message) for d in result.report.errors]
    assert result.config.profile.name == "standard"
    return {t.id: t for t in derive_views(result).tables}


def lines(**where):
    out = []
    for u, f, e, k, p, s, a in LINES:
        row = dict(unit=u, func=f, econ=e, kind=k, project=p, source=s, amount=D(a))
        if all(row[key] in (v if isinstance(v, tuple) else (v,)) for key, v in where.items()):
            out.append(row)
    return out


def total(rows) -> Decimal:
    return sum((r["amount"] for r in rows), D(0))


def row(t, key):
    return dict(zip((c.key for c in t.columns), t.grid_rows()[[r.key for r in t.rows].index(key)]))


def test_standard_has_the_nine_core_tables_and_the_two_forms(standard):
    assert [k for k in standard if not k.startswith("table-10-")] == [
        f"table-{n}" for n in range(1, 12) if n != 10]
    assert standard["table-10-1"].title == "2021年项目支出绩效目标表"
    titles = [standard[f"table-{n}"].title.removeprefix("测试市测试局") for n in range(1, 10)]
    assert titles == ["部门收支总表", "部门收入总表", "部门支出总表", "财政拨款收支总表", "一般公共预算支出表",
                      "一般公共预算基本支出表", "一般公共预算“三公”经费支出表", "政府性基金预算支出表",
                      "国有资本经营预算支出表"]


def test_income_by_source(standard):
    t2 = row(standard["table-2"], "total")
    expect = {"total": total(lines()), "carryover": total(lines(source="上年结转")),
              "gpb": total(lines(source=GPB)), "gov_fund": total(lines(source="政府性基金预算")),
              "soe_capital": total(lines(source="国有资本经营预算")),
              "fiscal_special_account": total(lines(source="财政专户管理的非税收入")),
              "business_income": total(lines(source="事业收入")),
              "business_operation": total(lines(source="事业单位经营收入")),
              "upper_subsidy": total(lines(source="上级补助收入")),
              "affiliate_remittance": total(lines(source="附属单位上缴收入")),
              "other_income": total(lines(source=("其他各项收入", "上级转移支付")))}
    assert {k: t2[k] for k in expect} == expect
    assert sum((v for k, v in expect.items() if k != "total"), D(0)) == expect["total"]
    # 表1: the nine income rows, 本年收入合计, 上年结转结余, 收入总计
    t1 = standard["table-1"]
    left = {r.cells[0].value: r.cells[1].value for r in t1.rows if r.cells[0].value}
    assert left["一、一般公共预算财政拨款收入"] == expect["gpb"]
    assert left["五、事业收入"] == expect["business_income"]
    assert left["九、其他收入"] == expect["other_income"]
    assert left["本年收入合计"] == expect["total"] - expect["carryover"]
    assert left["上年结转结余"] == expect["carryover"]
    assert left["收入总计"] == expect["total"]
    right = {r.cells[2].value: r.cells[3].value for r in t1.rows if r.cells[2].value}
    by_class = defaultdict(D)
    for ln in lines():
        by_class[ln["func"][:3]] += ln["amount"]
    assert right["一般公共服务支出"] == by_class["201"]
    assert right["社会保障和就业支出"] == by_class["208"]
    assert right["城乡社区支出"] == by_class["212"]
    assert right["本年支出合计"] == right["支出总计"] == expect["total"]
    assert right["结转下年"] == 0


def test_expense_by_kind(standard):
    t3 = row(standard["table-3"], "total")
    assert t3["total"] == total(lines())
    for key, kind in (("basic", "基本支出"), ("project", "项目支出"), ("remit_upper", "上缴上级支出"),
                      ("business_operation", "事业单位经营支出"), ("subsidy_affiliates", "对附属单位补助支出")):
        assert t3[key] == total(lines(kind=kind)), key
    # hierarchical rows: a 类 row is the sum of its 款 rows, a 款 row of its 项 rows
    t = standard["table-3"]
    assert row(t, "201")["total"] == total([ln for ln in lines() if ln["func"].startswith("201")])
    assert row(t, "20113")["total"] == row(t, "2011301")["total"] + row(t, "2011302")["total"] \
        + row(t, "2011350")["total"]
    assert [r.kind for r in t.rows[:4]] == ["total", "class", "kuan", "item"]


def test_fiscal_appropriations(standard):
    t4 = standard["table-4"]
    fiscal = lines(source=GPB + ("政府性基金预算", "国有资本经营预算"))
    left = {r.cells[0].value: r.cells[1].value for r in t4.rows if r.cells[0].value}
    assert left["一、一般公共预算财政拨款"] == total(lines(source=GPB))
    assert left["二、政府性基金预算财政拨款"] == total(lines(source="政府性基金预算"))
    assert left["三、国有资本经营预算财政拨款"] == total(lines(source="国有资本经营预算"))
    assert left["收入总计"] == total(fiscal)
    foot = row(t4, "total")
    assert (foot["expense_total"], foot["expense_gpb"], foot["expense_gov_fund"],
            foot["expense_soe_capital"]) == (total(fiscal), total(lines(source=GPB)),
                                             total(lines(source="政府性基金预算")),
                                             total(lines(source="国有资本经营预算")))
    assert [c.key for c in t4.columns] == ["income_item", "income_amount", "expense_item",
                                           "expense_total", "expense_gpb", "expense_gov_fund",
                                           "expense_soe_capital"]


def test_general_budget_personnel_and_public(standard):
    gpb = lines(source=GPB)
    basic = [ln for ln in gpb if ln["kind"] == "基本支出"]
    personnel = total(ln for ln in basic if ln["econ"][:3] in ("301", "303"))
    public = total(ln for ln in basic if ln["econ"][:3] in ("302", "310", "309"))
    t5 = row(standard["table-5"], "total")
    assert (t5["total"], t5["basic"], t5["personnel"], t5["public"], t5["project"]) == (
        total(gpb), total(basic), personnel, public, total(gpb) - total(basic))
    t6 = standard["table-6"]
    assert (row(t6, "total")["total"], row(t6, "total")["personnel"], row(t6, "total")["public"]) == (
        total(basic), personnel, public)
    assert row(t6, "30101")["personnel"] == total(ln for ln in basic if ln["econ"] == "30101")
    assert row(t6, "302")["public"] == total(ln for ln in basic if ln["econ"].startswith("302"))


def test_three_public_with_the_prior_year(standard):
    t7 = row(standard["table-7"], "total")
    gpb = lines(source=GPB)
    assert t7["abroad"] == 0  # 30212 is on 事业收入 only: not 一般公共预算
    assert t7["reception"] == total(ln for ln in gpb if ln["econ"] == "30217")
    assert t7["vehicle_operation"] == total(ln for ln in gpb if ln["econ"] == "30231")
    assert t7["vehicle_purchase"] == total(ln for ln in gpb if ln["econ"] in ("31013", "30913"))
    assert t7["vehicles"] == t7["vehicle_operation"] + t7["vehicle_purchase"]
    assert t7["total"] == t7["abroad"] + t7["vehicles"] + t7["reception"]
    assert (t7["prior_total"], t7["prior_abroad"], t7["prior_vehicles"], t7["prior_vehicle_purchase"],
            t7["prior_vehicle_operation"], t7["prior_reception"]) == (
        D(42000), D(3000), D(30000), D(20000), D(10000), D(9000))
    header = standard["table-7"].header
    assert [c.value for c in header[0]] == ["2020年预算数", "2021年预算数"]


def test_fund_and_state_capital_tables(standard):
    t8, t9 = row(standard["table-8"], "total"), row(standard["table-9"], "total")
    assert (t8["total"], t8["project"]) == (total(lines(source="政府性基金预算")),) * 2
    assert t9["total"] == total(lines(source="国有资本经营预算"))
    assert row(standard["table-8"], "2120801")["total"] == D(60000)


def test_zhengzhou_tables_still_add_up_with_the_new_vocabulary(tmp_path):
    """The 2020 format has no columns for 事业收入 … and 上缴上级支出 …: they are counted in
    其他各项收入 and 项目支出 (其他项目), so every row still adds up."""
    path = write_small(tmp_path / "zz.xlsx", standard_data(profile=None))
    ts = {t.id: t for t in derive_views(check(path)).tables}
    t2 = row(ts["table-2"], "total")
    parts = ["gpb_subtotal", "gov_fund", "soe_capital", "fiscal_special_account", "other_income",
             "upper_transfer", "carryover"]
    assert sum((t2[k] for k in parts), D(0)) == t2["total"] == total(lines())
    assert t2["other_income"] == total(lines(source=("事业收入", "事业单位经营收入", "上级补助收入",
                                                      "附属单位上缴收入", "其他各项收入")))
    t3 = row(ts["table-3"], "total")
    assert t3["basic_subtotal"] + t3["proj_subtotal"] == t3["total"] == total(lines())
    assert t3["proj_subtotal"] == sum((t3[k] for k in ("proj_social_econ", "proj_debt",
                                                      "proj_capital_constr", "proj_other")), D(0))
    t1 = ts["table-1"]
    assert row(t1, "total")["income_amount"] == row(t1, "total")["expense_amount"] == total(lines())


# ---------------------------------------------------------------------------------------------
# profiles as folders

def test_profiles_command_lists_the_shipped_profiles():
    r = run_cli("profiles")
    assert r.returncode == 0
    names = [line.split()[0] for line in r.stdout.splitlines()]
    assert names == [n for n, _ in available()] and {"standard", "zhengzhou-2020"} <= set(names)
    assert "（默认）" in next(line for line in r.stdout.splitlines() if line.startswith("zhengzhou-2020"))


def _copy_with(tmp_path: Path, text: str) -> Path:
    """A profile folder extending zhengzhou-2020 with *text* as its profile.toml tail."""
    folder = tmp_path / "my-profile"
    folder.mkdir()
    (folder / "profile.toml").write_text(
        'name = "my-profile"\ndescription = "测试"\nextends = "zhengzhou-2020"\n' + text,
        encoding="utf-8")
    return folder


def test_a_table_added_to_a_profile_without_python(tmp_path):
    folder = _copy_with(tmp_path, '''
[[table]]
id = "table-12"
after = "table-9"
layout = "matrix"
basis = "一般公共预算"
rows = { dimension = "单位" , name_label = "unit_name", code_label = "unit_code" }
columns = [
  { key = "total", label = ["total"] },
  { key = "personnel", label = ["personnel"], measure = "人员经费" },
  { key = "public", label = ["public"], measure = "公用经费" },
]
''')
    (folder / "document.toml").write_text('''
[tables.12]
title = "{部门名称}按单位的一般公共预算支出表"
[labels]
unit_code = "单位编码"
unit_name = "单位名称"
personnel = "人员经费"
public = "公用经费"
''', encoding="utf-8")
    out = tmp_path / "out"
    result = compile_workbook(EXAMPLE, Options(profile=str(folder), out=out, formats=("html",)))
    assert result.exit_status == 0, result.error or [d.message for d in result.report.errors]
    ids = [t.id for t in result.views.tables]
    assert ids[ids.index("table-9") + 1] == "table-12"
    t = result.views.tables[ids.index("table-12")]
    assert [c.label for c in t.columns] == ["单位编码", "单位名称", "合计", "人员经费", "公用经费"]
    units = [r for r in t.rows if r.kind == "item"]
    assert sum((r.cells[2].value for r in units), D(0)) == t.rows[0].cells[2].value \
        == result.views.facts["gpb"]["total"]
    assert t.rows[0].cells[3].value == result.views.facts["gpb"]["personnel"]
    html = (out / f"{EXAMPLE.stem}.html").read_text(encoding="utf-8")
    assert 'id="table-12"' in html and "郑州市商务局按单位的一般公共预算支出表" in html
    # and the rest of the document is the 2020 format's
    assert 'id="table-5-2"' in html and 'id="table-11-overall"' in html


def _broken(tmp_path, text: str, monkey_line: str):
    folder = _copy_with(tmp_path, text)
    lines = (folder / "profile.toml").read_text(encoding="utf-8").splitlines()
    line = next(i for i, ln in enumerate(lines, 1) if monkey_line in ln)
    return folder, line


@pytest.mark.parametrize("text, bad, words", [
    ('[[table]]\nid = "table-12"\nlayout = "matrix"\nrows = "功能科目"\ncolumns = [{ key = "t" }]\n',
     '"功能科目"', "未知的维度“功能科目”"),
    ('[[table]]\nid = "table-12"\nlayout = "matrix"\nrows = "功能分类"\n'
     'columns = [\n  { key = "t", label = ["total"] },\n  { key = "x", label = ["total"], source = "财政补助" },\n]\n',
     '"财政补助"', "未知的资金来源或资金来源组“财政补助”"),
    ('[[table]]\nid = "table-12"\nlayout = "matrix"\nrows = "合计"\n'
     'columns = [{ key = "x", label = ["total"], measure = "人员经费", year = "上年" }]\n',
     '"人员经费"', "没有对应的上年数指标"),
    ('[[table]]\nid = "table-12"\nlayout = "matrix"\nrows = "功能分类"\n'
     'columns = [{ key = "x", label = ["no_such_label"] }]\n', '"no_such_label"', "没有标签“no_such_label”"),
    ('[[table]]\nid = "table-12"\nlayout = "pivot"\n', '"pivot"', "未知的版式（layout）“pivot”"),
])
def test_a_broken_profile_names_file_and_line(tmp_path, small, text, bad, words):
    folder, line = _broken(tmp_path, text, bad)
    r = run_cli("check", small, "--profile", folder, "--format", "json")
    assert r.returncode == 2, r.stdout + r.stderr
    diag = json.loads(r.stdout)["diagnostics"]
    assert [d["code"] for d in diag] == ["E-PRF-001"]
    assert diag[0]["file"] == f"{folder / 'profile.toml'}:{line}"
    assert words in diag[0]["message"]
    human = run_cli("build", small, "--profile", folder, "-o", tmp_path / "out")
    assert human.returncode == 2 and f"profile.toml:{line}" in human.stdout
    assert "Traceback" not in human.stdout + human.stderr and not (tmp_path / "out").exists()


def test_a_toml_syntax_error_names_its_line(tmp_path, small):
    folder = _copy_with(tmp_path, '[[table]]\nid = "table-12\n')
    r = run_cli("check", small, "--profile", folder, "--format", "json")
    diag = json.loads(r.stdout)["diagnostics"]
    assert r.returncode == 2 and diag[0]["file"].endswith("profile.toml:5")


def test_the_workbook_names_its_profile(tmp_path):
    path = tmp_path / "new.xlsx"
    r = run_cli("new", path, "--dept", "测试局", "--year", "2022", "--profile", "standard")
    assert r.returncode == 0, r.stderr
    assert check(path).config.profile.name == "standard"
    bad = write_small(tmp_path / "bad.xlsx", standard_data(profile="no-such-format"))
    result = check(bad)
    assert result.exit_status == 2
    d = result.report.items[0]
    assert (d.code, d.sheet, d.cell) == ("E-PRF-002", "基本信息", "B7")
    # --profile overrides the workbook's
    assert check(bad, Options(profile="standard")).config.profile.name == "standard"


def test_the_json_output_names_the_profile(tmp_path):
    path = write_small(tmp_path / "s.xlsx", standard_data())
    result = compile_workbook(path, Options(out=tmp_path / "out", formats=("json",)))
    assert result.exit_status == 0, result.error
    doc = json.loads((tmp_path / "out" / "s.json").read_text(encoding="utf-8"))
    assert doc["profile"] == "standard" and "table-10-1" in doc["tables"]


def test_shipped_profiles_have_a_readme_with_sources():
    for name, _ in available():
        text = (templates_root() / name / "README.md").read_text(encoding="utf-8")
        assert "[F]" in text and "http" in text, name


def test_a_copied_profile_folder_works_standalone(tmp_path):
    """A profile folder copied wholesale (not extending) renders the same tables."""
    copy = tmp_path / "zz"
    shutil.copytree(templates_root() / "zhengzhou-2020", copy)
    text = (copy / "profile.toml").read_text(encoding="utf-8").replace(
        'extends = "standard"', f'extends = "{templates_root() / "standard"}"')
    (copy / "profile.toml").write_text(text, encoding="utf-8")
    a = derive_views(check(EXAMPLE))
    b = derive_views(check(EXAMPLE, Options(profile=str(copy))))
    assert [t.id for t in a.tables] == [t.id for t in b.tables]
    assert a.tables[2].rows == b.tables[2].rows


def test_rollover_keeps_the_profile_and_diff_uses_each_workbooks(tmp_path):
    path = write_small(tmp_path / "s.xlsx", standard_data())
    r = run_cli("rollover", path, "-o", tmp_path / "next.xlsx")
    assert r.returncode == 0, r.stdout + r.stderr
    import openpyxl
    kv = {row[0].value: row[1].value for row in openpyxl.load_workbook(tmp_path / "next.xlsx")["基本信息"].iter_rows(min_row=2)}
    assert kv["公开格式"] == "standard"
    # diff derives each workbook in its own profile (a 2020 draft against a standard one)
    r = run_cli("diff", path, tmp_path / "next.xlsx", "--format", "json")
    assert r.returncode == 1, r.stderr
    assert json.loads(r.stdout)["tables"]
    r = run_cli("diff", path, path, "--profile", "zhengzhou-2020")
    assert r.returncode == 0, r.stderr
