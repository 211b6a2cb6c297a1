"""Issue 15: a batch built as shards (`build --shard K/N`) and joined (`gongkai site`) into one
static site and one open-data package."""
from __future__ import annotations

import copy
import csv
import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from compiler.shard import shard_of
from conftest import SMALL, mutate, run_cli, write_small

SIX = [f"dept-{i}" for i in range(6)]
NAMES = {stem: f"测试市第{i + 1}局" for i, stem in enumerate(SIX)}
# SMALL's four 支出明细 lines: 120000 + 30000 + 80000 + 50000
TOTAL = Decimal("280000")


def department(name: str) -> dict:
    data = copy.deepcopy(SMALL)
    data["基本信息"] = [(k, name if k == "部门名称" else v) for k, v in data["基本信息"]]
    return data


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def shards(tmp_path_factory) -> Path:
    """Six departments built as shards 1/3, 2/3, 3/3 into three folders (HTML and data)."""
    root = tmp_path_factory.mktemp("shards")
    src = root / "in"
    src.mkdir()
    for stem in SIX:
        write_small(src / f"{stem}.xlsx", department(NAMES[stem]))
    for k in (1, 2, 3):
        r = run_cli("build", src, "-o", root / f"out{k}", "--shard", f"{k}/3",
                    "--format", "html,data", "--jobs", "1")
        assert r.returncode == 0, r.stdout + r.stderr
    return root


@pytest.fixture(scope="module")
def site(shards) -> Path:
    r = run_cli("site", shards / "out1", shards / "out2", shards / "out3", "-o", shards / "site")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "共 6 份公开文件（0 份失败）" in r.stdout
    return shards / "site"


def built(out: Path) -> list[str]:
    return [d["stem"] for d in json.loads((out / "summary.json").read_text("utf-8"))["departments"]]


# ---------------------------------------------------------------------------------- done when

def test_three_shards_build_every_workbook_once(shards):
    parts = {k: built(shards / f"out{k}") for k in (1, 2, 3)}
    every = [stem for k in parts for stem in parts[k]]
    assert sorted(every) == SIX                          # every workbook once, none twice
    for k, stems in parts.items():
        assert stems == sorted(s for s in SIX if shard_of(f"{s}.xlsx", 3) == k)
        folders = sorted(p.name for p in (shards / f"out{k}").iterdir() if p.is_dir())
        assert folders == stems
        summary = json.loads((shards / f"out{k}" / "summary.json").read_text("utf-8"))
        assert (summary["shard"]["index"], summary["shard"]["count"]) == (k, 3)
        assert (summary["shard"]["workbooks"], summary["shard"]["total"]) == (len(stems), 6)


def test_site_index_has_six_entries(site):
    index = (site / "index.html").read_text("utf-8")
    rows = re.findall(r'<tr class="department">\n<td>(.*?)<br>', index)
    assert rows == [NAMES[s] for s in SIX]               # sorted by name: 第1局 … 第6局
    assert "共 6 份公开文件（2021 年度）：成功 6 份，失败 0 份。" in index
    for stem in SIX:
        assert f'<a href="{stem}/{stem}.html">网页</a>' in index
        assert f'<a href="{stem}/{stem}-data/datapackage.json">数据</a>' in index
        assert (site / stem / f"{stem}.html").is_file()
        assert (site / stem / f"{stem}-data" / "lines.csv").is_file()
    assert '<a href="data/datapackage.json">' in index
    assert "http" not in index and "src=" not in index   # nothing fetched
    summary = json.loads((site / "summary.json").read_text("utf-8"))
    assert [d["dept"] for d in summary["departments"]] == [NAMES[s] for s in SIX]
    assert [d["shard"] for d in summary["departments"]] == [
        f"{shard_of(f'{s}.xlsx', 3)}/3" for s in SIX]
    assert summary["departments"][0]["outputs"] == ["dept-0/dept-0-data", "dept-0/dept-0.html"]
    assert [s["index"] for s in summary["shards"]] == [1, 2, 3]
    assert "seconds" not in json.dumps(summary) and str(site.parent) not in json.dumps(summary)


