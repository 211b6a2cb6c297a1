"""Batch build: many departments in worker processes, one failure never stops the others."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from compiler.batch import Result, collect, count_pages, render_index, summary_table
from conftest import EXAMPLE, mutate, run_cli


@pytest.fixture
def batch_dir(tmp_path) -> Path:
    """The example plus two broken workbooks: one that is no workbook at all, one whose
    content has an error (and a department name that must be escaped in index.html)."""
    d = tmp_path / "in"
    d.mkdir()
    shutil.copyfile(EXAMPLE, d / EXAMPLE.name)
    (d / "not-a-workbook.xlsx").write_bytes(b"PK\x03\x04 truncated")

    def bad_amount(wb):
        wb["基本信息"]["B2"] = "<b>坏部门</b>"
        wb["支出明细"]["H2"] = "1,200"
    mutate(EXAMPLE, d / "bad-amount.xlsx", bad_amount)
    (d / "~$lock.xlsx").write_bytes(b"excel lock file")   # skipped
    (d / "notes.txt").write_text("not a workbook")         # skipped
    return d


def test_batch_builds_the_good_one_and_reports_the_bad(batch_dir, tmp_path):
    out = tmp_path / "out"
    report = tmp_path / "summary.json"
    r = run_cli("build", batch_dir, "-o", out, "--jobs", "2", "--report-json", report)
    assert r.returncode == 1, r.stdout + r.stderr
    stem = EXAMPLE.stem
    # the good department: its own folder with its outputs
    assert sorted(p.name for p in (out / stem).iterdir()) == [f"{stem}.html", f"{stem}.json"]
    # the bad ones: reported, nothing written for them
    assert not (out / "bad-amount").exists() and not (out / "not-a-workbook").exists()
    assert "E-AMOUNT" in r.stdout and "支出明细!H2" in r.stdout
    assert "E-FILE" in r.stdout
    assert "3 个部门：1 个成功，2 个失败" in r.stdout
    # summary table: one row per department
    table = r.stdout.split("\n\n")[0].splitlines()
    assert table[0].split() == ["部门", "文件", "状态", "错误", "警告", "页数", "秒"]
    assert [line.split()[1] for line in table[2:]] == ["bad-amount.xlsx", "not-a-workbook.xlsx",
                                                      EXAMPLE.name]
    # piped: plain progress lines, no bar
    assert "[3/3]" in r.stderr and "\r" not in r.stderr
    # JSON for CI
    doc = json.loads(report.read_text(encoding="utf-8"))
    assert doc["schema"] == 1 and doc["jobs"] == 2 and (doc["ok"], doc["failed"]) == (1, 2)
    by_stem = {x["stem"]: x for x in doc["departments"]}
    assert by_stem[stem]["status"] == "ok" and by_stem[stem]["errors"] == 0
    assert by_stem[stem]["outputs"] == [f"{stem}/{stem}.html", f"{stem}/{stem}.json"]
    assert by_stem[stem]["pages"] is None      # no PDF asked for
    assert by_stem["bad-amount"]["status"] == "failed" and by_stem["bad-amount"]["errors"] >= 1
    assert any(x["code"].startswith("E-AMOUNT") for x in by_stem["bad-amount"]["diagnostics"])
    assert by_stem["not-a-workbook"]["status"] == "failed"
    # index.html links every department, escaped
    index = (out / "index.html").read_text(encoding="utf-8")
    assert f'href="{stem}/{stem}.html"' in index
    assert "&lt;b&gt;坏部门&lt;/b&gt;" in index and "<b>坏部门" not in index
    assert "src=" not in index and "http" not in index


def test_several_files_and_single_file_mode(tmp_path):
    a = tmp_path / "a.xlsx"
    b = tmp_path / "b.xlsx"
    shutil.copyfile(EXAMPLE, a)
    shutil.copyfile(EXAMPLE, b)
    out = tmp_path / "out"
    r = run_cli("build", a, b, "-o", out, "--jobs", "2")
    assert r.returncode == 0, r.stdout + r.stderr
    assert (out / "a" / "a.html").is_file() and (out / "b" / "b.html").is_file()
    assert (out / "index.html").is_file()
    # one file: outputs directly in DIR, as always
    single = tmp_path / "single"
    r = run_cli("build", a, "-o", single)
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in single.iterdir()) == ["a.html", "a.json"]


def test_wrong_arguments_exit_2(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    shutil.copyfile(EXAMPLE, tmp_path / "x" / "same.xlsx")
    shutil.copyfile(EXAMPLE, tmp_path / "y" / "same.xlsx")
    r = run_cli("build", tmp_path / "x", tmp_path / "y", "-o", tmp_path / "out")
    assert r.returncode == 2 and "同名" in r.stderr
    (tmp_path / "empty").mkdir()
    assert run_cli("build", tmp_path / "empty", "-o", tmp_path / "out").returncode == 2
    r = run_cli("build", tmp_path / "x", "-o", tmp_path / "out", "--format", "html,doc")
    assert r.returncode == 2 and "doc" in r.stderr
    assert run_cli("build", tmp_path / "x", "-o", tmp_path / "out", "--jobs", "0").returncode == 2
    assert not (tmp_path / "out").exists()


def test_collect_skips_lock_files(batch_dir):
    assert [p.name for p in collect([str(batch_dir)])] == [
        "bad-amount.xlsx", "not-a-workbook.xlsx", EXAMPLE.name]


def test_count_pages(tmp_path, monkeypatch):
    pypdf = pytest.importorskip("pypdf")
    w = pypdf.PdfWriter()
    for _ in range(3):
        w.add_blank_page(595, 842)
    pdf = tmp_path / "three.pdf"
    with pdf.open("wb") as fh:
        w.write(fh)
    assert count_pages(pdf) == 3
    import sys
    monkeypatch.setitem(sys.modules, "pypdf", None)   # without pypdf: the page tree's /Count
    assert count_pages(pdf) == 3


def test_summary_table_aligns_chinese():
    from compiler.batch import _width
    rows = [Result(file="a.xlsx", stem="a", status="ok", dept="郑州市商务局", warnings=9, pages=40,
                   seconds=1.5),
            Result(file="bb.xlsx", stem="bb", dept=None, errors=1)]
    lines = summary_table(rows).splitlines()
    assert lines[2].split() == ["郑州市商务局", "a.xlsx", "成功", "0", "9", "40", "1.5"]
    assert lines[3].split() == ["—", "bb.xlsx", "失败", "1", "0", "—", "0.0"]
    # the file column starts at the same display column in every line (CJK is two wide)
    starts = {_width(line[:line.index(name)]) for line, name in
              zip(lines, ("文件", "-", "a.xlsx", "bb.xlsx")) if name != "-"}
    assert len(starts) == 1
    html = render_index(rows, 1.0, 2)
    assert "href=" not in html              # nothing was built, nothing to link
    assert "失败" in html and "郑州市商务局" in html


_real_build_one = None


def _hog_or_build(file, *args):
    """A department whose job takes more memory than a worker may have; the others build."""
    if "huge" in file:
        block = bytearray(3 * 1024 ** 3)
        return len(block)
    return _real_build_one(file, *args)


def test_a_job_over_its_memory_stops_only_itself(tmp_path, small, monkeypatch):
    """A worker over its memory cap fails that department with a message; the pool builds the
    rest (before, a dead worker broke the whole ProcessPoolExecutor: every later department
    failed)."""
    import compiler.batch as batch
    from compiler.workers import Limits
    global _real_build_one
    _real_build_one = batch.build_one
    monkeypatch.setattr(batch, "build_one", _hog_or_build)   # the forked workers see it
    paths = [tmp_path / "a.xlsx", tmp_path / "huge.xlsx", tmp_path / "b.xlsx", tmp_path / "c.xlsx"]
    for p in paths:
        shutil.copyfile(small, p)
    results = batch.build_many(paths, tmp_path / "out", ["html"], jobs=1,
                               limits=Limits(memory_mb=1024))
    assert [r.status for r in results] == ["ok", "failed", "ok", "ok"]
    assert "1024 MB 的内存上限" in results[1].message
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a", "b", "c"]
