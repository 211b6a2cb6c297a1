"""Write a workbook in the canonical layout: the blank one of `gongkai new`, and (with data)
the bundled example. One writer, so the example can never drift from the contract."""
from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from . import defaults
from .schema import ENUMS, KV_HEADERS, OPEN_ENUMS, SHEETS, Kind, Sheet, column_letter

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_FONT = Font(bold=True)
LISTS_SHEET = "_lists"
EXCEL_LIST_LIMIT = 255  # Excel's limit for an inline list in a data validation
DATA_ROWS = 2000        # rows covered by drop-downs in a blank workbook
TEXT_KINDS = (Kind.TEXT, Kind.LONGTEXT, Kind.CODE)  # cells whose content is text as typed


def _kv_rows(spec: Sheet, dept: str | None, year: int | None,
             profile: str | None = None) -> list[tuple[str, object]]:
    given = {"部门名称": dept, "预算年度": year, "公开格式": profile}
    return [(k.key, given.get(k.key) if given.get(k.key) is not None else (k.default or None))
            for k in spec.keys]


def _default_rows(spec: Sheet) -> list[dict]:
    if spec.name == "名词解释":
        return [{"序号": i, "名词": t, "解释": x} for i, (t, x) in enumerate(defaults.GLOSSARY, 1)]
    if spec.name == "说明文字":
        return [{"键": k, "内容": v} for k, v in defaults.TEXTS]
    return []


def _cell_value(kind: Kind, value):
    if value is None or value == "":
        return None
    if kind is Kind.MONEY or kind is Kind.NUMBER:
        d = Decimal(str(value))
        return int(d) if d == d.to_integral() else d
    if kind in (Kind.INT, Kind.YEAR):
        return int(value)
    if kind is Kind.DATE:
        return value if isinstance(value, date) else date.fromisoformat(str(value))
    return str(value)


def _lists_ref(wb: Workbook, name: str, values: tuple[str, ...], col: int) -> str:
    ws = wb[LISTS_SHEET]
    ws.cell(row=1, column=col, value=name)
    for i, v in enumerate(values, 2):
        ws.cell(row=i, column=col, value=v)
    letter = column_letter(col - 1)
    return f"{LISTS_SHEET}!${letter}$2:${letter}${len(values) + 1}"


def _add_validations(wb: Workbook, ws, spec: Sheet, list_cols: dict[str, int]) -> None:
    for i, col in enumerate(spec.columns):
        if not col.enum:
            continue
        values = ENUMS[col.enum]
        inline = '"' + ",".join(values) + '"'
        if len(inline) <= EXCEL_LIST_LIMIT:
            formula = inline
        else:
            if col.enum not in list_cols:
                list_cols[col.enum] = len(list_cols) + 1
                list_cols[col.enum + "#ref"] = _lists_ref(wb, col.enum, values, list_cols[col.enum])
            formula = list_cols[col.enum + "#ref"]
        strict = col.enum not in OPEN_ENUMS
        dv = DataValidation(type="list", formula1=formula, allow_blank=True,
                            showErrorMessage=strict, errorStyle="stop" if strict else "information",
                            errorTitle="取值不在列表中", error="请从下拉列表中选择",
                            promptTitle=col.header, prompt=col.hint or "请从下拉列表中选择",
                            showInputMessage=True)
        letter = column_letter(i)
        dv.add(f"{letter}2:{letter}{DATA_ROWS}")
        ws.add_data_validation(dv)


def _header(ws, headers, hints, widths) -> None:
    for i, (h, hint, w) in enumerate(zip(headers, hints, widths)):
        c = ws.cell(row=1, column=i + 1, value=h)
        c.font, c.fill = HEADER_FONT, HEADER_FILL
        c.alignment = Alignment(vertical="center", wrap_text=True)
        if hint:
            c.comment = Comment(hint, "gongkai", width=260, height=90)
        ws.column_dimensions[column_letter(i)].width = w
    ws.freeze_panes = "A2"


