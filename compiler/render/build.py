"""derive → render: write the requested outputs of a checked Budget. Everything is rendered in
memory first and each file is written to a temporary name and renamed, so a failed build
leaves no half-written file and an old output is replaced only by a complete new one."""
from __future__ import annotations

import os
from pathlib import Path

from ..catalogs import catalog_for
from ..config import fill, load_config
from ..derive import derive
from ..model import Budget
from ..workbook.new import write_atomic

FORMATS = ("html", "json", "pdf", "xlsx", "data")


class BuildError(Exception):
    """A build that cannot complete; the message is for the user (Chinese)."""


def meta_date(budget: Budget) -> str:
    """A fixed date for metadata: 公开日期 from the workbook, else SOURCE_DATE_EPOCH, else
    1 January of the budget year — never the clock, so builds are byte-identical."""
    if budget.info.publish_date:
        return budget.info.publish_date.isoformat()
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        from datetime import datetime, timezone
        return datetime.fromtimestamp(int(epoch), timezone.utc).date().isoformat()
    return f"{budget.info.year}-01-01"


def _render_html_or_explain(views, config, date: str) -> str:
    """Template problems (a missing value under StrictUndefined, a syntax error in an
    override) become a BuildError naming the template file and line."""
    import traceback

    from jinja2 import TemplateError

    from .html import render_html
    try:
        return render_html(views, config, date)
    except TemplateError as exc:
        where = [f"{Path(f.filename).name}:{f.lineno}" for f in traceback.extract_tb(exc.__traceback__)
                 if f.filename.endswith((".j2", ".html"))]
        if getattr(exc, "filename", None):
            where.append(f"{Path(exc.filename).name}:{exc.lineno}")
        place = f"（{where[-1]}）" if where else ""
        raise BuildError(f"模板出错{place}：{exc.message or exc}") from None


def render_text(budget: Budget, templates: Path | None = None) -> str:
    """The visible text of the document (what fonts must draw)."""
    from .html import render_html
    from .pdf import visible_text
    config = load_config(templates)
    views = derive(budget, catalog_for(budget), config)
    return visible_text(render_html(views, config, meta_date(budget)))


def build_outputs(budget: Budget, source: Path, out: Path, formats: list[str],
                  templates: Path | None = None, catalog_dir: Path | None = None,
                  pdfa: bool = False) -> list[Path]:
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise BuildError(f"不支持的格式：{'、'.join(unknown)}（可选：{'、'.join(FORMATS)}）")
    config = load_config(templates)
    catalog = catalog_for(budget, catalog_dir)
    views = derive(budget, catalog, config)
    stem = source.stem
    rendered: dict[Path, bytes] = {}
    html = None
    if "html" in formats or "pdf" in formats:
        html = _render_html_or_explain(views, config, meta_date(budget))
    if "html" in formats:
        rendered[out / f"{stem}.html"] = html.encode("utf-8")
    if "json" in formats:
        from .data import render_json
        rendered[out / f"{stem}.json"] = render_json(views).encode("utf-8")
    if "pdf" in formats:
        from .pdf import render_pdf
        rendered[out / f"{stem}.pdf"] = render_pdf(html, views, config, meta_date(budget),
                                                  pdfa=pdfa, source=source)
    folders: dict[Path, dict[str, bytes]] = {}
    if "xlsx" in formats:
        from .xlsx import render_xlsx
        rendered[out / f"{stem}-附表.xlsx"] = render_xlsx(views, meta_date(budget))
    if "data" in formats:
        from .opendata import render_data
        folders[out / f"{stem}-data"] = render_data(
            views, catalog, stem=stem, meta_date=meta_date(budget), source_name=source.name,
            title=fill(config.data["document"]["title"], 部门名称=budget.info.dept_name,
                       预算年度=budget.info.year))
    for path, data in rendered.items():
        write_atomic(path, data)
    if folders:
        from .opendata import write_folder_atomic
        for path, files in folders.items():
            write_folder_atomic(path, files)
    return [*rendered, *folders]
