"""Jobs: one folder per upload under one root, an unguessable id, removal after a set time.

No database: the jobs live in a dict guarded by a lock; their files live in ROOT/<id>/. A
sweeper thread removes jobs older than `ttl` (never one whose PDF is still being built) and
any stray folder in ROOT; `close()` removes everything. PDFs are built by at most `pdf_workers`
at once, each in its own Python process (WeasyPrint is CPU-bound: a process keeps the page
responsive, can be stopped at shutdown, and one big PDF cannot stall the others); a thread pool
of that size runs them, so a job knows exactly when its PDF leaves the queue.
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


class JobStore:
    def __init__(self, root: Path | None = None, ttl: float = 3600, pdf_workers: int = 2,
                 sweep_every: float | None = None):
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
        self._procs: set = set()           # running PDF processes (subprocess.Popen)
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

    def submit_pdf(self, job: Job, argv: list[str], timeout: float = 600) -> None:
        """Build the job's PDF by running `argv` (a fresh Python process) in one of the
        `pdf_workers` slots; exit status 0 = done, else its stderr is the message."""
        if job.busy or self._closed:
            return
        with self._lock:
            if self._threads is None:
                self._threads = ThreadPoolExecutor(self.pdf_workers, thread_name_prefix="gongkai-pdf")
        job.pdf = Pdf(state="queued", queued=time.time())
        self._threads.submit(self._run_pdf, job, argv, timeout)

    def _run_pdf(self, job: Job, argv: list[str], timeout: float) -> None:
        import subprocess
        pdf = job.pdf
        if self._closed:
            pdf.state, pdf.error = "failed", "已停止"
            return
        pdf.started, pdf.state = time.time(), "running"
        try:
            proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE)
            with self._lock:
                self._procs.add(proc)
            try:
                _, err = proc.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                _, err = proc.communicate()
                err = f"超过 {timeout:.0f} 秒仍未完成，已停止".encode()
            finally:
                with self._lock:
                    self._procs.discard(proc)
            if proc.returncode == 0:
                pdf.state = "done"
                self.pdf_seconds.append(time.time() - pdf.started)
                del self.pdf_seconds[:-20]
            else:
                text = err.decode("utf-8", "replace").strip().splitlines()
                pdf.error = text[-1] if text else f"进程退出，状态 {proc.returncode}"
                pdf.state = "failed"
        except Exception as exc:  # could not even start the process
            pdf.error, pdf.state = f"{type(exc).__name__}: {exc}", "failed"
        finally:
            pdf.finished = time.time()

    # ------------------------------------------------------------------ shutdown
    def close(self) -> None:
        """Stop the sweeper, stop the workers, remove every job folder (and our root)."""
        if self._closed:
            return
        self._closed = True
        self._stop.set()
        with self._lock:
            procs = list(self._procs)
        for p in procs:  # a PDF half-way: end it, so it cannot write into a removed folder
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=5)
            except Exception:
                p.kill()
        if self._threads is not None:
            self._threads.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            jobs = list(self._jobs.values())
            self._jobs.clear()
        for j in jobs:
            shutil.rmtree(j.dir, ignore_errors=True)
        if self._own_root:
            shutil.rmtree(self.root, ignore_errors=True)
