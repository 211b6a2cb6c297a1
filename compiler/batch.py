"""Batch build: `gongkai build DIR_OR_FILES… -o OUT` builds many departments in parallel.

Each workbook is checked and built in a worker process (compiler/workers.py, ``--jobs``
processes, default os.cpu_count(); warm between jobs, memory capped), into its own folder
OUT/<stem>/. A department
that fails (errors in its workbook, an unreadable file, a failed render, even a crashed worker)
is reported and never stops the others. At the end: a summary table (department, errors,
warnings, PDF pages, seconds), OUT/index.html linking every department's outputs, and with
``--report-json FILE`` the same summary as JSON for CI; the JSON is also kept as
OUT/summary.json, which `gongkai site` reads to join several outputs. Exit status 1 if any
department failed. With ``--shard K/N`` only the K-th of N parts is built (compiler/shard.py)
and the summary says which part.

Single-file `gongkai build FILE -o DIR` is not batch mode: its outputs go directly into DIR.
"""
from __future__ import annotations

import json
import os
import re
import sys
import time
import unicodedata
from concurrent.futures import as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import quote

JSON_SCHEMA_VERSION = 1
SUMMARY = "summary.json"     # OUT/summary.json: what `gongkai site` joins


@dataclass
class Result:
    file: str                       # the workbook as given
    stem: str                       # OUT/<stem>/
    status: str = "failed"          # "ok" | "failed"
    dept: str | None = None         # the document's 部门 (a unit's document: the unit's name)
    year: int | None = None
    department: str | None = None   # the workbook's 部门名称 (differs from dept for a unit)
    unit: str | None = None         # 单位编码 of a unit's own document
    profile: str | None = None      # the 公开格式 it was built with
    errors: int = 0
    warnings: int = 0
    pages: int | None = None        # when a PDF was built
    seconds: float = 0.0
    outputs: list[str] = field(default_factory=list)   # relative to OUT
    message: str = ""               # why it failed (Chinese)
    report: str = ""                # the human diagnostics of a failed workbook
    diagnostics: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "ok"


# ---------------------------------------------------------------------------------- inputs

class BatchError(Exception):
    """Wrong arguments (exit 2); the message is for the user."""


def is_batch(files: list[str]) -> bool:
    return len(files) > 1 or (len(files) == 1 and Path(files[0]).is_dir())


def collect(files: list[str]) -> list[Path]:
    """The workbooks to build: given files, and the *.xlsx directly inside given folders
    (Excel's lock files ~$… and hidden files are skipped). Stems must be distinct."""
    out: list[Path] = []
    for f in files:
        p = Path(f)
        if p.is_dir():
            found = sorted(x for x in p.iterdir() if x.is_file() and x.suffix.lower() == ".xlsx"
                           and not x.name.startswith(("~$", ".")))
            if not found:
                raise BatchError(f"文件夹 {p} 中没有 .xlsx 工作簿")
            out += found
        elif p.exists():
            out.append(p)
        else:
            raise BatchError(f"找不到文件：{p}")
    seen: dict[str, Path] = {}
    for p in out:
        if p.stem in seen and seen[p.stem].resolve() != p.resolve():
            raise BatchError(f"两个工作簿同名，输出文件夹会冲突：{seen[p.stem]} 与 {p}；请改名后重试")
        seen[p.stem] = p
    unique: dict[Path, Path] = {}
    for p in out:
        unique.setdefault(p.resolve(), p)
    return list(unique.values())


# ---------------------------------------------------------------------------------- worker

def count_pages(path: Path) -> int | None:
    """Pages of a PDF: pypdf when installed, else the /Count of its page tree (looked for in
    the file and in its zlib-compressed object streams)."""
    try:
        from pypdf import PdfReader
        return len(PdfReader(str(path)).pages)
    except ImportError:
        pass
    except Exception:
        return None
    import zlib
    raw = path.read_bytes()
    chunks = [raw]
    for m in re.finditer(rb"stream\r?\n", raw):
        try:
            end = raw.find(b"endstream", m.end())
            chunks.append(zlib.decompressobj().decompress(raw[m.end():end if end > 0 else None]))
        except zlib.error:
            continue
    counts = []
    for data in chunks:
        for obj in re.findall(rb"<<(?:[^<>]|<<[^<>]*>>)*?/Type\s*/Pages\b(?:[^<>]|<<[^<>]*>>)*?>>", data):
            counts += [int(n) for n in re.findall(rb"/Count\s+(\d+)", obj)]
    return max(counts) if counts else None


