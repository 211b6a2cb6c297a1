"""Next year's workbook from this year's (`gongkai rollover OLD.xlsx -o NEW.xlsx`).

The new workbook is written by the one writer (workbook.new.build_workbook), from the checked
Budget of OLD:

* 基本信息: 预算年度 moves on (N+1 or --year Y), 资产统计截止日期 by as many years, 公开日期 blank,
  公开格式 (the profile) kept.
* 上年数: every 指标 filled with OLD's derived figure (compiler.derive.figures.prior_item_amount,
  the same definition the checks compare with); 增减原因 blank.
* carried as they are: 单位, 部门职责, 内设机构, 人员车辆资产, 整体绩效目标/指标, 说明文字, 名词解释.
* 项目 whose 结束日期 reaches into the new year, with their texts and 绩效指标; 上年度项目总金额 =
  OLD's 项目总金额, 上年度金额 = OLD's derived 本年度金额. 整体绩效任务 keep only links to carried
  projects.
* 支出明细 and 政府采购 are cleared (the new year's budget is new). With keep_lines the lines of
  basic spending and of carried projects stay as a draft to edit.
* In every carried text the old budget year N becomes the new one and N−1 the new 上年, only where
  the number is clearly a year: four digits followed by 年, not part of a longer number and not
  inside 《》 (a document title keeps its year). Dates of project periods are not moved.
  The cells so changed are listed so staff can read them again. Figure names (「三公经费」,
  derive/names.py) are copied as typed: next year's build fills in next year's figures.

OLD is only read. Pure apart from that: ``rollover(budget, …)`` returns the data and a summary.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from .derive.figures import prior_item_amount
from .derive.names import NAME
from .model import Budget
from .vocab import PRIOR_ITEMS
from .workbook.schema import SHEET_BY_NAME, Kind, column_letter

# fields that name things other rows refer to: never rewritten (a renamed project would lose
# its indicators and tasks); everything else of kind TEXT/LONGTEXT is a text that may say a year
IDENTIFIERS = {("项目", "name"), ("绩效指标", "project"), ("说明文字", "key"),
               ("整体绩效任务", "projects")}


@dataclass
class Rollover:
    data: dict                    # sheet -> rows, for build_workbook
    old_year: int
    year: int
    carried: list[str] = field(default_factory=list)        # project names
    dropped: list[str] = field(default_factory=list)        # projects ended (or no 结束日期)
    kept_lines: int = 0
    dropped_lines: int = 0
    changed_texts: list[str] = field(default_factory=list)  # cells of NEW whose years moved
    dropped_links: int = 0        # 关联项目 links to projects not carried
    named_texts: int = 0          # cells that name figures (「三公经费」): next year's numbers, as typed


def shift_date(d: date | None, years: int) -> date | None:
    if d is None:
        return None
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February into a common year
        return d.replace(year=d.year + years, day=28)


ANCHOR_BEFORE = re.compile(r"(从|自)\s*$")
ANCHOR_AFTER = re.compile(r"\s*年\s*(起|以来|开始)")


def shift_years(text: str, old_year: int, new_year: int) -> str:
    """Move the budget year and its 上年 in one pass (never 2019→2020→2021):
    old_year → new_year, old_year−1 → new_year−1, where followed by 年 (spaces allowed),
    not touching other digits, not inside 《…》, and not where the year anchors a past event
    (“从2019年起”, “自2019年以来”, “2019年开始”): that date does not move with the budget."""
    if not text:
        return text
    mapping = {str(old_year): str(new_year), str(old_year - 1): str(new_year - 1)}
    pattern = re.compile(r"(?<![0-9０-９])(" + "|".join(mapping) + r")(?=\s*年)")
    titles = [m.span() for m in re.finditer(r"《[^《》]*》", text)]

    def repl(m: re.Match) -> str:
        if any(a < m.start() < b for a, b in titles):
            return m.group(0)
        if ANCHOR_BEFORE.search(text[:m.start()]) or ANCHOR_AFTER.match(text, m.end()):
            return m.group(0)
        return mapping[m.group(1)]

    return pattern.sub(repl, text)


def _row(sheet: str, rec, **override) -> dict:
    spec = SHEET_BY_NAME[sheet]
    out = {c.header: getattr(rec, c.field, None) for c in spec.columns}
    for fld, value in override.items():
        out[next(c.header for c in spec.columns if c.field == fld)] = value
    return out


def project_amounts(budget: Budget) -> dict[str, Decimal]:
    """本年度金额 of each project: the sum of its 项目支出 lines (derived, as in the 附表)."""
    from .derive.tables import project_amounts as amounts
    return amounts(budget)


def rollover(budget: Budget, year: int | None = None, keep_lines: bool = False) -> Rollover:
    info = budget.info
    old, new = info.year, (year if year is not None else info.year + 1)
    if new <= old:
        raise ValueError(f"新的预算年度 {new} 应晚于原预算年度 {old}")
    result = Rollover(data={}, old_year=old, year=new)
    start_of_new = date(new, 1, 1)
    carried = [p for p in budget.projects if p.end is not None and p.end >= start_of_new]
    names = {p.name for p in carried}
    result.carried = [p.name for p in carried]
    result.dropped = [p.name for p in budget.projects if p.name not in names]
    amounts = project_amounts(budget)

    d = result.data
    d["基本信息"] = [("部门名称", info.dept_name), ("部门简称", info.dept_short), ("预算年度", new),
                   ("资产统计截止日期", shift_date(info.asset_date, new - old)), ("公开日期", None),
                   ("公开格式", info.profile)]
    d["单位"] = [_row("单位", u) for u in budget.units]
    d["部门职责"] = [_row("部门职责", r) for r in budget.duties]
    d["内设机构"] = [_row("内设机构", r) for r in budget.orgs]
    staff_spec = SHEET_BY_NAME["人员车辆资产"]
    d["人员车辆资产"] = [(k.key, getattr(budget.staff, k.field)) for k in staff_spec.keys]

    lines = [ln for ln in budget.lines if ln.is_basic or ln.project in names] if keep_lines else []
    result.kept_lines, result.dropped_lines = len(lines), len(budget.lines) - len(lines)
    d["支出明细"] = [_row("支出明细", ln) for ln in lines]
    d["项目"] = [_row("项目", p, prev_total=p.total, prev_amount=amounts.get(p.name, Decimal(0)))
               for p in carried]
    d["绩效指标"] = [_row("绩效指标", i) for i in budget.indicators if i.project in names]
    d["政府采购"] = []
    d["上年数"] = [{"指标": item, "上年预算数": prior_item_amount(budget, item), "增减原因": None}
                for item in PRIOR_ITEMS]
    d["整体绩效目标"] = [_row("整体绩效目标", g) for g in budget.goals]
    tasks = []
    for t in budget.tasks:
        kept = [n for n in t.project_names if n in names]
        result.dropped_links += len(t.project_names) - len(kept)
        tasks.append(_row("整体绩效任务", t, projects="、".join(kept) or None))
    d["整体绩效任务"] = tasks
    d["整体绩效指标"] = [_row("整体绩效指标", i) for i in budget.overall_indicators]
    d["说明文字"] = [_row("说明文字", t) for t in budget.texts]
    d["名词解释"] = [_row("名词解释", t) for t in budget.glossary]

    _move_years(result)
    return result


def _move_years(result: Rollover) -> None:
    """Rewrite the year references of every carried text, recording the cells changed."""
    for sheet, rows in result.data.items():
        spec = SHEET_BY_NAME[sheet]
        if spec.is_kv:
            continue  # 基本信息 is set above; 人员车辆资产 below
        for r, row in enumerate(rows, 2):
            for i, col in enumerate(spec.columns):
                value = row.get(col.header)
                if (col.kind not in (Kind.TEXT, Kind.LONGTEXT) or col.enum
                        or (sheet, col.field) in IDENTIFIERS or not isinstance(value, str)):
                    continue
                result.named_texts += bool(NAME.search(value))
                moved = shift_years(value, result.old_year, result.year)
                if moved != value:
                    row[col.header] = moved
                    result.changed_texts.append(f"{sheet}!{column_letter(i)}{r}")
    kv = result.data["人员车辆资产"]  # written in the order of the schema, from row 2
    for j, (k, v) in enumerate(kv):
        if isinstance(v, str):
            moved = shift_years(v, result.old_year, result.year)
            if moved != v:
                kv[j] = (k, moved)
                result.changed_texts.append(f"人员车辆资产!B{j + 2}")


def run(args) -> int:
    """The `rollover` subcommand: check OLD, write NEW, say what staff must review."""
    import sys

    from .pipeline import Options, check
    from .report import format_human
    from .workbook.new import build_workbook, save_atomic

    old, new = Path(args.old), Path(args.out)
    if new.suffix.lower() != ".xlsx":
        print(f"gongkai: 文件名应以 .xlsx 结尾：{new}", file=sys.stderr)
        return 2
    from .files import same_file
    if same_file(new, old):   # also through a hard link or a symlink
        print(f"gongkai: 新工作簿不能覆盖原工作簿 {old}（原工作簿只读）", file=sys.stderr)
        return 2
    if new.exists() and not args.force:
        print(f"gongkai: 文件已存在：{new}（不会覆盖；确需覆盖请加 --force）", file=sys.stderr)
        return 2
    checked = check(old, Options(catalog=Path(args.catalog) if args.catalog else None,
                                 profile=getattr(args, "profile", None) or None))
    if checked.exit_status != 0:
        print(format_human(checked.report, color=sys.stdout.isatty() and not os.environ.get("NO_COLOR")))
        print(f"原工作簿 {old.name} 有错误，未结转；请先改正（gongkai check {old}）。", file=sys.stderr)
        return checked.exit_status
    info = checked.budget.info
    if args.year is not None and args.year <= info.year:
        print(f"gongkai: --year {args.year} 应晚于原预算年度 {info.year}", file=sys.stderr)
        return 2
    r = rollover(checked.budget, args.year, args.keep_lines)
    save_atomic(build_workbook(dept=info.dept_name, year=r.year, data=r.data), new)

    print(f"已生成 {r.year} 年度工作簿：{new}（由 {old.name}，{r.old_year} 年度结转）")
    print(f"  上年数：{len(PRIOR_ITEMS)} 个指标按 {r.old_year} 年计算数填写，增减原因待填写")
    if r.year != r.old_year + 1:
        print(f"  注意：上年数是 {r.old_year} 年的数字，不是 {r.year - 1} 年的；请核对")
    print(f"  项目：结转 {len(r.carried)} 个（结束日期在 {r.year} 年及以后），未结转 {len(r.dropped)} 个")
    if r.dropped_links:
        print(f"  整体绩效任务：删去 {r.dropped_links} 处与未结转项目的关联")
    if args.keep_lines:
        print(f"  支出明细：保留 {r.kept_lines} 行草稿（基本支出和结转项目），删去 {r.dropped_lines} 行")
    else:
        print(f"  支出明细：已清空（原 {r.dropped_lines} 行）")
    print(f"  政府采购：已清空（原 {len(checked.budget.procurement)} 行）")
    if r.changed_texts:
        shown = "、".join(r.changed_texts[:12]) + ("等" if len(r.changed_texts) > 12 else "")
        print(f"  文字中的年份已顺延（{r.old_year}年→{r.year}年，{r.old_year - 1}年→{r.year - 1}年）："
              f"{len(r.changed_texts)} 处，请逐一核对：{shown}")
    else:
        print("  文字中的年份：没有需要顺延的")
    if r.named_texts:
        print(f"  文字中的数字名称（如「三公经费」）：{r.named_texts} 处，按原样结转，生成时填入 {r.year} 年的数字")
    print(f"下一步：填写支出明细、政府采购和增减原因，然后运行 gongkai check {new}")
    return 0
