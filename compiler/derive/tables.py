"""The 附表 as Table IR: ``derive_tables(budget, catalog, config) -> list[Table]``, in the order
the profile declares them (config.tables, compiled by derive/declare.py when the template data
was loaded).

Pure functions over a checked Budget: no I/O, no formatting. Every figure is a sum of 支出明细
lines (or of 政府采购 rows), so totals agree with their parts by construction.

Conventions every back end relies on
-------------------------------------
* **Money** cells hold ``Decimal`` 元, *including zero*: a money cell of a body row is never
  None. Published tables print a zero amount as a blank cell; that is the renderer's job and
  ``Table.blank_zero`` says whether to do it (``blank_zero = false`` in a declaration where the
  form prints 0). None means "no value" (code cells of a 合计 row, empty text).
* **Codes** are split into 类/款/项 text cells ("2011301" -> "201", "13", "01") or kept whole
  in one column, as the profile says. Names come from the catalogue; the line's own 功能科目名称
  / 部门经济分类名称 only when the catalogue lacks the code. Generic 项 names (行政运行, …) are
  qualified by their 款 as the budget system prints them: 行政运行（商贸事务）.
* **Rows**: the 合计 row first (kind "total", key "total"), then the dimension's rows (per unit
  a "unit" row, key = 单位编码, when grouped by unit; "class"/"kuan"/"item" rows keyed by code,
  "031001/2011301" under a unit).
* **Wording** — titles, notes and every header / row label — comes from the template data
  (``[tables.N]`` and ``[labels]`` of document.toml), never from Python.
"""
from __future__ import annotations

from ..config import Config
from ..model import Budget
from .context import make_ctx
from .declare import build_tables
from .forms import indicator_layout  # noqa: F401  (re-exported)
from .measures import project_amounts, project_lines  # noqa: F401  (re-exported)
from .table import Table


def derive_tables(budget: Budget, catalog, config: Config) -> list[Table]:
    """Every 附表 of the profile, in its order (per-project forms as ``<id>-1`` … ``<id>-<n>``)."""
    return build_tables(make_ctx(budget, catalog, config), config.tables)
