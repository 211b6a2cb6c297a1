"""Read a workbook into typed cells that remember where they came from.

Values come from python-calamine (.xlsx, .xls and WPS .et alike); for an .xlsx the few facts
calamine does not give (formulas, error values, percent formats, hidden rows) come from its XML
(compiler/workbook/xlsx.py), and nothing is read before the file has passed the guard
(compiler/workbook/guard.py: zip directory, size, and the extent of each sheet's values).
.xls/.et files give values and merged ranges only: their formats, hidden rows and error values
are not seen (an error value reads as an empty cell).

Nothing here stops at the first problem in the cells: every cell is converted or reported, and
the caller gets both the rows and the diagnostics. A problem with the file itself (unreadable,
too large) is reported once and nothing is read. The file is opened read-only and never written.

Amounts are bounded (MAX_AMOUNT, 15 significant digits: what an Excel number holds) and a sheet
has at most guard.LIMITS.rows rows, so any sum of amounts has at most 21 significant digits and
is exact in Python's default decimal context (28 digits); no other context is needed downstream.
"""
from __future__ import annotations

import math
import os
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from operator import itemgetter
from pathlib import Path

from ..diagnostics import Report
from . import guard
from .schema import ENUMS, OPEN_ENUMS, SHEETS, Column, Key, Kind, Sheet, column_letter
from .xlsx import Damaged, Detail, Package, StrictXml

OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
PLAIN_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")  # ASCII only: \d would take full-width digits
FULLWIDTH_DIGITS = re.compile(r"[０-９．，]")
CN_NUMERALS = re.compile(r"[零壹贰叁肆伍陆柒捌玖拾佰仟一二三四五六七八九十百千]")
CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999999.99")  # 元; 15 significant digits, exact in an Excel number
MAX_INT = 999_999_999
MAX_TEXT = 32_767   # characters in one Excel cell; the 附表 workbook could hold no more
TEXT_KINDS = (Kind.TEXT, Kind.LONGTEXT)
# Bidirectional controls (embeddings, overrides, isolates, marks): invisible, yet they reorder
# what is shown ("机关\u202egpj.exe" reads "机关exe.jpg"). Removed from workbook text (W-CELL-006).
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
ERROR_VALUES = ("#N/A", "#VALUE", "#REF", "#DIV", "#NAME", "#NUM", "#NULL")


@dataclass
class Row:
    """One record: field -> value, field -> cell reference ("H12")."""
    sheet: str
    row: int
    values: dict = field(default_factory=dict)
    refs: dict = field(default_factory=dict)
    bad: set = field(default_factory=set)  # fields whose cell was reported as invalid


@dataclass
class RawWorkbook:
    path: Path
    tables: dict[str, list[Row]] = field(default_factory=dict)   # table sheets
    kv: dict[str, Row] = field(default_factory=dict)             # key–value sheets


def canon_enum(value: str) -> str:
    """Enum values compare with full-width brackets (staff type either width)."""
    return value.replace("(", "（").replace(")", "）").strip()


# ---------------------------------------------------------------- the file and its sheets

@dataclass
class Grid:
    """One sheet as the reader sees it: values by row from A1 ("" or None when empty), and
    what else is known about a few cells (formulas, errors, formats, hidden rows, merges)."""
    values: list
    detail: Detail = field(default_factory=Detail)
    merged: list = field(default_factory=list)  # (min_row, min_col, max_row, max_col), 1-based

    def get(self, r: int, c: int):
        row = self.values[r - 1] if r <= len(self.values) else ()
        return row[c - 1] if c <= len(row) else None


