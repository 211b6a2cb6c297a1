"""JSON back end: the derived tables and facts under the same ids as the HTML, stable keys,
amounts as strings in 元 (no float anywhere)."""
from __future__ import annotations

import json
from dataclasses import fields, is_dataclass
from datetime import date
from decimal import Decimal

from ..derive import Views
from ..derive.table import Table

JSON_VERSION = 1


def plain(value):
    """Decimals -> strings ('1234.50'), dataclasses/dicts/lists recursively, dates ISO."""
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, (date,)):
        return value.isoformat()
    if is_dataclass(value):
        return {f.name: plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def table_json(t: Table) -> dict:
    return {
        "id": t.id, "number": t.number, "title": t.title, "subtitle": t.subtitle,
        "unit": t.unit_label, "note": t.note, "empty": t.empty,
        "columns": [{"key": c.key, "label": c.label, "kind": c.kind} for c in t.columns],
        "header": [[plain(c) for c in row] for row in t.header],
        "rows": [{"kind": r.kind, "key": r.key, "indent": r.indent,
                  "cells": {c.key: plain(v) for c, v in zip(t.columns, vals)}}
                 for r, vals in zip(t.rows, t.grid_rows())],
    }


def render_json(views: Views) -> str:
    info = views.budget.info
    doc = {
        "gongkai": JSON_VERSION,
        "department": info.dept_name,
        "year": info.year,
        "profile": views.profile,
        "unit": views.budget.scope,
        "currency": "CNY",
        "amount_unit": "元",
        "tables": {t.id: table_json(t) for t in [*views.tables, views.main_projects]},
        "facts": plain(views.facts),
    }
    return json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
