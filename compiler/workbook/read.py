"""Read a workbook into typed cells that remember where they came from.

Nothing here stops at the first problem: every cell is converted or reported, and the caller
gets both the rows and the diagnostics. The file is opened read-only and never written.
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ..diagnostics import Report
from .schema import ENUMS, OPEN_ENUMS, SHEETS, Column, Key, Kind, Sheet, column_letter

OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
PLAIN_NUMBER = re.compile(r"^[0-9]+(\.[0-9]+)?$")  # ASCII only: \d would take full-width digits
FULLWIDTH_DIGITS = re.compile(r"[０-９．，]")
CN_NUMERALS = re.compile(r"[零壹贰叁肆伍陆柒捌玖拾佰仟一二三四五六七八九十百千]")


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


# ---------------------------------------------------------------- opening the file

def open_workbook(path: Path, report: Report):
    """Return (values_wb, formulas_wb) or None after reporting why the file can't be read."""
    import openpyxl

    shown = path.name
    if not path.is_file():
        report.add("E-FILE-001", f"找不到文件“{shown}”")
        return None
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        report.add("E-FILE-001", f"无法打开文件“{shown}”：{exc.strerror or exc}")
        return None
    if head == OLE2_MAGIC:
        # Both legacy .xls and password-encrypted .xlsx are OLE2 containers; an encrypted
        # package names its stream "EncryptedPackage" (UTF-16LE in the directory).
        data = path.read_bytes()
        if "EncryptedPackage".encode("utf-16-le") in data:
            report.add("E-FILE-004", f"文件“{shown}”设有密码保护，无法读取")
        else:
            report.add("E-FILE-003", f"文件“{shown}”是旧版 Excel 97-2003 工作簿（.xls），gongkai 只读取 .xlsx")
        return None
    if not zipfile.is_zipfile(path):
        report.add("E-FILE-002", f"文件“{shown}”不是 Excel 工作簿（.xlsx）")
        return None
    try:
        with zipfile.ZipFile(path) as zf:
            if "xl/workbook.xml" not in zf.namelist():
                report.add("E-FILE-002", f"文件“{shown}”是压缩包但不是 Excel 工作簿（缺少 xl/workbook.xml）")
                return None
    except zipfile.BadZipFile:
        report.add("E-FILE-005", f"文件“{shown}”已损坏（压缩结构无效）")
        return None
    try:
        values = openpyxl.load_workbook(path, data_only=True)
        formulas = openpyxl.load_workbook(path, data_only=False)
    except Exception as exc:  # openpyxl raises many types for damaged files
        report.add("E-FILE-005", f"文件“{shown}”无法解析：{type(exc).__name__}")
        return None
    return values, formulas


# ---------------------------------------------------------------- converting one cell

class CellError(Exception):
    def __init__(self, code: str, message: str, hint: str | None = None):
        super().__init__(message)
        self.code, self.message, self.hint = code, message, hint


def _show(value) -> str:
    return str(value).replace("\n", "↵")


def to_money(value) -> Decimal:
    if isinstance(value, bool):
        raise CellError("E-AMOUNT-002", f"金额 \"{value}\" 不是数字")
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(repr(value))  # shortest repr: 1200.1 stays 1200.1, not its binary tail
    else:
        text = str(value).strip()
        if not PLAIN_NUMBER.match(text.lstrip("-")):
            hint = None
            if FULLWIDTH_DIGITS.search(text):
                hint = "金额中有全角数字或全角标点，请改为半角阿拉伯数字"
            elif "万" in text:
                hint = "金额单位为元，请换算后填写，如 12万 应填 120000"
            elif "," in text:
                hint = "请去掉千位分隔逗号，如 1,200 应填 1200"
            elif CN_NUMERALS.search(text):
                hint = "请用阿拉伯数字填写，如 壹佰 应填 100"
            raise CellError("E-AMOUNT-002", f"金额 \"{_show(text)}\" 不是数字", hint)
        amount = Decimal(text)
    if not amount.is_finite():
        raise CellError("E-AMOUNT-002", f"金额 \"{_show(value)}\" 不是数字")
    if amount < 0:
        raise CellError("E-AMOUNT-004", f"金额 {amount} 是负数")
    if amount.as_tuple().exponent < -2 and amount != amount.quantize(Decimal("0.01")):
        raise CellError("E-AMOUNT-003", f"金额 {amount} 超过两位小数")
    return amount.quantize(Decimal("0.01")) if amount != amount.to_integral() else Decimal(int(amount))


