"""Where the time of one PDF build goes, phase by phase, measured with the wall clock (no
profiler overhead). WeasyPrint's HTML.render() is replayed step by step with its own
(internal, version 70) functions, so the phases add up to the real build.

    .venv/bin/python benchmarks/phases.py [WORKBOOK] [--profile OUT.prof] [--default-gc]

The WeasyPrint phases run with the GC setting render_pdf uses (compiler.render.pdf.
_fewer_gc_passes); --default-gc measures them with Python's default thresholds instead.

--profile also writes a cProfile of the WeasyPrint part (render + write_pdf) for
`python -m pstats` or snakeviz; profiled times are ~1.5× the real ones.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
EXAMPLE = ROOT / "inputs" / "zhengzhou-commerce-2020.xlsx"


def phases(workbook: Path, default_gc: bool = False) -> list[tuple[str, float]]:
    clock = time.perf_counter
    out: list[tuple[str, float]] = []

    def lap(label: str, start: float) -> float:
        now = clock()
        out.append((label, now - start))
        return now

    t = clock()
    from compiler.catalogs import load_catalog
    from compiler.config import load_config
    from compiler.derive import derive
    from compiler.pipeline import check_workbook
    from compiler.render.build import meta_date
    from compiler.render.html import render_html
    from compiler.render.pdf import (
        _fewer_gc_passes,
        _restore_gc,
        safe_fetcher,
        visible_text,
    )
    t = lap("import gongkai", t)
    checked = check_workbook(workbook)
    t = lap("read + check workbook", t)
    config = load_config(None)
    views = derive(checked.budget, load_catalog(checked.budget.info.year, None), config)
    t = lap("derive views", t)
    html = render_html(views, config, meta_date(checked.budget))
    t = lap("render HTML (Jinja2)", t)
    from compiler.render.fonts import missing_glyphs
    missing_glyphs(visible_text(html) + "第页共")
    t = lap("glyph coverage check (fontconfig charsets)", t)

    import weasyprint
    from weasyprint import DEFAULT_OPTIONS

    from compiler.render.uasheet import html_class
    HTML = html_class(html, config.template_dirs)  # as render_pdf does (lean UA sheet)
    from weasyprint.css.counters import CounterStyle
    from weasyprint.document import Document
    from weasyprint.formatting_structure.build import build_formatting_structure
    from weasyprint.html import get_html_metadata
    from weasyprint.layout import layout_document
    from weasyprint.pdf.metadata import DocumentMetadata
    from weasyprint.text.fonts import FontConfiguration
    t = lap(f"import WeasyPrint {weasyprint.__version__}", t)
    refused: list[str] = []
    gc_state = None if default_gc else _fewer_gc_passes()  # as render_pdf does
    doc = HTML(string=html, base_url=str(config.template_dirs[-1]) + "/",
               url_fetcher=safe_fetcher(config.template_dirs, refused))
    t = lap("parse HTML (tinyhtml5)", t)
    options = dict(DEFAULT_OPTIONS)
    font_config, counter_style = FontConfiguration(), CounterStyle()
    context = Document._build_layout_context(doc, font_config, counter_style, {}, options)
    t = lap("CSS: parse + cascade (computed styles)", t)
    root = build_formatting_structure(doc.etree_element, context.style_for,
                                      context.get_image_from_uri, doc.base_url,
                                      context.target_collector, counter_style, context.footnotes)
    t = lap("box tree (formatting structure)", t)
    from weasyprint.document import Page
    pages = [Page(p) for p in layout_document(doc, root, context)]
    t = lap(f"layout ({len(pages)} pages)", t)
    rendering = Document(pages, DocumentMetadata(**get_html_metadata(doc)), doc.url_fetcher,
                         font_config, {}, None)
    rendering._html = doc
    pdf = rendering.write_pdf(uncompressed_pdf=False)
    lap(f"draw + write PDF ({len(pdf) // 1024} KiB)", t)
    if gc_state is not None:
        _restore_gc(gc_state)
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("workbook", nargs="?", type=Path, default=EXAMPLE)
    p.add_argument("--profile", type=Path, help="also write a cProfile of render + write_pdf")
    p.add_argument("--default-gc", action="store_true",
                   help="Python's default GC thresholds (render_pdf freezes the heap and raises them)")
    args = p.parse_args()
    result = phases(args.workbook, args.default_gc)
    total = sum(s for _, s in result)
    for label, seconds in result:
        print(f"{seconds:7.2f} s  {100 * seconds / total:5.1f} %  {label}")
    print(f"{total:7.2f} s          total")
    if args.profile:
        profile(args.workbook, args.profile)


def profile(workbook: Path, out: Path) -> None:
    import cProfile

    from compiler.catalogs import load_catalog
    from compiler.config import load_config
    from compiler.derive import derive
    from compiler.pipeline import check_workbook
    from compiler.render.build import meta_date
    from compiler.render.html import render_html
    from compiler.render.pdf import safe_fetcher
    checked = check_workbook(workbook)
    config = load_config(None)
    views = derive(checked.budget, load_catalog(checked.budget.info.year, None), config)
    html = render_html(views, config, meta_date(checked.budget))
    from compiler.render.uasheet import html_class
    HTML = html_class(html, config.template_dirs)
    prof = cProfile.Profile()
    prof.enable()
    HTML(string=html, base_url=str(config.template_dirs[-1]) + "/",
         url_fetcher=safe_fetcher(config.template_dirs, [])).render().write_pdf()
    prof.disable()
    prof.dump_stats(out)
    print(f"profile written to {out}")


if __name__ == "__main__":
    main()
