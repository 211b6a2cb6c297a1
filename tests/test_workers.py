"""Worker processes (compiler/workers.py): a job over its memory or time, or one whose worker
dies, becomes a Chinese message for that job only, and the pool keeps working; workers stay
warm between jobs and are replaced after N jobs or M MB."""
from __future__ import annotations

import os
import signal
import sys
import time

import pytest

from compiler.workers import JobFailed, Limits, Pool


def square(x):
    return x * x


def fail(msg):
    raise ValueError(msg)


def hog(mb):
    """Hold *mb* MB (touched, so it is really used)."""
    block = bytearray(mb * 1024 * 1024)
    block[::4096] = b"x" * len(block[::4096])
    return len(block)


def sleep(seconds):
    time.sleep(seconds)
    return seconds


def die():
    os.kill(os.getpid(), signal.SIGKILL)


def whoami():
    return os.getpid(), "weasyprint" in sys.modules


@pytest.fixture
def pool():
    p = Pool(1, Limits(memory_mb=600, timeout=120))
    yield p
    p.close()


def test_results_and_the_jobs_own_errors(pool):
    assert pool.run(square, 7) == 49
    with pytest.raises(ValueError, match="坏"):
        pool.run(fail, "坏")
    assert pool.run(square, 3) == 9 and pool.replaced == 0   # an ordinary error keeps the worker


def test_over_the_memory_limit_is_a_message_and_the_pool_goes_on(pool):
    with pytest.raises(JobFailed) as info:
        pool.run(hog, 2000)
    assert info.value.reason in ("memory", "crashed") and "600 MB 的内存上限" in info.value.message
    assert pool.run(hog, 50) == 50 * 1024 * 1024   # a fresh worker, same pool
    assert pool.replaced == 1


def test_over_the_time_limit_is_stopped(pool):
    pid, _ = pool.run(whoami)
    with pytest.raises(JobFailed) as info:
        pool.run(sleep, 300, timeout=1)
    assert info.value.reason == "timeout" and "超过 1 秒仍未完成，已停止" in info.value.message
    with pytest.raises(ProcessLookupError):   # the worker was killed, not left running
        for _ in range(100):
            os.kill(pid, 0)
            time.sleep(0.1)
    assert pool.run(square, 5) == 25


def test_a_worker_that_dies_ends_only_its_job(pool):
    with pytest.raises(JobFailed) as info:
        pool.run(die)
    assert info.value.reason == "crashed" and "处理进程意外退出" in info.value.message
    assert pool.run(square, 4) == 16


def test_warm_between_jobs_and_replaced_after_n_jobs():
    p = Pool(1, Limits(tasks=3), preload="compiler.render.pdf:preload")
    try:
        runs = [p.run(whoami) for _ in range(4)]
    finally:
        p.close()
    pids = [pid for pid, _ in runs]
    assert all(loaded for _, loaded in runs)          # WeasyPrint was loaded before the first job
    assert pids[0] == pids[1] == pids[2] != pids[3]   # one process for 3 jobs, then a fresh one


def test_replaced_when_it_holds_too_much():
    p = Pool(1, Limits(rss_mb=1))
    try:
        a, _ = p.run(whoami)
        b, _ = p.run(whoami)
    finally:
        p.close()
    assert a != b and p.replaced == 2
