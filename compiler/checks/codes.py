"""Codes: 功能科目 7 digits, 经济分类 5 digits, each level known to the catalogue or named on
the line, and a name given on a line equal to the catalogue's.

What "valid" means (docs/rules.md): a code must be of its length and all digits; its 类 must be
in the catalogue (the narrative groups spending by 类 and takes the 类 name from the list; a
line's name column names the 项/款, never the 类). A 款 or 项 the list lacks is accepted without
a word when the line enters its name (功能科目名称 / 部门经济分类名称; for 政府采购 its own name
column or a 支出明细 line with the same code): mid-year amendments and local lists are common,
and the name is then used in every table, the narrative and the open data. Without a name, an
unknown code is an error where the list is complete at that level, a warning where it is an
excerpt. Two guards stay: a name that is the list's name of a sibling code (a mistyped code)
and one code entered with two different names."""
from __future__ import annotations

import re
from functools import lru_cache

from ..diagnostics import E, W, rule
from .context import Context, Recorder

rule("E-CODE-002", E, "编码", "功能科目编码不是 7 位",
     "请填写 7 位项级功能科目编码，如 2011301（类 201、款 20113 是它的前 3、5 位）")
rule("E-CODE-003", E, "编码", "经济分类编码不是 5 位",
     "请填写 5 位款级经济分类编码，如 30101（类 301 是它的前 3 位）")
rule("E-CODE-004", E, "编码", "编码不在科目目录中（目录在该级次完整）",
     "请对照当年《政府收支分类科目》核对编码；款、项确属目录未收的（如年中新增），请在名称列填写"
     "名称，表格将使用该名称；类必须是目录中的类。本地目录可用 gongkai catalog import 导入")
rule("W-CODE-005", W, "编码", "编码不在科目目录中（目录在该级次不完整）",
     "内置目录在这一级次只是摘录；如编码无误，请在名称列填写名称（政府采购可填本表的功能科目名称，"
     "或在支出明细中用同一编码填写），表格将使用该名称，不再提示。也可用 gongkai catalog import "
     "导入财政部门下发的科目表，再以 --catalog 使用")
rule("E-CODE-006", E, "编码", "填写的科目名称与科目目录不一致",
     "名称由科目目录决定；请改为目录中的名称，或清空名称列")
rule("W-CODE-007", W, "编码", "填写的名称是目录中另一编码的名称",
     "该编码不在目录中，而填写的名称属于同一上级下的另一编码，编码可能填错；请核对编码")
rule("E-CODE-008", E, "编码", "同一编码填写了不同的名称",
     "同一编码在各行只能有一个名称；请统一名称（目录中有该编码时也可清空名称列）")

LEVELS = {3: "类", 5: "款", 7: "项"}
TABLE_LABEL = {"功能分类": "功能科目", "部门经济分类": "部门经济分类", "政府经济分类": "政府经济分类"}
NAME_LABEL = {"功能分类": "功能科目名称", "部门经济分类": "部门经济分类名称"}


@lru_cache(maxsize=8192)  # names repeat on every line of a code
def norm_name(name: str) -> str:
    s = re.sub(r"\s+", "", name or "")
    return s.replace("(", "（").replace(")", "）").replace("、", "").replace(",", "").replace("，", "")


def _lookup(ctx: Context, table: str):
    cat = ctx.catalog
    return {"功能分类": cat.func_name, "部门经济分类": cat.econ_name, "政府经济分类": cat.gov_name}[table]


def check_code(ctx: Context, rec, fld: str, table: str, code: str, name: str | None = None,
               name_fld: str | None = None) -> bool:
    """Report the shortest prefix of *code* the catalogue does not know, unless it is a 款/项
    named by *name*. True when every level is listed (the name is then compared)."""
    if ctx.catalog is None:
        return False
    listed = _lookup(ctx, table)
    for n in sorted(LEVELS):
        if n > len(code):
            break
        part = code[:n]
        if listed(part) is not None:
            continue
        level = LEVELS[n]
        if name and n > 3:
            _sibling_name(ctx, rec, name_fld or fld, table, code, name)
            return False
        complete = ctx.catalog.is_complete(table, level)
        what = f"{TABLE_LABEL[table]}编码 {code}" + (f" 的{level}级 {part}" if part != code else "")
        ctx.add("E-CODE-004" if complete else "W-CODE-005",
                f"{what} 不在 {ctx.catalog.year} 年科目目录中（{table}{level}级）", rec, fld)
        return False
    return True


