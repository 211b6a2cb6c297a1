"""read → model: turn the typed cells of a workbook into the Budget IR.

Records whose required cells were invalid are left out (their problem is already reported),
so later checks do not pile follow-on errors on top of the first one.
"""
from __future__ import annotations

from pathlib import Path

from .diagnostics import Report
from .model import TABLE_MODELS, Budget, Info, Staff
from .workbook.read import Row, read_workbook
from .workbook.schema import SHEET_BY_NAME


# Sheets where one bad cell makes the whole record meaningless (a line with an unreadable
# 项目名称 must not be summed as if it were basic spending).
STRICT_SHEETS = {"支出明细"}


REQUIRED = {s.name: [c.field for c in s.columns if c.required] + [k.field for k in s.keys if k.required]
            for s in SHEET_BY_NAME.values()}


def _build(cls, row: Row):
    if row.sheet in STRICT_SHEETS and row.bad:
        return None
    values = row.values
    for f in REQUIRED[row.sheet]:
        if f in row.bad or values.get(f) is None:
            return None
    fields = {k: v for k, v in values.items() if v is not None}
    return cls(sheet=row.sheet, row=row.row, refs=row.refs, **fields)


def _line_rules(row: Row, report: Report) -> None:
    """项目名称 belongs to 项目支出 lines only (issue 2, point 5)."""
    kind, project = row.values.get("kind"), row.values.get("project")
    if kind == "基本支出" and project:
        report.add("E-LINE-001", f"基本支出行填写了项目名称“{project}”", row.sheet,
                   row.refs.get("project"))
        row.bad.add("project")
    elif kind == "项目支出" and not project and "project" not in row.bad:
        report.add("E-LINE-002", "项目支出行缺少项目名称", row.sheet, row.refs.get("project"))
        row.bad.add("project")


def load(path: Path, report: Report, data: bytes | None = None) -> Budget | None:
    """The Budget, or None when the workbook cannot be read or lacks its 基本信息. *data*: the
    file's bytes when the caller has read them (workbook.read.read_source)."""
    raw = read_workbook(path, report, data)
    if raw is None:
        return None
    for row in raw.tables.get("支出明细", []):
        _line_rules(row, report)
    data: dict = {"file": path.name}
    info_row = raw.kv.get("基本信息")
    info = _build(Info, info_row) if info_row else None
    staff_row = raw.kv.get("人员车辆资产")
    data["staff"] = (_build(Staff, staff_row) if staff_row else None) or Staff(sheet="人员车辆资产", row=1)
    for sheet, (attr, cls) in TABLE_MODELS.items():
        built = (_build(cls, r) for r in raw.tables.get(sheet, []))
        data[attr] = [b for b in built if b is not None]
    if info is None:
        return None
    return Budget(info=info, **data)
