"""Issue 5: `gongkai build --pdfa` — PDF/A-3b with the source workbook embedded.

veraPDF is not installable here (no Debian package, nothing on PyPI or npm, Maven Central not
reachable), so the PDF/A facts are checked structurally: OutputIntent, XMP identification
(pdfaid:part=3, conformance=B), the workbook in /Names /EmbeddedFiles with /AFRelationship
/Source and referenced from the catalog's /AF, Info dates equal to the XMP dates, and a
byte-identical rebuild."""
from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET

import pytest
from pypdf import PdfReader

from conftest import run_cli, write_small

XLSX_MIME = "/application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
PDFAID = "{http://www.aiim.org/pdfa/ns/id/}"
XMP = "{http://ns.adobe.com/xap/1.0/}"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pdfa")
    src = write_small(tmp / "测试局.xlsx")  # a non-ASCII name, as departments name their files
    before = src.read_bytes()
    paths = []
    for run in ("a", "b"):
        r = run_cli("build", src, "-o", tmp / run, "--format", "pdf", "--pdfa")
        assert r.returncode == 0, r.stdout + r.stderr
        paths.append(tmp / run / f"{src.stem}.pdf")
    assert src.read_bytes() == before  # the input is never written
    reader = PdfReader(paths[0])
    return {"src": src, "paths": paths, "reader": reader, "root": reader.trailer["/Root"]}


def _xmp(root) -> ET.Element:
    return ET.fromstring(root["/Metadata"].get_object().get_data().split(b"?>", 1)[1].rsplit(b"<?", 1)[0])


def _xmp_value(xmp: ET.Element, name: str) -> str | None:
    for d in xmp.iter(f"{RDF}Description"):
        if name in d.attrib:
            return d.attrib[name]
        child = d.find(name)
        if child is not None:
            return child.text
    return None


def test_rebuild_is_byte_identical(built):
    a, b = (p.read_bytes() for p in built["paths"])
    assert a == b
    assert a.startswith(b"%PDF-1.7")
    ids = built["reader"].trailer["/ID"]
    assert len(ids) == 2 and all(len(i) for i in ids)


def test_output_intent_is_srgb(built):
    intents = built["root"]["/OutputIntents"]
    assert len(intents) == 1
    intent = intents[0].get_object()
    assert intent["/S"] == "/GTS_PDFA1"
    profile = intent["/DestOutputProfile"].get_object()
    assert profile["/N"] == 3 and profile.get_data()[36:40] == b"acsp"  # an ICC profile


def test_xmp_identifies_pdfa_3b(built):
    xmp = _xmp(built["root"])
    assert _xmp_value(xmp, f"{PDFAID}part") == "3"
    assert _xmp_value(xmp, f"{PDFAID}conformance") == "B"


def test_dates_are_fixed_and_agree(built):
    # the small workbook has no 公开日期 and the CLI runs without SOURCE_DATE_EPOCH: 1 Jan of 2021
    info = built["reader"].trailer["/Info"].get_object()
    assert info["/CreationDate"] == info["/ModDate"] == "D:20210101000000Z"
    xmp = _xmp(built["root"])
    assert _xmp_value(xmp, f"{XMP}CreateDate") == _xmp_value(xmp, f"{XMP}ModifyDate") == "2021-01-01T00:00:00Z"


def test_source_workbook_embedded_as_source(built):
    root, src = built["root"], built["src"]
    names = root["/Names"]["/EmbeddedFiles"].get_object()["/Names"]
    assert len(names) == 2  # one file: key, file specification
    spec = names[1].get_object()
    assert spec["/Type"] == "/Filespec"
    assert spec["/UF"] == src.name  # the Unicode name readers show (/F holds WeasyPrint's UTF-8 bytes)
    assert spec["/AFRelationship"] == "/Source"
    stream = spec["/EF"]["/F"].get_object()
    assert stream["/Subtype"] == XLSX_MIME
    data = stream.get_data()
    assert data == src.read_bytes()
    assert stream["/Params"]["/Size"] == len(data)
    assert stream["/Params"]["/CheckSum"].original_bytes == hashlib.md5(data).digest()
    assert stream["/Params"]["/ModDate"] == "D:20210101000000Z"
    # the catalog's /AF lists the file specification, once
    af = root["/AF"]
    assert [a.idnum for a in af] == [names[1].idnum]


def test_plain_pdf_is_not_pdfa(tmp_path):
    src = write_small(tmp_path / "small.xlsx")
    r = run_cli("build", src, "-o", tmp_path / "out", "--format", "pdf")
    assert r.returncode == 0, r.stdout + r.stderr
    root = PdfReader(tmp_path / "out" / "small.pdf").trailer["/Root"]
    assert "/AF" not in root and "/OutputIntents" not in root and "/Metadata" not in root


def test_pdfa_needs_pdf_format(tmp_path):
    src = write_small(tmp_path / "small.xlsx")
    r = run_cli("build", src, "-o", tmp_path / "out", "--format", "html", "--pdfa")
    assert r.returncode == 2
    assert "--pdfa" in r.stderr
    assert not (tmp_path / "out").exists()


def test_embeds_the_bytes_it_compiled(tmp_path, monkeypatch):
    """The workbook is read once: a file saved during the build (between the check and the
    PDF) must not be attached to a PDF of the earlier figures. Before, --pdfa read the file
    again when it embedded it."""
    import builtins
    import io

    import compiler.pipeline as pipeline
    from conftest import SMALL, mutate
    src = write_small(tmp_path / "src.xlsx")
    compiled = src.read_bytes()
    later = mutate(src, tmp_path / "later.xlsx", lambda wb: wb["部门职责"].__setitem__("B2", "改过的职责。"))
    opened, real_open, real_render_job = [], builtins.open, pipeline.render_job

    def counting_open(file, *a, **k):
        mode = a[0] if a else k.get("mode", "r")
        if str(file) == str(src) and "w" not in mode:
            opened.append(file)
        return real_open(file, *a, **k)

    def saved_meanwhile(result, options=pipeline.Options()):   # staff save while it renders
        src.write_bytes(later.read_bytes())
        return real_render_job(result, options)
    monkeypatch.setattr(builtins, "open", counting_open)
    monkeypatch.setattr(io, "open", counting_open)   # Path.open
    monkeypatch.setattr(pipeline, "render_job", saved_meanwhile)
    result = pipeline.compile_workbook(src, pipeline.Options(formats=("pdf",), out=tmp_path / "out",
                                                             pdfa=True))
    monkeypatch.undo()
    assert result.exit_status == 0, (result.error, result.report.errors)
    assert len(opened) == 1   # read once
    reader = PdfReader(tmp_path / "out" / "src.pdf")
    spec = reader.trailer["/Root"]["/Names"]["/EmbeddedFiles"].get_object()["/Names"][1].get_object()
    assert spec["/EF"]["/F"].get_object().get_data() == compiled != src.read_bytes()
    text = "".join(page.extract_text() for page in reader.pages)
    assert SMALL["部门职责"][0]["职责内容"] in text and "改过的职责" not in text
