"""Checks: families of rules over the validated Budget. Each family module exposes
`check(ctx)`; rules are registered in compiler.diagnostics with stable codes."""
from __future__ import annotations

from pathlib import Path

from ..diagnostics import Report
from ..model import Budget

FAMILIES: list = []  # filled by the rule families (issue 3)


def run_checks(budget: Budget, report: Report, catalog_dir: Path | None = None) -> None:
    for family in FAMILIES:
        family(budget, report, catalog_dir)
