"""PDF back end: the same HTML, printed by WeasyPrint.

Safety: WeasyPrint's URL fetcher is replaced by one that serves files from the template
folders only; any other URL (network, file:///etc/passwd, data outside, a symlink leading out)
is refused and the build fails naming it, instead of WeasyPrint silently dropping the resource.
Relative URLs (``url(logo.png)``, ``<img src="logo.png">``) are looked up like templates: in the
--templates folder first, then the profile and its parents, so a city's own logo works.
Fonts: every character of the document must be covered by the CJK fonts the CSS names; a
build that would draw a missing glyph fails and lists the characters.
Determinism: metadata dates come from the workbook (or SOURCE_DATE_EPOCH), never the clock.
"""
from __future__ import annotations

import gc
import html as htmlmod
import os
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

from ..config import Config
from ..confined import is_inside
from .build import BuildError
from .fonts import missing_glyphs

# WeasyPrint logs refused fetches as warnings and goes on; we collect them and fail instead.


class RefusedFetch(Exception):
    pass


def base_url(allowed: tuple[Path, ...]) -> str:
    """Relative URLs resolve against the first template folder (--templates, else the profile)."""
    return Path(os.path.abspath(allowed[0])).as_uri() + "/"


def _lookup(path: Path, allowed: tuple[Path, ...]) -> Path | None:
    """The file a file: URL names, looked up like a template: a path under the first folder (a
    relative URL) is tried in each folder in turn; any path must resolve inside its folder."""
    folders = [Path(os.path.abspath(f)) for f in allowed]
    candidates = [path]
    if path.is_relative_to(folders[0]):
        rel = path.relative_to(folders[0])
        candidates = [f / rel for f in folders]
    for candidate in candidates:
        for folder in folders:
            if candidate.is_relative_to(folder) and candidate.is_file() and is_inside(candidate, folder):
                return candidate
    return None


def safe_fetcher(allowed: tuple[Path, ...], refused: list[str]):
    """A WeasyPrint URL fetcher that serves files under the template folders and refuses
    everything else (network, other files, data: URLs), recording what it refused."""
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    class SafeFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            if parsed.scheme == "file" and not parsed.netloc:
                found = _lookup(Path(os.path.normpath(unquote(parsed.path))), allowed)
                if found is not None:
                    return URLFetcherResponse(url, found.read_bytes(), {"Content-Type": _mime(found)})
            refused.append(url)
            # Fatal: WeasyPrint would otherwise log a warning and drop the resource.
            raise _Refused(f"refused: {url}")

    class _Refused(RefusedFetch, FatalURLFetchingError):
        pass

    return SafeFetcher(allowed_protocols=("file",), fail_on_errors=True)


def _mime(path: Path) -> str:
    return {".css": "text/css", ".png": "image/png", ".svg": "image/svg+xml",
            ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}.get(path.suffix.lower(), "application/octet-stream")


def visible_text(html: str) -> str:
    """The characters a reader sees (and a font must draw): the body without tags."""
    body = html.split("<body", 1)[-1]
    body = re.sub(r"<style.*?</style>", "", body, flags=re.S)
    return htmlmod.unescape(re.sub(r"<[^>]+>", "", body))


def preload() -> None:
    """What every PDF needs, loaded once in a worker that will print many (compiler/workers.py):
    WeasyPrint, the fonts' coverage, the lean user-agent sheet, and Pango's CJK faces (a first
    tiny document)."""
    from weasyprint import HTML

    from . import fonts
    from .uasheet import lean_stylesheet
    fonts.coverage()
    lean_stylesheet()
    faces = ", ".join(f'"{f}"' for f in (*fonts.SERIF, *fonts.SANS))
    HTML(string=f'<p style="font-family: {faces}">预算公开 0123</p>'
                f'<p style="font-family: {faces}; font-weight: bold">预算公开</p>').write_pdf()


