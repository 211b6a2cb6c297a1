"""What the values reader (python-calamine) does not tell about an .xlsx, read from its XML.

Where each sheet's XML is; whether the file is Strict Open XML; how far a sheet's values reach
(bounded before calamine builds the whole rectangle up to its last value); and per cell the few
facts the reader needs beyond values: formulas, error values, percent formats, hidden rows.

Most sheets need none of it: cheap byte searches decide, and only a sheet that has a formula, an
error value, a percent-formatted cell, a hidden row, a far-away cell reference or a cell without
a reference is parsed here (`xml.etree` iterparse; expat expands no external entities and limits
entity amplification; a part with a DOCTYPE is refused outright).
"""
from __future__ import annotations

import io
import posixpath
import re
import zipfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

STRICT_NS = b"purl.oclc.org/ooxml/spreadsheetml/main"
BUILTIN_FORMATS = {9: "0%", 10: "0.00%"}  # the built-in percent formats (others have no %)
# A reference far down (row 200,000 or more) or right (column AA or beyond): a row or cell
# there, valued or not, sends the sheet to the exact scan. Literal prefix: searched at C speed.
FAR_REF = re.compile(rb' r="(?:[A-Z]{2,3}[0-9]|[A-Z]{0,3}(?:[2-9][0-9]{5}|[0-9]{7}))')
FAST_ROWS, FAST_COLS = 199_999, 26  # what a sheet without FAR_REF can reach at most


class Damaged(Exception):
    """The package is not a readable workbook (message for the user, Chinese)."""


class StrictXml(Exception):
    """Strict Open XML: the workbook uses the ISO namespaces Excel writes only on request."""


@dataclass
class Detail:
    """The facts about one sheet beyond values; keys are (row, column), 1-based."""
    rows: int = 0                       # extent of the cells holding a value
    cols: int = 0
    formulas: dict = field(default_factory=dict)   # (r, c) -> formula text without "="
    errors: dict = field(default_factory=dict)     # (r, c) -> "#N/A", …
    formats: dict = field(default_factory=dict)    # (r, c) -> percent number format
    hidden_rows: list = field(default_factory=list)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _attr(elem, name: str) -> str | None:
    """An attribute by local name, whatever its namespace (r:id in either relationship ns)."""
    for key, value in elem.attrib.items():
        if _local(key) == name:
            return value
    return None


def _parse(data: bytes):
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise Damaged("含有 DOCTYPE 声明")
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        raise Damaged(f"XML 无效（{exc}）") from None


def col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def split_ref(ref: str) -> tuple[int, int] | None:
    m = re.fullmatch(r"([A-Z]{1,3})([0-9]{1,7})", ref or "")
    return (int(m[2]), col_index(m[1])) if m else None


def is_percent(code: str) -> bool:
    bare = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", code)  # quoted text, [colour], escapes
    return "%" in bare


