"""--shard K/N: a partition by a hash of the file name, stable under adding a workbook."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from compiler.profiles import DEFAULT_PROFILE
from compiler.shard import Shard, ShardError, parse, select, set_digest, shard_of
from conftest import run_cli, write_small

names = st.lists(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="/\0"),
                         min_size=1, max_size=12).map(lambda s: s + ".xlsx"),
                 min_size=0, max_size=40, unique=True)


@settings(max_examples=60, deadline=None)
@given(names, st.integers(1, 9), st.text(min_size=1, max_size=8).map(lambda s: s + "-new.xlsx"))
def test_every_workbook_in_exactly_one_part_and_adding_one_moves_none(found, n, extra):
    paths = [Path("in") / x for x in found]
    parts = [select(paths, Shard(k, n)) for k in range(1, n + 1)]
    assert sorted(p for part in parts for p in part) == sorted(paths)   # each once, none twice
    before = {p.name: shard_of(p.name, n) for p in paths}
    grown = paths + [Path("in") / extra] if extra not in found else paths
    after = {p.name: k for k in range(1, n + 1) for p in select(grown, Shard(k, n))}
    assert {name: after[name] for name in before} == before


def test_the_part_is_the_name_not_the_folder_or_the_position():
    a = [Path("/x/a.xlsx"), Path("/x/b.xlsx"), Path("/x/c.xlsx")]
    b = [Path("elsewhere/c.xlsx"), Path("elsewhere/a.xlsx"), Path("elsewhere/b.xlsx")]
    for k in (1, 2, 3):
        assert sorted(p.name for p in select(a, Shard(k, 3))) == \
            sorted(p.name for p in select(b, Shard(k, 3)))
    assert set_digest(a) == set_digest(b)
    assert shard_of("a.xlsx", 1) == 1


def test_fixed_hash():
    # sha256("a.xlsx")[:8] as a big-endian integer, mod N, plus 1: never to change between
    # versions (the jobs of one CI run, and a re-run, must agree)
    assert [shard_of(n, 7) for n in ("a.xlsx", "郑州市商务局.xlsx", "dept-000.xlsx",
                                     "dept-001.xlsx")] == [5, 2, 7, 1]
    # NFC: the same name typed decomposed is the same workbook
    assert shard_of("e\u0301.xlsx", 5) == shard_of("\u00e9.xlsx", 5)


@pytest.mark.parametrize("text, says", [
    ("x", "K/N"), ("0/3", "K 应在 1 到 3 之间"), ("4/3", "K 应在 1 到 3 之间"),
    ("1/0", "份数 N"), ("1/-2", "K/N"), ("", "K/N"), ("1/2/3", "K/N")])
def test_bad_values(text, says):
    with pytest.raises(ShardError) as err:
        parse(text)
    assert says in str(err.value)
    assert parse(" 2 / 4 ") == Shard(2, 4)


def test_cli_bad_shard_exit_2_nothing_written(tmp_path):
    write_small(tmp_path / "a.xlsx")
    out = tmp_path / "out"
    r = run_cli("build", tmp_path / "a.xlsx", "-o", out, "--shard", "3/2")
    assert r.returncode == 2 and "K 应在 1 到 2 之间" in r.stderr and "Traceback" not in r.stderr
    r = run_cli("build", tmp_path / "a.xlsx", "-o", out, "--shard", "1/2", "--unit", "all")
    assert r.returncode == 2 and "--unit" in r.stderr
    assert not out.exists()


def test_cli_shard_summary_and_an_empty_part(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for name in ("a", "b", "c"):
        write_small(src / f"{name}.xlsx")
    mine = shard_of("a.xlsx", 2)
    out = tmp_path / "out"
    r = run_cli("build", src, "-o", out, "--shard", f"{mine}/2", "--jobs", "1")
    assert r.returncode == 0, r.stdout + r.stderr
    expected = sorted(n for n in ("a", "b", "c") if shard_of(f"{n}.xlsx", 2) == mine)
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == expected
    assert f"分片 {mine}/2（共 3 个工作簿）：{len(expected)} 个部门" in r.stdout
    doc = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert doc["shard"] == {"index": mine, "count": 2, "workbooks": len(expected), "total": 3,
                            "names_digest": set_digest([Path(f"{n}.xlsx") for n in "abc"])}
    assert [d["stem"] for d in doc["departments"]] == expected
    assert {d["profile"] for d in doc["departments"]} == {DEFAULT_PROFILE}
    assert {d["department"] for d in doc["departments"]} == {"测试市测试局"}
    assert f"（分片 {mine}/2）" in (out / "index.html").read_text(encoding="utf-8")
    # a part with nothing in it (N larger than the batch) still succeeds, with its summary
    n = 50
    empty = next(k for k in range(1, n + 1)
                 if all(shard_of(f"{x}.xlsx", n) != k for x in "abc"))
    r = run_cli("build", src, "-o", tmp_path / "none", "--shard", f"{empty}/{n}")
    assert r.returncode == 0, r.stdout + r.stderr
    doc = json.loads((tmp_path / "none" / "summary.json").read_text(encoding="utf-8"))
    assert doc["departments"] == [] and doc["shard"]["workbooks"] == 0 and doc["shard"]["total"] == 3
