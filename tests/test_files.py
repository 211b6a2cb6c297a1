"""Writing outputs (compiler/files.py): environment problems are a located Chinese message with
exit 2 (never 内部错误/exit 3), a build's files are written all or nothing, what a killed
build left is removed by the next one, and two builds into one folder do not race."""
from __future__ import annotations

import errno
import multiprocessing
import os
import threading
import time
from pathlib import Path

import pytest
from conftest import run_cli

from compiler import cli, files
from compiler.files import OutputError, STALE_SECONDS, sweep_stale, write_folder_atomic, write_set

FORMATS = "html,json,xlsx,data"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob(".gongkai-*"))


def build(capsys, *argv) -> tuple[int, str]:
    status = cli.main(["build", *map(str, argv)])
    return status, capsys.readouterr().err


@pytest.fixture
def built(small, tmp_path, capsys) -> Path:
    """OUT with a complete earlier build of the small workbook."""
    out = tmp_path / "out"
    status, err = build(capsys, small, "-o", out, "--format", FORMATS)
    assert status == 0, err
    return out


# ------------------------------------------------------------------ environment errors (exit 2)

def test_output_that_is_a_file(small, tmp_path):
    target = tmp_path / "report.txt"
    target.write_text("mine", encoding="utf-8")
    for out in (target, target / "sub"):
        r = run_cli("build", small, "-o", out)
        assert r.returncode == 2, r.stderr
        assert "内部错误" not in r.stderr and "Traceback" not in r.stderr
        assert f"“{out}”" in r.stderr and "是一个文件，不是文件夹" in r.stderr
        assert "未生成任何文件" in r.stderr
    assert target.read_text(encoding="utf-8") == "mine"


def _failing(monkeypatch, code: int, after: int = 0):
    """Writing the (after+1)-th temporary file fails with OSError(code)."""
    real = files._write_temp
    calls = []

    def fail(folder, content, suffix, mask):
        calls.append(suffix)
        if len(calls) > after:
            raise OSError(code, os.strerror(code), str(folder))
        return real(folder, content, suffix, mask)
    monkeypatch.setattr(files, "_write_temp", fail)
    return calls


@pytest.mark.parametrize("code, words", [(errno.EACCES, "没有权限"), (errno.EROFS, "只读"),
                                         (errno.ENOSPC, "磁盘空间不足")])
def test_unwritable_folder_or_full_disk(small, tmp_path, capsys, monkeypatch, code, words):
    out = tmp_path / "只读"
    out.mkdir()
    _failing(monkeypatch, code)
    status, err = build(capsys, small, "-o", out, "--format", FORMATS)
    assert status == 2 and words in err and str(out) in err, err
    assert "内部错误" not in err
    assert list(out.iterdir()) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_folder_for_real(small, tmp_path):
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o555)
    try:
        r = run_cli("build", small, "-o", out)
        assert r.returncode == 2 and "没有权限" in r.stderr and str(out) in r.stderr
        assert list(out.iterdir()) == []
    finally:
        out.chmod(0o755)


def test_other_writers_say_it_too(small, tmp_path, monkeypatch, capsys):
    """new, check --annotate, diff -o and rollover -o write through files.py as well."""
    _failing(monkeypatch, errno.ENOSPC)
    for argv in (["new", tmp_path / "n.xlsx"],
                 ["check", small, "--annotate", tmp_path / "a.xlsx"],
                 ["diff", small, small, "-o", tmp_path / "d.txt"],
                 ["rollover", small, "-o", tmp_path / "r.xlsx"]):
        status = cli.main(list(map(str, argv)))
        err = capsys.readouterr().err
        assert status == 2 and "磁盘空间不足" in err and "内部错误" not in err, (argv, err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["small.xlsx"]


# ------------------------------------------------------------------ all or nothing

def test_full_disk_half_way_leaves_the_old_set(built, small, capsys, monkeypatch):
    """The third of four outputs cannot be written: the earlier build stays as it was, whole;
    no new file and no temporary name remains."""
    before = snapshot(built)
    _failing(monkeypatch, errno.ENOSPC, after=2)
    status, err = build(capsys, small, "-o", built, "--format", FORMATS)
    assert status == 2 and "磁盘空间不足" in err
    assert snapshot(built) == before and temps(built) == []


def test_failed_rename_puts_the_old_files_back(tmp_path, monkeypatch):
    out = tmp_path / "out"
    write_set({out / "a.html": b"old a", out / "b.json": b"old b", out / "c-data": {"x.csv": b"old"}})
    real, failed = os.replace, []

    def replace(src, dst):   # the new data folder cannot be renamed in (once)
        if str(dst).endswith("c-data") and not failed:
            failed.append(dst)
            raise OSError(errno.EIO, "I/O error", str(dst))
        return real(src, dst)
    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OutputError, match="c-data"):
        write_set({out / "a.html": b"new a", out / "b.json": b"new b", out / "c-data": {"x.csv": b"new"}})
    monkeypatch.undo()
    assert snapshot(out) == {"a.html": b"old a", "b.json": b"old b", "c-data/x.csv": b"old"}
    assert temps(out) == []


