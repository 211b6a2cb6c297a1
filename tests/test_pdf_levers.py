"""Issue 16: the PDF build's levers keep the same bytes. The lean user-agent stylesheet
(compiler/render/uasheet.py) is active with the installed WeasyPrint, drops only the universal
pseudo-element rules, keeps list markers, and gives way to WeasyPrint's own sheet whenever the
document may need what it drops."""
from __future__ import annotations

import re
import subprocess

import pytest

from compiler.render import pdf as pdfmod
from compiler.render import uasheet
from conftest import example_views

weasyprint = pytest.importorskip("weasyprint")
from weasyprint.html import UA, UA_STYLESHEET  # noqa: E402


def _rule(css: str, selector: str) -> str | None:
    m = re.search(rf"^{re.escape(selector)}\s*\{{([^{{}}]*)\}}", css, re.M)
    return m.group(1).strip() if m else None


def test_lean_sheet_is_active_with_the_installed_weasyprint():
    """Fails when a WeasyPrint upgrade changes what the lever relies on (production then
    prints with the full sheet: correct, but the gain is lost)."""
    sheets = uasheet.lean_stylesheet()
    assert sheets is not None
    full, lean = sheets
    assert full is UA_STYLESHEET
    cls = uasheet.html_class("<p>x</p>", ())
    assert cls is not weasyprint.HTML and issubclass(cls, weasyprint.HTML)
    assert cls(string="<p>x</p>")._ua_stylesheets() == [lean]
    assert cls(string="<p>x</p>")._ua_stylesheets(forms=True)[0] is lean


def test_lean_sheet_drops_only_the_universal_pseudo_element_rules():
    lean = uasheet.lean_css_text(UA)
    for selector in uasheet.DROPPED:
        assert _rule(UA, selector) is not None, selector      # WeasyPrint has them …
        assert _rule(lean, selector) is None, selector        # … the lean sheet does not
    # what the trimmed sheet must keep: list items' markers, with WeasyPrint's declarations
    assert _rule(lean, "li::marker") == _rule(UA, "::marker") == \
        "font-variant-numeric: tabular-nums; white-space: pre; text-transform: none"
    assert _rule(lean, "li") == "display: list-item"
    assert _rule(lean, "ol") == "list-style-type: decimal"
    # every other line is WeasyPrint's, in the same order
    dropped = {ln for ln in UA.splitlines() if ln.startswith(uasheet.DROPPED)}
    assert len(dropped) == 6
    assert [ln for ln in UA.splitlines() if ln.strip() and ln not in dropped] == \
        [ln for ln in lean.splitlines() if ln.strip() and not ln.startswith("li::marker")]


@pytest.mark.parametrize("change", [
    lambda ua: ua.replace("::note-callback", "::note-back"),            # a rule renamed
    lambda ua: ua + "\n::marker { color: red }\n",                       # a rule twice
    lambda ua: ua + "\nsummary { display: list-item }\n",                # another list item
])
def test_unexpected_ua_text_keeps_the_full_sheet(change):
    assert uasheet.lean_css_text(UA) is not None
    assert uasheet.lean_css_text(change(UA)) is None


def test_broken_hook_keeps_the_full_sheet(monkeypatch):
    uasheet.lean_stylesheet.cache_clear()
    monkeypatch.delattr(weasyprint.HTML, "_ua_stylesheets")
    try:
        assert uasheet.lean_stylesheet() is None
        assert uasheet.html_class("<p>x</p>", ()) is weasyprint.HTML
    finally:
        monkeypatch.undo()
        uasheet.lean_stylesheet.cache_clear()


@pytest.mark.parametrize("css", ["aside { float: footnote }", "aside { position: note(side) }",
                                 "p.item { display: list-item }", "P { DISPLAY: LIST-ITEM }"])
def test_documents_that_need_the_dropped_rules_get_the_full_sheet(css, tmp_path):
    inline = f"<style>{css}</style><p>正文</p>"
    assert uasheet.html_class(inline, ()) is weasyprint.HTML
    (tmp_path / "extra.css").write_text(css)                 # a stylesheet a template links
    assert uasheet.html_class("<p>正文</p>", (tmp_path,)) is weasyprint.HTML
    assert uasheet.html_class("<p>正文</p>", ()) is not weasyprint.HTML