def to_int(value) -> int:
    if isinstance(value, bool):
        raise CellError("E-INT-001", f"\"{value}\" 不是非负整数")
    if isinstance(value, (int, float)) and float(value).is_integer() and value >= 0:
        return int(value)
    text = str(value).strip()
    if text.isascii() and text.isdigit():
        return int(text)
    raise CellError("E-INT-001", f"\"{_show(value)}\" 不是非负整数")


def to_number(value) -> Decimal:
    try:
        number = value if isinstance(value, (int, float)) and not isinstance(value, bool) \
            else Decimal(str(value).strip())
        number = Decimal(repr(number)) if isinstance(number, float) else Decimal(number)
    except (InvalidOperation, ValueError):
        raise CellError("E-NUM-001", f"数量 \"{_show(value)}\" 不是数字")
    if not number.is_finite() or number <= 0:
        raise CellError("E-NUM-001", f"数量 {_show(value)} 不是正数")
    return number


def to_code(value) -> str:
    if isinstance(value, bool):
        raise CellError("E-CODE-001", f"编码 \"{value}\" 格式不对")
    if isinstance(value, float) and value.is_integer():
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
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date().isoformat()
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.strip().split("\n"))


CONVERT = {
    Kind.MONEY: to_money, Kind.INT: to_int, Kind.NUMBER: to_number, Kind.CODE: to_code,
    Kind.DATE: to_date, Kind.YEAR: to_year, Kind.TEXT: to_text, Kind.LONGTEXT: to_text,
}


def convert(spec: Column | Key, value):
    """Typed value for a non-empty cell, or CellError."""
    result = CONVERT[spec.kind](value)
    enum = getattr(spec, "enum", None)
    if enum and enum not in OPEN_ENUMS:
        allowed = ENUMS[enum]
        canon = canon_enum(result)
        if canon not in allowed:
            raise CellError("E-ENUM-001", f"{spec.header}“{_show(result)}”不在可选范围内",
                            "可选：" + "、".join(allowed))
        result = canon
    return result


def is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


# ---------------------------------------------------------------- reading sheets

def _cell_value(ws_values, ws_formulas, r: int, c: int, sheet: str, report: Report, ref: str):
    """Cached value of a cell; reports formulas without a cached result and error values."""
    value = ws_values.cell(row=r, column=c).value
    if value is None:
        f = ws_formulas.cell(row=r, column=c)
        if f.data_type == "f":
            report.add("E-CELL-001", f"单元格是公式 {str(f.value)[:40]} 但没有保存计算结果", sheet, ref)
            return None, True
    if isinstance(value, str) and value.startswith("#") and value.rstrip("!?0/") in (
            "#N/A", "#VALUE", "#REF", "#DIV", "#NAME", "#NUM", "#NULL"):
        report.add("E-CELL-003", f"单元格是错误值 {value}", sheet, ref)
        return None, True
    return value, False


def _check_merged(ws, sheet: str, report: Report) -> None:
    for rng in sorted(ws.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col)):
        if rng.max_row >= 2:  # a merge confined to the header row is harmless
            report.add("E-CELL-002", f"合并单元格 {rng.coord} 位于数据区域，无法确定每行的值",
                       sheet, f"{column_letter(rng.min_col - 1)}{rng.min_row}")


def _header_map(ws_values, spec: Sheet, report: Report) -> dict[str, int] | None:
    found: dict[str, int] = {}
    for c in range(1, (ws_values.max_column or 0) + 1):
        v = ws_values.cell(row=1, column=c).value
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
        there = ws_values.cell(row=1, column=i + 1).value
        actual = None if is_empty(there) else str(there)
        extra = f"（该位置现为“{actual}”）" if actual else ""
        report.add("E-HEADER-001", f"缺少列“{col.header}”{extra}", spec.name, ref,
                   expected=col.header, actual=actual)
    return None if missing else found


