"""The local web page (compiler/web), through Flask's test client: the pages, a good and a broken
upload, the annotated workbook, downloads, 新建/下一年度/比较, and the safety rules (size limit,
zip bombs, hostile file names, job ids, markup, two people at once, clean-up).

The PDF is built by the end-to-end test (test_web_e2e.py), once; here auto_pdf is off."""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import EXAMPLE, ROOT, mutate

from compiler.annotate import ERROR_RGB, ISSUES_SHEET
from compiler.web import JobStore, create_app
from compiler.web.app import PREVIEW_CSP
from compiler.web.safety import MB, Limits, display_name

EXAMPLE_BYTES = EXAMPLE.read_bytes()


@pytest.fixture(scope="module")
def broken_bytes(tmp_path_factory) -> bytes:
    def fn(wb):
        wb["支出明细"]["H5"] = "一百万"
    return mutate(EXAMPLE, tmp_path_factory.mktemp("web") / "broken.xlsx", fn).read_bytes()


@pytest.fixture
def store(tmp_path):
    s = JobStore(root=tmp_path / "jobs")
    yield s
    s.close()


@pytest.fixture
def app(store):
    app = create_app(store, auto_pdf=False)
    app.testing = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


def upload(client, data: bytes, name: str = "预算.xlsx", url: str = "/check", field: str = "workbook",
           **extra):
    form = {field: (io.BytesIO(data), name), **extra}
    return client.post(url, data=form, content_type="multipart/form-data")


def job_of(resp) -> str:
    assert resp.status_code == 303, resp.get_data(as_text=True)[:500]
    m = re.fullmatch(r"/job/([A-Za-z0-9_-]{22})", resp.headers["Location"])
    assert m, resp.headers["Location"]
    return m.group(1)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def locations(html: str) -> list[str]:
    """The 位置 column of the diagnostics tables."""
    return re.findall(r'<td class="loc">([^<]*)</td>', html)