def test_combined_data_package_validates(site):
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(site / "data" / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]


def test_combined_lines_have_a_department_column(site):
    package = json.loads((site / "data" / "datapackage.json").read_text("utf-8"))
    lines = package["resources"][0]
    assert lines["name"] == "lines"
    assert [f["name"] for f in lines["schema"]["fields"]][:5] == [
        "部门", "单位预算公开", "预算年度", "来源行号", "单位编码"]
    rows = read_csv(site / "data" / "lines.csv")
    assert len(rows) == 6 * 4
    by_dept: dict[str, Decimal] = {}
    for row in rows:
        by_dept[row["部门"]] = by_dept.get(row["部门"], Decimal(0)) + Decimal(row["金额"])
        assert row["预算年度"] == "2021" and row["单位预算公开"] == ""
    assert by_dept == {NAMES[s]: TOTAL for s in SIX}
    # every 附表 of every department, one resource each, with 部门 and 表名
    table1 = read_csv(site / "data" / "table-1.csv")
    one = read_csv(site / "dept-0" / "dept-0-data" / "table-1.csv")
    assert len(table1) == 6 * len(one)
    first = [r for r in table1 if r["部门"] == NAMES["dept-0"]]
    assert [{k: v for k, v in r.items() if k not in ("部门", "单位预算公开", "预算年度", "表名")}
            for r in first] == one
    names = {r["name"] for r in package["resources"]}
    assert names == {p.stem for p in (site / "dept-0" / "dept-0-data").glob("*.csv")}


def test_same_inputs_same_bytes(shards, site):
    again = shards / "again"
    r = run_cli("site", shards / "out3", shards / "out1", shards / "out2", "-o", again)
    assert r.returncode == 0, r.stderr
    assert files_of(again) == files_of(site)
    # again onto an existing site: replaced whole, nothing left beside it
    r = run_cli("site", shards / "out1", shards / "out2", shards / "out3", "-o", again)
    assert r.returncode == 0, r.stderr
    assert files_of(again) == files_of(site)
    assert not [p.name for p in shards.iterdir() if p.name.startswith(".gongkai-")]


def test_a_seventh_workbook_moves_no_other(shards, tmp_path):
    src = tmp_path / "in"
    shutil.copytree(shards / "in", src)
    write_small(src / "dept-6.xlsx", department("测试市第7局"))
    parts = {}
    for k in (1, 2, 3):
        r = run_cli("build", src, "-o", tmp_path / f"out{k}", "--shard", f"{k}/3",
                    "--format", "json", "--jobs", "1")
        assert r.returncode == 0, r.stdout + r.stderr
        parts[k] = built(tmp_path / f"out{k}")
    before = {s: k for k in (1, 2, 3) for s in built(shards / f"out{k}")}
    after = {s: k for k, stems in parts.items() for s in stems}
    assert sorted(after) == SIX + ["dept-6"]
    assert {s: after[s] for s in SIX} == before


# ---------------------------------------------------------------------------------- refusals

def test_a_department_built_twice_names_both(shards, tmp_path):
    again = tmp_path / "again"
    again.mkdir()
    shutil.copyfile(shards / "in" / "dept-2.xlsx", again / "copy-of-3.xlsx")
    r = run_cli("build", again, "-o", tmp_path / "extra", "--format", "html")
    assert r.returncode == 0, r.stderr
    k = shard_of("dept-2.xlsx", 3)
    r = run_cli("site", shards / "out1", shards / "out2", shards / "out3", tmp_path / "extra",
                "-o", tmp_path / "site")
    assert r.returncode == 1
    assert (f"部门“测试市第3局”（2021 年）生成了两次：{shards / f'out{k}'}（分片 {k}/3） 中的 "
            f"dept-2/（dept-2.xlsx） 与 {tmp_path / 'extra'} 中的 copy-of-3/（copy-of-3.xlsx）") in r.stderr
    assert "Traceback" not in r.stderr and not (tmp_path / "site").exists()


