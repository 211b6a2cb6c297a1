"""Jobs: one folder per upload under one root, an unguessable id, removal after a set time.

No database: the jobs live in a dict guarded by a lock; their files live in ROOT/<id>/. A
sweeper thread removes jobs older than `ttl` (never one whose PDF is still being built) and
any stray folder in ROOT; `close()` removes everything.

The work itself runs in worker processes (compiler/workers.py), never in the web server: the
check of an upload (with its annotated workbook and quick outputs, or its rollover or diff) in
one of `check_workers`, each PDF in one of `pdf_workers`. Workers stay warm between jobs
(WeasyPrint and the fonts load once per PDF worker), their memory is capped, each job has a time
limit, and a job stopped by either (or whose worker died) gives the page a Chinese message; the
next job gets a fresh worker. A thread pool of `pdf_workers` threads queues the PDFs, so a job
knows exactly when its PDF leaves the queue.
"""
from __future__ import annotations

import re
import secrets
import shutil
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ID_RE = re.compile(r"^[A-Za-z0-9_-]{22}$")   # secrets.token_urlsafe(16)


def new_id() -> str:
    return secrets.token_urlsafe(16)


@dataclass
class Pdf:
    state: str = "idle"          # idle | queued | running | done | failed
    queued: float = 0.0
    started: float = 0.0
    finished: float = 0.0
    error: str | None = None


@dataclass
class Job:
    id: str
    kind: str                     # check | rollover | diff
    dir: Path
    created: float = field(default_factory=time.time)
    name: str = "工作簿.xlsx"     # display name of the upload (sanitized)
    names: tuple[str, str] = ("", "")  # diff: display names of A and B
    checked: Any = None           # pipeline.Checked of the input (check, rollover)
    checks: tuple = ()            # diff: (Checked A, Checked B)
    built: bool = False           # html/json/xlsx/data written
    build_error: str | None = None
    annotated: bool = False
    annotate_error: str | None = None
    marked: bool = False          # the upload carries marks of an earlier annotation
    result: Any = None            # rollover.Rollover, or diff.Diff
    error: str | None = None      # rollover/diff could not be done
    pdf: Pdf = field(default_factory=Pdf)

    def path(self, rel: str) -> Path:
        """A file of this job; never outside its folder."""
        p = (self.dir / rel).resolve()
        base = self.dir.resolve()
        if p != base and base not in p.parents:
            raise ValueError("path outside the job folder")
        return p

    @property
    def busy(self) -> bool:
        return self.pdf.state in ("queued", "running")


# modules every check worker needs, imported once in the fork server its workers fork from
CHECK_IMPORTS = ["compiler.web.work", "compiler.pipeline", "compiler.checks", "compiler.derive",
                 "compiler.render.build", "compiler.render.html", "compiler.annotate",
                 "compiler.rollover", "compiler.diff", "openpyxl", "jinja2"]


