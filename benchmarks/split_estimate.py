"""Upper bound of what rendering independent parts in parallel processes could gain (issue 5).

WeasyPrint cannot join pages of documents rendered in different processes (Page objects hold
Pango/cffi pointers and do not pickle; Document.copy() only joins pages of one process), so a
parallel build would have to print parts to separate PDFs and merge the files — plus a second
pass for page numbers (第 X 页 共 Y 页 and the contents' page references need every part's
page count), rebuilt links/outline, and fonts embedded once per part.

This script only measures the best case: the example's HTML is cut into N parts at page
breaks (the 附表 are split into N-1 groups of about equal size), each part is printed in its
own process, and the CPU time of each is reported. With N free cores the wall time cannot be
below the slowest part plus a WeasyPrint import; the page-number pass and the merge come on
top and are not measured.

    .venv/bin/python benchmarks/split_estimate.py [WORKBOOK] [--parts 2]
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from experiments import EXAMPLE, WORKER, html_for


def split(html: str, parts: int) -> list[str]:
    """The document cut before table sections into `parts` pieces of about equal HTML size:
    the first holds the narrative and the first 附表, the others only 附表; each piece has the
    same <head> (CSS)."""
    head, body = html.split("<body>", 1)
    body = body.rsplit("</body>", 1)[0]
    first = body.index('<section class="table-section', body.index('id="part-4"'))
    end = body.rindex("</section>")  # closes #part-4
    units = [body[:first]] + [t for t in re.split(r'(?=<section class="table-section)', body[first:end]) if t.strip()]
    groups: list[list[str]] = [[] for _ in range(parts)]
    total, acc = sum(map(len, units)), 0
    for u in units:
        groups[min(parts - 1, int((acc + len(u) / 2) * parts / total))].append(u)
        acc += len(u)
    docs = [head + "<body>" + "".join(groups[0]) + "</section></body></html>"]
    docs += [head + '<body><section class="part" id="part-4">' + "".join(g) + "</section></body></html>"
             for g in groups[1:] if g]
    return docs


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("workbook", nargs="?", type=Path, default=EXAMPLE)
    p.add_argument("--parts", type=int, default=2)
    args = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="gongkai-split-") as d:
        tmp = Path(d)
        whole = html_for(args.workbook, None, None, tmp, "whole")
        docs = [whole] + []
        for i, text in enumerate(split(whole.read_text(encoding="utf-8"), args.parts)):
            path = tmp / f"part{i}.html"
            path.write_text(text, encoding="utf-8")
            docs.append(path)
        rows = []
        for path in docs:
            r = subprocess.run([sys.executable, "-c", WORKER, str(path), str(ROOT / "templates" / "standard") + "/",
                                str(path.with_suffix(".pdf")), "{}"], capture_output=True, text=True, check=True)
            rows.append((path.stem, json.loads(r.stdout.strip().splitlines()[-1])))
    for name, r in rows:
        print(f"{name:>6}: {r['pages']:4d} pages, CPU {r['total']:.2f} s (+ import {r['import']:.2f} s)")
    whole_cpu = rows[0][1]["total"]
    slowest = max(r["total"] for _, r in rows[1:])
    print(f"best case with {args.parts} cores: {slowest:.2f} s instead of {whole_cpu:.2f} s "
          f"({100 * (1 - slowest / whole_cpu):.0f} % less), before the page-number pass and the merge")


if __name__ == "__main__":
    main()
