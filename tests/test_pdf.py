"""Issue 5: the PDF of the example — text, fonts, landscape pages, outline, determinism,
missing glyphs, and a fetcher that refuses everything outside the template folder."""
from __future__ import annotations

import re
import subprocess

import pytest
from pypdf import PdfReader

from compiler.render.pdf import RefusedFetch, safe_fetcher
from conftest import EXAMPLE, mutate, run_cli

SECTIONS = ["第一部分 部门基本情况", "第二部分 2020 年部门预算公开情况说明", "第三部分 名词解释",
            "第四部分 附表", "一、部门主要职责", "十、空表情况说明", "四、机关运行经费安排情况说明"]
TITLES = ["部门收支总体情况表", "部门收入总体情况表", "部门支出总体情况表", "财政拨款收支总体情况表",
          "一般公共预算支出情况表", "一般公共预算基本支出情况表", "一般公共预算“三公”经费支出情况表",
          "政府性基金预算支出情况表", "国有资本经营预算支出情况表", "政府采购预算表",
          "支出项目绩效目标表", "部门整体绩效目标申报表"]


@pytest.fixture(scope="module")
def pdf(tmp_path_factory):
    out = tmp_path_factory.mktemp("pdf")
    r = run_cli("build", EXAMPLE, "-o", out, "--format", "pdf")
    assert r.returncode == 0, r.stdout + r.stderr
    path = out / f"{EXAMPLE.stem}.pdf"
    return {"path": path, "reader": PdfReader(path),
            "text": subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                                   text=True, check=True).stdout}


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_text_holds_headings_titles_and_totals(pdf):
    text = flat(pdf["text"])
    for s in SECTIONS + TITLES:
        assert flat(s) in text, s
    for figure in ("275,565,673", "29,465,673", "246,100,000", "480,000", "516,000", "27556.57"):
        assert figure in text, figure
    assert "第1页共" in text  # footer 第 X 页 共 Y 页


def test_fonts_are_embedded_cjk(pdf):
    names = set()
    for page in pdf["reader"].pages[:20]:
        fonts = page["/Resources"].get("/Font", {})
        for f in fonts.values():
            f = f.get_object()
            desc = f["/DescendantFonts"][0].get_object() if "/DescendantFonts" in f else f
            fd = desc["/FontDescriptor"].get_object()
            assert any(k in fd for k in ("/FontFile", "/FontFile2", "/FontFile3")), f["/BaseFont"]
            names.add(str(f["/BaseFont"]))
    assert any("Serif-CJK" in n for n in names) and any("Sans-CJK" in n for n in names), names


def _page_of(reader, needle: str) -> int:
    for i, page in enumerate(reader.pages):
        if flat(needle) in flat(page.extract_text() or ""):
            return i
    raise AssertionError(needle)


def test_wide_tables_are_landscape(pdf):
    r = pdf["reader"]
    for title in ("郑州市商务局部门支出总体情况表", "郑州市商务局政府采购预算表"):
        page = r.pages[_page_of(r, title + "单位")]
        assert page.mediabox.width > page.mediabox.height, title
    page = r.pages[_page_of(r, "郑州市商务局一般公共预算基本支出情况表单位")]
    assert page.mediabox.width < page.mediabox.height
    assert r.pages[0].mediabox.width < r.pages[0].mediabox.height


def test_outline_lists_every_table(pdf):
    titles = []

    def walk(items):
        for it in items:
            walk(it) if isinstance(it, list) else titles.append(it.title)
    walk(pdf["reader"].outline)
    for n in ("1", "2", "3", "4", "5-1", "5-2", "6", "7", "8", "9", "10", "11"):
        assert any(t.startswith(f"附表{n} ") for t in titles), n
    assert sum(t.startswith("附表11-") for t in titles) == 11
    assert "第二部分 2020 年部门预算公开情况说明" in titles


def test_metadata_from_workbook_not_clock(pdf):
    meta = pdf["reader"].metadata
    assert meta.author == "郑州市商务局"
    assert "2020" in meta.title and "部门预算" in (meta.subject or "")
    assert meta["/CreationDate"].startswith("D:20200101")


