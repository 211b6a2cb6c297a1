"""The command line as people type it and as their consoles show it: --format in any case, an
empty --format refused, and a GBK console (Windows in Chinese, an old terminal) that cannot
show ✓ or an invisible U+200B in a workbook's text."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import ROOT, mutate, run_cli


def run_gbk(*args) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "LANG": "C", "PYTHONIOENCODING": "gbk"}
    return subprocess.run([sys.executable, "-m", "compiler", *map(str, args)], capture_output=True,
                          cwd=ROOT, env=env)


def test_format_in_any_case(small, tmp_path):
    r = run_cli("build", small, "-o", tmp_path / "a", "--format", "HTML,Json")
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["small.html", "small.json"]
    assert run_cli("check", small, "--format", "JSON").returncode == 0
    assert json.loads(run_cli("check", small, "--format", "Json").stdout)["errors"] == 0


@pytest.mark.parametrize("value, words", [("", "不能为空"), (" , ", "不能为空"),
                                          ("htm", "不支持的格式：htm")])
def test_empty_or_unknown_format_is_an_argument_error(small, tmp_path, value, words):
    """--format "" exited 0 having written nothing; an unknown name exited 1."""
    r = run_cli("build", small, "-o", tmp_path / "o", "--format", value)
    assert r.returncode == 2 and words in r.stderr and "参数错误" in r.stderr, r.stderr
    assert "argument" not in r.stderr and not (tmp_path / "o").exists()


def test_doctor_on_a_gbk_console():
    r = run_gbk("doctor")
    err = r.stderr.decode("gbk")
    assert r.returncode in (0, 1) and "内部错误" not in err and "Traceback" not in err, err
    out = r.stdout.decode("gbk")
    assert "中文衬线字体" in out and "✓" not in out and ("√" in out or "×" in out)


def test_check_on_a_gbk_console(small, tmp_path):
    """A value with U+200B and ✓ (not in GBK) in a message: shown as escapes, not a crash (exit 3)."""
    src = mutate(small, tmp_path / "zw.xlsx", lambda wb: wb["单位"].__setitem__("C2", "行政\u200b单位✓"))
    r = run_gbk("check", src)
    out, err = r.stdout.decode("gbk"), r.stderr.decode("gbk")
    assert r.returncode == 1 and "内部错误" not in err, err
    assert "单位!C2" in out and "E-ENUM-001" in out and "行政\\u200b单位\\u2713" in out
    r = run_gbk("check", src, "--format", "json")
    assert r.returncode == 1, r.stderr.decode("gbk")
    doc = json.loads(r.stdout.decode("gbk"))   # still valid JSON, the characters intact
    assert "行政\u200b单位✓" in doc["diagnostics"][0]["message"]


def test_output_closed_early_is_quiet(small):
    """`gongkai check … --format json | head -1`: no 内部错误 when the reader goes away."""
    p = subprocess.Popen([sys.executable, "-m", "compiler", "check", str(small), "--format", "json"],
                         cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env={**os.environ, "PYTHONUNBUFFERED": "0"})
    p.stdout.close()   # nothing will read it
    err = p.stderr.read().decode("utf-8")
    assert p.wait() != 3 and "内部错误" not in err and "Traceback" not in err, err
