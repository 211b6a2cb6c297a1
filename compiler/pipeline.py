"""The one-way pipeline: read → model → check (→ derive → render, in build)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Report
from .load import load
from .model import Budget


@dataclass
class Checked:
    budget: Budget | None
    report: Report

    @property
    def exit_status(self) -> int:
        if self.report.fatal:
            return 2
        return 1 if self.report.errors or self.budget is None else 0


def check_workbook(path: Path, catalog_dir: Path | None = None,
                   templates: Path | None = None) -> Checked:
    report = Report(file=path.name)
    budget = load(path, report)
    if budget is not None:
        from .checks import run_checks
        run_checks(budget, report, catalog_dir, templates)
    return Checked(budget, report)