def _sibling_name(ctx: Context, rec, fld: str, table: str, code: str, name: str) -> None:
    """An unlisted code named like a listed sibling is probably that sibling mistyped."""
    key = norm_name(name)
    for other, official in sorted(ctx.catalog.siblings(table, code).items()):
        if norm_name(official) == key:
            ctx.add("W-CODE-007", f"{TABLE_LABEL[table]}编码 {code} 不在 {ctx.catalog.year} 年科目目录中，"
                    f"而名称“{name}”是目录中 {other} 的名称", rec, fld, expected=other, actual=code)
            return


def _check_name(ctx: Context, rec, fld: str, label: str, code: str, given: str | None,
                official: str | None) -> None:
    if not given or official is None or norm_name(given) == norm_name(official):
        return
    ctx.add("E-CODE-006", f"{label}“{given}”与科目目录中 {code} 的名称“{official}”不一致", rec, fld,
            expected=official, actual=given)


class _Codes:
    """check_code once per distinct (field, code, name): its diagnostics depend on nothing
    else; each record with them gets the same diagnostics, at its own cell."""

    def __init__(self, ctx: Context):
        self.ctx, self.seen = ctx, {}

    def check(self, rec, fld: str, table: str, code: str, name: str | None = None,
              name_fld: str | None = None) -> bool:
        key = (fld, table, code, name, name_fld)
        hit = self.seen.get(key)
        if hit is None:
            recorder = Recorder(self.ctx)
            hit = self.seen[key] = (check_code(recorder, rec, fld, table, code, name, name_fld),
                                    recorder.said)
        if hit[1]:
            self.ctx.replay(hit[1], rec)
        return hit[0]


class _Names:
    """The first name entered for each code the catalogue lacks; a different name later is
    E-CODE-008 (the tables can print only one)."""

    def __init__(self, ctx: Context, table: str):
        self.ctx, self.table, self.first = ctx, table, {}

    def see(self, rec, fld: str, code: str, name: str | None) -> None:
        if not name or self.ctx.catalog is None or _lookup(self.ctx, self.table)(code) is not None:
            return
        seen = self.first.get(code)
        if seen is None:
            self.first[code] = (name, rec)
        elif norm_name(seen[0]) != norm_name(name):
            where = f"{seen[1].sheet}第 {seen[1].row} 行"
            self.ctx.add("E-CODE-008", f"{TABLE_LABEL[self.table]}编码 {code} 的名称在{where}为“{seen[0]}”，"
                         f"此处为“{name}”", rec, fld, expected=seen[0], actual=name)


def check(ctx: Context) -> None:
    cat = ctx.catalog
    func_names, econ_names = _Names(ctx, "功能分类"), _Names(ctx, "部门经济分类")
    code_ok = _Codes(ctx).check
    for line in ctx.budget.lines:
        if len(line.func) != 7:
            ctx.add("E-CODE-002", f"功能科目编码“{line.func}”是 {len(line.func)} 位，应为 7 位", line, "func",
                    expected="7 位", actual=f"{len(line.func)} 位")
        elif code_ok(line, "func", "功能分类", line.func, line.func_name, "func_name"):
            _check_name(ctx, line, "func_name", "功能科目名称", line.func, line.func_name,
                        cat.func_name(line.func))
        else:
            func_names.see(line, "func_name", line.func, line.func_name)
        if len(line.econ) != 5:
            ctx.add("E-CODE-003", f"部门经济分类编码“{line.econ}”是 {len(line.econ)} 位，应为 5 位", line,
                    "econ", expected="5 位", actual=f"{len(line.econ)} 位")
        elif code_ok(line, "econ", "部门经济分类", line.econ, line.econ_name, "econ_name"):
            _check_name(ctx, line, "econ_name", "部门经济分类名称", line.econ, line.econ_name,
                        cat.econ_name(line.econ))
        else:
            econ_names.see(line, "econ_name", line.econ, line.econ_name)
        if line.gov_econ:
            if len(line.gov_econ) != 5:
                ctx.add("E-CODE-003", f"政府经济分类编码“{line.gov_econ}”是 {len(line.gov_econ)} 位，应为 5 位",
                        line, "gov_econ", expected="5 位", actual=f"{len(line.gov_econ)} 位")
            else:
                code_ok(line, "gov_econ", "政府经济分类", line.gov_econ)
    from_lines = {code: name for code, (name, _) in func_names.first.items()}
    for row in ctx.budget.procurement:
        if len(row.func) != 7:
            ctx.add("E-CODE-002", f"功能科目编码“{row.func}”是 {len(row.func)} 位，应为 7 位", row, "func",
                    expected="7 位", actual=f"{len(row.func)} 位")
            continue
        own = row.func_name
        if code_ok(row, "func", "功能分类", row.func, own or from_lines.get(row.func), "func_name"):
            _check_name(ctx, row, "func_name", "功能科目名称", row.func, own, cat.func_name(row.func))
        else:
            func_names.see(row, "func_name", row.func, own)
