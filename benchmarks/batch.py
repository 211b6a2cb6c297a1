"""Batch throughput: N copies of the bundled example built by `gongkai build DIR` machinery
(compiler.batch.build_many, worker processes) on 1 and on 2 workers.

    .venv/bin/python benchmarks/batch.py            # N=8, HTML
    .venv/bin/python benchmarks/batch.py -n 16 --jobs 1 2 4 --format html,json --repeat 3

Prints one Markdown table row per worker count (the best of --repeat runs): wall seconds,
workbooks per second, speed-up over the first worker count. Each run builds into a fresh
temporary folder; the pool start-up is part of the time, as it is for a user.
"""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from compiler.batch import build_many  # noqa: E402

EXAMPLE = ROOT / "inputs" / "zhengzhou-commerce-2020.xlsx"


def run_once(n: int, jobs: int, formats: list[str]) -> float:
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-") as tmp:
        src = Path(tmp) / "in"
        src.mkdir()
        paths = []
        for i in range(n):
            p = src / f"dept-{i:03d}.xlsx"
            shutil.copyfile(EXAMPLE, p)
            paths.append(p)
        start = time.perf_counter()
        results = build_many(paths, Path(tmp) / "out", formats, jobs)
        seconds = time.perf_counter() - start
        failed = [r for r in results if not r.ok]
        if failed:
            raise SystemExit(f"{len(failed)} builds failed: {failed[0].message}")
        return seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=8, help="copies of the example (default 8)")
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2], help="worker counts (default 1 2)")
    ap.add_argument("--format", default="html", help="output formats (default html)")
    ap.add_argument("--repeat", type=int, default=1, help="runs per worker count; the best is kept")
    args = ap.parse_args()
    formats = [f for f in args.format.split(",") if f]
    print(f"# {args.n} copies of {EXAMPLE.name}, format {','.join(formats)}; "
          f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs, "
          f"{platform.machine()}; load average before {os.getloadavg()[0]:.1f}")
    print("| workers | workbooks | seconds | workbooks/s | speed-up |")
    print("|---:|---:|---:|---:|---:|")
    base = None
    for jobs in args.jobs:
        best = min(run_once(args.n, jobs, formats) for _ in range(args.repeat))
        base = base or best
        print(f"| {jobs} | {args.n} | {best:.2f} | {args.n / best:.2f} | {base / best:.2f}× |",
              flush=True)
    print(f"# load average after {os.getloadavg()[0]:.1f} (other processes share the CPUs: "
          "compare runs only on a quiet machine)")


if __name__ == "__main__":
    main()