def render_pdf(html: str, views, config: Config, meta_date: str,
               pdfa: bool = False, source: Path | None = None,
               source_bytes: bytes | None = None) -> bytes:
    import logging

    from .uasheet import html_class

    missing = missing_glyphs(visible_text(html) + "第页共")
    if missing:
        where = _locate(views.budget, missing)
        listing = "；".join(f"“{ch}”(U+{ord(ch):04X}) 见 {where.get(ch, '正文')}" for ch in missing)
        raise BuildError(f"已安装的中文字体缺少 {len(missing)} 个字符，PDF 会显示为空框：{listing}。"
                         "请安装覆盖这些字符的字体（如 fonts-noto-cjk），或改用常用字。")
    HTML = html_class(html, config.template_dirs)  # WeasyPrint's, or with the lean UA sheet
    tables = [*views.tables, *([views.main_projects] if getattr(views, "main_projects", None) else [])]
    refused: list[str] = []
    logger = logging.getLogger("weasyprint")
    previous = logger.level
    logger.setLevel(logging.ERROR)  # refused fetches are reported by us, in Chinese
    gc_state = _fewer_gc_passes()
    try:
        document = HTML(string=html, base_url=base_url(config.template_dirs),
                        url_fetcher=safe_fetcher(config.template_dirs, refused))
        if pdfa:
            pdf = write_pdfa(document, source, meta_date, tables, source_bytes)
        else:
            rendered = document.render(uncompressed_pdf=False)
            verify_layout(rendered, tables)
            pdf = rendered.write_pdf(uncompressed_pdf=False)
    except BaseException:  # a refused fetch stops WeasyPrint; it is reported below, in Chinese
        if not refused:
            raise
        pdf = b""
    finally:
        logger.setLevel(previous)
        _restore_gc(gc_state)
    if refused:
        raise BuildError("文档试图读取模板文件夹以外的资源，已拒绝，未生成 PDF："
                         + "、".join(sorted(set(refused))[:5]))
    return pdf


def _fewer_gc_passes() -> tuple[int, ...]:
    """WeasyPrint allocates hundreds of thousands of small objects (boxes, computed styles,
    Pango wrappers) and CPython's cyclic GC, at its default thresholds, rescans them again and
    again. Freezing the objects that exist before printing and collecting the young generation
    every 10,000 allocations instead of every 700 cuts the CPU time of `gongkai build --format
    pdf` by about 20 % (example) and 14 % (10× workbook), with byte-identical output and the
    same peak memory (docs/performance.md). Undone by _restore_gc."""
    threshold = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(max(threshold[0], 10_000), *threshold[1:])
    return threshold


def _restore_gc(threshold: tuple[int, ...]) -> None:
    gc.set_threshold(*threshold)
    gc.unfreeze()


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


# ---------------------------------------------------------------- PDF/A-3b (gongkai build --pdfa)

PDFA_VARIANT = "pdf/a-3b"


def verify_layout(rendered, tables) -> None:
    """The laid-out document itself, before writing: no text crosses its cell or its page
    (layoutcheck); otherwise the build fails with E-LAYOUT-001 naming 附表, row and column."""
    from .layoutcheck import describe, overflows
    found = overflows(rendered)
    if found:
        raise BuildError(describe(found, tables))


def write_pdfa(document, source: Path | None, meta_date: str, tables=(),
               source_bytes: bytes | None = None) -> bytes:
    """The document as PDF/A-3b with the source workbook embedded (AFRelationship /Source), so
    the archived PDF carries the data it was compiled from (*source_bytes*: the very bytes the
    pipeline read and compiled; *source* gives the attachment's name).

    WeasyPrint does the PDF/A work (sRGB OutputIntent, XMP with pdfaid:part=3 conformance=B,
    /AF on the catalog, /ID). Everything that would otherwise come from the clock is fixed
    from meta_date: the document's CreationDate/ModDate (Info and XMP alike, even when a
    template drops the dcterms meta tags) and the attachment's dates. The /ID is an MD5 of
    the content, so two builds of the same workbook are byte-identical."""
    import io
    from datetime import date, datetime, timezone

    from weasyprint import Attachment

    if source is None or source_bytes is None:
        raise BuildError(f"生成 PDF/A 需要嵌入源工作簿，但没有它的内容：{source}")
    source = Path(source)
    day = date.fromisoformat(meta_date)
    stamp = datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
    # the bytes the document was compiled from, read once by the pipeline: a workbook saved
    # during the build must not be attached to a PDF of its earlier figures
    attachment = Attachment(file_obj=io.BytesIO(source_bytes), name=source.name,
                            description="源工作簿（本文件据此生成）", created=stamp, modified=stamp,
                            relationship="Source")
    options = {"pdf_variant": PDFA_VARIANT, "attachments": [attachment], "uncompressed_pdf": False}
    rendered = document.render(**options)
    verify_layout(rendered, tables)
    rendered.metadata.created = rendered.metadata.modified = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    return rendered.write_pdf(finisher=_unique_af, **options)


def _unique_af(document, pdf) -> None:
    """WeasyPrint 70 lists each attachment twice in the catalog's /AF (once from the
    EmbeddedFiles name tree, once from the Filespec scan); keep one reference each."""
    if "AF" in pdf.catalog:
        import pydyf
        pdf.catalog["AF"] = pydyf.Array(dict.fromkeys(pdf.catalog["AF"]))
