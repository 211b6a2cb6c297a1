"""Codes: 功能科目 7 digits, 经济分类 5 digits, each level known to the catalogue, and a name
given on a line equal to the catalogue's."""
from __future__ import annotations

import re

from ..diagnostics import E, W, rule
from .context import Context

rule("E-CODE-002", E, "编码", "功能科目编码不是 7 位",
     "请填写 7 位项级功能科目编码，如 2011301（类 201、款 20113 是它的前 3、5 位）")
rule("E-CODE-003", E, "编码", "经济分类编码不是 5 位",
     "请填写 5 位款级经济分类编码，如 30101（类 301 是它的前 3 位）")
rule("E-CODE-004", E, "编码", "编码不在科目目录中（目录在该级次完整）",
     "请对照当年《政府收支分类科目》核对编码；目录在这一级次是完整的，所以这不是目录缺项")
rule("W-CODE-005", W, "编码", "编码不在科目目录中（目录在该级次不完整）",
     "请核对编码；内置目录在这一级次只是摘录，如编码无误，请同时填写名称列，表格将使用该名称")
rule("E-CODE-006", E, "编码", "填写的科目名称与科目目录不一致",
     "名称由科目目录决定；请改为目录中的名称，或清空名称列")

LEVELS = {3: "类", 5: "款", 7: "项"}
TABLE_LABEL = {"功能分类": "功能科目", "部门经济分类": "部门经济分类", "政府经济分类": "政府经济分类"}


def norm_name(name: str) -> str:
    s = re.sub(r"\s+", "", name or "")
    return s.replace("(", "（").replace(")", "）").replace("、", "").replace(",", "").replace("，", "")


def _known(ctx: Context, table: str, code: str) -> bool:
    cat = ctx.catalog
    lookup = {"功能分类": cat.func_name, "部门经济分类": cat.econ_name, "政府经济分类": cat.gov_name}[table]
    return lookup(code) is not None


def check_code(ctx: Context, rec, fld: str, table: str, code: str) -> bool:
    """Report the shortest prefix of *code* the catalogue does not know. True if all known."""
    if ctx.catalog is None:
        return False
    for n in sorted(LEVELS):
        if n > len(code):
            break
        part = code[:n]
        if _known(ctx, table, part):
            continue
        level = LEVELS[n]
        complete = ctx.catalog.is_complete(table, level)
        what = f"{TABLE_LABEL[table]}编码 {code}" + (f" 的{level}级 {part}" if part != code else "")
        ctx.add("E-CODE-004" if complete else "W-CODE-005",
                f"{what} 不在 {ctx.catalog.year} 年科目目录中（{table}{level}级）", rec, fld)
        return False
    return True


def _check_name(ctx: Context, rec, fld: str, label: str, code: str, given: str | None,
                official: str | None) -> None:
    if not given or official is None or norm_name(given) == norm_name(official):
        return
    ctx.add("E-CODE-006", f"{label}“{given}”与科目目录中 {code} 的名称“{official}”不一致", rec, fld,
            expected=official, actual=given)


def check(ctx: Context) -> None:
    cat = ctx.catalog
    for line in ctx.budget.lines:
        if len(line.func) != 7:
            ctx.add("E-CODE-002", f"功能科目编码“{line.func}”是 {len(line.func)} 位，应为 7 位", line, "func",
                    expected="7 位", actual=f"{len(line.func)} 位")
        elif check_code(ctx, line, "func", "功能分类", line.func):
            _check_name(ctx, line, "func_name", "功能科目名称", line.func, line.func_name,
                        cat.func_name(line.func))
        if len(line.econ) != 5:
            ctx.add("E-CODE-003", f"部门经济分类编码“{line.econ}”是 {len(line.econ)} 位，应为 5 位", line,
                    "econ", expected="5 位", actual=f"{len(line.econ)} 位")
        elif check_code(ctx, line, "econ", "部门经济分类", line.econ):
            _check_name(ctx, line, "econ_name", "部门经济分类名称", line.econ, line.econ_name,
                        cat.econ_name(line.econ))
        if line.gov_econ:
            if len(line.gov_econ) != 5:
                ctx.add("E-CODE-003", f"政府经济分类编码“{line.gov_econ}”是 {len(line.gov_econ)} 位，应为 5 位",
                        line, "gov_econ", expected="5 位", actual=f"{len(line.gov_econ)} 位")
            else:
                check_code(ctx, line, "gov_econ", "政府经济分类", line.gov_econ)
    for row in ctx.budget.procurement:
        if len(row.func) != 7:
            ctx.add("E-CODE-002", f"功能科目编码“{row.func}”是 {len(row.func)} 位，应为 7 位", row, "func",
                    expected="7 位", actual=f"{len(row.func)} 位")
        else:
            check_code(ctx, row, "func", "功能分类", row.func)
