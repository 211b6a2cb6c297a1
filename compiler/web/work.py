"""What the pages do, on a job's folder. The same library calls as the CLI: the pipeline
(check, render), annotate, rollover, diff. Fixed file names inside the job folder (INPUT, …):
nothing the user sends ever becomes part of a path."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from ..diagnostics import Report
from ..files import OutputError, write_atomic, write_set
from .jobs import Job

INPUT = "input.xlsx"          # the upload (check, rollover)
A, B = "a.xlsx", "b.xlsx"     # the two uploads of diff
OUT = "out"                   # the pipeline renders here: input.html, input.pdf, …
ANNOTATED = "annotated.xlsx"
CLEAN = "clean.xlsx"          # the upload without marks of an earlier annotation
DATA_ZIP = "data.zip"
NEXT = "next.xlsx"            # rollover
DIFF_HTML, DIFF_JSON = "diff.html", "diff.json"
QUICK = ["html", "json", "xlsx", "data"]


def outputs(stem: str = "input") -> dict[str, str]:
    """kind -> file inside the job folder (the names the back ends give them)."""
    return {"html": f"{OUT}/{stem}.html", "json": f"{OUT}/{stem}.json", "pdf": f"{OUT}/{stem}.pdf",
            "xlsx": f"{OUT}/{stem}-附表.xlsx", "data": DATA_ZIP, "annotated": ANNOTATED,
            "clean": CLEAN, "next": NEXT, "diff-html": DIFF_HTML, "diff-json": DIFF_JSON}


FILES = outputs()


def _rename(report: Report, internal: str, shown: str) -> None:
    """Diagnostics speak of the name the user knows, not of the file in the job folder."""
    report.file = shown
    for d in report.items:
        d.file = shown
        d.message = d.message.replace(f"“{internal}”", f"“{shown}”")


def check(job: Job, src: str = INPUT, shown: str | None = None):
    from ..pipeline import check as check_workbook
    checked = check_workbook(job.path(src))
    _rename(checked.report, src, shown or job.name)
    return checked


def annotate(job: Job) -> None:
    """The annotated workbook, when the file could be read and has problems or old marks."""
    from ..annotate import AnnotateError, annotate_bytes, has_marks, strip_bytes
    checked = job.checked
    if checked.report.fatal:
        return
    src = job.path(INPUT)
    job.marked = has_marks(src)
    try:
        if checked.report.items:
            write_atomic(job.path(ANNOTATED), annotate_bytes(src, checked.report).data)
            job.annotated = True
        if job.marked:
            write_atomic(job.path(CLEAN), strip_bytes(src)[0])
    except (AnnotateError, OutputError) as exc:
        job.annotate_error = str(exc)
    except Exception as exc:  # a bug in the marks must not hide the diagnostics (HTTP 500)
        job.annotate_error = f"无法生成标注版工作簿（内部错误 {type(exc).__name__}）；问题清单见下。"


def build_quick(job: Job) -> None:
    """HTML, JSON, 附表 workbook and the data package (about a second); the PDF comes later."""
    from ..pipeline import Options, render
    from ..render.build import BuildError
    try:
        render(job.checked, Options(formats=tuple(QUICK), out=job.path(OUT)))
        zip_folder(job.path(f"{OUT}/input-data"), job.path(DATA_ZIP), "data")
    except (BuildError, OutputError) as exc:
        job.build_error = str(exc)
        return
    except Exception as exc:  # a bug: say so, keep the page
        job.build_error = f"内部错误（{type(exc).__name__}: {exc}）"
        return
    job.built = True


def zip_folder(folder: Path, target: Path, prefix: str) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(folder.rglob("*")):
            if f.is_file():
                info = zipfile.ZipInfo(f"{prefix}/{f.relative_to(folder).as_posix()}",
                                       date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zf.writestr(info, f.read_bytes())
    write_atomic(target, buf.getvalue())


# ---------------------------------------------------------------------------------------------
# what a page's worker process does (JobStore.run): the job in, the job with its results out

def portable(checked):
    """A checked workbook as the page needs it, small enough to send back from the worker: the
    report and the Budget, without the catalogue, templates and bytes."""
    from ..pipeline import Result
    return Result(checked.path, checked.report, checked.budget, error=checked.error,
                  error_status=checked.error_status)


def check_job(job: Job, build: bool = True) -> Job:
    """检查并生成: the check, the annotated workbook, and the quick outputs of a clean one."""
    job.checked = check(job)
    annotate(job)
    if build and job.checked.exit_status == 0:
        build_quick(job)
    job.checked = portable(job.checked)
    return job


def rollover_job(job: Job, year: int | None, keep_lines: bool) -> Job:
    """下一年度: the check, then the next year's workbook, or the annotated one."""
    job.checked = check(job)
    if job.checked.exit_status == 0:
        rollover(job, year, keep_lines)
    else:
        annotate(job)
    job.checked = portable(job.checked)
    return job


