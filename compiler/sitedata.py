"""The combined open-data package of a site (`gongkai site`): every document's ``-data/``
folder (compiler/render/opendata.py) joined resource by resource into one package.

Each resource (``lines``, ``table-1`` …) becomes one CSV holding every document's rows, with
columns in front saying whose rows they are: 部门, 单位预算公开 (the 单位编码 of a unit's own
document, blank for a department's — a unit's lines are also its department's, so totals take
the blank rows only), 预算年度, and for 附表 表名 (the table's title in that document: the
project tables differ per department). Columns are the union of the documents' columns in
first-seen order (a unit's document lacks the 上年 columns; a profile may name columns
differently); a column a document lacks is blank there. A column that is a number in one
document and text in another is text. The CSVs keep the departments' format (UTF-8 with BOM,
CRLF; workbook text in the added columns gets the same apostrophe before a formula start);
the JSON has sorted keys: same inputs, same bytes.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

from .render.opendata import (CURRENCY, DATAPACKAGE, ENCODING, LINES, csv_bytes, csv_text,
                               fiscal_model)


class _Resource:
    def __init__(self, name: str):
        self.name = name
        self.meta: dict = {}
        self.titles: set[str] = set()
        self.fields: dict[str, dict] = {}      # name -> field, first-seen order
        self.rows: list[tuple[list[str], dict[str, str]]] = []   # (front, by field name)


def _read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, encoding=ENCODING, newline="") as fh:
        rows = list(csv.reader(fh))
    return (rows[0] if rows else []), rows[1:]


def combined_package(entries, sources: dict[str, Path], words: dict) -> dict[str, bytes]:
    """File name -> bytes of the combined package; {} when no document has open data."""
    front_lines = [
        {"name": words["department"], "type": "string", "description": words["department_description"]},
        {"name": words["unit"], "type": "string", "description": words["unit_description"]},
        {"name": words["year"], "type": "integer"},
    ]
    front_tables = front_lines + [{"name": words["table"], "type": "string",
                                   "description": words["table_description"]}]
    front_names = {f["name"] for f in front_tables}
    resources: dict[str, _Resource] = {}
    years: set[int] = set()
    for e in entries:
        folder = next((sources[rel] for rel in e.outputs if rel.endswith("-data")), None)
        if folder is None:
            continue
        package = json.loads((folder / DATAPACKAGE).read_text(encoding="utf-8"))
        d = e.doc
        years.add(int(d["year"]))
        for res in package["resources"]:
            r = resources.setdefault(res["name"], _Resource(res["name"]))
            r.titles.add(res.get("title", ""))
            if not r.meta:
                r.meta = {k: v for k, v in res.items() if k not in ("schema", "description")}
                if res["name"] == LINES:
                    r.meta["extra"] = [x for x in res["schema"].get("extraFields", [])
                                       if x.get("columnType") != "date:fiscal-year"]
            for f in res["schema"]["fields"]:
                if f["name"] in front_names:
                    from .site import SiteError
                    raise SiteError(f"{folder / res['path']} 已有列“{f['name']}”，无法加上同名的列")
                have = r.fields.get(f["name"])
                if have is None:
                    r.fields[f["name"]] = dict(f)
                elif have["type"] != f["type"]:
                    have["type"] = "string"
            header, rows = _read_csv(folder / res["path"])
            # workbook text, so never a formula in Excel (the rows read are already safe)
            front = [csv_text(d.get("department") or d.get("dept") or ""),
                     csv_text(d.get("unit") or ""), str(d["year"])]
            if res["name"] != LINES:
                front.append(csv_text(res.get("title", "")))
            r.rows += [(front, dict(zip(header, row))) for row in rows]
    if not resources:
        return {}

    files: dict[str, bytes] = {}
    out = []
    order = sorted(resources.values(), key=lambda r: (r.name != LINES,))   # lines first, then as met
    for r in order:
        front = front_lines if r.name == LINES else front_tables
        fields = [dict(f) for f in front] + list(r.fields.values())
        names = [f["name"] for f in r.fields.values()]
        files[f"{r.name}.csv"] = csv_bytes(
            [f["name"] for f in fields],
            [lead + [row.get(n, "") for n in names] for lead, row in r.rows])
        meta = {k: v for k, v in r.meta.items() if k != "extra"}
        schema = {"fields": fields}
        if r.meta.get("extra"):
            schema["extraFields"] = r.meta["extra"]
        if len(r.titles) > 1:      # 项目绩效目标表: a different project in each department
            meta["title"] = r.name
        out.append({**meta, "name": r.name, "path": f"{r.name}.csv", "encoding": ENCODING,
                    "schema": schema})
    first, last = min(years), max(years)
    package = {
        "profile": "tabular-data-package",
        "name": "budget-disclosures",
        "title": words["title"],
        "countryCode": "CN",
        "granularity": "aggregated",
        "fiscalPeriod": {"start": f"{first}-01-01", "end": f"{last}-12-31"},
        "currency": CURRENCY,
        "unit": "元",
        "resources": out,
        "model": _model(words, first),
    }
    files[DATAPACKAGE] = (json.dumps(package, ensure_ascii=False, indent=2, sort_keys=True)
                          + "\n").encode("utf-8")
    return files


def _model(words: dict, year: int) -> dict:
    """The departments' Fiscal Data Package model of lines.csv, with the department as a
    dimension and the year read from its column."""
    model = fiscal_model(year)
    model["dimensions"]["department"] = {
        "dimensionType": "entity", "primaryKey": ["department"],
        "attributes": {"department": {"source": words["department"], "resource": LINES}}}
    model["dimensions"]["date"]["attributes"]["fiscal_year"] = {
        "source": words["year"], "resource": LINES}
    return model
