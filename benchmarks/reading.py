"""Benchmark of reading workbooks (issue 14): `gongkai check` of a workbook with many 支出明细
lines, and of two hostile files (a value at K1048576; a zip holding one huge sheet).
A script, not a test: numbers depend on the machine.

    .venv/bin/python benchmarks/reading.py [--lines 100000] [--runs 3] [--keep DIR] [--root DIR]

--root runs `python -m compiler` of another checkout (e.g. `git archive` of an older commit
unpacked in DIR), for before/after numbers on the same files.

The big workbook is the bundled example with each 支出明细 line split into several lines whose
amounts add up to the original line (to the cent), so every total, every table and every
diagnostic stays the example's: `check` gives the example's 0 errors. It is written by the same
writer as `gongkai new`. Each measured `check` runs in its own process (imports included);
wall time and peak RSS come from wait4() (benchmarks/run.py `measure`).
"""
from __future__ import annotations

import argparse
import io
import platform
import statistics
import sys
import tempfile
import zipfile
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "inputs"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from build_example import read_source  # noqa: E402
from run import GONGKAI, measure  # noqa: E402

from compiler.workbook.new import build_workbook, save_atomic  # noqa: E402


def _split(amount: Decimal, parts: int) -> list[Decimal]:
    """amount as `parts` different cent amounts that add up to it exactly (the checks warn
    about identical lines): base, base+1, … cents, the remainder on the largest."""
    cents = int(amount * 100)
    base = (cents - parts * (parts - 1) // 2) // parts
    out = [base + i for i in range(parts)]
    out[-1] += cents - sum(out)
    return [Decimal(c) / 100 for c in out]


def _capacity(amount: Decimal) -> int:
    """The most parts _split can make of amount (every part at least one cent)."""
    cents, k = int(amount * 100), 1
    while (k + 1) * (k + 2) // 2 <= cents:
        k += 1
    return k


def many_lines(lines: int) -> dict:
    data = read_source()
    src = data["支出明细"]
    caps = [_capacity(Decimal(r["金额"])) for r in src]
    if sum(caps) < lines:
        raise SystemExit(f"the example's amounts make at most {sum(caps)} distinct lines")
    parts = [1] * len(src)
    while sum(parts) < lines:  # round-robin: lines spread evenly over the example's lines
        for i, cap in enumerate(caps):
            if parts[i] < cap and sum(parts) < lines:
                parts[i] += 1
    data["支出明细"] = [{**row, "金额": str(amount)} for row, k in zip(src, parts)
                     for amount in _split(Decimal(row["金额"]), k)]
    return data


def write_many(path: Path, lines: int) -> Path:
    data = many_lines(lines)
    year = int(dict(data["基本信息"])["预算年度"])
    save_atomic(build_workbook(year=year, data=data), path)
    return path


def write_far_cell(path: Path) -> Path:
    """The example plus one number at 支出明细!K1048576 (what a stray keystroke leaves)."""
    import openpyxl
    wb = openpyxl.load_workbook(ROOT / "inputs" / "zhengzhou-commerce-2020.xlsx")
    wb["支出明细"]["K1048576"] = 1
    wb.save(path)
    return path


def write_big_entry(path: Path, mib: int = 190) -> Path:
    """A zip whose 支出明细 sheet XML inflates to about `mib` MiB of repeated rows."""
    src = ROOT / "inputs" / "zhengzhou-commerce-2020.xlsx"
    with zipfile.ZipFile(src) as zin:
        names = zin.namelist()
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
            for name in names:
                data = zin.read(name)
                if name == "xl/worksheets/sheet7.xml":  # 支出明细 (说明 is sheet1)
                    head, _, tail = data.partition(b"</sheetData>")
                    buf = io.BytesIO()
                    buf.write(head)
                    r = 1000
                    while buf.tell() < mib * 1024 * 1024:
                        buf.write(b''.join(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>x</t></is></c>'
                                           b'<c r="H%d"><v>1</v></c></row>' % (n, n, n)
                                           for n in range(r, r + 1000)))
                        r += 1000
                    buf.write(b"</sheetData>" + tail)
                    data = buf.getvalue()
                zout.writestr(name, data)
    return path


def machine() -> str:
    cpu = "?"
    with open("/proc/cpuinfo") as fh:
        cpu = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), "?")
    with open("/proc/meminfo") as fh:
        ram = int(fh.readline().split()[1]) / 1024 / 1024
    import os
    return (f"{len(os.sched_getaffinity(0))} CPUs ({cpu}), {ram:.1f} GiB RAM, {platform.platform()}, "
            f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f} before the run")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--lines", type=int, default=100_000)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--keep", type=Path, help="folder for the generated workbooks (reused when present)")
    p.add_argument("--root", type=Path, default=ROOT, help="checkout whose compiler is measured")
    p.add_argument("--only", help="measure only the workbooks whose label contains this")
    args = p.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="gongkai-reading-"))
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        f"{args.lines:,} 支出明细 lines": (folder / f"lines-{args.lines}.xlsx",
                                        lambda p: write_many(p, args.lines)),
        "one value at K1048576": (folder / "far-cell.xlsx", write_far_cell),
        "zip with a 190 MiB sheet": (folder / "big-entry.xlsx", write_big_entry),
    }
    print(machine(), f"— code: {args.root}")
    print("| workbook | size | `gongkai check` wall s (runs) | CPU s | peak RSS MiB | exit |")
    print("|---|---|---|---|---|---|")
    for label, (path, make) in files.items():
        if args.only and args.only not in label:
            continue
        if not path.exists():
            print(f"writing {path} …", file=sys.stderr)
            make(path)
        results = [measure([*GONGKAI, "check", path, "--format", "json"], cwd=args.root)
                   for _ in range(args.runs)]
        wall = statistics.median(r["wall"] for r in results)
        rss = statistics.median(r["rss"] for r in results)
        cpu = statistics.median(r["cpu"] for r in results)
        size = path.stat().st_size
        shown = f"{size / 1024 / 1024:.1f} MiB" if size > 1024 * 1024 else f"{size // 1024} KiB"
        walls = ", ".join(f"{r['wall']:.2f}" for r in results)
        print(f"| {label} | {shown} | {wall:.2f} ({walls}) | {cpu:.2f} | {rss:.0f} | {results[0]['status']} |",
              flush=True)


if __name__ == "__main__":
    main()