def tree(path: Path) -> dict[str, str]:
    return {str(p.relative_to(path)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(path.rglob("*")) if p.is_file()}


# ------------------------------------------------------------------------------ pages

@pytest.mark.parametrize("url, words", [
    ("/", ["新建工作簿", "检查并生成", "下一年度", "比较两个版本"]),
    ("/new", ["部门名称", "预算年度", "下载空白工作簿"]),
    ("/check", ["预算工作簿", "开始检查", "20 MB"]),
    ("/rollover", ["今年的工作簿", "新的预算年度"]),
    ("/diff", ["原来的工作簿（A）", "新的工作簿（B）"]),
])
def test_pages(client, url, words):
    r = client.get(url)
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert '<html lang="zh-CN">' in html
    for w in words:
        assert w in html
    # offline: every asset is ours (no CDN, no external font)
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "default-src 'self'" in r.headers["Content-Security-Policy"]
    assert r.headers["X-Frame-Options"] == "DENY"
    # forms work without JavaScript: real labels for every input
    for input_id in re.findall(r'<input[^>]* id="([^"]+)"', html):
        assert f'for="{input_id}"' in html, input_id


def test_static_assets(client):
    for name in ("style.css", "app.js", "favicon.svg"):
        r = client.get(f"/static/{name}")
        assert r.status_code == 200 and r.data
        data = r.data.replace(b'xmlns="http://www.w3.org/2000/svg"', b"")  # a namespace, not a fetch
        assert b"http://" not in data and b"https://" not in data and b"url(" not in data


# ------------------------------------------------------------------------------ 检查并生成

def test_good_upload(client, store):
    jid = job_of(upload(client, EXAMPLE_BYTES, "郑州市商务局2020.xlsx"))
    r = client.get(f"/job/{jid}")
    html = r.get_data(as_text=True)
    text = text_of(html)
    assert store.get(jid).build_error is None
    assert "没有错误，公开文件已生成" in text
    from compiler.pipeline import check_workbook
    warnings = len(check_workbook(EXAMPLE).report.warnings)  # pinned in test_checks_example.py
    assert "0 个错误" in text and f"{warnings} 个警告" in text
    # the diagnostics, grouped by sheet, located, with code and hint
    assert "项目!M6" in locations(html) and "W-TEXT-006" in text and "可能沿用了往年的文字" in text
    # the preview: a sandboxed iframe of a page with a strict CSP
    assert re.search(rf'<iframe[^>]*src="/job/{jid}/preview"[^>]*sandbox', html)
    p = client.get(f"/job/{jid}/preview")
    assert p.status_code == 200 and p.mimetype == "text/html"
    assert p.headers["Content-Security-Policy"] == PREVIEW_CSP
    assert "default-src 'none'; style-src 'unsafe-inline'; img-src data:" in PREVIEW_CSP
    assert "郑州市商务局 2020 年部门预算公开" in p.get_data(as_text=True)
    # downloads, named after the upload
    x = client.get(f"/job/{jid}/download/xlsx")
    assert x.status_code == 200
    assert "filename*=UTF-8''" in x.headers["Content-Disposition"]
    assert openpyxl.load_workbook(io.BytesIO(x.data)).sheetnames
    z = zipfile.ZipFile(io.BytesIO(client.get(f"/job/{jid}/download/data").data))
    assert "data/datapackage.json" in z.namelist() and "data/table-1.csv" in z.namelist()
    doc = json.loads(client.get(f"/job/{jid}/download/json").data)
    assert doc
    assert client.get(f"/job/{jid}/download/html").status_code == 200
    # the PDF is offered (built on request here) but not there yet
    assert f'action="/job/{jid}/pdf"' in html
    assert client.get(f"/job/{jid}/download/pdf").status_code == 404
    assert client.get(f"/job/{jid}/status").get_json()["pdf"]["state"] == "idle"
    # warnings only: an annotated workbook is offered too
    a = client.get(f"/job/{jid}/download/annotated")
    assert a.status_code == 200
    assert "已标注" in a.headers["Content-Disposition"] or "%E5%B7%B2%E6%A0%87%E6%B3%A8" in \
        a.headers["Content-Disposition"]


def test_broken_upload(client, store, broken_bytes):
    jid = job_of(upload(client, broken_bytes, "broken.xlsx"))
    html = client.get(f"/job/{jid}").get_data(as_text=True)
    text = text_of(html)
    assert "发现 1 个错误" in text and "没有生成公开文件" in text
    assert "支出明细!H5" in locations(html) and "E-AMOUNT-002" in text
    assert "金额单位为元" in text  # the hint
    assert "下载标注版工作簿" in text
    # nothing rendered from a workbook with errors
    job = store.get(jid)
    assert not (job.dir / "out").exists()
    assert client.get(f"/job/{jid}/preview").status_code == 404
    # the annotated workbook: comment and fill on 支出明细!H5
    r = client.get(f"/job/{jid}/download/annotated")
    assert r.status_code == 200
    assert r.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    wb = openpyxl.load_workbook(io.BytesIO(r.data))
    h5 = wb["支出明细"]["H5"]
    assert "E-AMOUNT-002" in h5.comment.text and "一百万" in h5.comment.text
    assert h5.fill.fill_type == "solid" and h5.fill.fgColor.rgb == ERROR_RGB
    assert wb.sheetnames[0] == ISSUES_SHEET
    # the uploaded workbook itself is unchanged
    assert (job.dir / "input.xlsx").read_bytes() == broken_bytes


def test_merged_data_cells_show_the_diagnostics(client, tmp_path):
    """Merged cells in the data area (E-CELL-002) gave HTTP 500 on check and rollover (the
    annotation crashed on openpyxl's MergedCell): the page shows the problems and the marks."""
    data = mutate(EXAMPLE, tmp_path / "m.xlsx",
                  lambda wb: wb["支出明细"].merge_cells("F3:H5")).read_bytes()
    for url in ("/check", "/rollover"):
        jid = job_of(upload(client, data, "合并.xlsx", url=url))
        r = client.get(f"/job/{jid}")
        html = r.get_data(as_text=True)
        assert r.status_code == 200 and "E-CELL-002" in html and "支出明细!F3" in locations(html)
        a = client.get(f"/job/{jid}/download/annotated")
        assert a.status_code == 200
        f3 = openpyxl.load_workbook(io.BytesIO(a.data))["支出明细"]["F3"]
        assert "E-CELL-002" in f3.comment.text


def test_unreadable_upload(client):
    jid = job_of(upload(client, b"PK\x03\x04 not really a zip", "坏.xlsx"))
    text = text_of(client.get(f"/job/{jid}").get_data(as_text=True))
    assert "无法读取这个文件" in text
    assert "“坏.xlsx”" in text and "input.xlsx" not in text  # the name the user knows


def test_full_disk_on_the_server_is_said(client, store, small, monkeypatch):
    """The server's disk full while saving an upload: a message (HTTP 507), not HTTP 500."""
    import errno
    from pathlib import Path as P
    real = P.open

    def full(self, mode="r", *a, **k):
        if "w" in mode and self.name == "input.xlsx":
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return real(self, mode, *a, **k)
    monkeypatch.setattr(P, "open", full)
    r = upload(client, small.read_bytes())
    assert r.status_code == 507 and "磁盘空间不足" in r.get_data(as_text=True)
    assert len(store) == 0


def test_no_file_chosen(client):
    r = client.post("/check", data={}, content_type="multipart/form-data")
    assert r.status_code == 400 and "请先选择一个工作簿文件" in r.get_data(as_text=True)
    r = upload(client, b"", "空.xlsx")
    assert r.status_code == 400 and "空文件" in r.get_data(as_text=True)


def test_markup_in_workbook_is_text(client, tmp_path):
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    path = mutate(EXAMPLE, tmp_path / "evil.xlsx", lambda wb: wb["支出明细"].__setitem__("H5", evil))
    jid = job_of(upload(client, path.read_bytes(), '<b>evil</b>".xlsx'))
    html = client.get(f"/job/{jid}").get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html
    assert "<b>evil</b>" not in html


def test_markup_in_document_preview(client, tmp_path):
    """Text in a clean workbook is escaped by the document templates, and the preview runs
    under default-src 'none' in a sandbox anyway."""
    evil = "<script>alert(1)</script>"
    path = mutate(EXAMPLE, tmp_path / "evil.xlsx",
                  lambda wb: wb["部门职责"].__setitem__("B2", evil + "负责全市商务工作。"))
    jid = job_of(upload(client, path.read_bytes()))
    p = client.get(f"/job/{jid}/preview")
    assert p.status_code == 200 and "sandbox" in p.headers["Content-Security-Policy"]
    body = p.get_data(as_text=True)
    assert evil not in body and "&lt;script&gt;" in body


# ------------------------------------------------------------------------------ safety

def test_oversize_upload_refused(client, store):
    r = upload(client, b"\0" * (20 * MB + 1), "big.xlsx")
    assert r.status_code == 413
    assert "文件太大" in r.get_data(as_text=True) and "20 MB" in r.get_data(as_text=True)
    # a request larger than any form may be is cut off by the framework, same message
    r = upload(client, b"\0" * (41 * MB), "huge.xlsx")
    assert r.status_code == 413 and "文件太大" in r.get_data(as_text=True)
    assert list(store.root.iterdir()) == [], "a refused upload leaves nothing behind"


def zip_bomb(size: int = 300 * MB) -> bytes:
    """A zip that looks like a workbook, with one highly compressible member (~300 KB on disk)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * MB
            for _ in range(size // MB):
                member.write(chunk)
    return buf.getvalue()


def test_zip_bomb_refused(client, store):
    bomb = zip_bomb()
    assert len(bomb) < MB
    r = upload(client, bomb, "bomb.xlsx")
    assert r.status_code == 400
    text = r.get_data(as_text=True)
    assert "文件被拒绝" in text and "压缩炸弹" in text
    assert list(store.root.iterdir()) == []


def test_zip_ratio_and_entries_refused(tmp_path):
    store = JobStore(root=tmp_path / "jobs")
    try:
        app = create_app(store, Limits(unzipped=10 * MB * 1000), auto_pdf=False)
        app.testing = True
        c = app.test_client()
        r = upload(c, zip_bomb(50 * MB), "ratio.xlsx")  # under the total, over 100:1
        assert r.status_code == 400 and "压缩比" in r.get_data(as_text=True)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            for i in range(2500):
                zf.writestr(f"xl/{i}.xml", "")
        r = upload(c, buf.getvalue(), "many.xlsx")
        assert r.status_code == 400 and "条目" in r.get_data(as_text=True)
    finally:
        store.close()


@pytest.mark.parametrize("name", ["../../etc/passwd.xlsx", "..\\..\\x.xlsx", "a\x00b.xlsx",
                                  "/tmp/abs.xlsx", "C:\\Windows\\win.xlsx", "....xlsx", ""])
def test_hostile_file_names(client, store, tmp_path, broken_bytes, name):
    outside = tree(tmp_path.parent)
    outside = {k: v for k, v in outside.items() if "/jobs/" not in f"/{k}"}
    r = upload(client, broken_bytes, name)
    if not name:
        assert r.status_code == 400  # no file name: no file chosen
        return
    jid = job_of(r)
    after = {k: v for k, v in tree(tmp_path.parent).items() if "/jobs/" not in f"/{k}"}
    assert after == outside, "nothing outside the upload folder changed"
    job = store.get(jid)
    assert sorted(p.name for p in job.dir.iterdir()) == ["annotated.xlsx", "input.xlsx"]
    assert job.dir.parent == store.root
    shown = job.name
    assert shown and not any(ch in shown for ch in "/\\\x00") and ".." not in shown.replace("....", "")
    cd = client.get(f"/job/{jid}/download/annotated").headers["Content-Disposition"]
    assert "/" not in cd.split("filename*=")[0] and "\\" not in cd and "%2F" not in cd and "\x00" not in cd


def test_display_name():
    assert display_name("../../etc/passwd.xlsx") == "passwd.xlsx"
    assert display_name("..\\..\\x.xlsx") == "x.xlsx"
    assert display_name("a\x00b.xlsx") == "ab.xlsx"
    assert display_name("  .hidden.xlsx ") == "hidden.xlsx"
    assert display_name('a<b>:"|?*.xlsx') == "a_b______.xlsx"
    assert display_name("") == "工作簿.xlsx"
    assert len(display_name("长" * 300 + ".xlsx")) <= 80 and display_name("长" * 300 + ".xlsx").endswith(".xlsx")


@pytest.mark.parametrize("path", [
    "/job/..%2F..%2Fetc", "/job/../../etc/passwd", "/job/short", "/job/" + "A" * 22,
    "/job/" + "A" * 21 + ".", "/job/" + "A" * 22 + "/download/..%2Finput.xlsx",
    "/job/" + "A" * 22 + "/preview", "/job/" + "A" * 22 + "/status",
])
def test_bad_job_ids(client, path):
    r = client.get(path)
    assert r.status_code == 404
    assert "找不到" in r.get_data(as_text=True)


def test_download_kinds_are_a_fixed_list(client, broken_bytes):
    jid = job_of(upload(client, broken_bytes))
    for kind in ("input", "..", "../input.xlsx", "annotated.xlsx", "%2e%2e"):
        assert client.get(f"/job/{jid}/download/{kind}").status_code == 404


def test_host_header_checked(client):
    """Bound to 127.0.0.1 the page answers only to local names (no DNS rebinding)."""
    assert client.get("/", headers={"Host": "127.0.0.1:8765"}).status_code == 200
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400


def test_host_check_knows_ipv6_and_ports(client):
    """`serve --host ::1` answered 400 to its own URL (werkzeug's TRUSTED_HOSTS cuts "::1" at
    its first colon); the local names are matched without port and brackets."""
    for host in ("[::1]:8765", "[::1]", "localhost:8765", "LOCALHOST", "127.0.0.1"):
        assert client.get("/", headers={"Host": host}).status_code == 200, host
    for host in ("[::2]:8765", "localhost.evil.example", "127.0.0.1.evil.example:80", "[::1", ""):
        assert client.get("/", headers={"Host": host}).status_code == 400, host


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _ipv6_loopback(), reason="no IPv6 loopback here")
def test_serve_on_ipv6_loopback_answers_its_own_url(tmp_path):
    import urllib.request
    with socket.socket(socket.AF_INET6) as s:
        s.bind(("::1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "TMPDIR": str(tmp_path), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "compiler", "serve", "--host", "::1",
                             "--port", str(port)], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        line = proc.stdout.readline()
        url = f"http://[::1]:{port}/"
        assert url in line, line
        with urllib.request.urlopen(url, timeout=30) as r:
            assert r.status == 200 and "gongkai" in r.read().decode("utf-8")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=20)


def test_posts_from_other_sites_refused(client, store):
    r = client.post("/check", data={"workbook": (io.BytesIO(EXAMPLE_BYTES), "x.xlsx")},
                    content_type="multipart/form-data", headers={"Origin": "http://evil.example"})
    assert r.status_code == 403 and "请求被拒绝" in r.get_data(as_text=True)
    r = client.post("/new", data={"year": "2026"}, headers={"Origin": "null"})
    assert r.status_code == 403
    assert list(store.root.iterdir()) == []
    r = client.post("/new", data={"year": "2026"}, headers={"Origin": "http://localhost"})
    assert r.status_code == 200


def test_posts_without_origin_but_a_foreign_referer_refused(client, store):
    """Some browsers send no Origin on a form post; then the Referer decides (issue 14)."""
    r = client.post("/check", data={"workbook": (io.BytesIO(EXAMPLE_BYTES), "x.xlsx")},
                    content_type="multipart/form-data", headers={"Referer": "http://evil.example/page"})
    assert r.status_code == 403 and "请求被拒绝" in r.get_data(as_text=True)
    assert list(store.root.iterdir()) == []
    r = client.post("/new", data={"year": "2026"}, headers={"Referer": "http://localhost/new"})
    assert r.status_code == 200


def test_two_uploads_at_once(app, store, broken_bytes):
    """Two people upload at the same moment: each sees only their own workbook's results."""
    barrier = threading.Barrier(2)
    results: dict[str, str] = {}

    def person(key: str, data: bytes, name: str):
        c = app.test_client()
        barrier.wait()
        jid = job_of(upload(c, data, name))
        results[key] = jid

    threads = [threading.Thread(target=person, args=("good", EXAMPLE_BYTES, "good.xlsx")),
               threading.Thread(target=person, args=("bad", broken_bytes, "bad.xlsx"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert set(results) == {"good", "bad"} and results["good"] != results["bad"]
    good, bad = store.get(results["good"]), store.get(results["bad"])
    assert good.dir != bad.dir
    assert (good.dir / "input.xlsx").read_bytes() == EXAMPLE_BYTES
    assert (bad.dir / "input.xlsx").read_bytes() == broken_bytes
    c = app.test_client()
    g = c.get(f"/job/{good.id}").get_data(as_text=True)
    b = c.get(f"/job/{bad.id}").get_data(as_text=True)
    assert "good.xlsx" in g and "bad.xlsx" not in g and "支出明细!H5" not in locations(g)
    assert "bad.xlsx" in b and "good.xlsx" not in b and "支出明细!H5" in locations(b)
    assert len(good.id) == 22 and good.id != bad.id


def wait_pdf(client, jid: str) -> dict:
    for _ in range(600):
        pdf = client.get(f"/job/{jid}/status").get_json()["pdf"]
        if pdf["state"] in ("done", "failed"):
            return pdf
        time.sleep(0.2)
    raise AssertionError("the PDF never finished")


def test_check_over_its_time_limit_gives_a_message(app, store, client, small):
    """The check runs in a worker with a time limit: over it, the page says so (E-FILE-009), not
    a hung request; the next upload is checked by a fresh worker."""
    data = small.read_bytes()
    store.check_seconds = 0.01
    jid = job_of(upload(client, data, "大.xlsx"))
    html = client.get(f"/job/{jid}").get_data(as_text=True)
    assert "E-FILE-009" in html and "超过 0.01 秒仍未完成，已停止" in html and "“大.xlsx”" in html
    assert store.checks.replaced == 1
    store.check_seconds = 120
    jid = job_of(upload(client, data, "好.xlsx"))
    assert "没有错误，公开文件已生成" in text_of(client.get(f"/job/{jid}").get_data(as_text=True))


def test_pdf_over_its_memory_limit_gives_a_message(tmp_path, small):
    """A PDF worker over its memory cap (here 120 MB, less than WeasyPrint needs) is stopped and
    the page shows why; the store's next PDF, with a normal cap, is built — by a worker that
    keeps WeasyPrint loaded for the one after."""
    from compiler.workers import Limits as WorkerLimits
    from compiler.workers import Pool
    store = JobStore(root=tmp_path / "jobs", pdf_workers=1)
    try:
        app = create_app(store, auto_pdf=False)
        app.testing = True
        client = app.test_client()
        normal = store.pdfs
        store.pdfs = Pool(1, WorkerLimits(memory_mb=120), preload="compiler.render.pdf:preload")
        jid = job_of(upload(client, small.read_bytes(), "小.xlsx"))
        client.post(f"/job/{jid}/pdf")
        pdf = wait_pdf(client, jid)
        assert pdf["state"] == "failed" and "120 MB 的内存上限" in pdf["message"], pdf
        store.pdfs.close()
        store.pdfs = normal
        client.post(f"/job/{jid}/pdf")
        assert wait_pdf(client, jid)["state"] == "done"
        assert client.get(f"/job/{jid}/download/pdf").data.startswith(b"%PDF")
    finally:
        store.close()


def test_jobs_removed_after_ttl_and_at_close(tmp_path):
    store = JobStore(root=tmp_path / "jobs", ttl=0.3, sweep_every=0.1)
    job = store.create("check")
    (job.dir / "input.xlsx").write_bytes(b"x")
    stray = store.root / "leftover"
    stray.mkdir()
    os.utime(stray, (time.time() - 3600, time.time() - 3600))
    deadline = time.time() + 5
    while (job.dir.exists() or stray.exists()) and time.time() < deadline:
        time.sleep(0.05)
    assert not job.dir.exists() and not stray.exists()
    assert store.get(job.id) is None
    keep = store.create("check")
    keep.pdf.state = "running"  # a PDF being built is never swept away under it
    time.sleep(0.6)
    assert keep.dir.exists()
    store.close()
    assert not keep.dir.exists()
    own = JobStore()
    root = own.root
    own.create("check")
    own.close()
    assert not root.exists()


# ------------------------------------------------------------------------------ 新建 · 下一年度 · 比较

def test_new_workbook(client):
    r = client.post("/new", data={"dept": "测试市测试局", "year": "2026"})
    assert r.status_code == 200
    assert "filename*=UTF-8''" in r.headers["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(r.data))
    info = {row[0].value: row[1].value for row in wb["基本信息"].iter_rows(min_row=2)}
    assert info["部门名称"] == "测试市测试局" and info["预算年度"] == 2026
    r = client.post("/new", data={"dept": "x", "year": "明年"})
    assert r.status_code == 400 and "四位年份" in r.get_data(as_text=True)


def test_new_workbook_in_a_chosen_profile(client):
    """A department of another region picks its profile on the page (issue 13); only the
    shipped profiles' names are accepted, never a folder."""
    page = client.get("/new").get_data(as_text=True)
    assert '<option value="standard">' in page and '<option value="zhengzhou-2020" selected>' in page
    r = client.post("/new", data={"dept": "测试省测试厅", "year": "2025", "profile": "standard"})
    assert r.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(r.data))
    info = {row[0].value: row[1].value for row in wb["基本信息"].iter_rows(min_row=2)}
    assert info["公开格式"] == "standard" and info["部门名称"] == "测试省测试厅"
    for bad in ("/etc", "../templates/standard", "nope"):
        r = client.post("/new", data={"year": "2025", "profile": bad})
        assert r.status_code == 400 and "请从列表中选择公开格式" in r.get_data(as_text=True)


def test_rollover_page(client, broken_bytes):
    jid = job_of(upload(client, EXAMPLE_BYTES, "2020.xlsx", url="/rollover"))
    text = text_of(client.get(f"/job/{jid}").get_data(as_text=True))
    assert "已生成 2021 年度工作簿" in text and "请逐一核对" in text
    r = client.get(f"/job/{jid}/download/next")
    wb = openpyxl.load_workbook(io.BytesIO(r.data))
    info = {row[0].value: row[1].value for row in wb["基本信息"].iter_rows(min_row=2)}
    assert info["预算年度"] == 2021
    jid = job_of(upload(client, broken_bytes, "2020.xlsx", url="/rollover"))
    html = client.get(f"/job/{jid}").get_data(as_text=True)
    assert "未结转" in text_of(html) and "支出明细!H5" in locations(html)
    assert client.get(f"/job/{jid}/download/next").status_code == 404
    r = upload(client, EXAMPLE_BYTES, url="/rollover", year="1999")
    assert r.status_code == 400 and "四位年份" in r.get_data(as_text=True)


def test_diff_page(client, broken_bytes):
    form = {"a": (io.BytesIO(EXAMPLE_BYTES), "初稿.xlsx"), "b": (io.BytesIO(broken_bytes), "定稿.xlsx")}
    jid = job_of(client.post("/diff", data=form, content_type="multipart/form-data"))
    html = client.get(f"/job/{jid}").get_data(as_text=True)
    text = text_of(html)
    assert "有变化" in text and "“定稿.xlsx”有 1 个错误" in text
    assert re.search(rf'<iframe[^>]*src="/job/{jid}/report"[^>]*sandbox', html)
    rep = client.get(f"/job/{jid}/report")
    assert rep.headers["Content-Security-Policy"] == PREVIEW_CSP
    assert "初稿.xlsx" in rep.get_data(as_text=True)
    assert json.loads(client.get(f"/job/{jid}/download/diff-json").data)["identical"] is False
    form = {"a": (io.BytesIO(EXAMPLE_BYTES), "x.xlsx"), "b": (io.BytesIO(EXAMPLE_BYTES), "x.xlsx")}
    jid = job_of(client.post("/diff", data=form, content_type="multipart/form-data"))
    assert "两个工作簿相同" in text_of(client.get(f"/job/{jid}").get_data(as_text=True))
    form = {"a": (io.BytesIO(b"not a workbook"), "a.xlsx"), "b": (io.BytesIO(EXAMPLE_BYTES), "b.xlsx")}
    jid = job_of(client.post("/diff", data=form, content_type="multipart/form-data"))
    html = client.get(f"/job/{jid}").get_data(as_text=True)
    assert "不能比较" in text_of(html) and "E-FILE-002" in html and "“a.xlsx”" in html
    form = {"a": (io.BytesIO(EXAMPLE_BYTES), "x.xlsx")}
    r = client.post("/diff", data=form, content_type="multipart/form-data")
    assert r.status_code == 400 and "请先选择" in r.get_data(as_text=True)


# ------------------------------------------------------------------------------ gongkai serve

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_warns_off_localhost_and_cleans_up(tmp_path):
    port = free_port()
    env = {**os.environ, "TMPDIR": str(tmp_path), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "compiler", "serve", "--host", "0.0.0.0",
                             "--port", str(port)], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        line = proc.stdout.readline()
        assert f":{port}/" in line and "已启动" in line
        roots = list(tmp_path.glob("gongkai-web-*"))
        assert len(roots) == 1
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=20)
    assert "警告" in err and "同一网络中的任何人" in err
    assert proc.returncode == 0
    assert not roots[0].exists(), "uploads removed at shutdown"


def test_serve_local_has_no_warning_and_busy_port(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        r = subprocess.run([sys.executable, "-m", "compiler", "serve", "--port", str(port)],
                           cwd=ROOT, capture_output=True, text=True, timeout=30, check=False,
                           env={**os.environ, "TMPDIR": str(tmp_path)})
    assert r.returncode == 2 and "端口" in r.stderr and "警告" not in r.stderr
    assert not list(tmp_path.glob("gongkai-web-*"))