# Workbooks checked in the parent before the workers fork (--unit all checks once for every
# unit's document); a worker started otherwise checks again.
_CHECKED: dict = {}


def build_one(file: str, out: str, formats: list[str], templates: str | None,
              catalog: str | None, pdfa: bool = False, profile: str | None = None,
              unit: str | None = None) -> Result:
    """Check and build one workbook into out/<stem>/ (a unit's own document into
    out/<单位编码>/). Never raises: every failure is a Result."""
    start = time.perf_counter()
    path = Path(file)
    res = Result(file=file, stem=unit or path.stem, unit=unit)
    try:
        from .diagnostics import Report
        from .pipeline import Options, compile_workbook
        from .report import format_human
        result = compile_workbook(path, Options(
            templates=Path(templates) if templates else None,
            catalog=Path(catalog) if catalog else None, formats=tuple(formats),
            out=Path(out) / res.stem, pdfa=pdfa, profile=profile, unit=unit),
            checked=_CHECKED.get(file))
        report = result.report
        res.errors, res.warnings = len(report.errors), len(report.warnings)
        res.diagnostics = [d.as_dict() for d in report.items]
        if result.budget is not None:
            res.dept, res.year = result.budget.info.dept_name, result.budget.info.year
            res.department = res.dept
            profile = getattr(result.config, "profile", None)
            res.profile = profile.name if profile is not None else None
            if unit and result.budget.unit(unit):
                res.dept = result.budget.unit(unit).name
        if result.error is not None:
            res.message = f"生成失败：{result.error}"
        elif result.exit_status != 0:
            res.message = "无法读取" if result.exit_status == 2 else "存在错误，未生成任何文件"
            only = Report(file=report.file)  # the errors; warnings are counted, `check` lists them
            only.items = list(report.errors)
            res.report = format_human(only).rsplit("\n", 1)[0]
        else:
            res.status = "ok"
            res.outputs = [str(w.relative_to(out)) for w in result.written]
            pdf = next((w for w in result.written if w.suffix == ".pdf"), None)
            if pdf is not None:
                res.pages = count_pages(pdf)
    except Exception as exc:  # one department's bug must not stop the batch
        res.status = "failed"
        res.message = f"内部错误（{type(exc).__name__}: {exc}）"
    res.seconds = round(time.perf_counter() - start, 2)
    return res


# ---------------------------------------------------------------------------------- output

def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(0, width - _width(text))
    return gap + text if right else text + gap


def summary_table(results: list[Result]) -> str:
    head = ("部门", "文件", "状态", "错误", "警告", "页数", "秒")
    rows = [(r.dept or "—", Path(r.file).name, "成功" if r.ok else "失败", str(r.errors),
             str(r.warnings), str(r.pages) if r.pages is not None else "—", f"{r.seconds:.1f}")
            for r in results]
    widths = [max(_width(x) for x in col) for col in zip(head, *rows)]
    right = (False, False, False, True, True, True, True)
    lines = ["  ".join(_pad(c, w, r) for c, w, r in zip(line, widths, right)).rstrip()
             for line in (head, *rows)]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


class Progress:
    """A bar on a terminal; one plain line per finished department when piped."""

    def __init__(self, total: int, stream=None):
        self.total, self.done = total, 0
        self.stream = stream or sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        if self.tty:
            self._draw("")

    def _draw(self, name: str) -> None:
        width = 30
        filled = width * self.done // max(self.total, 1)
        self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} "
                          f"{name[:40]}\033[K")
        self.stream.flush()

    def advance(self, r: Result) -> None:
        self.done += 1
        name = Path(r.file).name + ("" if r.stem == Path(r.file).stem else f"（{r.stem}）")
        if self.tty:
            self._draw(name)
        else:
            state = "成功" if r.ok else f"失败：{r.message}"
            print(f"[{self.done}/{self.total}] {name}：{state}（{r.errors} 个错误，"
                  f"{r.warnings} 个警告，{r.seconds:.1f} 秒）", file=self.stream, flush=True)

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()


