"""Open-data back end: a folder ``<stem>-data/`` holding

* one CSV per 附表 (``table-1.csv`` … ``table-11-overall.csv``): the Table IR's grid, header =
  the flattened column labels ("基本支出/小计"), then two columns naming each row's kind and
  stable key; amounts as plain numbers in 元 (zero written as 0, never blank);
* ``lines.csv``: every 支出明细 line with its unit, 功能分类 类/款/项, 部门经济分类 类/款 and
  政府经济分类 类/款 (derived from the catalogue's correspondence where the workbook leaves
  it blank) as codes and names, 支出类型, 项目, 资金来源 and 金额;
* ``datapackage.json``: a Frictionless (Tabular) Data Package v1 describing all of them, with
  the stable column keys, Table Schema types (codes are strings, amounts numbers) and Fiscal
  Data Package annotations for ``lines.csv`` (a per-field ``columnType``, constant
  ``extraFields`` for fiscal year, currency, phase and direction, and a ``model`` of
  measures and dimensions).

CSV files are UTF-8 with a BOM (so Excel opens them as UTF-8) and CRLF record ends (a line
break inside a text cell is a bare LF within a quoted field); a text cell starting with = + - @
tab or CR gets a leading apostrophe so Excel never runs it as a formula (amounts are numbers and
stay as they are); the JSON has sorted keys. The
folder is rendered in memory, written to a temporary folder beside the target and renamed into
place: an old folder is replaced only by a complete new one.
"""
from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from pathlib import Path

from ..catalogs import unit_class
from ..derive import Views
from ..derive.table import Table

ENCODING = "utf-8-sig"
LINES = "lines"
DATAPACKAGE = "datapackage.json"
CURRENCY = "CNY"
ROW_KIND = ("行类型", "row_kind")
ROW_KEY = ("行标识", "row_key")


# ---------------------------------------------------------------------------------------------
# cells and CSV

