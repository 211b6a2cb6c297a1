"""derive → render: write the requested outputs of a checked Budget. Everything is rendered in
memory first and each file is written to a temporary name and renamed, so a failed build
leaves no half-written file and an old output is replaced only by a complete new one."""
from __future__ import annotations

import os
from pathlib import Path

from ..catalogs import load_catalog
from ..config import load_config
from ..derive import derive
from ..model import Budget
from ..workbook.new import write_atomic

FORMATS = ("html", "json", "pdf")


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


def build_outputs(budget: Budget, source: Path, out: Path, formats: list[str],
                  templates: Path | None = None, catalog_dir: Path | None = None) -> list[Path]:
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise BuildError(f"不支持的格式：{'、'.join(unknown)}（可选：{'、'.join(FORMATS)}）")
    config = load_config(templates)
    catalog = load_catalog(budget.info.year, catalog_dir)
    views = derive(budget, catalog, config)
    stem = source.stem
    rendered: dict[Path, bytes] = {}
    html = None
    if "html" in formats or "pdf" in formats:
        from .html import render_html
        html = render_html(views, config, meta_date(budget))
    if "html" in formats:
        rendered[out / f"{stem}.html"] = html.encode("utf-8")
    if "json" in formats:
        from .data import render_json
        rendered[out / f"{stem}.json"] = render_json(views).encode("utf-8")
    if "pdf" in formats:
        from .pdf import render_pdf
        rendered[out / f"{stem}.pdf"] = render_pdf(html, views, config, meta_date(budget))
    for path, data in rendered.items():
        write_atomic(path, data)
    return list(rendered)
