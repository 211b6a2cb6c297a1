"""Benchmark of gongkai (issue 5): wall time and peak memory of `gongkai check`, the HTML build
and the PDF build, for the bundled example and a synthetic workbook N× its size, next to
headless Chromium printing the same HTML. A script, not a test: numbers depend on the machine.

    .venv/bin/python benchmarks/run.py [--runs 3] [--times 10] [--json results.json]

Every measured step runs in its own process (what a user waits for, imports included); the
median of --runs runs is reported. Memory is the peak RSS of the measured process from
wait4() (for Chromium, the largest of its processes; the sampled peak of the sum over its
process tree is reported as well). CPU is user+sys of the process tree: on a busy machine it
shows the work done better than wall time, which also counts waiting for a CPU.
"""
from __future__ import annotations

import argparse
import ctypes
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
EXAMPLE = ROOT / "inputs" / "zhengzhou-commerce-2020.xlsx"
GONGKAI = [sys.executable, "-m", "compiler"]
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run",
                  "--no-pdf-header-footer"]


def chromium_print(chromium: str, html: Path, target: Path, profile: Path) -> list[str]:
    """Chromium printing *html* to *target* as the issue prescribes, with its own profile."""
    return [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={target}",
            html.resolve().as_uri()]


# ---------------------------------------------------------------- measuring one process

TICK = os.sysconf("SC_CLK_TCK")


def _tree(pid: int) -> list[int]:
    """pid and all its descendants (Linux /proc)."""
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError, ValueError):
            continue
    return found


