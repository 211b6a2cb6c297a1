"""The open-data folder (--format data): one CSV per 附表 and lines.csv, described by a
datapackage.json (Frictionless Data Package v1 + Fiscal Data Package annotations), UTF-8 with
BOM, deterministic, written atomically."""
from __future__ import annotations

import csv
import json
import os
import shutil
import time
from decimal import Decimal
from pathlib import Path

import pytest

from compiler.files import OutputError
from compiler.pipeline import check_workbook
from compiler.render.opendata import (LINE_FIELDS, csv_value, flat_labels, package_name, render_data,
                                      write_folder_atomic)
from conftest import EXAMPLE, build, example_views

STEM = EXAMPLE.stem


@pytest.fixture(scope="module")
def example():
    return example_views()


@pytest.fixture(scope="module")
def folder(tmp_path_factory, example):
    budget = example[0]
    out = tmp_path_factory.mktemp("data")
    written = build(EXAMPLE, out, ["data"])
    assert written == [out / f"{STEM}-data"]
    return out / f"{STEM}-data"


@pytest.fixture(scope="module")
def package(folder):
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))


def read_csv(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def resource(package, name):
    return next(r for r in package["resources"] if r["name"] == name)


# ---------------------------------------------------------------------------------------------

def test_one_csv_per_table_plus_lines(folder, example):
    views = example[2]
    expected = {"datapackage.json", "lines.csv"} | {f"{t.id}.csv" for t in views.tables}
    assert {p.name for p in folder.iterdir()} == expected
    for p in folder.glob("*.csv"):
        raw = p.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), p.name                 # BOM: Excel reads UTF-8
        # records end with \r\n; a bare \n only breaks a line inside a quoted text cell
        assert raw.count(b"\r\n") == len(read_csv(p)) and raw.endswith(b"\r\n"), p.name
        assert b"\r" not in raw.replace(b"\r\n", b""), p.name


def test_table_csvs_are_the_ir_grid(folder, example, package):
    views = example[2]
    for t in views.tables:
        rows = read_csv(folder / f"{t.id}.csv")
        width = len(t.columns)
        assert rows[0] == flat_labels(t) + ["行类型", "行标识"]
        assert len(rows) - 1 == len(t.rows)
        for row, values, line in zip(t.rows, t.grid_rows(), rows[1:]):
            # a key that starts like a formula ("-|basic_goods_services") is neutralised too
            key = row.key or ""
            assert line[width:] == [row.kind, "'" + key if key.startswith(("=", "+", "-", "@")) else key]
            for v, text, col in zip(values, line, t.columns):
                if isinstance(v, Decimal):
                    assert Decimal(text) == v, (t.id, row.key, col.key)   # zero written as 0
                    assert "," not in text
                elif isinstance(v, str) and v.startswith(("=", "+", "-", "@")):
                    assert text == "'" + v, (t.id, row.key, col.key)   # 目标值 "=100%" is text
                else:
                    assert text == ("" if v is None else str(v)), (t.id, row.key, col.key)
        fields = resource(package, t.id)["schema"]["fields"]
        assert [f["name"] for f in fields] == rows[0]
        assert [f["key"] for f in fields] == [c.key for c in t.columns] + ["row_kind", "row_key"]
        for f, col in zip(fields, t.columns):
            assert f["type"] == ("string" if col.kind in ("code", "text") else "number"), (t.id, col.key)
    # labels as printed, flattened: 表3 "基本支出/小计", codes under 科目编码
    t3 = read_csv(folder / "table-3.csv")[0]
    assert t3[:6] == ["科目编码/类", "科目编码/款", "科目编码/项", "单位（科目名称）", "合计", "基本支出/小计"]
    assert "项目支出/小计" in t3
    assert read_csv(folder / "table-1.csv")[0][:4] == ["收入/项目", "收入/金额", "支出/项目", "支出/金额"]


