"""What the PDF build would gain from cheaper CSS or other WeasyPrint options (issue 5).

Each variant is the default templates/standard/style.css with one change, laid over the default
templates through a --templates folder (templates/ itself is never touched), or the default
CSS with different write_pdf options. For each variant the example's HTML is printed by
WeasyPrint in fresh processes; the CPU time of HTML() + render() + write_pdf() is measured
(CPU rather than wall time: it does not depend on what else the machine is doing), and the
output is compared with the baseline: same page count? same text (pdftotext -layout)? same
pixels (pdftoppm at 50 dpi)? same bytes?

    .venv/bin/python benchmarks/experiments.py [WORKBOOK] [--runs 3] [--only NAME,...]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
EXAMPLE = ROOT / "inputs" / "zhengzhou-commerce-2020.xlsx"


def _no_vars(css: str) -> str:
    """Custom properties replaced by their values (WeasyPrint resolves var() per element)."""
    root = re.search(r":root\s*\{(.*?)\}", css, flags=re.DOTALL)
    values = dict(re.findall(r"(--[\w-]+)\s*:\s*([^;]+);", root.group(1)))
    css = css[:root.start()] + css[root.end():]
    return re.sub(r"var\((--[\w-]+)\)", lambda m: values[m.group(1)].strip(), css)


def _drop(pattern: str):
    return lambda css: re.sub(pattern, "", css)


def _sub(pattern: str, repl: str):
    return lambda css: re.sub(pattern, repl, css)


def _tables_without_whitespace(html: str) -> str:
    """Whitespace between the tags of a table removed: CSS ignores it there, but WeasyPrint
    still builds (and then drops) a text box for each run."""
    return re.sub(r"<table.*?</table>", lambda m: re.sub(r">\s+<", "><", m.group(0)), html, flags=re.DOTALL)


# name -> (description, CSS transform, HTML transform, extra write_pdf options)
VARIANTS: dict[str, tuple[str, object, object, dict]] = {
    "baseline": ("templates/standard/style.css as is", None, None, {}),
    "no-var": ("custom properties (var(--serif) …) replaced by their values", _no_vars, None, {}),
    "no-overflow-wrap": ("without `overflow-wrap: anywhere` on table cells",
                         _drop(r"\s*overflow-wrap:\s*anywhere;"), None, {}),
    "no-first-of-type": ("indent rules without :first-of-type (`tr.indent-1 td.text`)",
                         _sub(r"td\.text:first-of-type", "td.text"), None, {}),
    "flat-selectors": ("`table.budget X` descendant selectors shortened to `.budget X`",
                       _sub(r"table\.budget (?=[a-z.#\[])", ".budget "), None, {}),
    "no-tabular-nums": ("without font-variant-numeric: tabular-nums (OpenType feature)",
                        _drop(r"\s*font-variant-numeric:\s*tabular-nums;"), None, {}),
    "no-cell-backgrounds": ("no background colours in tables (visual change)",
                            _sub(r"background:\s*(var\(--light\)|#f6f8fb|#f3f3f3);", ""), None, {}),
    "separate-borders": ("border-collapse: separate; border-spacing: 0 (visual change)",
                         _sub(r"border-collapse:\s*collapse;", "border-collapse: separate; border-spacing: 0;"),
                         None, {}),
    "no-justify": ("paragraphs not justified (visual change)", _sub(r"text-align:\s*justify;", ""), None, {}),
    "tight-tables": ("HTML: no whitespace between the tags of tables", None, _tables_without_whitespace, {}),
    "full-fonts": ("write_pdf(full_fonts=True): embed whole fonts, no subsetting", None, None,
                   {"full_fonts": True}),
    "uncompressed": ("write_pdf(uncompressed_pdf=True)", None, None, {"uncompressed_pdf": True}),
    "fewer-gc-passes": ("Python GC: gc.freeze() + gen-0 threshold 10,000 (what render_pdf does)", None, None,
                        {"_gc": True}),
}

WORKER = r"""
import json, sys, time
t0 = time.process_time()
from weasyprint import HTML
t1 = time.process_time()
html, base, out, options = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
if options.pop("_gc", False):
    import gc
    gc.collect(); gc.freeze(); gc.set_threshold(10_000, 10, 10)
doc = HTML(filename=html, base_url=base)
t2 = time.process_time()
rendered = doc.render()
t3 = time.process_time()
pdf = rendered.write_pdf(uncompressed_pdf=options.pop("uncompressed_pdf", False), **options)
t4 = time.process_time()
open(out, "wb").write(pdf)
print(json.dumps({"import": t1 - t0, "parse": t2 - t1, "render": t3 - t2, "write": t4 - t3,
                  "total": t4 - t1, "pages": len(rendered.pages)}))