def render_index(results: list[Result], seconds: float, jobs: int, shard=None) -> str:
    from .render.html import tool_environment
    rows = []
    for r in results:
        errors = [d["message"] for d in r.diagnostics if d.get("severity") == "error"][:5]
        rows.append({**asdict(r), "ok": r.ok, "file_name": Path(r.file).name,
                     "first_errors": "\n".join(errors),
                     "links": [{"href": quote(o.replace(os.sep, "/")), "label": Path(o).suffix[1:].upper()}
                               for o in r.outputs]})
    return tool_environment("site").get_template("batch.html.j2").render(
        results=rows, ok=sum(r.ok for r in results), seconds=seconds, jobs=jobs,
        shard=str(shard) if shard else "")


def summary_json(results: list[Result], seconds: float, jobs: int, out: Path,
                 shard: dict | None = None) -> str:
    """The batch's summary for CI and for `gongkai site`; *shard*: which part of how many
    (index, count), how many workbooks it built of how many in all, and the digest of the
    whole set of file names (compiler/shard.py)."""
    return json.dumps({
        "schema": JSON_SCHEMA_VERSION, "out": str(out), "jobs": jobs, "shard": shard,
        "seconds": round(seconds, 2), "ok": sum(r.ok for r in results),
        "failed": sum(not r.ok for r in results),
        "departments": [{k: v for k, v in asdict(r).items() if k != "report"} for r in results],
    }, ensure_ascii=False, indent=2)


# ---------------------------------------------------------------------------------- driver

def _preload() -> None:
    """Import what every build needs once, before the workers fork, so each worker starts warm
    (about half of a first build is imports). Only useful with the fork start method."""
    import multiprocessing
    if multiprocessing.get_start_method(allow_none=False) != "fork":
        return
    from . import checks, pipeline  # noqa: F401
    from .derive import tables  # noqa: F401
    from .render import build, html  # noqa: F401
    import jinja2  # noqa: F401


def build_many(paths: list[Path], out: Path, formats: list[str], jobs: int | None = None,
               templates: Path | None = None, catalog: Path | None = None,
               progress: Progress | None = None, pdfa: bool = False,
               profile: str | None = None, units: list[str] | None = None,
               limits=None) -> list[Result]:
    """Build every workbook in worker processes (compiler/workers.py: warm between jobs —
    WeasyPrint and the fonts load once per worker —, memory capped, replaced after N jobs or M
    MB); results in the order of *paths*. A job stopped by its limits or by its worker's death
    is that department's failure only. With *units* (one per path), each job is that unit's own
    document of its workbook."""
    import multiprocessing
    from concurrent.futures import ThreadPoolExecutor

    from .workers import JobFailed, Limits, Pool
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(paths)))
    results: dict[int, Result] = {}
    args = (str(out), formats, str(templates) if templates else None,
            str(catalog) if catalog else None, pdfa, profile)
    _preload()
    # fork where there is one: workers inherit the imports and what was checked (_CHECKED)
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    pool = Pool(jobs, limits or Limits(timeout=1800), start_method=method,
                preload="compiler.render.pdf:preload" if "pdf" in formats else None)

    def one(i: int) -> Result:
        stem = units[i] if units else paths[i].stem
        try:
            return pool.run(build_one, str(paths[i]), *args, units[i] if units else None)
        except JobFailed as exc:
            return Result(file=str(paths[i]), stem=stem, message=exc.message)
        except Exception as exc:  # e.g. a result that cannot be pickled
            return Result(file=str(paths[i]), stem=stem,
                          message=f"内部错误（{type(exc).__name__}: {exc}）")

    threads = ThreadPoolExecutor(jobs, thread_name_prefix="gongkai-batch")
    try:
        futures = {threads.submit(one, i): i for i in range(len(paths))}
        for fut in as_completed(futures):
            res = fut.result()
            results[futures[fut]] = res
            if progress is not None:
                progress.advance(res)
    except KeyboardInterrupt:
        threads.shutdown(wait=False, cancel_futures=True)
        pool.close()
        raise
    threads.shutdown()
    pool.close()
    return [results[i] for i in range(len(paths))]


def _formats(args) -> list[str] | None:
    """The --format list, or None after saying what is wrong with the arguments."""
    from .render.build import BACKENDS
    formats = [f.strip() for f in args.format.split(",") if f.strip()]
    unknown = [f for f in formats if f not in BACKENDS]
    if unknown:
        print(f"gongkai: 不支持的格式：{'、'.join(unknown)}（可选：{'、'.join(BACKENDS)}）", file=sys.stderr)
        return None
    if bool(getattr(args, "pdfa", False)) and "pdf" not in formats:
        print("gongkai: 参数错误：--pdfa 需要 --format 中包含 pdf", file=sys.stderr)
        return None
    if args.jobs is not None and args.jobs < 1:
        print("gongkai: --jobs 应为正整数", file=sys.stderr)
        return None
    return formats


