"""What every rule family gets: the Budget, the report, the catalogue and the template data,
plus a few lookups computed once (lines by project, units by code, …)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from ..diagnostics import Diagnostic, Report, Severity, money_str
from ..model import TABLE_MODELS, Budget, Line, Located, Project, Unit
from ..workbook.schema import col_of


def signed_money(value: Decimal) -> str:
    return ("+" if value > 0 else "") + money_str(value)


def yuan(value: Decimal) -> str:
    """'1,234,567 元' for messages."""
    return f"{money_str(value)} 元"


@dataclass
class Context:
    budget: Budget
    report: Report
    catalog: object | None = None   # compiler.catalogs.Catalog, None when it could not be loaded
    config: object | None = None    # compiler.config.Config, None when it could not be loaded
    _read_errors: dict = field(default_factory=dict, repr=False)
    _broken: set = field(default_factory=set, repr=False)

    def __post_init__(self):
        # Rows the reader reported an error on, per sheet, before any check ran; a sheet that
        # is missing or lost a column header is incomplete as a whole.
        rows: dict[str, set[int]] = defaultdict(set)
        for d in self.report.items:
            if d.severity is Severity.ERROR and d.sheet and d.row:
                rows[d.sheet].add(d.row)
        self._read_errors = dict(rows)
        self._broken = {d.sheet for d in self.report.items
                        if d.code in ("E-SHEET-001", "E-HEADER-001")}

    # ---------------------------------------------------------------- reporting
    def add(self, code: str, message: str, rec: Located | None = None, fld: str | None = None,
            *, sheet: str | None = None, cell: str | None = None, expected=None, actual=None,
            hint: str | None = None) -> Diagnostic:
        if rec is not None:
            sheet = sheet or rec.sheet
            if cell is None and fld is not None:
                cell = rec.cell(fld)
                if cell is None:  # an optional column that is absent: point at its usual place
                    try:
                        cell = f"{col_of(rec.sheet, fld)}{rec.row}"
                    except KeyError:
                        cell = f"A{rec.row}"
            if cell is None:
                cell = f"A{rec.row}"
        extra = {}
        if isinstance(expected, Decimal) and isinstance(actual, Decimal):
            # a numeric comparison: the human report shows 应为/实为/相差
            extra["difference"] = signed_money(actual - expected)
        if isinstance(expected, Decimal):
            expected = money_str(expected)
        if isinstance(actual, Decimal):
            actual = money_str(actual)
        return self.report.add(code, message, sheet, cell, expected=expected, actual=actual,
                               hint=hint, extra=extra)

    def replay(self, said: list, rec: Located) -> None:
        """Say of *rec* what a Recorder heard (see Recorder)."""
        for code, message, fld, kw in said:
            self.add(code, message, rec, fld, **kw)

    # ---------------------------------------------------------------- completeness
    def incomplete(self, sheet: str) -> bool:
        """True when the reader left out a record of *sheet* (its error is reported already).
        Checks that would otherwise pile follow-on diagnostics on that gap stay silent."""
        if sheet in self._broken:
            return True
        bad = self._read_errors.get(sheet)
        if not bad:
            return False
        attr = TABLE_MODELS.get(sheet, (None,))[0]
        loaded = {r.row for r in getattr(self.budget, attr, [])} if attr else set()
        return bool(bad - loaded)

    # ---------------------------------------------------------------- lookups
    @cached_property
    def units(self) -> dict[str, Unit]:
        out: dict[str, Unit] = {}
        for u in self.budget.units:
            out.setdefault(u.code, u)
        return out

    @cached_property
    def projects(self) -> dict[str, Project]:
        out: dict[str, Project] = {}
        for p in self.budget.projects:
            out.setdefault(p.name, p)
        return out

    @cached_property
    def project_lines(self) -> dict[str, list[Line]]:
        out: dict[str, list[Line]] = defaultdict(list)
        for line in self.budget.lines:
            if line.project:
                out[line.project].append(line)
        return dict(out)

    @cached_property
    def _project_amounts(self) -> dict[str, Decimal]:
        return {name: sum((line.amount for line in lines), Decimal(0))
                for name, lines in self.project_lines.items()}

    def project_amount(self, name: str) -> Decimal:
        """本年度金额 of a project: the sum of its lines (derived, never entered)."""
        return self._project_amounts.get(name, Decimal(0))

    @property
    def year(self) -> int:
        return self.budget.info.year


class Recorder:
    """Stands in for the Context while a rule looks at one record whose diagnostics depend only
    on a few of its values (its codes, its unit): what the rule says is kept, and
    Context.replay says it again of every record with the same values. A rule run this way
    must take everything its messages say from those values (the key of its memo), never
    the record's row; 100,000 lines have a few hundred distinct keys."""

    def __init__(self, ctx: Context):
        self.catalog, self.units = ctx.catalog, ctx.units
        self.said: list[tuple] = []

    def add(self, code: str, message: str, rec=None, fld: str | None = None, **kw) -> None:
        self.said.append((code, message, fld, kw))
