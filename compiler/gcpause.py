"""Fewer passes of CPython's cyclic garbage collector while a workbook is read and checked.

Reading 100,000 支出明细 lines allocates millions of objects (cells, records, models) that all
live on as the Budget and form no reference cycles; at its default thresholds the collector
rescans them again and again as they pile up (about a fifth of `gongkai check`'s CPU time on
that workbook, docs/performance.md). Nothing here changes what is computed: reference counting
still frees everything, and a cycle is collected once the pause ends. The switches are
process-wide (the web page checks in threads): each pause restores what it found, and a pause
overlapping another only means fewer passes for a moment."""
from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def paused():
    """No cyclic collection at all inside (the reader and the records it builds)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def frozen():
    """The objects that exist now are left out of every collection inside (the Budget while the
    checks run); they rejoin the oldest generation afterwards."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