class Package:
    """The parts of an .xlsx a reader needs; raises Damaged or StrictXml when opened."""

    def __init__(self, zf: zipfile.ZipFile):
        self.zf = zf
        book = self._read("xl/workbook.xml")
        if STRICT_NS in book:
            raise StrictXml()
        rels = self._rels("xl/_rels/workbook.xml.rels")
        self.parts: dict[str, str] = {}
        for elem in _parse(book).iter():
            if _local(elem.tag) == "sheet" and elem.get("name") is not None:
                target = rels.get(_attr(elem, "id") or "")
                if target:
                    self.parts[elem.get("name")] = target
        styles = next((t for t in rels.values() if t.endswith("styles.xml")), "xl/styles.xml")
        self.percent_styles = self._percent_styles(styles)

    def _read(self, name: str) -> bytes:
        try:
            return self.zf.read(name)
        except KeyError:
            raise Damaged(f"缺少 {name}") from None

    def _rels(self, name: str) -> dict[str, str]:
        out = {}
        if name not in self.zf.namelist():
            return out
        for elem in _parse(self._read(name)).iter():
            target, rid = elem.get("Target"), elem.get("Id")
            if _local(elem.tag) == "Relationship" and target and rid:
                path = target.lstrip("/") if target.startswith("/") else \
                    posixpath.normpath(posixpath.join("xl", target))
                out[rid] = path
        return out

    def _percent_styles(self, name: str) -> dict[int, str]:
        """Style index -> its number format, for the styles whose format shows a percent."""
        if name not in self.zf.namelist():
            return {}
        root = _parse(self._read(name))
        codes = dict(BUILTIN_FORMATS)
        for elem in root.iter():
            if _local(elem.tag) == "numFmt" and (elem.get("numFmtId") or "").isdigit():
                codes[int(elem.get("numFmtId"))] = elem.get("formatCode") or ""
        xfs = next((e for e in root.iter() if _local(e.tag) == "cellXfs"), None)
        out = {}
        for i, xf in enumerate(xfs if xfs is not None else ()):
            fmt = codes.get(int(xf.get("numFmtId") or 0) if (xf.get("numFmtId") or "0").isdigit() else 0)
            if fmt and is_percent(fmt):
                out[i] = fmt
        return out

    def sheet_xml(self, name: str) -> bytes | None:
        part = self.parts.get(name)
        if part is None or part not in self.zf.namelist():
            return None
        return self._read(part)

    def detail(self, xml: bytes) -> Detail | None:
        """The sheet's Detail when it needs one (see the module docstring), else None: then its
        values reach at most FAST_ROWS × FAST_COLS and carry nothing but values."""
        if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:
            raise Damaged("含有 DOCTYPE 声明")
        cells = xml.count(b"<c ") + xml.count(b"<c>")
        needed = (
            FAR_REF.search(xml) is not None
            or cells != xml.count(b'<c r="') or b":c " in xml or b":c>" in xml
            or any(m in xml for m in (b"<f>", b"<f ", b":f>", b":f ", b't="e"', b'hidden="1"',
                                      b'hidden="true"'))
            or any(b' s="%d"' % i in xml for i in self.percent_styles)
        )
        return scan(xml, self.percent_styles) if needed else None


def scan(xml: bytes, percent_styles: dict[int, str]) -> Detail:
    """Walk the cells of a sheet: the extent of its values and the facts of its cells, with the
    positions calamine gives them (a row or cell without a reference follows the previous one)."""
    out = Detail()
    row = col = 0
    cell: dict = {}
    try:
        for event, elem in ET.iterparse(io.BytesIO(xml), events=("start", "end")):
            name = _local(elem.tag)
            if event == "start":
                if name == "row":
                    row = int(elem.get("r")) if (elem.get("r") or "").isdigit() else row + 1
                    col = 0
                    if elem.get("hidden") in ("1", "true"):
                        out.hidden_rows.append(row)
                elif name == "c":
                    pos = split_ref(elem.get("r"))
                    row, col = pos if pos else (row, col + 1)
                    cell = {"t": elem.get("t"), "s": elem.get("s"), "f": None, "v": None}
                continue
            if name in ("f", "v", "t") and cell is not None:
                key = "v" if name == "t" else name
                cell[key] = (cell[key] or "") + (elem.text or "")
            elif name == "c":
                _cell_detail(out, row, col, cell, percent_styles)
                elem.clear()
            elif name == "row":
                elem.clear()
    except ET.ParseError as exc:
        raise Damaged(f"工作表 XML 无效（{exc}）") from None
    return out


def _cell_detail(out: Detail, row: int, col: int, cell: dict, percent_styles) -> None:
    has_value = bool(cell["v"])
    if has_value:
        out.rows, out.cols = max(out.rows, row), max(out.cols, col)
    if cell["f"] is not None:
        out.formulas[(row, col)] = cell["f"]
    if cell["t"] == "e" and has_value:
        out.errors[(row, col)] = cell["v"]
    if (cell["s"] or "").isdigit() and int(cell["s"]) in percent_styles:
        out.formats[(row, col)] = percent_styles[int(cell["s"])]
