"""Helpers for the rule tests (tests/test_checks_*.py): mutate a valid workbook, check it in
process, and find a diagnostic by code and cell."""
from __future__ import annotations

import copy
import shutil
from datetime import date
from pathlib import Path
from unittest import mock

import openpyxl

import pytest

from compiler.diagnostics import Severity
from compiler.pipeline import Checked, check_workbook
from conftest import EXAMPLE, mutate, write_small


@pytest.fixture(scope="session")
def example(tmp_path_factory) -> Path:
    """A private copy of the bundled example (tests never touch inputs/)."""
    dst = tmp_path_factory.mktemp("example") / EXAMPLE.name
    shutil.copyfile(EXAMPLE, dst)
    return dst


@pytest.fixture(scope="session")
def small_wb(tmp_path_factory) -> Path:
    return write_small(tmp_path_factory.mktemp("small") / "small.xlsx")


_LOADED: dict[Path, object] = {}


def check(src: Path, tmp_path: Path, fn=None, *, on_disk: bool = False, **kw) -> Checked:
    """Check *src* after fn(wb) edited a copy of it.

    For speed the edited copy stays in memory: the real reader reads it (every sheet, header and
    cell) but skips only unzipping the file; `on_disk=True` saves and reopens it instead."""
    if fn is None:
        return check_workbook(src, **kw)
    if on_disk:
        return check_workbook(mutate(src, tmp_path / "mutated.xlsx", fn), **kw)
    if src not in _LOADED:
        _LOADED[src] = openpyxl.load_workbook(src)
    wb = copy.deepcopy(_LOADED[src])
    fn(wb)
    with mock.patch("compiler.workbook.read.open_workbook", lambda path, report: (wb, wb)):
        return check_workbook(tmp_path / "mutated.xlsx", **kw)


def cells(**edits):
    """fn(wb) that sets cells: cells(**{"支出明细!H2": 0})."""
    def fn(wb):
        for where, value in edits.items():
            sheet, ref = where.split("!")
            wb[sheet][ref] = value
    return fn


def append(sheet: str, row: list):
    def fn(wb):
        wb[sheet].append(row)
    return fn


def copy_row(sheet: str, src_row: int):
    def fn(wb):
        ws = wb[sheet]
        ws.append([c.value for c in ws[src_row]])
    return fn


def both(*fns):
    def fn(wb):
        for f in fns:
            f(wb)
    return fn


def found(checked: Checked, code: str, where: str | None = None, severity: str | None = None):
    """The diagnostics with *code* (at *where*, e.g. "支出明细!H5"); fails with the full list."""
    hits = [d for d in checked.report.items if d.code == code and (where is None or d.location == where)]
    assert hits, f"{code} at {where} not in {[(d.code, d.location) for d in checked.report.items]}"
    if severity:
        assert all(d.severity is Severity(severity) for d in hits)
    for d in hits:
        assert d.sheet and d.cell, f"{code} has no sheet/cell"
        assert d.message and d.hint
    return hits


def codes(checked: Checked) -> set[str]:
    return {d.code for d in checked.report.items}


D = date
