"""The one compile step: read → check → derive → render.

Every face — the CLI (check, build, doctor), the batch, diff, rollover and the web page — calls
these functions and adds only its arguments and its presentation, so a stage is never
re-assembled differently in two places:

    result = compile_workbook(path, Options(formats=("html", "pdf"), out=Path("out")))
    result.report, result.budget, result.views, result.written, result.exit_status

The stages are callable one by one (``check`` → ``derive_views`` → ``render``); each keeps what
it loaded on the Result (the catalogue and the template data are loaded once, by the checks,
and reused by derive and render)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import Report
from .load import load
from .model import Budget


@dataclass(frozen=True)
class Options:
    templates: Path | None = None          # --templates DIR: a folder laid over the profile
    profile: str | Path | None = None      # --profile NAME|DIR; else the workbook's 公开格式
    catalog: Path | None = None            # --catalog DIR: another year's code lists
    formats: tuple[str, ...] = ("html", "json")
    out: Path | None = None                # where render writes; None: check only
    pdfa: bool = False                     # PDF/A-3b with the workbook attached
    unit: str | None = None                # 单位编码: render that unit's own document


@dataclass
class Result:
    path: Path
    report: Report
    budget: Budget | None = None
    catalog: object | None = None          # compiler.catalogs.Catalog
    config: object | None = None           # compiler.config.Config
    views: object | None = None            # compiler.derive.Views, once derived
    written: list[Path] = field(default_factory=list)
    error: str | None = None               # why rendering failed (Chinese); nothing was written
    error_status: int = 1                  # 2: in the arguments (--unit X) or the output folder
    stem: str | None = None                # output file stem, when not the workbook's
    source: bytes | None = None            # the workbook's bytes, read once: compiled from
                                           # and embedded by --pdfa (never read again)

    @property
    def exit_status(self) -> int:
        """0 fine; 1 the workbook has errors (or rendering failed); 2 it cannot be read."""
        if self.report.fatal:
            return 2
        if self.error:
            return self.error_status
        return 1 if self.report.errors or self.budget is None else 0


Checked = Result   # the name earlier callers use for a checked workbook


def check(path: Path, options: Options = Options()) -> Result:
    """read → check: the Budget and every diagnostic. The catalogue and the template data are
    loaded here (a problem with either is a diagnostic) and kept for the later stages."""
    from . import gcpause
    from .workbook.read import read_source
    report = Report(file=path.name)
    with gcpause.paused():
        source = read_source(path, report)
        budget = load(path, report, source) if source is not None else None
    result = Result(path, report, budget, source=source)
    if result.budget is not None:
        from .checks import run_checks
        with gcpause.frozen():
            ctx = run_checks(result.budget, report, options.catalog, options.templates, options.profile)
        result.catalog, result.config = ctx.catalog, ctx.config
    return result


def check_workbook(path: Path, catalog_dir: Path | None = None,
                   templates: Path | None = None) -> Result:
    """``check`` with the two options the checks depend on."""
    return check(path, Options(templates=templates, catalog=catalog_dir))


def document_catalog(result: Result):
    """The catalogue the document is rendered with: the one the checks used, with the names the
    workbook entered for codes the list lacks (catalogs.catalog_for)."""
    from .catalogs import entered_names
    return result.catalog.with_names(*entered_names(result.budget))


def derive_views(result: Result):
    """check → derive: the Views (every 附表 and narrative fact) of a checked workbook."""
    if result.views is None:
        from .derive import derive
        if result.budget is None or result.catalog is None or result.config is None:
            raise ValueError("derive needs a checked workbook with its catalogue and template data")
        result.views = derive(result.budget, document_catalog(result), result.config)
    return result.views


def render_job(result: Result, options: Options = Options()):
    """What the back ends render from (compiler.render.build.RenderJob)."""
    from .render.build import RenderJob
    return RenderJob(derive_views(result), result.config, document_catalog(result), result.path,
                     pdfa=options.pdfa, name=result.stem, source_bytes=result.source)


def render(result: Result, options: Options) -> list[Path]:
    """derive → render: write the requested formats into ``options.out``. Raises BuildError
    (message for the user) when a back end cannot complete, OutputError (files.py) when the
    output folder cannot take the files; nothing is written then."""
    from .render.build import write_outputs
    written = write_outputs(render_job(result, options), options.out, options.formats)
    result.written = written
    return written


class UnitError(ValueError):
    """--unit names a 单位编码 the workbook does not have (message for the user)."""


def for_unit(result: Result, code: str) -> Result:
    """A checked department workbook as one unit's own document (单位预算公开): the unit's lines,
    projects, 政府采购 and tasks (model.Budget.for_unit), the profile's ``[unit]`` wording and
    no department-only 附表 (config.Config.for_unit). Its files are named ``<stem>-<单位编码>``."""
    if result.budget is None or result.budget.unit(code) is None:
        codes = "、".join(u.code for u in result.budget.units) if result.budget else ""
        raise UnitError(f"工作簿中没有单位编码“{code}”（“单位”表中有：{codes}）")
    config = result.config.for_unit()
    short = config.data.get("document", {}).get("short", "本单位")
    return Result(result.path, result.report, result.budget.for_unit(code, short), result.catalog,
                  config, stem=f"{result.path.stem}-{code}", source=result.source)


def compile_workbook(path: Path, options: Options, checked: Result | None = None) -> Result:
    """read → check → derive → render. Renders only a workbook without errors, and only when
    ``options.out`` is set; a failed render is ``result.error`` (nothing written). With
    ``options.unit`` the document rendered is that unit's own. *checked*: a Result of ``check``
    to reuse (the batch checks a workbook once for all its units)."""
    from .files import OutputError
    from .render.build import BuildError
    result = checked if checked is not None else check(path, options)
    if result.exit_status == 0 and options.unit:
        try:
            result = for_unit(result, options.unit)
        except UnitError as exc:
            result = Result(result.path, result.report, result.budget, error=str(exc),
                            error_status=2, source=result.source)
            return result
    if result.exit_status == 0 and options.out is not None:
        try:
            render(result, options)
        except BuildError as exc:
            result.error = str(exc)
        except OutputError as exc:   # the output folder, not the workbook: exit 2
            result.error, result.error_status = str(exc), 2
    return result