def test_a_missing_or_repeated_part(shards, tmp_path):
    r = run_cli("site", shards / "out1", shards / "out3", "-o", tmp_path / "site")
    assert r.returncode == 1 and "缺少分片 2/3" in r.stderr
    shutil.copytree(shards / "out1", tmp_path / "out1-again")
    r = run_cli("site", shards / "out1", shards / "out2", shards / "out3", tmp_path / "out1-again",
                "-o", tmp_path / "site")
    assert r.returncode == 1 and "分片 1/3 给了两次" in r.stderr
    # a part built from another set of workbooks (one added between the jobs)
    other = tmp_path / "other"
    other.mkdir()
    shutil.copyfile(shards / "in" / "dept-0.xlsx", other / "dept-0.xlsx")
    write_small(other / "dept-9.xlsx", department("测试市第10局"))
    k = shard_of("dept-0.xlsx", 3)
    r = run_cli("build", other, "-o", tmp_path / "other-out", "--shard", f"{k}/3", "--format", "json")
    assert r.returncode == 0, r.stderr
    outs = [tmp_path / "other-out" if j == k else shards / f"out{j}" for j in (1, 2, 3)]
    r = run_cli("site", *outs, "-o", tmp_path / "site")
    assert r.returncode == 1 and "这些分片来自不同的一批工作簿" in r.stderr, r.stderr
    assert not (tmp_path / "site").exists()


def test_wrong_places_exit_2(shards, tmp_path):
    outs = [shards / "out1", shards / "out2", shards / "out3"]
    r = run_cli("site", *outs, "-o", shards / "out2" / "site")
    assert r.returncode == 2 and "不能在输入文件夹" in r.stderr
    assert not (shards / "out2" / "site").exists()
    r = run_cli("site", shards / "out1", shards / "out1", "-o", tmp_path / "s")
    assert r.returncode == 2 and "给了两次" in r.stderr
    (tmp_path / "plain").mkdir()
    r = run_cli("site", tmp_path / "plain", "-o", tmp_path / "s")
    assert r.returncode == 2 and "summary.json" in r.stderr
    # an input inside the site would be deleted by replacing the site
    shutil.copytree(shards / "out1", tmp_path / "s" / "out1")
    r = run_cli("site", tmp_path / "s" / "out1", "-o", tmp_path / "s")
    assert r.returncode == 2 and "在输出文件夹" in r.stderr
    assert (tmp_path / "s" / "out1" / "summary.json").is_file()


def test_a_summary_cannot_point_outside_its_folder(shards, tmp_path):
    bad = tmp_path / "bad"
    shutil.copytree(shards / "out1", bad)
    doc = json.loads((bad / "summary.json").read_text("utf-8"))
    doc.pop("shard")
    doc["departments"] = doc["departments"][:1]
    doc["departments"][0]["outputs"] = ["../../../../etc/passwd"]
    (bad / "summary.json").write_text(json.dumps(doc), "utf-8")
    r = run_cli("site", bad, "-o", tmp_path / "site")
    assert r.returncode == 2 and "输出路径不合法" in r.stderr and not (tmp_path / "site").exists()


# ---------------------------------------------------------------------------------- joins