def _pss_kib(pid: int) -> int:
    """Proportional set size: shared pages split between the processes sharing them, so the
    sum over a process tree (Chromium: browser, zygote, renderer, …) counts them once."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError, ValueError):
        pass
    return 0


def _cpu_s(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime
    except (FileNotFoundError, ProcessLookupError, PermissionError, ValueError, IndexError):
        return 0.0


def measure(cmd: list[str], cwd: Path = ROOT) -> dict:
    """Run cmd once: wall seconds; CPU seconds of the whole process tree; peak RSS (MiB) of
    the largest process (wait4) and the sampled peak PSS of the whole tree (MiB); exit status."""
    peak_pss = [0]
    cpu_seen: dict[int, float] = {}
    done = threading.Event()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def sample():
        while not done.is_set():
            pids = _tree(proc.pid)
            peak_pss[0] = max(peak_pss[0], sum(_pss_kib(p) for p in pids))
            for p in pids:
                cpu_seen[p] = max(cpu_seen.get(p, 0.0), _cpu_s(p))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    # Two lower bounds of the tree's CPU time, the larger is reported: wait4 (the process and
    # the descendants it reaped) and the sum of per-process samples (all descendants, minus
    # at most the last sampling interval of each).
    cpu = max(usage.ru_utime + usage.ru_stime, sum(cpu_seen.values()))
    return {"wall": wall, "cpu": cpu, "rss": usage.ru_maxrss / 1024,
            "tree_pss": max(peak_pss[0] / 1024, usage.ru_maxrss / 1024),
            "status": proc.returncode, "stderr": err[-2000:]}


def median_of(cmd: list[str], runs: int, ok=(0,), before=None) -> dict:
    results = []
    for _ in range(runs):
        if before:
            before()
        r = measure(cmd)
        if r["status"] not in ok:
            raise SystemExit(f"failed ({r['status']}): {' '.join(map(str, cmd))}\n{r['stderr']}")
        results.append(r)
    return {k: statistics.median(r[k] for r in results) for k in ("wall", "cpu", "rss", "tree_pss")} | {
        "walls": [round(r["wall"], 2) for r in results]}


# ---------------------------------------------------------------- the machine

def _pango_version() -> str:
    try:
        lib = ctypes.CDLL("libpango-1.0.so.0")
        lib.pango_version_string.restype = ctypes.c_char_p
        return lib.pango_version_string().decode()
    except OSError:
        return "?"


def machine(chromium: str | None) -> dict:
    cpu = "?"
    with open("/proc/cpuinfo") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as fh:
        ram = int(fh.readline().split()[1]) / 1024 / 1024
    import weasyprint
    chromium_version = "not installed"
    if chromium:
        chromium_version = subprocess.run([chromium, "--version"], capture_output=True, text=True,
                                          check=False).stdout.strip()
    return {"nproc": len(os.sched_getaffinity(0)), "cpu": cpu, "ram_gib": round(ram, 1),
            "python": platform.python_version(), "weasyprint": weasyprint.__version__,
            "pango": _pango_version(), "chromium": chromium_version,
            "os": platform.platform(), "load_before": os.getloadavg()}


# ---------------------------------------------------------------- the benchmark

def accepts_several_files() -> bool:
    from compiler.cli import build_parser
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    build = sub.choices["build"]
    return any(a.dest == "file" and a.nargs in ("*", "+") for a in build._actions)


def bench_workbook(label: str, workbook: Path, tmp: Path, runs: int, chromium: str | None) -> dict:
    out = tmp / label
    res: dict = {"workbook": str(workbook), "size_kib": workbook.stat().st_size // 1024}
    print(f"[{label}] check …", file=sys.stderr)
    res["check"] = median_of([*GONGKAI, "check", workbook], runs)
    print(f"[{label}] html …", file=sys.stderr)
    res["html"] = median_of([*GONGKAI, "build", workbook, "--format", "html", "-o", out], runs)
    print(f"[{label}] pdf …", file=sys.stderr)
    res["pdf"] = median_of([*GONGKAI, "build", workbook, "--format", "pdf", "-o", out], runs)
    html = out / f"{workbook.stem}.html"
    pdf = out / f"{workbook.stem}.pdf"
    from pypdf import PdfReader
    res["pdf_pages"] = len(PdfReader(pdf).pages)
    res["pdf_kib"] = pdf.stat().st_size // 1024
    res["html_kib"] = html.stat().st_size // 1024
    if chromium:
        print(f"[{label}] chromium …", file=sys.stderr)
        profile = tmp / "chromium-profile"
        target = out / f"{workbook.stem}.chromium.pdf"

        def fresh_profile():
            shutil.rmtree(profile, ignore_errors=True)

        res["chromium"] = median_of(chromium_print(chromium, html, target, profile), runs,
                                    before=fresh_profile)
        res["chromium_pages"] = len(PdfReader(target).pages)
        res["chromium_kib"] = target.stat().st_size // 1024
        for t in ("wall", "cpu"):
            res[f"ratio_build_{t}"] = res["pdf"][t] / res["chromium"][t]
            # the PDF step alone: the PDF build minus what the HTML build already does
            res[f"ratio_print_{t}"] = (res["pdf"][t] - res["html"][t]) / res["chromium"][t]
    return res


def bench_batch(tmp: Path, copies: int, runs: int) -> list[dict]:
    """`gongkai build A B … --format pdf --jobs J` on copies of the example, J = 1 and nproc."""
    src = tmp / "batch-in"
    src.mkdir()
    files = []
    for i in range(copies):
        f = src / f"dept-{i:02d}.xlsx"
        shutil.copyfile(EXAMPLE, f)
        files.append(f)
    rows = []
    for jobs in sorted({1, len(os.sched_getaffinity(0))}):
        print(f"[batch] {copies} workbooks, --jobs {jobs} …", file=sys.stderr)
        r = median_of([*GONGKAI, "build", *files, "--format", "pdf", "-o", tmp / f"batch-{jobs}",
                       "--jobs", str(jobs)], runs)
        rows.append(r | {"jobs": jobs, "files": copies, "per_minute": 60 * copies / r["wall"]})
    return rows


def bench_corpus(tmp: Path, runs: int) -> list[dict]:
    """`gongkai build DIR --format pdf --jobs J` on the department corpus (benchmarks/corpus.py:
    one unit to forty, 0 to 100 projects, 10-digit amounts, …), J = 1 and nproc."""
    from corpus import CORPUS, write_department
    src = tmp / "corpus-in"
    src.mkdir()
    for s in CORPUS:
        write_department(s, src / f"{s.name}.xlsx")
    rows = []
    for jobs in sorted({1, len(os.sched_getaffinity(0))}):
        print(f"[corpus] {len(CORPUS)} departments, --jobs {jobs} …", file=sys.stderr)
        r = median_of([*GONGKAI, "build", src, "--format", "pdf", "-o", tmp / f"corpus-{jobs}",
                       "--jobs", str(jobs)], runs)
        rows.append(r | {"jobs": jobs, "files": len(CORPUS), "per_minute": 60 * len(CORPUS) / r["wall"],
                         "what": "the department corpus"})
    return rows


def markdown(results: dict) -> str:
    m = results["machine"]
    lines = [
        f"Machine: {m['nproc']} CPU ({m['cpu']}), {m['ram_gib']} GiB RAM; {m['os']}; Python {m['python']}, "
        f"WeasyPrint {m['weasyprint']}, Pango {m['pango']}, {m['chromium']}. "
        f"Load average before the run: {', '.join(f'{x:.2f}' for x in m['load_before'])}. "
        f"Median of {results['runs']} runs.",
        "",
        "| workbook | step | wall s (runs) | CPU s | peak RSS MiB |",
        "|---|---|---|---|---|",
    ]
    for label, r in results["workbooks"].items():
        name = f"{label} ({r['size_kib']} KiB xlsx, {r['pdf_pages']} pages)"
        for step, title in (("check", "gongkai check"), ("html", "build --format html"),
                            ("pdf", "build --format pdf"), ("chromium", "Chromium print of the HTML")):
            if step not in r:
                continue
            s = r[step]
            rss = f"{s['rss']:.0f}"
            if step == "chromium":
                rss += f" (all processes, PSS: {s['tree_pss']:.0f})"
            walls = ", ".join(f"{w:.2f}" for w in s["walls"])
            lines.append(f"| {name} | {title} | {s['wall']:.2f} ({walls}) | {s['cpu']:.2f} | {rss} |")
            name = ""
        if "ratio_build_wall" in r:
            lines.append(f"| | **WeasyPrint / Chromium**, whole PDF build | {r['ratio_build_wall']:.2f}× "
                         f"| {r['ratio_build_cpu']:.2f}× | |")
            lines.append(f"| | **WeasyPrint / Chromium**, PDF step alone (pdf − html build) "
                         f"| {r['ratio_print_wall']:.2f}× | {r['ratio_print_cpu']:.2f}× | |")
    if results.get("batch") is None:
        lines += ["", "Batch throughput: not measured (`gongkai build` takes one workbook per run, or --batch 0)."]
    else:
        lines += ["", "| batch: copies of the example, `build … --format pdf` | wall s (runs) | CPU s | "
                  "workbooks / minute | peak memory MiB (all processes, PSS) |", "|---|---|---|---|---|"]
        for r in results["batch"] + results.get("corpus", []):
            walls = ", ".join(f"{w:.2f}" for w in r["walls"])
            lines.append(f"| {r['files']} workbooks{' (' + r['what'] + ')' if 'what' in r else ''}, "
                         f"--jobs {r['jobs']} | {r['wall']:.2f} ({walls}) | "
                         f"{r['cpu']:.2f} | {r['per_minute']:.1f} | {r['tree_pss']:.0f} |")
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--times", type=int, default=10, help="size of the synthetic workbook (× example)")
    p.add_argument("--json", type=Path, help="also write the raw results here")
    p.add_argument("--no-synthetic", action="store_true")
    p.add_argument("--batch", type=int, default=4, metavar="N",
                   help="batch throughput on N copies of the example (0: skip)")
    p.add_argument("--corpus", action="store_true", help="also batch-build the department corpus")
    p.add_argument("--no-example", action="store_true", help="skip the example and the synthetic workbook")
    p.add_argument("--chromium", default=shutil.which("chromium") or shutil.which("chromium-browser"))
    args = p.parse_args()

    from synthetic import write_synthetic  # benchmarks/synthetic.py

    results: dict = {"runs": args.runs, "machine": machine(args.chromium), "workbooks": {}}
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-") as tmpdir:
        tmp = Path(tmpdir)
        books = {} if args.no_example else {"example": EXAMPLE}
        if not args.no_synthetic and not args.no_example:
            books[f"synthetic {args.times}×"] = write_synthetic(tmp / f"synthetic-{args.times}x.xlsx", args.times)
            check = measure([*GONGKAI, "check", books[f"synthetic {args.times}×"]])
            if check["status"] != 0:
                raise SystemExit(f"synthetic workbook does not check clean:\n{check['stderr']}")
        for i, (label, book) in enumerate(books.items()):
            results["workbooks"][label] = bench_workbook(f"book{i}", book, tmp, args.runs, args.chromium)
        results["batch"] = None
        if accepts_several_files() and args.batch:
            results["batch"] = bench_batch(tmp, args.batch, args.runs)
        if args.corpus:
            results["batch"] = results["batch"] or []
            results["corpus"] = bench_corpus(tmp, args.runs)
    text = markdown(results)
    print(text)
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