class Book:
    """An opened workbook: sheet names, hidden sheets, and each sheet's Grid on demand."""

    def __init__(self, calamine, package: Package | None, shown: str):
        from python_calamine import SheetVisibleEnum
        self.calamine, self.package, self.shown = calamine, package, shown
        self.names: list[str] = list(calamine.sheet_names)
        self.hidden = {m.name for m in calamine.sheets_metadata
                       if m.visible != SheetVisibleEnum.Visible}

    def grid(self, name: str, report: Report) -> Grid | None:
        """The sheet, or None after reporting why it cannot be read (fatal)."""
        from python_calamine import CalamineError
        try:
            detail = None
            if self.package is not None:
                xml = self.package.sheet_xml(name)
                detail = self.package.detail(xml) if xml is not None else None
                if detail is not None and not _bounded(detail.rows, detail.cols, name, report):
                    return None
            sheet = self.calamine.get_sheet_by_name(name)
            end = sheet.end
            if end is not None and not _bounded(end[0] + 1, end[1] + 1, name, report):
                return None
            values = sheet.to_python(skip_empty_area=False)
            merged = [(r0 + 1, c0 + 1, r1 + 1, c1 + 1)
                      for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or ())]
        except Damaged as exc:
            report.add("E-FILE-005", f"文件“{self.shown}”的工作表“{name}”无法解析：{exc}", name)
            return None
        except CalamineError as exc:
            report.add("E-FILE-005", f"文件“{self.shown}”的工作表“{name}”无法解析："
                       f"{type(exc).__name__}", name)
            return None
        return Grid(values, detail or Detail(), merged)

    def close(self) -> None:
        self.calamine.close()
        if self.package is not None:
            self.package.zf.close()


def _bounded(rows: int, cols: int, sheet: str, report: Report) -> bool:
    problem = guard.extent_problem(rows, cols)
    if problem:
        corner = f"{column_letter(cols - 1)}{rows}"
        report.add("E-FILE-008", f"工作表“{sheet}”的内容一直延伸到 {corner}，{problem}，"
                   "无法读取", sheet, corner)
    return not problem


def read_source(path: Path, report: Report) -> bytes | None:
    """The file's bytes, read once (the pipeline compiles from them and --pdfa embeds them, so a
    file saved during a build cannot mix two versions), or None after reporting why not."""
    shown = path.name
    if not path.is_file():
        report.add("E-FILE-001", f"找不到文件“{shown}”")
        return None
    try:
        with path.open("rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            data = fh.read(guard.LIMITS.unzipped + 1)   # never more than the limit
    except OSError as exc:
        report.add("E-FILE-001", f"无法打开文件“{shown}”：{exc.strerror or exc}")
        return None
    if len(data) > guard.LIMITS.unzipped:
        report.add("E-FILE-007", f"“{shown}”：文件被拒绝：大小 {guard.size_text(max(size, len(data)))}，"
                   f"超过上限 {guard.size_text(guard.LIMITS.unzipped)}。预算工作簿通常只有几百 KB。")
        return None
    return data


def open_workbook(path: Path, report: Report, data: bytes | None = None) -> Book | None:
    """The opened workbook, or None after reporting why the file can't be read. *data*: the
    file's bytes when already read (read_source); the file is not read again then."""
    import io

    from python_calamine import CalamineError, CalamineWorkbook, PasswordError

    shown = path.name
    if data is None:
        data = read_source(path, report)
        if data is None:
            return None
    head = data[:8]
    try:
        guard.inspect_zip(io.BytesIO(data))
    except guard.Unsafe as exc:
        report.add("E-FILE-007", f"“{shown}”：{exc.message}")
        return None
    package = None
    if head == OLE2_MAGIC:
        # Legacy .xls, WPS .et and password-encrypted .xlsx are all OLE2 containers; an
        # encrypted package names its stream "EncryptedPackage" (UTF-16LE in the directory).
        if "EncryptedPackage".encode("utf-16-le") in data:
            report.add("E-FILE-004", f"文件“{shown}”设有密码保护，无法读取")
            return None
    elif not zipfile.is_zipfile(io.BytesIO(data)):
        report.add("E-FILE-002", f"文件“{shown}”不是 Excel 工作簿（.xlsx、.xls 或 .et）")
        return None
    else:
        try:
            zf = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, OSError, ValueError):
            report.add("E-FILE-005", f"文件“{shown}”已损坏（压缩结构无效）")
            return None
        if "xl/workbook.xml" not in zf.namelist():
            report.add("E-FILE-002", f"文件“{shown}”是压缩包但不是 Excel 工作簿（缺少 xl/workbook.xml）")
            return None
        try:
            package = Package(zf)
        except StrictXml:
            report.add("E-FILE-006", f"文件“{shown}”是“Strict Open XML 电子表格”格式，无法读取")
            return None
        except (Damaged, zipfile.BadZipFile, OSError, ValueError) as exc:
            report.add("E-FILE-005", f"文件“{shown}”无法解析：{exc}")
            return None
    try:
        calamine = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except PasswordError:
        report.add("E-FILE-004", f"文件“{shown}”设有密码保护，无法读取")
        return None
    except (CalamineError, OSError, ValueError) as exc:
        if package is None:
            report.add("E-FILE-003", f"文件“{shown}”是旧版格式的文件，但无法按 Excel 97-2003（.xls）"
                       f"或 WPS（.et）工作簿读取：{type(exc).__name__}")
        else:
            report.add("E-FILE-005", f"文件“{shown}”无法解析：{type(exc).__name__}")
        return None
    return Book(calamine, package, shown)