def diff_job(job: Job) -> Job:
    """比较: both checks and the comparison."""
    diff(job)
    job.checks = tuple(portable(c) for c in job.checks)
    return job


def stopped(job: Job, message: str):
    """The checked workbook the page shows when its worker was stopped (time, memory): one
    diagnostic saying so."""
    from ..diagnostics import Report
    from ..pipeline import Result
    report = Report(file=job.name)
    report.add("E-FILE-009", f"“{job.name}”：{message}")
    return Result(job.path(INPUT), report)


def build_pdf(source: Path, out: Path) -> None:
    """Check again (cheap) and write the PDF; RuntimeError with a Chinese message otherwise."""
    from ..pipeline import Options, check, render
    from ..render.build import BuildError
    checked = check(source)
    if checked.budget is None or checked.exit_status != 0:
        raise RuntimeError("工作簿有错误，不能生成 PDF")
    if not out.is_dir():  # the job was removed meanwhile: write nothing
        raise RuntimeError("这次上传已过期")
    try:
        render(checked, Options(formats=("pdf",), out=out))
    except BuildError as exc:
        raise RuntimeError(str(exc)) from None


def rollover(job: Job, year: int | None, keep_lines: bool) -> None:
    from ..rollover import rollover as roll
    from ..workbook.new import build_workbook, deterministic_bytes
    info = job.checked.budget.info
    if year is not None and year <= info.year:
        job.error = f"新的预算年度 {year} 应晚于原预算年度 {info.year}"
        return
    r = roll(job.checked.budget, year, keep_lines)
    write_atomic(job.path(NEXT), deterministic_bytes(build_workbook(dept=info.dept_name, year=r.year,
                                                                    data=r.data)))
    r.keep_lines = keep_lines
    r.procurement = len(job.checked.budget.procurement)
    job.result = r


def diff(job: Job) -> None:
    from ..diff import DiffError, compare, format_html, format_json, views_from
    ca, cb = check(job, A, job.names[0]), check(job, B, job.names[1])
    job.checks = (ca, cb)
    unreadable = [n for n, c in zip(job.names, (ca, cb)) if c.budget is None]
    if unreadable:
        job.error = f"无法读取{'、'.join('“' + n + '”' for n in unreadable)}，不能比较；问题见下。"
        return
    try:
        va, vb = views_from(ca), views_from(cb)
    except DiffError as exc:
        text = str(exc)
        for internal, shown in ((A, job.names[0]), (B, job.names[1])):
            text = text.replace(str(job.path(internal)), shown)
        job.error = text
        return
    names = list(job.names)
    if names[0] == names[1]:
        names = [f"{names[0]}（原）", f"{names[1]}（新）"]
    d = compare(va, vb, *names)
    write_set({job.path(DIFF_HTML): format_html(d).encode("utf-8"),
               job.path(DIFF_JSON): (format_json(d) + "\n").encode("utf-8")})
    job.result = d