def _pdf_text(data: bytes, tmp_path) -> str:
    f = tmp_path / "x.pdf"
    f.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(f), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_ordered_list_markers_and_footnotes_still_render(tmp_path):
    lists = ('<html><body><ol><li>甲项</li><li>乙项</li><li>丙项</li></ol>'
             '<ul><li>丁项</li></ul></body></html>')
    cls = uasheet.html_class(lists, ())
    assert cls is not weasyprint.HTML
    lean_pdf = cls(string=lists).write_pdf()
    text = _pdf_text(lean_pdf, tmp_path)
    assert re.search(r"1\.\s*甲项", text) and re.search(r"3\.\s*丙项", text), text
    assert re.search(r"•\s*丁项", text), text
    assert lean_pdf == weasyprint.HTML(string=lists).write_pdf()
    notes = ('<html><head><style>.fn { float: footnote }</style></head><body>'
             '<p>正文<span class="fn">脚注内容</span>继续</p></body></html>')
    cls = uasheet.html_class(notes, ())
    assert cls is weasyprint.HTML
    text = _pdf_text(cls(string=notes).write_pdf(), tmp_path)
    assert re.search(r"1\.\s*脚注内容", text), text


def test_example_pdf_bytes_unchanged_by_the_levers(monkeypatch):
    """Built with both levers (lean UA sheet, coverage from fontconfig) and without them
    (WeasyPrint's own sheet, cmaps decoded with fontTools): the same bytes."""
    from compiler.config import load_config
    from compiler.render import fonts
    from compiler.render.build import meta_date
    from compiler.render.html import render_html
    budget, _, views = example_views()
    config = load_config()
    html = render_html(views, config, meta_date(budget))
    assert uasheet.html_class(html, config.template_dirs) is not weasyprint.HTML
    with_levers = pdfmod.render_pdf(html, views, config, meta_date(budget))
    monkeypatch.setattr(uasheet, "lean_stylesheet", lambda: None)
    assert uasheet.html_class(html, config.template_dirs) is weasyprint.HTML
    faces = fonts._faces
    monkeypatch.setattr(fonts, "_faces", lambda family: tuple((p, i, None) for p, i, _ in faces(family)))
    fonts.coverage.cache_clear()
    try:
        without = pdfmod.render_pdf(html, views, config, meta_date(budget))
    finally:
        fonts.coverage.cache_clear()
    assert with_levers == without


# ---------------------------------------------------------------- glyph coverage from fontconfig

def _installed_faces():
    from compiler.render import fonts
    faces = [f for fam in fonts.SERIF + fonts.SANS for f in fonts._faces(fam)]
    if not faces:
        pytest.skip("no CJK font installed")
    return fonts, faces


def test_fontconfig_charsets_equal_the_fonts_own_cmaps():
    """The charset fontconfig caches for each face is exactly the face's cmap (fontTools)."""
    fonts, faces = _installed_faces()
    assert all(charset is not None for _, _, charset in faces)
    for path, index, charset in faces[:2]:  # one design's regular and bold: ~1 s each to decode
        assert charset == fonts._cmap(path, index), (path, index)
    assert ord("预") in fonts.coverage() and 0x17000 not in fonts.coverage()


def test_fontTools_decodes_a_face_fontconfig_gives_no_charset_for(monkeypatch):
    fonts, faces = _installed_faces()
    path, index, charset = faces[0]
    fonts.coverage.cache_clear()
    monkeypatch.setattr(fonts, "_faces", lambda family: ((path, index, None),))
    try:
        assert fonts.coverage() == charset
        assert fonts.missing_glyphs("预算\U00017000") == ["\U00017000"]
    finally:
        monkeypatch.undo()
        fonts.coverage.cache_clear()


def test_charset_notation():
    from compiler.render.fonts import _parse_charset
    assert _parse_charset("20-22 4e00 ff01-ff02") == {0x20, 0x21, 0x22, 0x4E00, 0xFF01, 0xFF02}
    assert _parse_charset("") is None and _parse_charset("zz-") is None
