"""Printing diagnostics: human (grouped by sheet, row order, colour on a terminal), JSON for CI,
GitHub annotations. The JSON schema is documented in docs/diagnostics-json.md and is stable."""
from __future__ import annotations

import json

from .diagnostics import Diagnostic, Report, Severity
from .workbook.schema import SHEETS

SHEET_ORDER = {s.name: i for i, s in enumerate(SHEETS)}
JSON_SCHEMA_VERSION = 1


def _sort_key(d: Diagnostic):
    col = "".join(ch for ch in (d.cell or "") if ch.isalpha())
    return (SHEET_ORDER.get(d.sheet or "", -1), d.row or 0, len(col), col, d.code)


def ordered(report: Report) -> list[Diagnostic]:
    return sorted(report.items, key=_sort_key)


def summary(report: Report) -> str:
    return f"{len(report.errors)} 个错误，{len(report.warnings)} 个警告"


def format_human(report: Report, color: bool = False) -> str:
    red, yellow, dim, bold, reset = ("\033[31m", "\033[33m", "\033[2m", "\033[1m", "\033[0m") \
        if color else ("",) * 5
    out: list[str] = []
    current = object()
    for d in ordered(report):
        group = d.sheet or "文件"
        if group != current:
            current = group
            out.append(f"{bold}[{group}]{reset}")
        tone = red if d.severity is Severity.ERROR else yellow
        loc = d.location or (d.file or "")
        line = f"  {loc:<16} {tone}{d.code}{reset}  {d.message}"
        diff = d.extra.get("difference")
        if d.expected is not None and d.actual is not None and (
                diff is not None or d.code.startswith(("E-SUM", "W-SUM"))):
            # a numeric comparison: expected vs actual and the difference (actual − expected)
            line += f"（应为 {d.expected}，实为 {d.actual}" + (f"，相差 {diff}" if diff else "") + "）"
        out.append(line)
        if d.hint:
            out.append(f"  {'':<16} {dim}→ {d.hint}{reset}")
    head = f"{report.file}: " if report.file else ""
    tone = red if report.errors else (yellow if report.warnings else "")
    out.append(f"{tone}{head}{summary(report)}{reset}")
    return "\n".join(out)


def format_json(report: Report) -> str:
    doc = {
        "schema": JSON_SCHEMA_VERSION,
        "file": report.file,
        "errors": len(report.errors),
        "warnings": len(report.warnings),
        "diagnostics": [d.as_dict() for d in ordered(report)],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2)


def format_github(report: Report, path: str) -> str:
    """GitHub Actions workflow commands: a pull request shows them inline."""
    # GitHub's workflow-command escaping: a file name or message with a line break must not
    # start a command of its own; property values also escape their separators : and ,
    def esc(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def prop(text: str) -> str:
        return esc(text).replace(":", "%3A").replace(",", "%2C")
    lines = []
    for d in ordered(report):
        kind = "error" if d.severity is Severity.ERROR else "warning"
        title = f"{d.code} {d.location}".strip()
        lines.append(f"::{kind} file={prop(path)},title={prop(title)}::"
                     f"{esc(d.message + ' — ' + (d.hint or ''))}")
    return "\n".join(lines)