# ------------------------------------------------------------------ what a killed build left

def test_stale_temporary_names_are_removed(built, small, capsys):
    dead = 2 ** 22 + 7                       # above pid_max's default: no such process
    (built / f".gongkai-{dead}-abc-x.html").write_bytes(b"half")
    (built / f".gongkai-{dead}-def.tmp").mkdir()
    (built / f".gongkai-{dead}-def.tmp" / "a.csv").write_bytes(b"half")
    legacy = built / ".gongkai-q1w2e3.pdf"    # an older gongkai's name, without a pid
    legacy.write_bytes(b"half")
    old = time.time() - STALE_SECONDS - 10
    os.utime(legacy, (old, old))
    mine = built / f".gongkai-{os.getpid()}-live.html"   # a build still running: kept
    mine.write_bytes(b"in progress")
    recent_legacy = built / ".gongkai-zzz.html"
    recent_legacy.write_bytes(b"?")
    status, err = build(capsys, small, "-o", built, "--format", "html")
    assert status == 0, err
    assert temps(built) == sorted([mine.name, recent_legacy.name])
    # after STALE_SECONDS even a name whose pid is alive (reused) goes
    assert sweep_stale(built, now=time.time() + STALE_SECONDS + 1) == 2 and temps(built) == []


def _replace_folder_many_times(target: str, tag: str, n: int) -> None:
    for i in range(n):
        write_folder_atomic(Path(target), {f"{c}.csv": f"{tag}{i}".encode() for c in "abcdef"})


def test_two_builds_replacing_one_folder_do_not_race(tmp_path):
    """Two processes replace one data folder over and over: every replacement completes, and
    the folder is always one build's whole set (the folder lock serialises them)."""
    target = tmp_path / "x-data"
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_replace_folder_many_times, args=(str(target), tag, 40))
             for tag in "PQ"]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    assert [p.exitcode for p in procs] == [0, 0]
    contents = {p.read_bytes() for p in target.iterdir()}
    assert len(contents) == 1 and sorted(p.name for p in target.iterdir()) == [f"{c}.csv" for c in "abcdef"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x-data"]


def test_a_build_waits_for_the_folder_lock(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    done = threading.Event()

    def write():
        write_set({out / "a.html": b"a"})
        done.set()
    with files.locked(out):
        t = threading.Thread(target=write)
        t.start()
        assert not done.wait(0.5) and not (out / "a.html").exists()
    t.join()
    assert (out / "a.html").read_bytes() == b"a"


def test_batch_output_that_is_a_file(small, tmp_path):
    """A batch into `-o FILE` says so before building anything (exit 2)."""
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a.xlsx", "b.xlsx"):
        (folder / name).write_bytes(small.read_bytes())
    target = tmp_path / "afile"
    target.write_text("mine", encoding="utf-8")
    r = run_cli("build", folder, "-o", target)
    assert r.returncode == 2 and "是一个文件，不是文件夹" in r.stderr and "生成失败" not in r.stderr + r.stdout
    assert target.read_text(encoding="utf-8") == "mine"