def test_lines_csv(folder, example, package):
    budget, catalog, views = example
    rows = read_csv(folder / "lines.csv")
    header, body = rows[0], rows[1:]
    assert header == [f[0] for f in LINE_FIELDS]
    assert len(body) == len(budget.lines)
    col = {name: i for i, name in enumerate(header)}
    total = sum(Decimal(r[col["金额"]]) for r in body)
    t1 = next(t for t in views.tables if t.id == "table-1")
    assert total == sum(ln.amount for ln in budget.lines) == t1.rows[-1].cells[1].value
    units = {u.code: u.name for u in budget.units}
    for r, ln in zip(body, budget.lines):
        assert r[col["来源行号"]] == str(ln.row)
        assert r[col["单位编码"]] == ln.unit and r[col["单位名称"]] == units[ln.unit]
        assert r[col["功能分类类编码"]] == ln.func[:3] and r[col["功能分类款编码"]] == ln.func[:5]
        assert r[col["功能分类项编码"]] == ln.func
        assert r[col["功能分类类名称"]] == catalog.func_name(ln.func[:3])
        assert r[col["部门经济分类款编码"]] == ln.econ
        assert r[col["部门经济分类款名称"]] == catalog.econ_name(ln.econ)
        gov = r[col["政府经济分类款编码"]]
        assert len(gov) == 5 and gov[:3] == r[col["政府经济分类类编码"]]
        assert r[col["政府经济分类款名称"]] == catalog.gov_name(gov)
        # the example leaves 政府经济分类 blank: derived from the correspondence
        assert not ln.gov_econ and r[col["政府经济分类来源"]] == "推导"
        assert r[col["支出类型"]] == ln.kind and r[col["资金来源"]] == ln.source
        assert r[col["项目名称"]] == (ln.project or "")
        if ln.project:
            assert r[col["项目类别"]] == next(p.category for p in budget.projects if p.name == ln.project)
        assert Decimal(r[col["金额"]]) == ln.amount
    # 表5-2's 政府经济分类 rows are the same derivation
    t52 = next(t for t in views.tables if t.id == "table-5-2")
    pairs = {row.key for row in t52.rows[1:]}
    gpb = [r for r, ln in zip(body, budget.lines) if ln.is_general_budget]
    assert pairs == {f"{r[col['部门经济分类款编码']]}/{r[col['政府经济分类款编码']]}" for r in gpb}


def test_datapackage_descriptor(package, example):
    budget = example[0]
    assert package["profile"] == "tabular-data-package"
    assert package["name"] == "zhengzhou-commerce-2020"
    assert package["title"] == f"{budget.info.dept_name} {budget.info.year} 年部门预算公开"
    assert package["created"].startswith(f"{budget.info.year}-")
    assert [r["name"] for r in package["resources"]][0] == "lines"
    for r in package["resources"]:
        assert r["path"] == f"{r['name']}.csv"
        assert r["format"] == "csv" and r["encoding"] == "utf-8-sig" and r["mediatype"] == "text/csv"
    lines = resource(package, "lines")
    types = {f["name"]: f["type"] for f in lines["schema"]["fields"]}
    assert types["单位编码"] == types["功能分类项编码"] == types["部门经济分类款编码"] == "string"
    assert types["金额"] == "number"
    ct = {f.get("columnType"): f["name"] for f in lines["schema"]["fields"]}
    for level, name in ((1, "类"), (2, "款"), (3, "项")):
        assert ct[f"functional-classification:generic:level{level}:code:full"] == f"功能分类{name}编码"
        assert ct[f"functional-classification:generic:level{level}:label"] == f"功能分类{name}名称"
    for level, name in ((1, "类"), (2, "款")):
        assert ct[f"economic-classification:generic:level{level}:code:full"] == f"部门经济分类{name}编码"
        assert ct[f"economic-classification:generic:level{level}:label"] == f"部门经济分类{name}名称"
        assert ct[f"economic-classification:government:level{level}:code:full"] == f"政府经济分类{name}编码"
    assert ct["administrative-classification:generic:level1:code"] == "单位编码"
    assert ct["administrative-classification:generic:level1:label"] == "单位名称"
    assert ct["value"] == "金额"
    extra = {f["columnType"]: f["constant"] for f in lines["schema"]["extraFields"]}
    assert extra == {"date:fiscal-year": budget.info.year, "value-currency:code": "CNY",
                     "phase:id": "proposed", "direction:id": "expenditure"}
    measure = package["model"]["measures"]["amount"]
    assert measure == {"source": "金额", "resource": "lines", "currency": "CNY", "factor": 1,
                       "direction": "expenditure", "phase": "proposed"}
    dims = package["model"]["dimensions"]
    assert {d["classificationType"] for d in dims.values() if "classificationType" in d} == \
        {"administrative", "functional", "economic"}
    names = set(types)
    for d in dims.values():
        for a in d["attributes"].values():
            assert "constant" in a or a["source"] in names


def test_package_name_is_a_slug():
    assert package_name("zhengzhou-commerce-2020", 2020) == "zhengzhou-commerce-2020"
    assert package_name("2021-预算", 2021) == "2021"
    assert package_name("预算", 2021) == "budget-2021"