# ---------------------------------------------------------------- converting one cell

class CellError(Exception):
    def __init__(self, code: str, message: str, hint: str | None = None):
        super().__init__(message)
        self.code, self.message, self.hint = code, message, hint


def _show(value) -> str:
    return str(value).replace("\n", "↵")


def without_bidi(text: str, sheet: str, ref: str | None, report: Report) -> str:
    """*text* without bidirectional controls, said at its cell (W-CELL-006)."""
    found = sorted(set(BIDI.findall(text)))
    clean = BIDI.sub("", text)
    codes = "、".join(f"U+{ord(ch):04X}" for ch in found)
    report.add("W-CELL-006", f"文字“{_show(clean)[:40]}”中有看不见的双向控制字符 {codes}，已去掉",
               sheet, ref, actual=codes)
    return clean


def _excel_number(value: float) -> Decimal:
    """A float as the decimal Excel shows: 15 significant digits, the precision of an Excel
    number. 12345.300000000001 (what Excel stores for =12345.1+0.2 or a typed 12345.3) reads
    as 12345.3; 1200.125 stays 1200.125. Decided by digits, not by a tolerance: a value is
    over two decimals exactly when the 15-digit number Excel shows is."""
    return Decimal(f"{value:.15g}")


def _number_hint(text: str) -> str | None:
    if FULLWIDTH_DIGITS.search(text):
        return "数字中有全角数字或全角标点，请改为半角阿拉伯数字"
    if "万" in text:
        return "金额单位为元，请换算后填写，如 12万 应填 120000"
    if "," in text:
        return "请去掉千位分隔逗号，如 1,200 应填 1200"
    if "_" in text or " " in text:
        return "数字中不要有下划线或空格，如 1_000 应填 1000"
    if CN_NUMERALS.search(text):
        return "请用阿拉伯数字填写，如 壹佰 应填 100"
    return None


def _parse_number(value, code: str, label: str) -> Decimal:
    """int, float or ASCII decimal text -> Decimal; anything else (１０, 1_0, --5, 1e5) -> CellError.
    Python's int() and Decimal() accept full-width digits and underscores; staff input must not."""
    if isinstance(value, bool):
        raise CellError(code, f"{label} \"{value}\" 不是数字")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise CellError(code, f"{label} \"{value}\" 不是有效数字")
        return _excel_number(value)
    text = str(value).strip()
    if not PLAIN_NUMBER.match(text):
        raise CellError(code, f"{label} \"{_show(text)}\" 不是数字", _number_hint(text))
    return Decimal(text)


