"""Long texts (issue 14, bounded work): `gongkai check` of the example with three free-text
cells (部门职责!B2, 项目!M4 and, cut to 2,000 characters, 绩效指标!D12) filled with 32,000
characters of one shape each — the shapes that made a text check quadratic before (random CJK
without a repeat, a digit run, a figure with its unit repeated without punctuation, …).
A script, not a test: prints a Markdown row per shape.

    .venv/bin/python benchmarks/long_texts.py [--root DIR]   # DIR: another checkout to compare
"""
from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "inputs" / "zhengzhou-commerce-2020.xlsx"
N = 32000


def shapes() -> dict[str, str]:
    rng = random.Random(1)
    return {
        "random CJK, no repeat": "".join(chr(0x4e00 + rng.randrange(20000)) for _ in range(N)),
        "a digit run": "1" * N,
        "1个 repeated, no punctuation": "1个" * (N // 2),
        "100%、 repeated": "100%、" * (N // 5),
        "达到1.5亿元， repeated": "达到1.5亿元，" * (N // 8),
        "预算资金达到100万元 repeated": "预算资金达到100万元" * (N // 11),
        "（2019年 repeated": "（2019年" * (N // 6),
    }


def write(text: str, path: Path) -> None:
    import openpyxl
    wb = openpyxl.load_workbook(EXAMPLE)
    wb["部门职责"]["B2"] = text
    wb["项目"]["M4"] = text
    wb["绩效指标"]["D12"] = text[:2000]
    wb.save(path)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--root", type=Path, default=ROOT, help="the checkout whose gongkai is timed")
    p.add_argument("--timeout", type=float, default=300)
    args = p.parse_args()
    print("| shape (32,000 characters in two cells, 2,000 in a third) | `gongkai check` wall s | exit |")
    print("|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="gongkai-long-") as tmp:
        for name, text in shapes().items():
            path = Path(tmp) / "long.xlsx"
            write(text, path)
            start = time.perf_counter()
            try:
                r = subprocess.run([sys.executable, "-m", "compiler", "check", str(path), "--format", "json"],
                                   cwd=args.root, capture_output=True, timeout=args.timeout)
                status = str(r.returncode)
            except subprocess.TimeoutExpired:
                status = f"stopped after {args.timeout:.0f} s"
            print(f"| {name} | {time.perf_counter() - start:.2f} | {status} |", flush=True)


if __name__ == "__main__":
    main()