class JobStore:
    def __init__(self, root: Path | None = None, ttl: float = 3600, pdf_workers: int = 2,
                 sweep_every: float | None = None, check_workers: int = 2,
                 limits=None, check_seconds: float = 120,
                 pdf_seconds: float = 600):
        self._own_root = root is None
        self.root = Path(tempfile.mkdtemp(prefix="gongkai-web-")) if root is None else Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.root = self.root.resolve()
        self.ttl = ttl
        self.pdf_workers = pdf_workers
        self.pdf_seconds: list[float] = []      # recent PDF durations, for the progress estimate
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._threads: ThreadPoolExecutor | None = None
        from ..workers import Limits, Pool
        limits = limits or Limits()
        self.check_seconds, self.pdf_timeout = check_seconds, pdf_seconds
        self.checks = Pool(check_workers, limits, imports=CHECK_IMPORTS)
        self.pdfs = Pool(pdf_workers, limits, preload="compiler.render.pdf:preload",
                         imports=CHECK_IMPORTS)
        self._stop = threading.Event()
        self._closed = False
        self._sweeper = threading.Thread(target=self._sweep_loop, name="gongkai-sweeper",
                                         args=(sweep_every or max(1.0, min(60.0, ttl / 4)),),
                                         daemon=True)
        self._sweeper.start()

    # ------------------------------------------------------------------ jobs
    def create(self, kind: str) -> Job:
        if self._closed:
            raise RuntimeError("store closed")
        while True:
            jid = new_id()
            d = self.root / jid
            try:
                d.mkdir(mode=0o700)
                break
            except FileExistsError:  # astronomically unlikely; draw again
                continue
        job = Job(jid, kind, d)
        with self._lock:
            self._jobs[jid] = job
        return job

    def get(self, jid: str) -> Job | None:
        if not ID_RE.match(jid or ""):
            return None
        with self._lock:
            job = self._jobs.get(jid)
        if job is None or time.time() - job.created > self.ttl and not job.busy:
            return None
        return job

    def remove(self, job: Job) -> None:
        with self._lock:
            self._jobs.pop(job.id, None)
        shutil.rmtree(job.dir, ignore_errors=True)

    def __len__(self) -> int:
        with self._lock:
            return len(self._jobs)

    # ------------------------------------------------------------------ work in a worker
    def warm(self) -> None:
        """Start the workers now, in the background (a served page's first PDF then finds
        WeasyPrint and the fonts loaded)."""
        self.checks.warm()
        self.pdfs.warm()

    def run(self, job: Job, fn, *args) -> str | None:
        """Run fn(job, *args) -> Job in a check worker and take over what it set on the job.
        None when done; the message (Chinese) when the worker stopped it (time, memory)."""
        from ..workers import JobFailed
        try:
            done = self.checks.run(fn, job, *args, timeout=self.check_seconds)
        except JobFailed as exc:
            return exc.message
        for name in ("name", "names", "checked", "checks", "built", "build_error", "annotated",
                     "annotate_error", "marked", "result", "error"):
            setattr(job, name, getattr(done, name))
        return None

    # ------------------------------------------------------------------ sweeping
    def sweep(self, now: float | None = None) -> int:
        now = time.time() if now is None else now
        with self._lock:
            old = [j for j in self._jobs.values() if now - j.created > self.ttl and not j.busy]
            for j in old:
                del self._jobs[j.id]
            known = set(self._jobs)
        for j in old:
            shutil.rmtree(j.dir, ignore_errors=True)
        stray = 0
        for d in self.root.iterdir():  # a folder no job owns (a failed upload, an earlier run)
            if d.name in known:
                continue
            try:
                if now - d.stat().st_mtime > min(self.ttl, 600):
                    shutil.rmtree(d, ignore_errors=True) if d.is_dir() else d.unlink()
                    stray += 1
            except FileNotFoundError:
                pass
        return len(old) + stray

    def _sweep_loop(self, every: float) -> None:
        while not self._stop.wait(every):
            try:
                self.sweep()
            except Exception:  # never let the sweeper die
                pass

    # ------------------------------------------------------------------ PDFs
    def expected_pdf_seconds(self) -> float:
        recent = self.pdf_seconds[-5:]
        return sum(recent) / len(recent) if recent else 12.0

    def queue_position(self, job: Job) -> int:
        """How many PDFs wait ahead of this one."""
        with self._lock:
            return sum(1 for j in self._jobs.values()
                       if j.pdf.state == "queued" and j.pdf.queued < job.pdf.queued)

    def submit_pdf(self, job: Job, timeout: float | None = None) -> None:
        """Build the job's PDF in one of the `pdf_workers` warm workers; done, or failed with
        the message the page shows."""
        if job.busy or self._closed:
            return
        with self._lock:
            if self._threads is None:
                self._threads = ThreadPoolExecutor(self.pdf_workers, thread_name_prefix="gongkai-pdf")
        job.pdf = Pdf(state="queued", queued=time.time())
        self._threads.submit(self._run_pdf, job, timeout or self.pdf_timeout)

    def _run_pdf(self, job: Job, timeout: float) -> None:
        from ..workers import JobFailed
        from .work import INPUT, OUT, build_pdf
        pdf = job.pdf
        if self._closed:
            pdf.state, pdf.error = "failed", "已停止"
            return
        pdf.started, pdf.state = time.time(), "running"
        try:
            self.pdfs.run(build_pdf, job.path(INPUT), job.path(OUT), timeout=timeout)
            pdf.state = "done"
            self.pdf_seconds.append(time.time() - pdf.started)
            del self.pdf_seconds[:-20]
        except JobFailed as exc:
            pdf.error, pdf.state = exc.message, "failed"
        except RuntimeError as exc:   # build_pdf's own message
            pdf.error, pdf.state = str(exc), "failed"
        except Exception as exc:  # a bug: still a message, never a hung page
            pdf.error, pdf.state = f"内部错误（{type(exc).__name__}: {exc}）", "failed"
        finally:
            pdf.finished = time.time()

    # ------------------------------------------------------------------ shutdown
    def close(self) -> None:
        """Stop the sweeper, stop the workers, remove every job folder (and our root)."""
        if self._closed:
            return
        self._closed = True
        self._stop.set()
        # a PDF half-way: end it, so it cannot write into a removed folder
        self.pdfs.close()
        self.checks.close()
        if self._threads is not None:
            self._threads.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            jobs = list(self._jobs.values())
            self._jobs.clear()
        for j in jobs:
            shutil.rmtree(j.dir, ignore_errors=True)
        if self._own_root:
            shutil.rmtree(self.root, ignore_errors=True)
