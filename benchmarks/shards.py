"""A finance bureau's year (issue 15): a corpus of generated department workbooks built by
`gongkai build DIR` on 1 and 2 workers and as 4 shards run one after another (`--shard K/4`,
as 4 CI runners would, here on one machine), then joined by `gongkai site`.

    nice .venv/bin/python benchmarks/shards.py                      # 200 workbooks HTML, 8 PDF
    nice .venv/bin/python benchmarks/shards.py -n 200 --pdf-n 200   # the full PDF run (long)

The corpus: the example's source (inputs/src) written by the same writer as `gongkai new`, and
copied once per department with its own 部门名称 (…（第k部门）), so every workbook checks with 0
errors and `site` sees distinct departments. Every step runs as a user runs it — `python -m compiler …` in
its own process, imports included — and is timed on the wall clock; the shards' time is their
sum (one machine) and their largest (N runners in parallel). Prints Markdown rows for
docs/performance.md and the load average before and after: the machine is shared, so compare
runs only at a similar load.
"""
from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "inputs"))


MARK = "（第000部门）"


def corpus(folder: Path, n: int) -> list[Path]:
    """n department workbooks dept-000.xlsx … (reused when already there): the example's source
    written once with 部门名称 “…（第000部门）”, then copied with the number changed inside the
    zip (the same length in bytes), which is much faster than writing each anew."""
    import zipfile

    from build_example import read_source

    from compiler.workbook.new import build_workbook, save_atomic
    folder.mkdir(parents=True, exist_ok=True)
    base = folder / ".base.xlsx"
    if not base.exists():
        src = read_source()
        year = int(dict(src["基本信息"])["预算年度"])
        data = dict(src)
        data["基本信息"] = [(key, f"{value}{MARK}" if key == "部门名称" else value)
                          for key, value in src["基本信息"]]
        save_atomic(build_workbook(year=year, data=data), base)
    out = []
    with zipfile.ZipFile(base) as zin:
        members = [(info, zin.read(info)) for info in zin.infolist()]
    mark = MARK.encode("utf-8")
    assert any(mark in data for _, data in members)
    for k in range(n):
        path = folder / f"dept-{k:03d}.xlsx"
        if not path.exists():
            new = f"（第{k + 1:03d}部门）".encode("utf-8")
            tmp = path.with_suffix(".tmp")
            with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
                for info, data in members:
                    zout.writestr(info, data.replace(mark, new))
            tmp.rename(path)
        out.append(path)
    return out


def gongkai(*args) -> float:
    """Wall seconds of one `gongkai` command; exits on failure."""
    start = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "compiler", *map(str, args)], cwd=ROOT,
                       capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if r.returncode != 0:
        raise SystemExit(f"gongkai {' '.join(map(str, args))} failed ({r.returncode}):\n"
                         f"{r.stdout[-2000:]}\n{r.stderr[-2000:]}")
    return seconds


def run(src: Path, n: int, formats: str, work: Path, shards: int) -> list[str]:
    rows = []

    def row(what: str, seconds: float, note: str = "") -> None:
        rows.append(f"| {formats} | {n} | {what} | {seconds:.1f} | {60 * n / seconds:.0f} | {note} |")
        print(rows[-1], flush=True)

    for jobs in (1, 2):
        row(f"`build --jobs {jobs}`", gongkai("build", src, "-o", work / f"j{jobs}", "--format", formats,
                                              "--jobs", jobs))
    parts = []
    times = []
    for k in range(1, shards + 1):
        out = work / f"shard{k}"
        times.append(gongkai("build", src, "--shard", f"{k}/{shards}", "-o", out, "--format", formats,
                             "--jobs", 2))
        parts.append(out)
    each = ", ".join(f"{t:.1f}" for t in times)
    row(f"{shards} shards one after another (`--jobs 2` each)", sum(times), f"each {each} s")
    row(f"{shards} shards on {shards} runners (the slowest)", max(times))
    merge = gongkai("site", *parts, "-o", work / "site")
    rows.append(f"| {formats} | {n} | `site` of the {shards} parts (merge) | {merge:.1f} | — | "
                f"{sum(1 for _ in (work / 'site').rglob('*') if _.is_file())} files |")
    print(rows[-1], flush=True)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=200, help="workbooks for the HTML runs (default 200)")
    ap.add_argument("--pdf-n", type=int, default=8, help="workbooks for the PDF runs (default 8)")
    ap.add_argument("--shards", type=int, default=4)
    ap.add_argument("--corpus", type=Path, help="folder to keep the generated workbooks in")
    args = ap.parse_args()
    print(f"# {platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs, "
          f"{platform.machine()}; load average before {os.getloadavg()[0]:.1f}", flush=True)
    with tempfile.TemporaryDirectory(prefix="gongkai-shards-") as tmp:
        folder = args.corpus or Path(tmp) / "corpus"
        start = time.perf_counter()
        paths = corpus(folder, max(args.n, args.pdf_n))
        print(f"# corpus: {len(paths)} workbooks in {time.perf_counter() - start:.1f} s", flush=True)
        print("| formats | workbooks | run | wall s | workbooks / minute | note |")
        print("|---|---:|---|---:|---:|---|")
        for n, formats in ((args.n, "html,data"), (args.pdf_n, "html,pdf")):
            if n <= 0:
                continue
            src = Path(tmp) / f"in-{n}"
            src.mkdir()
            for p in paths[:n]:
                os.link(p, src / p.name) if p.stat().st_dev == src.stat().st_dev \
                    else src.joinpath(p.name).write_bytes(p.read_bytes())
            run(src, n, formats, Path(tmp) / f"work-{formats.replace(',', '-')}", args.shards)
    print(f"# load average after {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