def to_money(value) -> Decimal:
    if type(value) is float and 0 <= value <= 999_999_999_999:  # the common case, quickly
        if value.is_integer():
            return Decimal(int(value))
        amount = _excel_number(value)
        cents = amount.quantize(CENT)
        if cents == amount:
            return cents
    amount = _parse_number(value, "E-AMOUNT-002", "金额")
    if amount < 0:
        raise CellError("E-AMOUNT-004", f"金额 {amount} 是负数")
    if amount > MAX_AMOUNT:
        shown = f"{value:.15g}" if isinstance(value, float) else _show(value)
        raise CellError("E-AMOUNT-007", f"金额 {shown} 超过上限 999,999,999,999.99 元")
    if amount != amount.quantize(CENT):
        hint = "公式的结果请用 ROUND(…, 2) 取到分" if isinstance(value, float) else None
        raise CellError("E-AMOUNT-003", f"金额 {amount} 超过两位小数", hint)
    return amount.quantize(CENT) if amount != amount.to_integral() else Decimal(int(amount))


def to_int(value) -> int:
    if isinstance(value, bool):
        raise CellError("E-INT-001", f"\"{value}\" 不是非负整数")
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not (text.isascii() and text.isdigit()):
            raise CellError("E-INT-001", f"\"{_show(value)}\" 不是非负整数", _number_hint(text))
        number = int(text)
    if not 0 <= number <= MAX_INT:
        raise CellError("E-INT-001", f"\"{_show(value)}\" 不是非负整数或过大")
    return number


def to_number(value) -> Decimal:
    number = _parse_number(value, "E-NUM-001", "数量")
    if number <= 0 or number > MAX_AMOUNT:
        raise CellError("E-NUM-001", f"数量 {_show(value)} 不是正数或过大")
    return number


def to_code(value) -> str:
    if isinstance(value, bool):
        raise CellError("E-CODE-001", f"编码 \"{value}\" 格式不对")
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()):
        raise CellError("E-CODE-001", f"编码 \"{_show(text)}\" 应只含数字")
    return text


def to_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    m = re.match(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$", text)
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            pass
    raise CellError("E-DATE-001", f"日期 \"{_show(text)}\" 格式不对")


def to_year(value) -> int:
    try:
        year = to_int(value)
    except CellError:
        year = -1
    if not 1900 <= year <= 2200:
        raise CellError("E-YEAR-001", f"年度 \"{_show(value)}\" 应为四位年份")
    return year


def to_text(value) -> str:
    if type(value) is str and len(value) > MAX_TEXT:
        _too_long(value)
    if type(value) is str and "\n" not in value and "\r" not in value:
        return value.strip()
    if isinstance(value, float):
        value = int(value) if value.is_integer() else format(_excel_number(value), "f")
    if isinstance(value, datetime):
        value = value.date().isoformat()
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.strip().split("\n"))


def _too_long(text: str) -> None:
    """Text no Excel cell can hold: said here, where its cell is known, instead of being cut
    silently when the 附表 workbook is written (openpyxl truncates at 32,767)."""
    text = text.strip()
    if len(text) > MAX_TEXT:
        raise CellError("E-CELL-004", f"文字有 {len(text):,} 个字符（“{text[:20]}……”），超过 Excel "
                        f"单元格 {MAX_TEXT:,} 个字符的上限")


def _plain_number(value) -> bool:
    """A number a percent format can show (not a bool, NaN, infinity or beyond 15 digits)."""
    return type(value) in (int, float) and math.isfinite(value) and abs(value) < 1e13


def shown_percent(value, fmt: str) -> str:
    """A number with a percent format as the cell shows it, without trailing zeros:
    1 → 100%, 0.95 → 95%, 0.125 with 0.00% → 12.5% (Excel shows 12.50%; staff typed 12.5%)."""
    bare = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", fmt.split(";")[0])
    m = re.search(r"\.([0#?]+)", bare)
    places = Decimal(1).scaleb(-len(m[1])) if m else Decimal(1)
    number = (_excel_number(float(value)) * 100).quantize(places, ROUND_HALF_UP)
    return format(number.normalize(), "f") + "%"


CONVERT = {
    Kind.MONEY: to_money, Kind.INT: to_int, Kind.NUMBER: to_number, Kind.CODE: to_code,
    Kind.DATE: to_date, Kind.YEAR: to_year, Kind.TEXT: to_text, Kind.LONGTEXT: to_text,
}