def test_two_builds_are_byte_identical(folder, example, tmp_path):
    budget = example[0]
    time.sleep(1.1)
    build(EXAMPLE, tmp_path, ["data"])
    again = tmp_path / folder.name
    assert sorted(p.name for p in again.iterdir()) == sorted(p.name for p in folder.iterdir())
    for p in folder.iterdir():
        assert (again / p.name).read_bytes() == p.read_bytes(), p.name
    text = (folder / "datapackage.json").read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def test_folder_is_replaced_only_when_complete(tmp_path, monkeypatch):
    target = tmp_path / "x-data"
    write_folder_atomic(target, {"a.csv": b"1", "stale.csv": b"old"})
    assert sorted(p.name for p in target.iterdir()) == ["a.csv", "stale.csv"]
    # a failure while writing the new folder leaves the old one as it was, and no debris
    real_open = open

    def failing_open(path, *a, **k):
        if str(path).endswith("b.csv"):
            raise OSError("disk full")
        return real_open(path, *a, **k)

    monkeypatch.setattr("builtins.open", failing_open)
    with pytest.raises(OutputError, match="disk full"):
        write_folder_atomic(target, {"a.csv": b"2", "b.csv": b"2"})
    monkeypatch.undo()
    assert (target / "a.csv").read_bytes() == b"1" and (target / "stale.csv").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["x-data"]
    # success replaces the whole folder (stale files go), nothing left beside it
    write_folder_atomic(target, {"a.csv": b"3"})
    assert [p.name for p in target.iterdir()] == ["a.csv"] and (target / "a.csv").read_bytes() == b"3"
    assert [p.name for p in tmp_path.iterdir()] == ["x-data"]
    umask = os.umask(0)
    os.umask(umask)
    assert (target.stat().st_mode & 0o777) == 0o777 & ~umask


def test_render_is_pure(example):
    budget, catalog, views = example
    a = render_data(views, catalog, stem="s", title="t", meta_date="2020-01-01")
    b = render_data(views, catalog, stem="s", title="t", meta_date="2020-01-01")
    assert a == b and "datapackage.json" in a


# ---------------------------------------------------------------------------------------------
# frictionless

def _validate(path: Path):
    frictionless = pytest.importorskip(
        "frictionless", reason="frictionless not installed (pip install frictionless) — "
                               "the data package is then not validated")
    return frictionless.validate(str(path))


def test_frictionless_validates_the_package(folder):
    report = _validate(folder / "datapackage.json")
    assert report.valid, report.flatten(["type", "note"])
    assert len(report.tasks) == len(list(folder.glob("*.csv")))


def test_frictionless_would_catch_a_bad_cell(folder, tmp_path):
    """The validation is real: a text amount or a wrong header in a copy is reported."""
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    lines = (copy / "lines.csv").read_bytes().decode("utf-8-sig").split("\r\n")
    first = lines[1].rsplit(",", 1)
    lines[1] = first[0] + ",一千"
    (copy / "lines.csv").write_bytes("\r\n".join(lines).encode("utf-8-sig"))
    t1 = (copy / "table-1.csv").read_bytes().replace("收入/项目".encode(), "收入项目".encode())
    (copy / "table-1.csv").write_bytes(t1)
    report = _validate(copy / "datapackage.json")
    errors = {e[0] for e in report.flatten(["type"])}
    assert not report.valid and {"type-error", "incorrect-label"} <= errors, errors


def test_small_workbook_package_validates(small, tmp_path):
    checked = check_workbook(small)
    assert checked.exit_status == 0
    build(small, tmp_path, ["data", "xlsx"])
    report = _validate(tmp_path / "small-data" / "datapackage.json")
    assert report.valid, report.flatten(["type", "note"])
    rows = read_csv(tmp_path / "small-data" / "lines.csv")
    assert len(rows) == 1 + len(checked.budget.lines)


def test_csv_value_keeps_numbers_and_neutralises_text():
    assert csv_value(Decimal("-5.00")) == "-5.00"               # an amount, negative, is a number
    assert csv_value(Decimal("-5.50"), "number") == "-5.5"
    assert csv_value("-5") == "'-5"                              # text that looks like one is text
    assert csv_value("@A1") == "'@A1" and csv_value("\r=1") == "'\n=1" and csv_value("\t=1") == "'\t=1"
    assert csv_value("5-1") == "5-1" and csv_value("郑州=") == "郑州="
