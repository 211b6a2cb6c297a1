"""Paired runs (issue 16): the PDF build of a workbook and Chromium printing the same HTML,
alternated N times, so that both see the same machine load; the ratio of each pair and the
median of the ratios. A script, not a test.

    .venv/bin/python benchmarks/paired.py [WORKBOOK] [--pairs 5]

Each step runs in its own process as in run.py (imports included); Chromium with a fresh
profile each time and run.py's flags.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import EXAMPLE, GONGKAI, chromium_print, measure  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("workbook", nargs="?", type=Path, default=EXAMPLE)
    p.add_argument("--pairs", type=int, default=5)
    p.add_argument("--chromium", default=shutil.which("chromium") or shutil.which("chromium-browser"))
    args = p.parse_args()
    if not args.chromium:
        raise SystemExit("Chromium is not installed")
    print(f"load average before: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory(prefix="gongkai-paired-") as tmpdir:
        tmp = Path(tmpdir)
        html = tmp / f"{args.workbook.stem}.html"
        r = measure([*GONGKAI, "build", args.workbook, "--format", "html", "-o", tmp])
        if r["status"] != 0 or not html.is_file():
            raise SystemExit(f"the HTML build failed:\n{r['stderr']}")
        rows = []
        for i in range(args.pairs):
            w = measure([*GONGKAI, "build", args.workbook, "--format", "pdf", "-o", tmp / "pdf"])
            profile = tmp / "chromium-profile"
            shutil.rmtree(profile, ignore_errors=True)
            c = measure(chromium_print(args.chromium, html, tmp / "chromium.pdf", profile))
            if w["status"] != 0 or c["status"] != 0:
                raise SystemExit(f"a run failed:\n{w['stderr']}\n{c['stderr']}")
            rows.append((w, c))
            print(f"pair {i + 1}: WeasyPrint {w['wall']:.2f} s wall / {w['cpu']:.2f} s CPU, "
                  f"Chromium {c['wall']:.2f} s / {c['cpu']:.2f} s: "
                  f"{w['wall'] / c['wall']:.2f}× wall, {w['cpu'] / c['cpu']:.2f}× CPU", flush=True)
    for key in ("wall", "cpu"):
        ratios = [w[key] / c[key] for w, c in rows]
        print(f"{key}: WeasyPrint median {statistics.median(w[key] for w, _ in rows):.2f} s, "
              f"Chromium median {statistics.median(c[key] for _, c in rows):.2f} s; "
              f"ratio of pairs median {statistics.median(ratios):.2f}× "
              f"(min {min(ratios):.2f}×, max {max(ratios):.2f}×)")
    print(f"load average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