def converter(spec: Column | Key):
    """The function that types a non-empty cell of `spec`, or raises CellError."""
    to_kind = CONVERT[spec.kind]
    enum = getattr(spec, "enum", None)
    allowed = ENUMS[enum] if enum and enum not in OPEN_ENUMS else None

    def convert(value):
        if type(value) is float and not math.isfinite(value):
            raise CellError("E-CELL-003", f"单元格的数值无效（{value}）")
        if type(value) is str and value[:1] == "#" and value.rstrip("!?0/") in ERROR_VALUES:
            raise CellError("E-CELL-003", f"单元格是错误值 {value}")
        result = to_kind(value)
        if allowed is None or result in allowed:
            return result
        canon = canon_enum(result)
        if canon not in allowed:
            raise CellError("E-ENUM-001", f"{spec.header}“{_show(result)}”不在可选范围内",
                            "可选：" + "、".join(allowed))
        return canon
    return convert


def convert(spec: Column | Key, value):
    """Typed value for a non-empty cell, or CellError."""
    return converter(spec)(value)


def is_empty(value) -> bool:
    return value is None or (type(value) is str and not value.strip())


# ---------------------------------------------------------------- reading sheets

def _cell_value(grid: Grid, r: int, c: int, kind: Kind, sheet: str, report: Report, ref: str):
    """(value, bad): the cell as the person sees it. Reports error values and formulas without a
    result; a formula in a text column is read as the text it shows, with a warning."""
    value = grid.get(r, c)
    detail = grid.detail
    if kind in TEXT_KINDS:
        if (r, c) in detail.formulas:
            return _formula_text(grid, r, c, value, sheet, report, ref), False
        if (r, c) in detail.formats and _plain_number(value):
            return shown_percent(value, detail.formats[(r, c)]), False
    error = detail.errors.get((r, c))
    if error is not None:
        report.add("E-CELL-003", f"单元格是错误值 {error}", sheet, ref)
        return None, True
    if is_empty(value) and (r, c) in detail.formulas:
        report.add("E-CELL-001", f"单元格是公式 ={detail.formulas[(r, c)][:40]} 但没有保存计算结果",
                   sheet, ref)
        return None, True
    return value, False


def _formula_text(grid: Grid, r: int, c: int, value, sheet: str, report: Report, ref: str) -> str:
    """What a person who typed =100% or =1个 into a text cell meant: the result the cell shows
    (its number format applied), or the formula without its "=" when there is no result."""
    formula = grid.detail.formulas[(r, c)]
    fmt = grid.detail.formats.get((r, c))
    if (r, c) in grid.detail.errors or is_empty(value) or \
            (type(value) is float and not math.isfinite(value)):
        shown = formula
    elif fmt and _plain_number(value):
        shown = shown_percent(value, fmt)
    else:
        shown = to_text(value)
    report.add("W-CELL-005", f"单元格是公式 ={_show(formula)[:40]}，按显示的内容“{_show(shown)[:40]}”读取",
               sheet, ref, actual=_show(shown))
    return shown


def _check_merged(grid: Grid, sheet: str, report: Report) -> None:
    for r0, c0, r1, c1 in sorted(grid.merged):
        if r1 >= 2 and (r0, c0) != (r1, c1):  # a merge confined to the header row is harmless
            coord = f"{column_letter(c0 - 1)}{r0}:{column_letter(c1 - 1)}{r1}"
            report.add("E-CELL-002", f"合并单元格 {coord} 位于数据区域，无法确定每行的值",
                       sheet, f"{column_letter(c0 - 1)}{r0}")