"""


def html_for(workbook: Path, css_transform, html_transform, tmp: Path, name: str) -> Path:
    from compiler.catalogs import load_catalog
    from compiler.config import load_config
    from compiler.derive import derive
    from compiler.pipeline import check_workbook
    from compiler.render.build import meta_date
    from compiler.render.html import render_html
    override = None
    if css_transform is not None:
        override = tmp / f"templates-{name}"
        override.mkdir()
        css = (ROOT / "templates" / "standard" / "style.css").read_text(encoding="utf-8")
        changed = css_transform(css)
        if changed == css:
            raise SystemExit(f"variant {name}: the transform changed nothing (style.css changed?)")
        (override / "style.css").write_text(changed, encoding="utf-8")
    checked = check_workbook(workbook, None, override)
    config = load_config(override)
    views = derive(checked.budget, load_catalog(checked.budget.info.year, None), config)
    path = tmp / f"{name}.html"
    html = render_html(views, config, meta_date(checked.budget))
    if html_transform is not None:
        html = html_transform(html)
    path.write_text(html, encoding="utf-8")
    return path


def fingerprint(pdf: Path) -> dict:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          check=True).stdout
    with tempfile.TemporaryDirectory() as d:
        subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf), f"{d}/p"], check=True)
        pixels = hashlib.sha256(b"".join(p.read_bytes() for p in sorted(Path(d).glob("p-*.png")))).hexdigest()
    return {"text": hashlib.sha256(text).hexdigest(), "pixels": pixels,
            "bytes": hashlib.sha256(pdf.read_bytes()).hexdigest(), "kib": pdf.stat().st_size // 1024}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("workbook", nargs="?", type=Path, default=EXAMPLE)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--only", help="comma-separated variant names (baseline is always run)")
    p.add_argument("--json", type=Path)
    args = p.parse_args()
    names = list(VARIANTS)
    if args.only:
        names = ["baseline"] + [n for n in args.only.split(",") if n != "baseline"]
    rows = []
    with tempfile.TemporaryDirectory(prefix="gongkai-exp-") as d:
        tmp = Path(d)
        base_html = html_for(args.workbook, None, None, tmp, "baseline")
        htmls = {}
        for name in names:
            _, css_t, html_t, _ = VARIANTS[name]
            htmls[name] = base_html if css_t is html_t is None else html_for(args.workbook, css_t, html_t, tmp, name)
        # rounds of all variants, so that a change in the machine's load hits every variant alike
        runs: dict[str, list[dict]] = {name: [] for name in names}
        for i in range(args.runs):
            for name in names:
                out = tmp / f"{name}-{i}.pdf"
                r = subprocess.run([sys.executable, "-c", WORKER, str(htmls[name]), str(ROOT / "templates" / "standard") + "/",
                                    str(out), json.dumps(VARIANTS[name][3])], capture_output=True, text=True,
                                   check=True)
                runs[name].append(json.loads(r.stdout.strip().splitlines()[-1]))
            print(f"round {i + 1}/{args.runs} done", file=sys.stderr)
        base = None
        for name in names:
            desc = VARIANTS[name][0]
            fp = fingerprint(tmp / f"{name}-0.pdf")
            stable = len({(tmp / f"{name}-{i}.pdf").read_bytes() for i in range(args.runs)}) == 1
            med = {k: statistics.median(r[k] for r in runs[name]) for k in ("parse", "render", "write", "total")}
            row = {"name": name, "desc": desc, **med, "pages": runs[name][0]["pages"], **fp,
                   "deterministic": stable, "totals": [round(r["total"], 2) for r in runs[name]]}
            if base is None:
                base = row
            row["gain"] = 1 - row["total"] / base["total"]
            row["same_text"] = row["text"] == base["text"] and row["pages"] == base["pages"]
            row["same_pixels"] = row["pixels"] == base["pixels"]
            row["same_bytes"] = row["bytes"] == base["bytes"]
            rows.append(row)
    print("| variant | CPU s: parse / render / write = total (median) | all runs | vs baseline | pages | "
          "same text | same pixels | KiB | deterministic |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        yes = lambda b: "yes" if b else "**no**"
        totals = ", ".join(f"{t:.2f}" for t in r["totals"])
        print(f"| {r['name']}: {r['desc']} | {r['parse']:.2f} / {r['render']:.2f} / {r['write']:.2f} = "
              f"{r['total']:.2f} | {totals} | {-100 * r['gain']:+.1f} % | {r['pages']} | {yes(r['same_text'])} | "
              f"{yes(r['same_pixels'])} | {r['kib']} | {yes(r['deterministic'])} |")
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
