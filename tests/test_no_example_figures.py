"""No figure of the bundled example in code or templates: every number the document prints
comes from the workbook through derive, so none of the example's amounts may be written in
compiler/, templates/ or benchmarks/ (not even as an illustration in a comment: the next
reader copies it). The figures are taken from the example itself, not listed here."""
from __future__ import annotations

import re
from decimal import Decimal

from compiler.render.build import meta_date
from compiler.render.html import render_html
from compiler.config import load_config
from conftest import ROOT, example_views

SOURCES = [p for d in ("compiler", "templates", "benchmarks") for p in (ROOT / d).rglob("*")
           if p.suffix in (".py", ".j2", ".toml", ".css", ".html") and "__pycache__" not in p.parts]


def example_figures() -> set[str]:
    """The example's distinctive printed figures: 万元 amounts of the narrative with cents
    (2946.57) and table amounts of five or more digits, as printed and without separators."""
    budget, _, views = example_views()
    html = render_html(views, load_config(), meta_date(budget))
    found = {m.group(1) for m in re.finditer(r"(\d{2,}\.\d\d) 万元", html)
             if Decimal(m.group(1)) % 1 != 0}
    for t in views.tables:
        for row in t.rows:
            for cell in row.cells:
                if isinstance(cell.value, Decimal) and cell.value >= 10000 and cell.value % 1000 != 0:
                    found |= {f"{cell.value:,f}", f"{cell.value:f}"}
    return found


def test_no_example_figure_in_code_or_templates():
    figures = example_figures()
    assert "2946.57" in figures and "29,465,673" in figures   # the scan sees what it must
    hits = []
    for path in SOURCES:
        text = path.read_text(encoding="utf-8", errors="replace")
        for f in figures:
            if re.search(rf"(?<![\d.,]){re.escape(f)}(?![\d])", text):
                hits.append(f"{path.relative_to(ROOT)}: {f}")
    assert hits == []