def _write_sheet(wb: Workbook, spec: Sheet, rows, dept, year, list_cols, profile=None) -> None:
    ws = wb.create_sheet(spec.name)
    if spec.is_kv:
        _header(ws, KV_HEADERS, ("填写项目名（不要修改）", "填写内容"), (28, 60))
        given = dict(rows) if rows is not None else None
        for r, key in enumerate(spec.keys, 2):
            ws.cell(row=r, column=1, value=key.key)
            value = given.get(key.key) if given is not None else \
                dict(_kv_rows(spec, dept, year, profile))[key.key]
            cell = ws.cell(row=r, column=2, value=_cell_value(key.kind, value))
            if cell.data_type == "f":  # text, never a formula (rollover copies what OLD says)
                cell.data_type = "s"
                cell.quotePrefix = True
            if key.kind is Kind.DATE:
                cell.number_format = "yyyy-mm-dd"
            elif key.kind in TEXT_KINDS:
                cell.number_format = "@"
            if key.hint:
                ws.cell(row=r, column=1).comment = Comment(key.hint, "gongkai", width=260, height=70)
        return
    _header(ws, spec.headers, [c.hint for c in spec.columns], [c.width for c in spec.columns])
    for i, col in enumerate(spec.columns):
        # Text format: Excel keeps what staff type (leading zeros of codes; 100%, =100%, 1-2
        # in a target) instead of turning it into a number, a formula or a date.
        if col.kind in TEXT_KINDS:
            ws.column_dimensions[column_letter(i)].number_format = "@"
    _add_validations(wb, ws, spec, list_cols)
    data = rows if rows is not None else _default_rows(spec)
    for r, record in enumerate(data, 2):
        for i, col in enumerate(spec.columns):
            cell = ws.cell(row=r, column=i + 1, value=_cell_value(col.kind, record.get(col.header)))
            if cell.data_type == "f":  # text such as "=100%" is a target value, not a formula
                cell.data_type = "s"
                cell.quotePrefix = True
            if col.kind in TEXT_KINDS:
                cell.number_format = "@"
            elif col.kind is Kind.MONEY:
                cell.number_format = "#,##0.00"
            elif col.kind is Kind.DATE:
                cell.number_format = "yyyy-mm-dd"
            if col.kind is Kind.LONGTEXT:
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def _guide(wb: Workbook) -> None:
    ws = wb.create_sheet("说明", 0)
    ws.append(["工作表", "用途", "列（第 1 行表头，请勿修改）"])
    for c in ws[1]:
        c.font, c.fill = HEADER_FONT, HEADER_FILL
    ws.append(["总则", "每个数字只填一次：合计、小计、万元数、百分比和 11 张附表都由 gongkai 计算。"
               "金额单位为元，最多两位小数；编码按文本填写。表头在第 1 行，数据从第 2 行起，每行一条，"
               "不要合并单元格；空行会被忽略。", ""])
    for spec in SHEETS:
        cols = "、".join(spec.headers if not spec.is_kv else [k.key for k in spec.keys])
        ws.append([spec.name, spec.purpose, cols])
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 70
    ws.column_dimensions["C"].width = 80
    for row in ws.iter_rows(min_row=2):
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"


def build_workbook(dept: str | None = None, year: int | None = None,
                   data: dict[str, list] | None = None, profile: str | None = None) -> Workbook:
    """data: sheet -> rows (dicts header -> value; key-value sheets: list of (key, value));
    *profile* is recorded as 公开格式 in a blank workbook."""
    wb = Workbook()
    wb.remove(wb.active)
    _guide(wb)
    list_cols: dict[str, object] = {}
    wb.create_sheet(LISTS_SHEET).sheet_state = "hidden"
    for spec in SHEETS:
        rows = None if data is None else data.get(spec.name, [])
        _write_sheet(wb, spec, rows, dept, year, list_cols, profile)
    # _lists last, hidden: keeps the visible tabs in the order of the contract
    wb.move_sheet(LISTS_SHEET, offset=len(wb.sheetnames))
    stamp = datetime(year or 2000, 1, 1)
    wb.properties.creator = "gongkai"
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.active = 0
    return wb


def deterministic_bytes(wb: Workbook) -> bytes:
    """The xlsx as bytes that depend only on its content: openpyxl stamps the save time into
    docProps/core.xml and every zip entry, so both are replaced by fixed values."""
    raw = io.BytesIO()
    wb.save(raw)
    stamp = (wb.properties.created or datetime(2000, 1, 1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), data)
            info = zipfile.ZipInfo(item.filename, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, data)
    return out.getvalue()


def write_atomic(path: Path, data: bytes) -> None:
    """Write beside the target and rename, so a failure never leaves half a file
    (compiler/files.py, which every writer uses)."""
    from ..files import write_atomic as write
    write(path, data)


def save_atomic(wb: Workbook, path: Path) -> None:
    write_atomic(path, deterministic_bytes(wb))
