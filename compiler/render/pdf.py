"""PDF back end: the same HTML, printed by WeasyPrint.

Safety: WeasyPrint's URL fetcher is replaced by one that serves files from the template
folders only; any other URL (network, file:///etc/passwd, data outside) is refused and the
build fails naming it, instead of WeasyPrint silently dropping the resource.
Fonts: every character of the document must be covered by the CJK fonts the CSS names; a
build that would draw a missing glyph fails and lists the characters.
Determinism: metadata dates come from the workbook (or SOURCE_DATE_EPOCH), never the clock.
"""
from __future__ import annotations

import html as htmlmod
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

from ..config import Config
from .build import BuildError
from .fonts import missing_glyphs

# WeasyPrint logs refused fetches as warnings and goes on; we collect them and fail instead.


class RefusedFetch(Exception):
    pass


def safe_fetcher(allowed: tuple[Path, ...], refused: list[str]):
    roots = [p.resolve() for p in allowed]

    def fetch(url: str, timeout: int = 10, ssl_context=None):
        parsed = urlparse(url)
        if parsed.scheme == "file":
            path = Path(unquote(parsed.path)).resolve()
            if any(path == r or r in path.parents for r in roots) and path.is_file():
                return {"string": path.read_bytes(), "mime_type": _mime(path), "redirected_url": url}
        refused.append(url)
        raise RefusedFetch(f"refused: {url}")

    return fetch


def _mime(path: Path) -> str:
    return {".css": "text/css", ".png": "image/png", ".svg": "image/svg+xml",
            ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}.get(path.suffix.lower(), "application/octet-stream")


def visible_text(html: str) -> str:
    """The characters a reader sees (and a font must draw): the body without tags."""
    body = html.split("<body", 1)[-1]
    body = re.sub(r"<style.*?</style>", "", body, flags=re.S)
    return htmlmod.unescape(re.sub(r"<[^>]+>", "", body))


def render_pdf(html: str, views, config: Config, meta_date: str) -> bytes:
    import logging

    from weasyprint import HTML

    missing = missing_glyphs(visible_text(html) + "第页共")
    if missing:
        where = _locate(views.budget, missing)
        listing = "；".join(f"“{ch}”(U+{ord(ch):04X}) 见 {where.get(ch, '正文')}" for ch in missing)
        raise BuildError(f"已安装的中文字体缺少 {len(missing)} 个字符，PDF 会显示为空框：{listing}。"
                         "请安装覆盖这些字符的字体（如 fonts-noto-cjk），或改用常用字。")
    refused: list[str] = []
    logger = logging.getLogger("weasyprint")
    previous = logger.level
    logger.setLevel(logging.ERROR)  # refused fetches are reported by us, in Chinese
    try:
        document = HTML(string=html, base_url=str(config.template_dirs[-1]) + "/",
                        url_fetcher=safe_fetcher(config.template_dirs, refused))
        pdf = document.write_pdf(uncompressed_pdf=False)
    finally:
        logger.setLevel(previous)
    if refused:
        raise BuildError("文档试图读取模板文件夹以外的资源，已拒绝，未生成 PDF："
                         + "、".join(sorted(set(refused))[:5]))
    return pdf


def _locate(budget, chars: list[str]) -> dict[str, str]:
    """First cell (sheet!A1) of the workbook holding each character."""
    where: dict[str, str] = {}
    records = [budget.info, *budget.units, *budget.duties, *budget.orgs, *budget.projects,
               *budget.indicators, *budget.procurement, *budget.prior, *budget.goals,
               *budget.tasks, *budget.overall_indicators, *budget.texts, *budget.glossary]
    for rec in records:
        for field, value in rec:
            if isinstance(value, str):
                for ch in chars:
                    if ch in value and ch not in where:
                        where[ch] = rec.at(field)
    return where
