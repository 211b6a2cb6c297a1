"""The 11 附表 as Table IR: ``derive_tables(budget, catalog, config) -> list[Table]``.

Pure functions over a checked Budget: no I/O, no formatting. Every figure is a sum of 支出明细
lines (or of 政府采购 rows), so totals agree with their parts by construction.

Conventions every back end relies on
-------------------------------------
* **Money** cells hold ``Decimal`` 元, *including zero*: a money cell of a body row is never
  None. Published tables print a zero amount as a blank cell; that is the renderer's job and
  ``Table.blank_zero`` says whether to do it (True for 表1–6, 8–10; False for 表7 and the
  绩效目标表, which print 0). None means "no value" (code cells of a 合计 row, empty text).
* **Codes** are split into 类/款/项 text cells: "2011301" -> "201", "13", "01";
  "30101" -> "301", "01". Names come from the catalogue; the line's own 功能科目名称 /
  部门经济分类名称 only when the catalogue lacks the code. Generic 项 names (行政运行, …) are
  qualified by their 款 as the budget system prints them: 行政运行（商贸事务）.
* **Rows**: the 合计 row first (kind "total", key "total"), then per unit (单位 sheet order)
  a "unit" row (key = 单位编码) followed by its "item" rows (key "031001/2011301", sorted by
  code). Tables without units (表5-2, 表6, 表10) have total + item rows. A unit row's code
  cell spans the three code columns.
* **Wording** — titles, notes and every header / row label — comes from the template data
  (``[tables.N]`` and ``[labels]`` of document.toml), never from Python.
* **Classification**: 基本支出 columns by economic 类 (301 工资福利, 303 对个人和家庭,
  302 商品服务, 310 + 309 资本性; any other 类 in 基本支出 adds a 其他支出 column), 项目支出
  columns by the project's 项目类别. 表4 is on a true 财政拨款 basis: 资金来源 财政拨款
  (一般公共预算拨款), 政府性基金预算 and 国有资本经营预算 — not 专项收入, 收费, 国有资源（资产）
  有偿使用收入 etc.
"""
from __future__ import annotations

from ..config import Config
from ..model import Budget, Line
from . import layouts
from .context import Ctx, make_ctx
from .dimensions import split_econ, split_func  # noqa: F401  (re-exported)
from .forms import indicator_layout, overall_table, project_tables  # noqa: F401
from .measures import (GOV_FUND, SOE_CAPITAL, FISCAL_BASIS, project_amounts,  # noqa: F401
                       project_lines, three_public_amounts, unit_project_totals)
from .table import Table


def _gpb(ctx: Ctx) -> list[Line]:
    return [ln for ln in ctx.budget.lines if ln.is_general_budget]


def derive_tables(budget: Budget, catalog, config: Config) -> list[Table]:
    """The 11 附表 in document order: table-1 … table-10, table-11-1 … table-11-<n>,
    table-11-overall."""
    ctx = make_ctx(budget, catalog, config)
    lines = budget.lines
    gpb = _gpb(ctx)
    fiscal = [ln for ln in lines if ln.source in FISCAL_BASIS]
    return [
        layouts.two_sides(ctx, "table-1", "1", layouts.income_items(ctx, lines),
                          layouts.expense_items(ctx, lines), "table1"),
        layouts.income_by_func(ctx, "table-2", "2", lines),
        layouts.expense_by_func(ctx, "table-3", "3", lines),
        layouts.two_sides(ctx, "table-4", "4", layouts.fiscal_income_items(ctx, fiscal),
                          layouts.expense_items(ctx, fiscal), "table4"),
        layouts.expense_by_func(ctx, "table-5-1", "5", gpb),
        layouts.expense_by_econ_pairs(ctx, "table-5-2", "5", gpb, "table5"),
        layouts.gpb_by_econ(ctx, "table-6", "6", [ln for ln in gpb if ln.is_basic], "table6"),
        layouts.three_public(ctx, "table-7", "7", "table7"),
        layouts.expense_by_func(ctx, "table-8", "8", [ln for ln in lines if ln.source == GOV_FUND],
                                empty_when_none=True),
        layouts.expense_by_func(ctx, "table-9", "9", [ln for ln in lines if ln.source == SOE_CAPITAL],
                                empty_when_none=True),
        layouts.procurement(ctx, "table-10", "10", "table10"),
        *project_tables(ctx), overall_table(ctx),
    ]