def _check_hidden(grid: Grid, rows: list[Row], sheet: str, report: Report) -> None:
    """Hidden rows are read and summed like any other: say so, naming them (W-ROW-001)."""
    hidden = set(grid.detail.hidden_rows)
    used = [row.row for row in rows if row.row in hidden]
    if used:
        shown = "、".join(map(str, used[:20])) + ("等" if len(used) > 20 else "")
        report.add("W-ROW-001", f"第 {shown} 行被隐藏，但仍作为数据读取并计入合计（共 {len(used)} 行）",
                   sheet, f"A{used[0]}")


def _header_map(grid: Grid, spec: Sheet, report: Report) -> dict[str, int] | None:
    found: dict[str, int] = {}
    header = grid.values[0] if grid.values else []
    for c, v in enumerate(header, 1):
        if is_empty(v):
            continue
        name = re.sub(r"\s+", "", str(v))
        if name in found:
            report.add("E-HEADER-002", f"列名“{name}”出现了两次", spec.name,
                       f"{column_letter(c - 1)}1")
            continue
        found[name] = c
    missing = False
    for i, col in enumerate(spec.columns):
        if col.optional or col.header in found:
            continue
        missing = True
        ref = f"{column_letter(i)}1"
        there = grid.get(1, i + 1)
        actual = None if is_empty(there) else str(there)
        extra = f"（该位置现为“{actual}”）" if actual else ""
        report.add("E-HEADER-001", f"缺少列“{col.header}”{extra}", spec.name, ref,
                   expected=col.header, actual=actual)
    return None if missing else found


def read_table(grid: Grid, spec: Sheet, report: Report) -> list[Row]:
    """The records of a table sheet: every row under the header with something in it. Every
    cell of a 100,000-line workbook passes through this loop, so it is kept lean: a sheet
    without formulas, error values or percent formats (the usual case) skips _cell_value, and
    repeated texts (codes, enumerations) are converted once."""
    _check_merged(grid, spec.name, report)
    columns = _header_map(grid, spec, report)
    if columns is None:
        return []
    # per column: field, letter, converter, its results for texts seen (codes, enums repeat)
    plan = [(col.field, column_letter(columns[col.header] - 1), converter(col), {}, col)
            for col in spec.columns if col.header in columns]
    at = [columns[col.header] - 1 for *_, col in plan]
    fields = [f for f, *_ in plan] + [col.field for col in spec.columns if col.header not in columns]
    detail = grid.detail
    special = bool(detail.formulas or detail.errors or detail.formats)
    width = max(at, default=-1) + 1
    pick = itemgetter(*at) if len(at) > 1 else (lambda values: tuple(values[i] for i in at))
    unflagged = (False,) * len(at)
    letters = [(name, letter) for name, letter, *_ in plan]  # (no starred unpacking per row)
    bidi: set[str] = set()   # texts seen with bidi controls (rare): W-CELL-006 at every cell
    rows: list[Row] = []
    for r, values in enumerate(grid.values[1:], 2):
        if special:
            cells = [_cell_value(grid, r, i + 1, col.kind, spec.name, report, f"{letter}{r}")
                     for (_, letter, *_, col), i in zip(plan, at)]
            if all(is_empty(value) and not bad for value, bad in cells):
                continue  # empty rows are ignored
            cells, flagged = [value for value, _ in cells], [bad for _, bad in cells]
        else:
            n = len(values)
            cells = pick(values) if n >= width else [values[i] if i < n else None for i in at]
            for value in cells:
                if value is not None and (type(value) is not str or value.strip()):
                    break
            else:
                continue  # empty rows are ignored
            flagged = unflagged
        tail = str(r)
        refs = {name: letter + tail for name, letter in letters}
        rv = dict.fromkeys(fields)
        row_bad: set = set()
        for (name, letter, typed, known, col), value, bad in zip(plan, cells, flagged):
            if bad:
                row_bad.add(name)
            elif value is None or (type(value) is str and not value.strip()):
                if col.required:
                    row_bad.add(name)
                    code = "E-AMOUNT-001" if col.kind is Kind.MONEY else "E-REQ-001"
                    report.add(code, f"“{col.header}”不能为空", spec.name, refs[name])
            else:
                text = type(value) is str
                result = known.get(value) if text else None
                if result is None:
                    plain = value
                    if text and BIDI.search(value):
                        bidi.add(value)
                        plain = BIDI.sub("", value)
                    try:
                        result = typed(plain)
                    except CellError as err:
                        result = err
                    if text:
                        known[value] = result
                if bidi and text and value in bidi:
                    without_bidi(value, spec.name, refs[name], report)
                if type(result) is CellError:
                    row_bad.add(name)
                    report.add(result.code, result.message, spec.name, refs[name], hint=result.hint,
                               actual=_show(value))
                else:
                    rv[name] = result
        rows.append(Row(spec.name, r, rv, refs, row_bad))
    _check_hidden(grid, rows, spec.name, report)
    return rows