def test_unit_outputs_and_a_failed_department_join(shards, tmp_path):
    """--unit all outputs sit beside the departments; a department that failed is listed with
    its errors (workbook text escaped), with no links and no data."""
    units = tmp_path / "units"
    r = run_cli("build", shards / "in" / "dept-0.xlsx", "--unit", "all", "-o", units,
                "--format", "html,data")
    assert r.returncode == 0, r.stdout + r.stderr
    bad = tmp_path / "bad"
    bad.mkdir()

    def broken(wb):
        wb["基本信息"]["B2"] = "<b>坏部门</b>"
        wb["支出明细"]["H2"] = "1,200"
    mutate(shards / "in" / "dept-0.xlsx", bad / "broken.xlsx", broken)
    r = run_cli("build", bad, "-o", tmp_path / "badout")
    assert r.returncode == 1
    r = run_cli("site", shards / "out1", shards / "out2", shards / "out3", units,
                tmp_path / "badout", "-o", tmp_path / "site")
    assert r.returncode == 0, r.stderr
    assert "共 9 份公开文件（1 份失败）" in r.stdout
    index = (tmp_path / "site" / "index.html").read_text("utf-8")
    assert index.count('<tr class="unit">') == 2 and index.count('<tr class="department">') == 7
    assert "测试市测试局机关<br><span class=\"note\">测试市第1局 · 101001</span>" in index
    assert "&lt;b&gt;坏部门&lt;/b&gt;" in index and "<b>坏部门" not in index
    assert "broken.xlsx：存在错误，未生成任何文件" in index
    assert not (tmp_path / "site" / "broken").exists()
    rows = read_csv(tmp_path / "site" / "data" / "lines.csv")
    units_rows = [r for r in rows if r["单位预算公开"]]
    assert {r["单位预算公开"] for r in units_rows} == {"101001", "101002"}
    assert {r["部门"] for r in units_rows} == {"测试市第1局"}
    # a unit's lines are also its department's: the blank rows alone add up per department
    assert sum(Decimal(r["金额"]) for r in rows if not r["单位预算公开"]) == 6 * TOTAL
    assert sum(Decimal(r["金额"]) for r in units_rows) == TOTAL
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(tmp_path / "site" / "data" / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    # each document's 附表 rows once, under its own 单位预算公开 value
    t1 = read_csv(tmp_path / "site" / "data" / "table-1.csv")
    k = shard_of("dept-0.xlsx", 3)
    one = len(read_csv(shards / f"out{k}" / "dept-0" / "dept-0-data" / "table-1.csv"))
    unit_one = len(read_csv(units / "101001" / "dept-0-101001-data" / "table-1.csv"))
    assert [sum(r["单位预算公开"] == code for r in t1) for code in ("", "101001", "101002")] == [
        6 * one, unit_one, unit_one]


def test_columns_are_the_union_and_a_mixed_column_is_text(tmp_path):
    """Two documents whose 附表 differ (a unit's document lacks the 上年 columns; a profile
    may print text where another prints amounts): one resource with every column."""
    from compiler.render.opendata import csv_bytes
    from compiler.site import Entry, Part, wording
    from compiler.sitedata import combined_package

    def folder(name, fields, rows):
        d = tmp_path / name
        d.mkdir()
        (d / "t.csv").write_bytes(csv_bytes([f[0] for f in fields], rows))
        (d / "datapackage.json").write_text(json.dumps({"resources": [{
            "name": "table-x", "path": "t.csv", "title": f"@{name}表", "schema": {
                "fields": [{"name": n, "type": t} for n, t in fields]}}]}), "utf-8")
        return d
    a = folder("a", [("项目", "string"), ("上年数", "number"), ("本年数", "number")],
               [["甲", "1", "2"]])
    b = folder("b", [("项目", "string"), ("本年数", "string")], [["乙", "无"]])
    part = Part(tmp_path, {"departments": []})
    ea = Entry(part, {"stem": "a", "dept": "=部门甲", "department": "=部门甲", "year": 2021},
               outputs=["a/a-data"])
    eb = Entry(part, {"stem": "b", "dept": "单位乙", "department": "=部门甲", "unit": "102",
                      "year": 2021}, outputs=["b/b-data"])
    files = combined_package([ea, eb], {"a/a-data": a, "b/b-data": b}, wording()["data"])
    package = json.loads(files["datapackage.json"])
    fields = package["resources"][0]["schema"]["fields"]
    assert [(f["name"], f["type"]) for f in fields] == [
        ("部门", "string"), ("单位预算公开", "string"), ("预算年度", "integer"), ("表名", "string"),
        ("项目", "string"), ("上年数", "number"), ("本年数", "string")]
    assert files["table-x.csv"].decode("utf-8-sig").splitlines() == [
        "部门,单位预算公开,预算年度,表名,项目,上年数,本年数",
        "'=部门甲,,2021,'@a表,甲,1,2",          # workbook text never a formula
        "'=部门甲,102,2021,'@b表,乙,,无"]