# A text cell that Excel (or LibreOffice) would read as a formula when it opens the CSV: workbook
# text is data, so =HYPERLINK(…) or the example's own 目标值 "=100%" must not become live.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def csv_text(text: str) -> str:
    """Text as a CSV cell: a leading apostrophe neutralises a formula start (OWASP's CSV
    injection advice); line breaks inside the cell become \n (records end \r\n)."""
    text = str(text)
    if text.startswith(FORMULA_START):
        text = "'" + text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def csv_value(value, kind: str = "money") -> str:
    """Amounts as plain numbers (a negative amount stays a number), everything else as text."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value.normalize():f}" if kind == "number" else f"{value:f}"
    return csv_text(value)


def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([csv_text(h) for h in header])
    writer.writerows(rows)
    return buf.getvalue().encode(ENCODING)


def flat_labels(t: Table) -> list[str]:
    """One label per column: its header path joined with "/" ("基本支出/小计", "科目编码/类").
    Unique within the table."""
    labels = []
    for col in t.columns:
        parts: list[str] = []
        for text in (p.strip() for p in col.path):
            if text and (not parts or parts[-1] != text):
                parts.append(text)
        labels.append("/".join(parts) or col.label)
    seen: set[str] = set()
    out = []
    for label, col in zip(labels, t.columns):
        if label in seen or not label:
            label = f"{label}（{col.key}）"
        seen.add(label)
        out.append(label)
    return out


def table_rows(t: Table) -> list[list[str]]:
    grid = t.grid_rows()
    return [[csv_value(v, c.kind) for v, c in zip(values, t.columns)] + [row.kind, csv_text(row.key or "")]
            for row, values in zip(t.rows, grid)]


def field_type(t: Table, i: int) -> str:
    """number for amount columns; string for codes and text (forms mix text and amounts)."""
    col = t.columns[i]
    if col.kind in ("money", "number"):
        values = [r[i] for r in t.grid_rows() if r[i] is not None]
        if all(isinstance(v, Decimal) for v in values):
            return "number"
    return "string"


def table_resource(t: Table) -> dict:
    fields = [{"name": name, "key": col.key, "type": field_type(t, i), "kind": col.kind}
              for i, (name, col) in enumerate(zip(flat_labels(t), t.columns))]
    fields.append({"name": ROW_KIND[0], "key": ROW_KIND[1], "type": "string",
                   "description": "total | unit | class | kuan | item | subtotal | section | field | text"})
    fields.append({"name": ROW_KEY[0], "key": ROW_KEY[1], "type": "string"})
    title = t.title + (f" {t.subtitle}" if t.subtitle else "")
    res = {"name": t.id, "path": f"{t.id}.csv", "title": title, "profile": "tabular-data-resource",
           "format": "csv", "mediatype": "text/csv", "encoding": ENCODING,
           "schema": {"fields": fields}, "unit": "元"}
    if t.note:
        res["description"] = t.note
    return res


# ---------------------------------------------------------------------------------------------
# lines.csv

# (name, key, type, FDP columnType or None)
LINE_FIELDS: tuple[tuple[str, str, str, str | None], ...] = (
    ("来源行号", "source_row", "integer", None),
    ("单位编码", "unit_code", "string", "administrative-classification:generic:level1:code"),
    ("单位名称", "unit_name", "string", "administrative-classification:generic:level1:label"),
    ("功能分类类编码", "func_class_code", "string", "functional-classification:generic:level1:code:full"),
    ("功能分类类名称", "func_class_name", "string", "functional-classification:generic:level1:label"),
    ("功能分类款编码", "func_kuan_code", "string", "functional-classification:generic:level2:code:full"),
    ("功能分类款名称", "func_kuan_name", "string", "functional-classification:generic:level2:label"),
    ("功能分类项编码", "func_xiang_code", "string", "functional-classification:generic:level3:code:full"),
    ("功能分类项名称", "func_xiang_name", "string", "functional-classification:generic:level3:label"),
    ("部门经济分类类编码", "econ_class_code", "string", "economic-classification:generic:level1:code:full"),
    ("部门经济分类类名称", "econ_class_name", "string", "economic-classification:generic:level1:label"),
    ("部门经济分类款编码", "econ_kuan_code", "string", "economic-classification:generic:level2:code:full"),
    ("部门经济分类款名称", "econ_kuan_name", "string", "economic-classification:generic:level2:label"),
    ("政府经济分类类编码", "gov_econ_class_code", "string", "economic-classification:government:level1:code:full"),
    ("政府经济分类类名称", "gov_econ_class_name", "string", "economic-classification:government:level1:label"),
    ("政府经济分类款编码", "gov_econ_kuan_code", "string", "economic-classification:government:level2:code:full"),
    ("政府经济分类款名称", "gov_econ_kuan_name", "string", "economic-classification:government:level2:label"),
    ("政府经济分类来源", "gov_econ_origin", "string", None),
    ("支出类型", "expense_type", "string", None),
    ("项目名称", "project", "string", "activity:generic:project:label"),
    ("项目类别", "project_category", "string", None),
    ("资金来源", "fund_source", "string", None),
    ("金额", "amount", "number", "value"),
)
GOV_ENTERED, GOV_DERIVED = "填报", "推导"


def _levels(code: str, lengths: tuple[int, ...]) -> list[str]:
    return [code[:n] if len(code) >= n else "" for n in lengths]


def line_records(views: Views, catalog) -> list[list[str]]:
    b = views.budget
    units = {u.code: u for u in b.units}
    categories = {p.name: p.category for p in b.projects}
    out = []
    for ln in b.lines:
        unit = units.get(ln.unit)
        gov, origin = (ln.gov_econ or "").strip(), GOV_ENTERED
        if not gov:
            origin = GOV_DERIVED
            try:
                gov = (catalog.gov_for(ln.econ, unit_class(unit.kind)) or "") if unit else ""
            except ValueError:
                gov = ""
            if not gov:
                origin = ""
        f1, f2, f3 = _levels(ln.func, (3, 5, 7))
        e1, e2 = _levels(ln.econ, (3, 5))
        g1, g2 = _levels(gov, (3, 5))

        def name(lookup, code: str, own: str | None = None) -> str:
            return (lookup(code) if code else None) or own or ""

        texts = [
            ln.unit, unit.name if unit else "",
            f1, name(catalog.func_name, f1), f2, name(catalog.func_name, f2),
            f3, name(catalog.func_name, f3, ln.func_name),
            e1, name(catalog.econ_name, e1), e2, name(catalog.econ_name, e2, ln.econ_name),
            g1, name(catalog.gov_name, g1), g2, name(catalog.gov_name, g2), origin,
            ln.kind, ln.project or "", categories.get(ln.project or "", "") if ln.project else "",
            ln.source,
        ]
        out.append([str(ln.row), *map(csv_text, texts), csv_value(ln.amount)])
    return out


def lines_resource(year: int) -> dict:
    fields = []
    for name, key, typ, column_type in LINE_FIELDS:
        f = {"name": name, "key": key, "type": typ}
        if column_type:
            f["columnType"] = column_type
        if key == "gov_econ_origin":
            f["description"] = f"{GOV_ENTERED}: 工作簿填报; {GOV_DERIVED}: 按部门经济分类与单位类型对应推导"
        if key == "source_row":
            f["description"] = "工作簿“支出明细”表中的行号"
        fields.append(f)
    extra = [
        {"name": "预算年度", "type": "integer", "columnType": "date:fiscal-year", "constant": year},
        {"name": "币种", "type": "string", "columnType": "value-currency:code", "constant": CURRENCY},
        {"name": "预算阶段", "type": "string", "columnType": "phase:id", "constant": "proposed"},
        {"name": "收支方向", "type": "string", "columnType": "direction:id", "constant": "expenditure"},
    ]
    return {"name": LINES, "path": f"{LINES}.csv", "title": "支出明细", "profile": "tabular-data-resource",
            "format": "csv", "mediatype": "text/csv", "encoding": ENCODING, "unit": "元",
            "schema": {"fields": fields, "extraFields": extra}}


def fiscal_model(year: int) -> dict:
    """Fiscal Data Package (0.3) model of lines.csv: one measure, the classifications."""
    def attr(source: str, **more) -> dict:
        return {"source": source, "resource": LINES, **more}

    def levels(kind: str, prefix: str, names: tuple[str, ...]) -> dict:
        """A hierarchical classification: code and name columns per level (类/款/项)."""
        label = {"class": "类", "kuan": "款", "xiang": "项"}
        attributes: dict = {}
        for i, lvl in enumerate(names):
            parent = {"parent": f"{names[i - 1]}_code"} if i else {}
            attributes[f"{lvl}_code"] = attr(f"{prefix}{label[lvl]}编码", **parent)
            attributes[f"{lvl}_name"] = attr(f"{prefix}{label[lvl]}名称", labelfor=f"{lvl}_code")
        return {"dimensionType": "classification", "classificationType": kind,
                "primaryKey": [f"{names[-1]}_code"], "attributes": attributes}

    return {
        "measures": {"amount": {"source": "金额", "resource": LINES, "currency": CURRENCY,
                                "factor": 1, "direction": "expenditure", "phase": "proposed"}},
        "dimensions": {
            "administrative-classification": {
                "dimensionType": "classification", "classificationType": "administrative",
                "primaryKey": ["unit_code"],
                "attributes": {"unit_code": attr("单位编码"),
                               "unit_name": attr("单位名称", labelfor="unit_code")}},
            "functional-classification": levels("functional", "功能分类", ("class", "kuan", "xiang")),
            "economic-classification": levels("economic", "部门经济分类", ("class", "kuan")),
            "government-economic-classification": levels("economic", "政府经济分类", ("class", "kuan")),
            "project": {"dimensionType": "activity", "primaryKey": ["name"],
                        "attributes": {"name": attr("项目名称"), "category": attr("项目类别")}},
            "expense-type": {"dimensionType": "other", "primaryKey": ["type"],
                             "attributes": {"type": attr("支出类型")}},
            "fund-source": {"dimensionType": "other", "primaryKey": ["source"],
                            "attributes": {"source": attr("资金来源")}},
            "date": {"dimensionType": "datetime", "primaryKey": ["fiscal_year"],
                     "attributes": {"fiscal_year": {"constant": str(year)}}},
        },
    }


# ---------------------------------------------------------------------------------------------

def package_name(stem: str, year: int) -> str:
    slug = re.sub(r"[^a-z0-9._-]+", "-", stem.lower()).strip("-._")
    return slug or f"budget-{year}"


def render_data(views: Views, catalog, *, stem: str, title: str, meta_date: str,
                source_name: str | None = None) -> dict[str, bytes]:
    """File name -> bytes of the open-data folder (nothing written here)."""
    info = views.budget.info
    files: dict[str, bytes] = {}
    resources = [lines_resource(info.year)]
    files[f"{LINES}.csv"] = csv_bytes([f[0] for f in LINE_FIELDS], line_records(views, catalog))
    for t in views.tables:
        files[f"{t.id}.csv"] = csv_bytes(flat_labels(t) + [ROW_KIND[0], ROW_KEY[0]], table_rows(t))
        resources.append(table_resource(t))
    package = {
        "profile": "tabular-data-package",
        "name": package_name(stem, info.year),
        "title": title,
        "created": f"{meta_date}T00:00:00Z",
        "contributors": [{"title": info.dept_name, "role": "publisher"}],
        "countryCode": "CN",
        "granularity": "aggregated",
        "fiscalPeriod": {"start": f"{info.year}-01-01", "end": f"{info.year}-12-31"},
        "currency": CURRENCY,
        "unit": "元",
        "resources": resources,
        "model": fiscal_model(info.year),
    }
    if source_name:
        package["sources"] = [{"title": source_name}]
    files[DATAPACKAGE] = (json.dumps(package, ensure_ascii=False, indent=2, sort_keys=True)
                          + "\n").encode("utf-8")
    return files


def write_folder_atomic(path: Path, files: dict[str, bytes]) -> None:
    """Write *files* as the folder *path*, all or nothing (compiler/files.py): a failure leaves
    the old folder untouched."""
    from ..files import write_folder_atomic as write
    write(path, files)
