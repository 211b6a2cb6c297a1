"""Many lines alike (issue 14: 100,000 lines have a few hundred distinct codes): the checks
work a code or a classification out once per distinct value and the figures once per group of
lines, but every line still gets its own diagnostic at its own cell, and every figure is the
one the lines add up to."""
from __future__ import annotations

from decimal import Decimal

from checks_support import cells, check, example, found  # noqa: F401
from compiler.checks import make_context
from compiler.checks.figures_in_scope import Scopes
from compiler.derive import figures as fg
from compiler.diagnostics import Report


def test_each_line_with_a_repeated_problem_is_reported_at_its_own_cell(example, tmp_path):
    # rows 5 and 6 share unit, func and econ 30201 (different 资金来源); rows 2 and 3 share an
    # unknown 功能科目; both pairs are worked out once and said twice
    c = check(example, tmp_path, cells(**{"支出明细!D5": "50501", "支出明细!D6": "50501",
                                          "支出明细!B2": "9991301", "支出明细!B3": "9991301"}))
    d5, d6 = found(c, "E-CLASS-003", "支出明细!D5")[0], found(c, "E-CLASS-003", "支出明细!D6")[0]
    assert d5.message == d6.message and (d6.expected, d6.actual) == ("50201", "50501")
    b2, b3 = found(c, "E-CODE-004", "支出明细!B2")[0], found(c, "E-CODE-004", "支出明细!B3")[0]
    assert b2.message == b3.message and "9991301" in b2.message
    assert sorted(d.location for d in c.report.errors) == ["支出明细!B2", "支出明细!B3", "支出明细!D5",
                                                           "支出明细!D6"]


def test_figures_over_lumps_are_the_figures_over_lines(example, monkeypatch):
    """The department's figures (reconcile's W-TEXT-003) and the 上年数 current figures from
    the lumps equal those computed line by line, value and exponent."""
    from compiler.load import load
    report = Report(file=example.name)
    budget = load(example, report)
    # every line split in two (1 元 of it again at the end, in reverse order): lumps add them up
    rest = [ln.model_copy(update={"amount": ln.amount - 1}) for ln in budget.lines]
    ones = [ln.model_copy(update={"amount": Decimal(1), "row": ln.row + 1000})
            for ln in reversed(budget.lines) if ln.amount > 1]
    budget = budget.model_copy(update={"lines": rest + ones})
    lumped = fg.lumps(budget)
    assert len(lumped) == len(rest) < len(budget.lines)
    assert sum((lp.amount for lp in lumped), Decimal(0)) == fg.total(budget.lines)
    ctx = make_context(budget, report)
    fast = Scopes(ctx).department
    prior = {row.item: fg.prior_item_amount(budget, row.item) for row in budget.prior}
    one_by_one = [fg.Lump(ln.unit, ln.func, ln.econ, ln.kind, ln.project, ln.source, ln.amount)
                  for ln in budget.lines]
    monkeypatch.setattr(fg, "lumps", lambda b: one_by_one)
    slow = Scopes(ctx).department
    assert [(f.name, str(f.value)) for f in fast] == [(f.name, str(f.value)) for f in slow]
    assert {k: str(v) for k, v in prior.items()} == \
        {row.item: str(fg.prior_item_amount(budget, row.item)) for row in budget.prior}
