"""render: the back ends, as a registry of output formats (name → render function), and the
atomic writing of what they render.

Each back end turns one RenderJob (the Views plus what rendering needs: the template data, the
catalogue, the source file) into named outputs — a file's bytes, or a folder of files — and
writes nothing itself. The build, the batch and the web page ask the registry (FORMATS,
BACKENDS) instead of an if-chain, so a new format is one registered function.

Everything is rendered in memory first and the whole set is written by compiler/files.py
(temporary names, then renamed; the output folder locked), so a failed build leaves no
half-written file and no half set, and an old output is replaced only by a complete new one."""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Callable, Union

from ..config import Config, fill
from ..derive import Views
from ..model import Budget

Output = Union[bytes, dict[str, bytes]]   # a file, or a folder: file name -> bytes


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


@dataclass
class RenderJob:
    """What every back end renders from. The HTML is rendered once and shared (the PDF prints
    it)."""
    views: Views
    config: Config
    catalog: object
    source: Path
    pdfa: bool = False
    name: str | None = None       # output file stem, when not the source's (a unit's document)
    source_bytes: bytes | None = None   # the workbook as compiled (--pdfa embeds exactly these)

    @property
    def budget(self) -> Budget:
        return self.views.budget

    @property
    def stem(self) -> str:
        return self.name or self.source.stem

    @cached_property
    def meta_date(self) -> str:
        return meta_date(self.budget)

    @cached_property
    def html(self) -> str:
        return _render_html_or_explain(self.views, self.config, self.meta_date)

    @property
    def title(self) -> str:
        info = self.budget.info
        return fill(self.config.data["document"]["title"], 部门名称=info.dept_name,
                    单位名称=self.views.facts["dept"]["name"], 预算年度=info.year)


@dataclass(frozen=True)
class Backend:
    name: str
    description: str                       # for --help and docs
    render: Callable[[RenderJob], dict[str, Output]]


BACKENDS: dict[str, Backend] = {}


def backend(name: str, description: str):
    """Register a back end under *name* (the --format word)."""
    def register(fn: Callable[[RenderJob], dict[str, Output]]):
        BACKENDS[name] = Backend(name, description, fn)
        return fn
    return register


def _render_html_or_explain(views, config, date: str) -> str:
    """Template problems (a missing value under StrictUndefined, a syntax error in an
    override) become a BuildError naming the template file and line; what the sandbox refuses
    is E-TPL-002, a file outside its template folder E-TPL-003 (rule codes in the message)."""
    import traceback

    from jinja2 import TemplateError
    from jinja2.sandbox import SecurityError

    from ..confined import OutsideFolder
    from .html import render_html

    def place(exc: BaseException) -> str:
        where = [f"{Path(f.filename).name}:{f.lineno}" for f in traceback.extract_tb(exc.__traceback__)
                 if f.filename.endswith((".j2", ".html"))]
        if getattr(exc, "filename", None) and getattr(exc, "lineno", None):
            where.append(f"{Path(exc.filename).name}:{exc.lineno}")
        return f"（{where[-1]}）" if where else ""

    try:
        return render_html(views, config, date)
    except OutsideFolder as exc:
        raise BuildError(coded("E-TPL-003", str(exc))) from None
    except (SecurityError, OverflowError) as exc:   # OverflowError: the sandbox's range() limit
        raise BuildError(coded("E-TPL-002", f"模板做了不允许的事{place(exc)}：{exc}")) from None
    except TemplateError as exc:
        raise BuildError(f"模板出错{place(exc)}：{exc.message or exc}") from None


def coded(code: str, message: str) -> str:
    """A build failure under a rule code: "E-TPL-002 message → hint" (rules: docs/rules.md)."""
    from .. import checks  # noqa: F401  (registers the rules)
    from ..diagnostics import RULES
    return f"{code} {message} → {RULES[code].hint}"


# ---------------------------------------------------------------------------------------------
# the back ends (imported lazily: WeasyPrint and openpyxl are slow to import)

@backend("html", "网页（一个自包含的 HTML 文件）")
def _html(job: RenderJob) -> dict[str, Output]:
    return {f"{job.stem}.html": job.html.encode("utf-8")}


@backend("json", "JSON（附表和正文数字）")
def _json(job: RenderJob) -> dict[str, Output]:
    from .data import render_json
    return {f"{job.stem}.json": render_json(job.views).encode("utf-8")}


@backend("pdf", "PDF（A4，可打印）")
def _pdf(job: RenderJob) -> dict[str, Output]:
    from .pdf import render_pdf
    return {f"{job.stem}.pdf": render_pdf(job.html, job.views, job.config, job.meta_date,
                                          pdfa=job.pdfa, source=job.source,
                                          source_bytes=job.source_bytes)}


@backend("xlsx", "附表工作簿（Excel）")
def _xlsx(job: RenderJob) -> dict[str, Output]:
    from .xlsx import render_xlsx
    return {f"{job.stem}-附表.xlsx": render_xlsx(job.views, job.meta_date,
                                                     job.config.data.get("print"))}


@backend("data", "开放数据包（CSV + datapackage.json）")
def _data(job: RenderJob) -> dict[str, Output]:
    from .opendata import render_data
    return {f"{job.stem}-data": render_data(job.views, job.catalog, stem=job.stem,
                                            meta_date=job.meta_date, source_name=job.source.name,
                                            title=job.title)}


FORMATS = tuple(BACKENDS)


def check_formats(formats) -> None:
    unknown = [f for f in formats if f not in BACKENDS]
    if unknown:
        raise BuildError(f"不支持的格式：{'、'.join(unknown)}（可选：{'、'.join(BACKENDS)}）")


def write_outputs(job: RenderJob, out: Path, formats) -> list[Path]:
    """Render every requested format in memory (registry order), then write them all as one
    set (compiler/files.write_set). Returns the paths written. OutputError (exit 2) when the
    output folder cannot take them."""
    from ..files import refuse_file, write_set
    check_formats(formats)
    refuse_file(out)   # `-o` naming a file: said before anything is rendered
    rendered: dict[Path, Output] = {}
    for name, be in BACKENDS.items():
        if name in formats:
            rendered.update({out / k: v for k, v in be.render(job).items()})
    return write_set(rendered)
