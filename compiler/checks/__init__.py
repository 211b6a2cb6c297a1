"""Checks: families of rules over the validated Budget. Each family module exposes
`check(ctx)`; rules are registered in compiler.diagnostics with stable codes."""
from __future__ import annotations

from pathlib import Path

from ..diagnostics import E, W, Report, rule
from ..model import Budget
from .context import Context

rule("E-CAT-001", E, "科目目录", "科目目录无法读取",
     "请检查 --catalog 指定的文件夹，或去掉 --catalog 使用内置目录", fatal=True)
rule("W-CAT-002", W, "科目目录", "指定的科目目录年度与预算年度不同",
     "--catalog 指定的目录属于另一年度；请核对科目是否有变化，或指定该年度的目录")
rule("W-CAT-003", W, "科目目录", "没有预算年度的内置科目目录，使用的是更早年度的目录",
     "科目每年会有增删；请用 gongkai catalog import 导入财政部门下发的当年科目表，再以 --catalog "
     "指定；或在支出明细的名称列填写目录中没有的科目名称")
rule("E-TPL-001", E, "模板", "模板数据无法读取",
     "请检查 --templates 指定的文件夹及其中的 document.toml", fatal=True)
rule("E-TPL-002", E, "模板", "模板做了模板不允许的事（沙箱拒绝）",
     "模板只能显示数据：不能访问以下划线开头的属性，不能调用修改数据或执行命令的方法，也不能生成"
     "过大的文字或列表；请改正所指模板的所指行")
rule("E-TPL-003", E, "模板", "模板文件在模板文件夹以外",
     "模板、style.css、document.toml、profile.toml 和图片都必须放在模板文件夹之内；请把文件复制进"
     "文件夹，不要用符号链接或 ../ 指向文件夹以外", fatal=True)
rule("E-PRF-001", E, "模板", "公开格式（profile）的定义有误",
     "按提示改正所指文件的所指行；可用的维度、度量、资金来源和标签见 docs/profiles.md", fatal=True)
rule("E-PRF-002", E, "模板", "没有这个公开格式（profile）",
     "请填写 gongkai profiles 列出的名称之一（如 zhengzhou-2020、standard），或不填使用默认格式",
     fatal=True)

from . import (amounts, classification, codes, completeness, names, prior,  # noqa: E402
               procurement, projects, reconcile, references, slots, staff, tasks, texts)

FAMILIES: list = [completeness.check, codes.check, references.check, classification.check, amounts.check,
                  projects.check, procurement.check, prior.check, staff.check, tasks.check, texts.check,
                  reconcile.check, names.check, slots.check]


def make_context(budget: Budget, report: Report, catalog_dir: Path | None = None,
                 templates: Path | None = None, profile: str | Path | None = None) -> Context:
    """Load the catalogue of the budget year and the template data of the profile (*profile*
    from --profile, else the workbook's 公开格式, else the default); a problem with either is a
    diagnostic, never a traceback."""
    from ..catalogs import CatalogError, load_catalog
    from ..config import ConfigError, load_config
    from ..profiles import ProfileError

    ctx = Context(budget, report)
    try:
        ctx.catalog = load_catalog(budget.info.year, catalog_dir)
    except CatalogError as exc:
        # the bundled catalogue lacks the year: point at the year; a --catalog folder is no cell
        where = (budget.info.sheet, budget.info.cell("year")) if catalog_dir is None else (None, None)
        report.add("E-CAT-001", f"科目目录无法读取：{exc}", *where)
    else:
        if catalog_dir is None and ctx.catalog.year != budget.info.year:
            # said once here, not per code: every code diagnostic names the year it used
            report.add("W-CAT-003", f"没有 {budget.info.year} 年的内置科目目录，使用的是 "
                       f"{ctx.catalog.year} 年的目录", budget.info.sheet, budget.info.cell("year"),
                       expected=str(budget.info.year), actual=str(ctx.catalog.year))
        elif catalog_dir is not None and ctx.catalog.year != budget.info.year:
            report.add("W-CAT-002", f"预算年度为 {budget.info.year} 年，使用的是 {ctx.catalog.year} "
                       f"年的科目目录（{catalog_dir}）", budget.info.sheet,
                       budget.info.cell("year"), expected=str(budget.info.year),
                       actual=str(ctx.catalog.year))
    chosen = profile or budget.info.profile
    try:
        ctx.config = load_config(templates, chosen)
    except ConfigError as exc:   # E-TPL-001, or E-TPL-003 for a file outside its folder
        report.add(exc.code, str(exc))
    except ProfileError as exc:
        if profile is None and budget.info.profile and exc.file is None:
            # the workbook names a profile that does not exist: point at its cell
            report.add("E-PRF-002", exc.message, budget.info.sheet, budget.info.cell("profile"))
        elif exc.file is None:
            report.add("E-PRF-002", exc.message)
        else:
            where = f"{exc.file}" + (f":{exc.line}" if exc.line else "")
            d = report.add("E-PRF-001", exc.message)
            d.file = where
    return ctx


def run_checks(budget: Budget, report: Report, catalog_dir: Path | None = None,
               templates: Path | None = None, profile: str | Path | None = None) -> Context:
    ctx = make_context(budget, report, catalog_dir, templates, profile)
    for family in FAMILIES:
        family(ctx)
    return ctx