def read_kv(grid: Grid, spec: Sheet, report: Report) -> Row:
    _check_merged(grid, spec.name, report)
    out = Row(spec.name, 1)
    keys = {k.key: k for k in spec.keys}
    h1 = [re.sub(r"\s+", "", str(grid.get(1, c) or "")) for c in (1, 2)]
    if tuple(h1) != ("项目", "内容"):
        for i, (want, got) in enumerate(zip(("项目", "内容"), h1)):
            if want != got:
                report.add("E-HEADER-001", f"缺少列“{want}”" + (f"（该位置现为“{got}”）" if got else ""),
                           spec.name, f"{column_letter(i)}1", expected=want, actual=got or None)
        return out
    used: list[Row] = []
    for r in range(2, len(grid.values) + 1):
        k_raw, _ = _cell_value(grid, r, 1, Kind.TEXT, spec.name, report, f"A{r}")
        if is_empty(k_raw):
            continue
        used.append(Row(spec.name, r))
        name = re.sub(r"\s+", "", str(k_raw))
        ref = f"B{r}"
        if name not in keys:
            report.add("W-KV-002", f"未知的项目“{name}”", spec.name, f"A{r}",
                       hint="可用项目：" + "、".join(keys))
            continue
        key = keys[name]
        value, bad = _cell_value(grid, r, 2, key.kind, spec.name, report, ref)
        if type(value) is str and BIDI.search(value):
            value = without_bidi(value, spec.name, ref, report)
        out.refs[key.field] = ref
        if bad:
            out.bad.add(key.field)
        elif is_empty(value):
            out.values[key.field] = None
        else:
            try:
                out.values[key.field] = convert(key, value)
            except CellError as err:
                out.bad.add(key.field)
                report.add(err.code, f"{key.key}：{err.message}", spec.name, ref, hint=err.hint,
                           actual=_show(value))
    for key in spec.keys:
        if key.required and out.values.get(key.field) is None and key.field not in out.bad:
            report.add("E-KV-001", f"缺少“{key.key}”", spec.name, out.refs.get(key.field))
            out.bad.add(key.field)
    _check_hidden(grid, used, spec.name, report)
    return out


def read_workbook(path: Path, report: Report, data: bytes | None = None) -> RawWorkbook | None:
    """All sheets of the contract, or None when the file itself cannot be read. *data*: the
    file's bytes, when the caller has read them (read_source)."""
    book = open_workbook(path, report, data)
    if book is None:
        return None
    raw = RawWorkbook(path)
    try:
        for spec in SHEETS:
            if spec.name not in book.names:
                if not spec.optional:
                    near = [n for n in book.names if n.strip() == spec.name]
                    extra = f"（发现名为“{near[0]}”的工作表，名称前后有空格）" if near else ""
                    report.add("E-SHEET-001", f"缺少工作表“{spec.name}”{extra}", spec.name)
                continue
            grid = book.grid(spec.name, report)
            if grid is None:
                return None
            if spec.name in book.hidden:
                report.add("W-SHEET-002", f"工作表“{spec.name}”被隐藏，其内容仍被读取和公开", spec.name)
            if spec.is_kv:
                raw.kv[spec.name] = read_kv(grid, spec, report)
            else:
                raw.tables[spec.name] = read_table(grid, spec, report)
    finally:
        book.close()
    return raw