def run(args) -> int:
    """`gongkai build` with a folder or several files (or one, with --shard)."""
    from . import shard as sharding
    try:
        part = sharding.parse(args.shard) if getattr(args, "shard", None) else None
        paths = collect(args.file)
    except (BatchError, sharding.ShardError) as exc:
        print(f"gongkai: {exc}", file=sys.stderr)
        return 2
    formats = _formats(args)
    if formats is None:
        return 2
    info = None
    if part is not None:
        chosen = sharding.select(paths, part)
        info = {"index": part.index, "count": part.count, "workbooks": len(chosen),
                "total": len(paths), "names_digest": sharding.set_digest(paths)}
        print(f"分片 {part}：共 {len(paths)} 个工作簿，本分片 {len(chosen)} 个", file=sys.stderr)
        paths = chosen
    return _build_and_report(args, paths, formats, None, "个部门", info)


def run_units(args, path: Path) -> int:
    """`gongkai build FILE --unit all`: every unit's own document (单位预算公开) into
    OUT/<单位编码>/, in the batch's worker processes; the workbook is checked once."""
    from .pipeline import Options, check
    from .report import format_human
    formats = _formats(args)
    if formats is None:
        return 2
    checked = check(path, Options(templates=Path(args.templates) if args.templates else None,
                                  catalog=Path(args.catalog) if args.catalog else None,
                                  profile=getattr(args, "profile", None) or None))
    if checked.exit_status != 0 or checked.report.warnings:
        print(format_human(checked.report))
    if checked.exit_status != 0:
        print("存在错误，未生成任何文件。", file=sys.stderr)
        return checked.exit_status
    units = [u.code for u in checked.budget.units]
    _CHECKED[str(path)] = checked     # the forked workers reuse it
    try:
        return _build_and_report(args, [path] * len(units), formats, units, "个单位")
    finally:
        _CHECKED.pop(str(path), None)


def _build_and_report(args, paths: list[Path], formats: list[str], units: list[str] | None,
                      what: str, shard: dict | None = None) -> int:
    """Build in workers with progress, then the summary table, OUT/index.html,
    OUT/summary.json and --report-json. Exit status 1 if any failed."""
    from .files import refuse_file, write_atomic, write_set
    pdfa = bool(getattr(args, "pdfa", False))
    out = Path(args.out)
    refuse_file(out)   # `-o FILE`: said at once (exit 2), not after every department failed
    jobs = max(1, min(args.jobs or os.cpu_count() or 1, len(paths)))
    part = f"{shard['index']}/{shard['count']}" if shard else ""
    print(f"生成 {len(paths)} {what}的公开文件（{jobs} 个进程）→ {out}/", file=sys.stderr)
    start = time.perf_counter()
    progress = Progress(len(paths))
    try:
        results = build_many(paths, out, formats, jobs,
                             Path(args.templates) if args.templates else None,
                             Path(args.catalog) if args.catalog else None, progress, pdfa,
                             getattr(args, "profile", None) or None, units)
    finally:
        progress.close()
    seconds = time.perf_counter() - start

    print(summary_table(results))
    for r in results:
        if not r.ok:
            print(f"\n{Path(r.file).name}：{r.message}（{r.errors} 个错误，{r.warnings} 个警告）")
            if r.report:
                print(r.report)
    failed = sum(not r.ok for r in results)
    where = f"分片 {part}（共 {shard['total']} 个工作簿）：" if shard else ""
    print(f"\n{where}{len(results)} {what}：{len(results) - failed} 个成功，{failed} 个失败；"
          f"用时 {seconds:.1f} 秒（{jobs} 个进程）")
    text = summary_json(results, seconds, jobs, out, shard)
    write_set({out / "index.html": render_index(results, seconds, jobs, part).encode("utf-8"),
               out / SUMMARY: text.encode("utf-8")})   # one set: never an index without its summary
    print(f"已生成：{out / 'index.html'}")
    if args.report_json:
        if args.report_json == "-":
            print(text)
        else:
            write_atomic(Path(args.report_json), text.encode("utf-8"))
            print(f"已生成：{args.report_json}")
    return 1 if failed else 0
