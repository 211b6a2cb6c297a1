"""Worker processes for the jobs of the web page (check, PDF) and of the batch: warm, bounded,
and replaceable.

* Warm: a worker lives for many jobs, so WeasyPrint, the fonts' coverage and the templates are
  imported and loaded once per worker (``preload``), not once per job.
* Bounded: each worker's address space is capped (RLIMIT_AS: what it maps at start plus
  ``Limits.memory_mb``) so one hostile or huge workbook cannot take the machine's memory; a job
  has a time limit; a worker is replaced after ``Limits.tasks`` jobs or when it holds more
  than ``Limits.rss_mb`` after a job (fragmentation and caches only grow).
* Replaceable: each worker is a ProcessPoolExecutor of one process running one job at a time,
  so a failure belongs to exactly one job. A job over its time is stopped (its worker killed),
  a worker that dies (the kernel's OOM killer, a crash in a C library) ends only its own job:
  both become JobFailed with a Chinese message, and the next job gets a fresh worker.

(Counting jobs here rather than with ProcessPoolExecutor's max_tasks_per_child keeps the fork
start method usable for the batch, whose workers inherit what the parent already checked.)
"""
from __future__ import annotations

import os
import queue
import threading
from concurrent.futures import ProcessPoolExecutor, TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Callable

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    memory_mb: int = 2048      # address space a worker may add to what it maps at start
                               # (the example's PDF peaks at ~540 MB in all)
    rss_mb: int = 1024         # a worker holding more than this after a job is replaced
    tasks: int = 50            # a worker is replaced after this many jobs
    timeout: float = 600.0     # seconds for one job


class JobFailed(Exception):
    """A job stopped by its limits or by its worker's death; the message is for the user."""

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.message, self.reason = message, reason   # reason: timeout | memory | crashed


def _start(memory_bytes: int, preload: str | None) -> None:
    """In each worker, before its first job: cap its memory, ignore Ctrl+C (the parent
    decides), load what its jobs need."""
    import signal
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if memory_bytes:
        # on top of what the worker already maps: a forked worker inherits its parent's
        # address space (the batch's parent may hold a large checked workbook)
        import resource
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = _vm_bytes() + memory_bytes
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    if preload:
        module, _, name = preload.partition(":")
        import importlib
        getattr(importlib.import_module(module), name or "preload")()


def _vm_bytes() -> int:
    """This process's address space now (Linux /proc; 0 where unknown)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _pid() -> int:
    return os.getpid()


def rss_mb(pid: int) -> float:
    """Resident memory of *pid* in MB (Linux /proc; 0 where unknown)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0.0


class _Worker:
    """One process, one job at a time."""

    def __init__(self, context, limits: Limits, preload: str | None):
        self.executor = ProcessPoolExecutor(1, mp_context=context, initializer=_start,
                                            initargs=(limits.memory_mb * MB, preload))
        self.jobs = 0

    def pids(self) -> list[int]:
        return list(getattr(self.executor, "_processes", None) or {})

    def stop(self, kill: bool = False) -> None:
        if kill:
            for pid in self.pids():
                try:
                    os.kill(pid, 9)
                except OSError:
                    pass
        self.executor.shutdown(wait=not kill, cancel_futures=True)


class Pool:
    """``size`` warm workers; ``run`` blocks until one is free and returns the job's result
    (its own exceptions are raised as they are), or raises JobFailed."""

    def __init__(self, size: int, limits: Limits = Limits(), preload: str | None = None,
                 start_method: str | None = None, imports: list[str] | None = None):
        """*preload*: "module:function" each worker calls once before its first job.
        *imports*: modules the fork server imports once, so every worker forked from it starts
        with them (forkserver only; the first Pool to start the server sets them)."""
        import multiprocessing
        self.limits, self.preload = limits, preload
        methods = multiprocessing.get_all_start_methods()
        method = start_method or ("forkserver" if "forkserver" in methods else "spawn")
        self.context = multiprocessing.get_context(method)
        if method == "forkserver" and imports:
            self.context.set_forkserver_preload(imports)
        self.size = size
        self._slots: queue.Queue[_Worker | None] = queue.Queue()
        for _ in range(size):
            self._slots.put(None)   # a worker is started on first use
        self._busy: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.replaced = 0          # workers replaced (limits, deaths): for tests and logs

    def _worker(self) -> _Worker:
        return _Worker(self.context, self.limits, self.preload)

    def run(self, fn: Callable[..., Any], *args, timeout: float | None = None) -> Any:
        if self._closed:
            raise JobFailed("已停止", "closed")
        worker = self._slots.get()
        try:
            if self._closed:
                raise JobFailed("已停止", "closed")
            if worker is None:
                worker = self._worker()
            with self._lock:
                self._busy.add(worker)
            limit = timeout if timeout is not None else self.limits.timeout
            try:
                future = worker.executor.submit(fn, *args)
                result = future.result(timeout=limit)
            except FutureTimeout:
                worker = self._retire(worker, kill=True)
                raise JobFailed(f"超过 {limit:g} 秒仍未完成，已停止。文件可能太大；"
                                "请删去不需要的内容后重试", "timeout") from None
            except BrokenProcessPool:
                worker = self._retire(worker, kill=True)
                raise JobFailed(f"处理进程意外退出（可能超过 {self.limits.memory_mb} MB 的内存上限），"
                                "已停止；文件可能太大，请删去不需要的内容后重试", "crashed") from None
            except MemoryError:
                worker = self._retire(worker, kill=True)
                raise JobFailed(f"超过 {self.limits.memory_mb} MB 的内存上限，已停止；"
                                "文件可能太大，请删去不需要的内容后重试", "memory") from None
            worker.jobs += 1
            if worker.jobs >= self.limits.tasks or \
                    any(rss_mb(p) > self.limits.rss_mb for p in worker.pids()):
                worker = self._retire(worker)
            return result
        finally:
            if worker is not None:
                with self._lock:
                    self._busy.discard(worker)
                if self._closed:
                    worker.stop(kill=True)
                    worker = None
            self._slots.put(worker)

    def _retire(self, worker: _Worker, kill: bool = False) -> None:
        """Stop *worker* (the next job in its slot starts a fresh one); None for the slot."""
        with self._lock:
            self._busy.discard(worker)
            self.replaced += 1
        worker.stop(kill=kill)
        return None

    def warm(self) -> None:
        """Start every worker now (in the background), so the first jobs find them loaded."""
        def start():
            try:
                self.run(_pid)
            except Exception:
                pass
        for _ in range(self.size):
            threading.Thread(target=start, daemon=True).start()

    def close(self) -> None:
        """Stop every worker (a running job is killed)."""
        self._closed = True
        with self._lock:
            busy = list(self._busy)
        for w in busy:
            w.stop(kill=True)
        while True:
            try:
                w = self._slots.get_nowait()
            except queue.Empty:
                break
            if w is not None:
                w.stop(kill=True)
