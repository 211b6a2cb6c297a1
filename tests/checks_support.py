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
from compiler.workbook.read import Grid
from compiler.workbook.xlsx import Detail, is_percent
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
    # the pipeline reads the file's bytes first (read_source), then opens them: neither exists here
    with mock.patch("compiler.workbook.read.read_source", lambda path, report: b""), \
            mock.patch("compiler.workbook.read.open_workbook",
                       lambda path, report, data=None: OpenpyxlBook(wb)):
        return check_workbook(tmp_path / "mutated.xlsx", **kw)


class OpenpyxlBook:
    """An in-memory openpyxl workbook seen as the reader sees a saved one (compiler.workbook.read
    Book): a formula has no result yet, as openpyxl saves it; percent formats, error values,
    hidden rows and sheets, merged ranges as in the file."""

    def __init__(self, wb):
        self.wb = wb
        self.names = wb.sheetnames
        self.hidden = {ws.title for ws in wb.worksheets if ws.sheet_state != "visible"}

    def grid(self, name, report):
        ws = self.wb[name]
        detail = Detail(hidden_rows=sorted(r for r, d in ws.row_dimensions.items() if d.hidden))
        values = []
        for r, row in enumerate(ws.iter_rows(), 1):
            out = []
            for c, cell in enumerate(row, 1):
                value = cell.value
                if cell.data_type == "f":
                    detail.formulas[(r, c)] = str(value).removeprefix("=")
                    value = None
                elif cell.data_type == "e":
                    detail.errors[(r, c)] = value
                    value = None
                if isinstance(value, (int, float)) and is_percent(cell.number_format):
                    detail.formats[(r, c)] = cell.number_format
                out.append(value)
            values.append(out)
        merged = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
        return Grid(values, detail, merged)

    def close(self):
        pass


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
