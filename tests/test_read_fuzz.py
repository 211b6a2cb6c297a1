"""Fuzz test of the reader (issue 14): the bundled example with its XML mutated as other programs
and careless hands leave it (random texts, numbers, huge values, NaN, formulas, error values,
deleted rows, headers and sheets, merges, hidden rows and sheets, far-away cells, truncated
parts). `check` must answer with exit 0, 1 or 2, never raise, and never touch the input.

Fixed seed (derandomize), a bounded number of examples and no deadline: a few seconds in CI.
Mutations work on the zip's XML, so every example goes through the real reader (calamine and
the XML scan), and writing one costs milliseconds instead of an openpyxl save."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compiler.pipeline import check_workbook
from compiler.workbook.schema import SHEETS
from compiler.workbook.xlsx import Package
from conftest import EXAMPLE

with zipfile.ZipFile(EXAMPLE) as _zf:
    PARTS = {info.filename: _zf.read(info.filename) for info in _zf.infolist()}
    SHEET_PART = Package(_zf).parts
NAMES = [s.name for s in SHEETS]
# data cells (row 2 on) of each sheet; headers have their own mutation
REFS = {name: re.findall(rb'<c r="([A-Z]+(?:[2-9]|[1-9][0-9]+))"', PARTS[SHEET_PART[name]])
        for name in NAMES}
HEADERS = {name: re.findall(rb'<c r="([A-Z]+1)"', PARTS[SHEET_PART[name]]) for name in NAMES}

xml_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.just("\n"), max_size=30)
numbers = st.one_of(
    st.integers(-10**6, 10**6).map(str), st.integers(10**12, 10**40).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["NaN", "INF", "-inf", "1e308", "5e-324", "58668.299999999996", "0.125"]))
payloads = st.one_of(
    xml_text.map(lambda t: f'<is><t xml:space="preserve">{escape(t)}</t></is>').map(lambda x: ("inlineStr", x)),
    numbers.map(lambda v: (None, f"<v>{v}</v>")),
    st.tuples(st.sampled_from(["100%", "1个", "H2+H3", "1/0", "SUM(", "A1048576"]),
              st.sampled_from(["", "<v>1</v>", "<v>#NAME?</v>"]))
      .map(lambda f: ("e" if "#" in f[1] else None, f"<f>{escape(f[0])}</f>{f[1]}")),
    st.sampled_from(["#N/A", "#REF!", "#DIV/0!"]).map(lambda e: ("e", f"<v>{e}</v>")),
    st.sampled_from([("b", "<v>1</v>"), ("s", "<v>99999</v>"), (None, "")]),
)


def set_cell(name, i, payload, refs_of=REFS):
    def fn(parts):
        part, refs = SHEET_PART[name], refs_of[name] or HEADERS[name]
        ref = refs[i % len(refs)].decode()
        t, inner = payload
        new = f'<c r="{ref}"' + (f' t="{t}"' if t else "") + f">{inner}</c>"
        parts[part] = re.sub(rb'<c r="' + ref.encode() + rb'"[^>]*?(?:/>|>.*?</c>)',
                             new.encode().replace(b"\\", b"\\\\"), parts[part], count=1, flags=re.S)
    return fn


def far_cell(name, ref):
    def fn(parts):
        row = re.sub(r"[A-Z]", "", ref)
        parts[SHEET_PART[name]] = parts[SHEET_PART[name]].replace(
            b"</sheetData>", f'<row r="{row}"><c r="{ref}"><v>1</v></c></row></sheetData>'.encode())
    return fn


def delete_row(name, i):
    def fn(parts):
        rows = list(re.finditer(rb"<row [^>]*>.*?</row>", parts[SHEET_PART[name]], re.S))
        rows = rows if i % 8 == 0 else rows[1:]  # now and then the header row
        if rows:
            m = rows[i % len(rows)]
            parts[SHEET_PART[name]] = parts[SHEET_PART[name]][:m.start()] + parts[SHEET_PART[name]][m.end():]
    return fn


def hide_row(name, i):
    def fn(parts):
        rows = list(re.finditer(rb"<row ", parts[SHEET_PART[name]]))
        if rows:
            at = rows[i % len(rows)].end()
            parts[SHEET_PART[name]] = parts[SHEET_PART[name]][:at] + b'hidden="1" ' + parts[SHEET_PART[name]][at:]
    return fn


def merge(name, ref):
    def fn(parts):
        if b"<mergeCells" not in parts[SHEET_PART[name]]:
            parts[SHEET_PART[name]] = parts[SHEET_PART[name]].replace(
                b"</sheetData>", f'</sheetData><mergeCells count="1"><mergeCell ref="{ref}"/></mergeCells>'.encode())
    return fn


def sheet_state(name, state):
    def fn(parts):
        book = parts["xl/workbook.xml"]
        m = re.search(rb'<sheet name="' + name.encode() + rb'"[^>]*/>', book)
        if m:
            new = b"" if state == "gone" else re.sub(rb'state="\w+"', f'state="{state}"'.encode(), m[0])
            parts["xl/workbook.xml"] = book[:m.start()] + new + book[m.end():]
    return fn


def truncate(part_index, keep):
    def fn(parts):
        name = sorted(parts)[part_index % len(parts)]
        parts[name] = parts[name][: int(len(parts[name]) * keep)]
    return fn


sheets = st.sampled_from(NAMES)
mutations = st.one_of(
    st.builds(set_cell, sheets, st.integers(0, 10**6), payloads),
    st.builds(set_cell, sheets, st.integers(0, 10**6), payloads),  # the likeliest, twice
    st.builds(set_cell, sheets, st.integers(0, 10**6), payloads, st.just(HEADERS)),
    st.builds(far_cell, sheets, st.sampled_from(["K1048576", "XFD5", "A199999", "AB200001", "ZZ300"])),
    st.builds(delete_row, sheets, st.integers(0, 10**6)),
    st.builds(hide_row, sheets, st.integers(0, 10**6)),
    st.builds(merge, sheets, st.sampled_from(["A1:B1", "A2:A3", "B2:D9", "H3:H3"])),
    st.builds(sheet_state, sheets, st.sampled_from(["hidden", "veryHidden", "gone"])),
    st.builds(truncate, st.integers(0, 100), st.floats(0, 0.99)),
)


@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(mutations, min_size=1, max_size=6))
def test_check_answers_every_mutated_example(tmp_path, edits):
    parts = dict(PARTS)
    for edit in edits:
        edit(parts)
    path = tmp_path / "fuzzed.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    before = path.read_bytes()
    checked = check_workbook(path)  # an exception here is the traceback a user would see
    assert checked.exit_status in (0, 1, 2)
    assert path.read_bytes() == before
    if checked.exit_status == 2:
        assert checked.report.fatal
    for d in checked.report.items:
        assert d.message and d.hint
