"""A leaner user-agent stylesheet for WeasyPrint: the same sheet without the rules that give
every element six pseudo-elements it never uses.

WeasyPrint's html5_ua.css has universal rules for `::marker`, `::footnote-call`,
`::footnote-marker`, `::note-call`, `::note-marker` and `::note-callback`, so the cascade
computes a style for each of them on every element: 36,000 of the example's 38,800 style
computations. Only list items draw a marker (`li` is the only element the sheet makes a
list item), and the footnote and note pseudo-elements only exist on elements with
`float: footnote` or `position: note()`. So, when the document's own CSS uses neither
footnotes, notes nor `display: list-item`, the universal rules are dropped and `::marker`
becomes `li::marker`: same boxes, same PDF bytes, 8–10 % less CPU (docs/performance.md).

The lean sheet is derived at run time from WeasyPrint's own css text, never copied. When that
text or the hook (`HTML._ua_stylesheets`) is not what this module expects, the full sheet is
used: slower, never wrong. tests/test_pdf_levers.py fails when that happens, so an upgrade
that silently loses the gain is noticed.
"""
from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path

from ..confined import is_inside

# The universal pseudo-element rules the lean sheet drops (`::marker` is kept for `li`).
DROPPED = ("::marker", "::footnote-call", "::footnote-marker", "::note-call", "::note-marker",
           "::note-callback")
KEPT_MARKER = "li::marker"

# Author CSS that needs the dropped rules: footnotes, notes, or a list item other than <li>.
NEEDS_FULL_SHEET = re.compile(rb"footnote|note\(|list-item", re.I)
SCAN_LIMIT = 8 * 1024 * 1024  # template folders larger than this are not scanned: full sheet

log = logging.getLogger(__name__)


def _rule(selector: str) -> re.Pattern[str]:
    """A top-level rule with exactly this selector, at the start of a line, up to its `}`."""
    return re.compile(rf"^{re.escape(selector)}\s*\{{[^{{}}]*\}}", re.M)


def lean_css_text(ua: str) -> str | None:
    """WeasyPrint's UA css without the universal pseudo-element rules and with `li::marker`
    instead of `::marker`; None when the text is not shaped as expected (each rule exactly
    once, and `li` the only element the sheet makes a list item)."""
    list_items = [sel.strip() for sel, body in re.findall(r"([^{}]*)\{([^{}]*)\}",
                                                          re.sub(r"/\*.*?\*/", "", ua, flags=re.S))
                  if re.search(r"display:\s*list-item", body)]
    if list_items != ["li"]:
        return None
    for selector in DROPPED:
        found = _rule(selector).findall(ua)
        if len(found) != 1:
            return None
        replacement = found[0].replace(selector, KEPT_MARKER, 1) if selector == "::marker" else ""
        ua = _rule(selector).sub(lambda _: replacement, ua)
    return ua


@lru_cache(maxsize=1)
def lean_stylesheet():
    """(WeasyPrint's UA stylesheet object, the lean one), or None to keep the full sheet."""
    try:
        import tinycss2
        from weasyprint import CSS, HTML
        from weasyprint.html import UA, UA_COUNTER_STYLE, UA_STYLESHEET
        if not callable(getattr(HTML, "_ua_stylesheets", None)):
            return None
        text = lean_css_text(UA)
        if text is None:
            return None
        rules = tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True)
        preludes = [tinycss2.serialize(r.prelude).strip() for r in rules if r.type == "qualified-rule"]
        if any(p.startswith("::") for p in preludes) or KEPT_MARKER not in preludes \
                or any(r.type == "error" for r in rules):
            return None
        return UA_STYLESHEET, CSS(string=text, counter_style=UA_COUNTER_STYLE)
    except Exception:  # WeasyPrint's internals changed: print with its own sheet
        log.warning("gongkai: WeasyPrint's UA stylesheet is not as expected; using it unchanged",
                    exc_info=True)
        return None


def needs_full_sheet(html: str, folders) -> bool:
    """Whether the document's CSS may use footnotes, notes or `display: list-item`: its HTML
    (inline styles) or any file under the template folders (the only place stylesheets can be
    fetched from) mentions them, or the folders are too large to scan."""
    if NEEDS_FULL_SHEET.search(html.encode("utf-8")):
        return True
    total = 0
    for folder in folders:
        for f in sorted(Path(folder).rglob("*")):
            if not f.is_file() or not is_inside(f, folder):   # never read outside (confined.py)
                continue
            total += f.stat().st_size
            if total > SCAN_LIMIT or NEEDS_FULL_SHEET.search(f.read_bytes()):
                return True
    return False


def html_class(html: str, folders):
    """The WeasyPrint HTML class to print this document with: a subclass with the lean UA
    sheet when it is safe and available, else WeasyPrint's own."""
    from weasyprint import HTML
    sheets = lean_stylesheet()
    if sheets is None or needs_full_sheet(html, folders):
        return HTML
    full, lean = sheets
    return _lean_class(full, lean)


@lru_cache(maxsize=1)
def _lean_class(full, lean):
    from weasyprint import HTML

    class LeanHTML(HTML):
        def _ua_stylesheets(self, *args, **kwargs):
            return [lean if s is full else s for s in super()._ua_stylesheets(*args, **kwargs) or []]

    return LeanHTML
