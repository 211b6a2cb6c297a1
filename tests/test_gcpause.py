"""The pipeline pauses the cyclic GC while it reads and checks (compiler/gcpause.py): it must
leave the collector as it found it, even when the workbook cannot be read or a check fails."""
from __future__ import annotations

import gc
from pathlib import Path

import pytest

from compiler import gcpause
from compiler.pipeline import check
from conftest import EXAMPLE


@pytest.mark.parametrize("enabled", [True, False])
def test_check_leaves_the_collector_as_it_found_it(enabled, tmp_path):
    missing = tmp_path / "missing.xlsx"
    before = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        for path in (EXAMPLE, missing):
            result = check(Path(path))
            assert gc.isenabled() is enabled and gc.get_freeze_count() == 0
        assert result.report.fatal and result.budget is None
    finally:
        gc.enable() if before else gc.disable()


def test_a_failure_inside_restores_the_collector():
    with pytest.raises(RuntimeError):
        with gcpause.paused(), gcpause.frozen():
            assert not gc.isenabled()
            raise RuntimeError
    assert gc.isenabled() and gc.get_freeze_count() == 0