def read_table(ws_values, ws_formulas, spec: Sheet, report: Report) -> list[Row]:
    _check_merged(ws_formulas, spec.name, report)
    columns = _header_map(ws_values, spec, report)
    if columns is None:
        return []
    rows: list[Row] = []
    for r in range(2, (ws_values.max_row or 1) + 1):
        row = Row(spec.name, r)
        raw = {}
        for col in spec.columns:
            c = columns.get(col.header)
            if c is None:
                continue
            ref = f"{column_letter(c - 1)}{r}"
            value, bad = _cell_value(ws_values, ws_formulas, r, c, spec.name, report, ref)
            row.refs[col.field] = ref
            raw[col.field] = (value, bad)
        if all(is_empty(v) and not bad for v, bad in raw.values()):
            continue  # empty rows are ignored
        for col in spec.columns:
            if col.field not in raw:
                row.values[col.field] = None
                continue
            value, bad = raw[col.field]
            ref = row.refs[col.field]
            if bad:
                row.bad.add(col.field)
                row.values[col.field] = None
            elif is_empty(value):
                row.values[col.field] = None
                if col.required:
                    row.bad.add(col.field)
                    code = "E-AMOUNT-001" if col.kind is Kind.MONEY else "E-REQ-001"
                    report.add(code, f"“{col.header}”不能为空", spec.name, ref)
            else:
                try:
                    row.values[col.field] = convert(col, value)
                except CellError as err:
                    row.bad.add(col.field)
                    row.values[col.field] = None
                    report.add(err.code, err.message, spec.name, ref, hint=err.hint,
                               actual=_show(value))
        rows.append(row)
    return rows


def read_kv(ws_values, ws_formulas, spec: Sheet, report: Report) -> Row:
    _check_merged(ws_formulas, spec.name, report)
    out = Row(spec.name, 1)
    keys = {k.key: k for k in spec.keys}
    h1 = [re.sub(r"\s+", "", str(ws_values.cell(row=1, column=c).value or "")) for c in (1, 2)]
    if tuple(h1) != ("项目", "内容"):
        for i, (want, got) in enumerate(zip(("项目", "内容"), h1)):
            if want != got:
                report.add("E-HEADER-001", f"缺少列“{want}”" + (f"（该位置现为“{got}”）" if got else ""),
                           spec.name, f"{column_letter(i)}1", expected=want, actual=got or None)
        return out
    for r in range(2, (ws_values.max_row or 1) + 1):
        k_raw, _ = _cell_value(ws_values, ws_formulas, r, 1, spec.name, report, f"A{r}")
        if is_empty(k_raw):
            continue
        name = re.sub(r"\s+", "", str(k_raw))
        ref = f"B{r}"
        if name not in keys:
            report.add("W-KV-002", f"未知的项目“{name}”", spec.name, f"A{r}",
                       hint="可用项目：" + "、".join(keys))
            continue
        key = keys[name]
        value, bad = _cell_value(ws_values, ws_formulas, r, 2, spec.name, report, ref)
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
    return out


def read_workbook(path: Path, report: Report) -> RawWorkbook | None:
    """All sheets of the contract, or None when the file itself cannot be read."""
    opened = open_workbook(path, report)
    if opened is None:
        return None
    values, formulas = opened
    raw = RawWorkbook(path)
    for spec in SHEETS:
        if spec.name not in values.sheetnames:
            if not spec.optional:
                near = [n for n in values.sheetnames if n.strip() == spec.name]
                extra = f"（发现名为“{near[0]}”的工作表，名称前后有空格）" if near else ""
                report.add("E-SHEET-001", f"缺少工作表“{spec.name}”{extra}", spec.name)
            continue
        wv, wf = values[spec.name], formulas[spec.name]
        if spec.is_kv:
            raw.kv[spec.name] = read_kv(wv, wf, spec, report)
        else:
            raw.tables[spec.name] = read_table(wv, wf, spec, report)
    return raw