def test_nothing_runs_past_the_page_edge(pdf):
    """WeasyPrint silently clips a table wider than its page: every glyph must start inside."""
    for i, page in enumerate(pdf["reader"].pages):
        width = float(page.mediabox.width)
        xs = []
        page.extract_text(visitor_text=lambda t, cm, tm, fd, fs: xs.append(cm[4] + tm[4] * cm[0]) if t.strip() else None)
        assert all(0 <= x < width - 20 for x in xs), (i + 1, max(xs), width)


def test_two_builds_are_identical(pdf, tmp_path):
    r = run_cli("build", EXAMPLE, "-o", tmp_path, "--format", "pdf")
    assert r.returncode == 0
    assert (tmp_path / pdf["path"].name).read_bytes() == pdf["path"].read_bytes()


def test_missing_glyph_fails_naming_character_and_cell(tmp_path):
    rare = "\U00017000"  # a Tangut character: no Chinese font has it
    src = mutate(EXAMPLE, tmp_path / "rare.xlsx", lambda wb: wb["部门职责"].cell(row=3, column=2, value=f"负责{rare}面推广。"))
    out = tmp_path / "out"
    r = run_cli("build", src, "-o", out, "--format", "html,pdf")
    assert r.returncode == 1, r.stdout
    assert rare in r.stderr and "U+17000" in r.stderr and "部门职责!B3" in r.stderr
    assert not out.exists() or not any(out.iterdir())
    d = run_cli("doctor", src)
    assert d.returncode == 1 and "U+17000" in d.stdout and "部门职责!B3" in d.stdout


HOSTILE = ['<img src="file:///etc/passwd">', '<link rel="stylesheet" href="http://example.invalid/x.css">',
           '<div style="background: url(http://example.invalid/x.png)">x</div>']


def test_hostile_workbook_text_is_only_text(tmp_path):
    def fn(wb):
        for i, h in enumerate(HOSTILE):
            wb["部门职责"].cell(row=2 + i, column=2, value=h)
    src = mutate(EXAMPLE, tmp_path / "hostile.xlsx", fn)
    r = run_cli("build", src, "-o", tmp_path / "out", "--format", "pdf")
    assert r.returncode == 0, r.stdout + r.stderr
    text = subprocess.run(["pdftotext", str(tmp_path / "out" / "hostile.pdf"), "-"], capture_output=True,
                          text=True).stdout
    assert "file:///etc/passwd" in text and "root:" not in text  # printed as text, never fetched


@pytest.mark.parametrize("markup", [
    '<img src="file:///etc/passwd">',
    '<link rel="stylesheet" href="http://example.invalid/x.css">',
    '<div style="background: url(http://example.invalid/x.png)">x</div>',
])
def test_template_fetches_outside_folder_fail_the_build(tmp_path, markup):
    tpl = tmp_path / "tpl"
    tpl.mkdir()
    (tpl / "part3.html.j2").write_text(f'<section class="part" id="part-3">{markup}</section>', encoding="utf-8")
    out = tmp_path / "out"
    r = run_cli("build", EXAMPLE, "-o", out, "--format", "pdf", "--templates", tpl)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "已拒绝" in r.stderr and "Traceback" not in r.stderr
    assert not out.exists() or not any(out.iterdir())


def test_fetcher_serves_template_files_only(tmp_path):
    (tmp_path / "logo.png").write_bytes(b"\x89PNG")
    refused: list[str] = []
    fetch = safe_fetcher((tmp_path,), refused)
    assert fetch.fetch((tmp_path / "logo.png").as_uri()).read() == b"\x89PNG"
    for url in ("file:///etc/passwd", (tmp_path / ".." / "x").as_uri(), "http://example.invalid/",
                "https://example.invalid/a.css", "data:text/plain,hi"):
        with pytest.raises((RefusedFetch, ValueError)):
            fetch.fetch(url)
    assert len(refused) >= 3  # http/https/data are refused by protocol before reaching us
