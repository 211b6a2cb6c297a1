"""Issue 16's two levers measured A/B: the example's PDF build with both levers (lean UA
stylesheet, glyph coverage from fontconfig's charsets), with one of them, and with neither
(WeasyPrint's own sheet, cmaps decoded with fontTools), in fresh processes, rounds interleaved.
A script, not a test; tests/test_pdf_levers.py checks the bytes are the same.

    .venv/bin/python benchmarks/levers.py [--rounds 5]
"""
from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import EXAMPLE, measure  # noqa: E402

VARIANTS = ("both", "no-ua", "no-fc", "neither")


def one(variant: str, out: Path) -> None:
    """Build the example's PDF (what `gongkai build --format pdf` does) with *variant*."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from compiler.render import fonts, uasheet
    if variant in ("no-ua", "neither"):
        uasheet.lean_stylesheet = lambda: None
    if variant in ("no-fc", "neither"):
        faces = fonts._faces
        fonts._faces = lambda family: tuple((p, i, None) for p, i, _ in faces(family))
    from compiler.cli import main
    code = main(["build", str(EXAMPLE), "--format", "pdf", "-o", str(out)])
    raise SystemExit(code)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--variants", nargs="+", choices=VARIANTS, default=list(VARIANTS),
                   help="which builds to alternate (the first 'neither' given is the base)")
    p.add_argument("--one", choices=VARIANTS)
    p.add_argument("--out", type=Path)
    args = p.parse_args()
    if args.one:
        one(args.one, args.out)
        return
    import tempfile
    print(f"load average before: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    variants = tuple(args.variants)
    cpu: dict[str, list[float]] = {v: [] for v in variants}
    digests: dict[str, set[str]] = {v: set() for v in variants}
    with tempfile.TemporaryDirectory(prefix="gongkai-levers-") as tmp:
        for r in range(args.rounds):
            order = variants if r % 2 == 0 else tuple(reversed(variants))
            for v in order:
                out = Path(tmp) / v
                m = measure([sys.executable, __file__, "--one", v, "--out", str(out)])
                if m["status"] != 0:
                    raise SystemExit(f"{v} failed:\n{m['stderr']}")
                cpu[v].append(m["cpu"])
                digests[v].add(hashlib.md5((out / f"{EXAMPLE.stem}.pdf").read_bytes()).hexdigest())
            print(f"round {r + 1}: " + ", ".join(f"{v} {cpu[v][-1]:.2f} s" for v in variants), flush=True)
    base_name = "neither" if "neither" in variants else variants[-1]
    base = statistics.median(cpu[base_name])
    for v in variants:
        med = statistics.median(cpu[v])
        print(f"{v:8s} CPU median {med:.2f} s (min {min(cpu[v]):.2f}, max {max(cpu[v]):.2f}), "
              f"{100 * (med - base) / base:+.1f} % vs {base_name}; PDF md5 {', '.join(sorted(digests[v]))}")
    print(f"load average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
