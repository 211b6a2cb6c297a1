"""End to end in a real browser: Debian's headless chromium driven by Playwright (the pip
package only; no `playwright install`, nothing downloaded). The server runs in a thread on a
free 127.0.0.1 port. One test, because the PDF (~10 s) is built once."""
from __future__ import annotations

import base64
import os
import shutil
import threading
from pathlib import Path

import pytest
from conftest import EXAMPLE, mutate

CHROMIUM = os.environ.get("GONGKAI_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

sync_api = pytest.importorskip(
    "playwright.sync_api",
    reason="Playwright (pip package) is not installed: pip install -e '.[test]'")
if not Path(CHROMIUM).is_file():
    pytest.skip(f"no chromium at {CHROMIUM}: apt-get install chromium "
                "(scripts/setup.sh does it with GONGKAI_TEST_TOOLS=1 as root)",
                allow_module_level=True)


@pytest.fixture
def server(tmp_path):
    from werkzeug.serving import WSGIRequestHandler, make_server

    from compiler.web import JobStore, create_app

    class Quiet(WSGIRequestHandler):
        def log_request(self, *args, **kwargs):
            pass

    store = JobStore(root=tmp_path / "jobs")
    app = create_app(store)
    srv = make_server("127.0.0.1", 0, app, threaded=True, request_handler=Quiet)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.port}", store
    srv.shutdown()
    store.close()


@pytest.fixture
def page(tmp_path):
    with sync_api.sync_playwright() as p:
        # Playwright gives every launch a fresh temporary profile (--user-data-dir)
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS[1:])
        context = browser.new_context(viewport={"width": 1366, "height": 768}, accept_downloads=True,
                                      locale="zh-CN")
        pg = context.new_page()
        pg.set_default_timeout(30_000)
        yield pg
        context.close()
        browser.close()


def drop_file(page, selector: str, path: Path) -> None:
    """Drop a file on the drop zone as a person dragging it from the desktop would."""
    data = base64.b64encode(path.read_bytes()).decode()
    page.evaluate("""([selector, name, data]) => {
        const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
        const file = new File([bytes], name, {type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"});
        const dt = new DataTransfer();
        dt.items.add(file);
        const zone = document.querySelector(selector);
        for (const type of ["dragenter", "dragover", "drop"]) {
            zone.dispatchEvent(new DragEvent(type, {dataTransfer: dt, bubbles: true, cancelable: true}));
        }
    }""", [selector, path.name, data])


def test_check_and_generate_in_chromium(server, page, tmp_path):
    base, _store = server
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    # a clean workbook: the document is shown, the PDF arrives in the background
    page.goto(base + "/")
    page.get_by_role("link", name="检查并生成").first.click()
    page.wait_for_load_state("load")  # the page's script enhances the file input on load
    page.set_input_files("input[type=file]", str(EXAMPLE))
    # the name is shown by a change handler: wait for it rather than read at once (raced in CI)
    sync_api.expect(page.locator(".drop-file")).to_contain_text("zhengzhou-commerce-2020.xlsx")
    page.get_by_role("button", name="开始检查").click()
    page.wait_for_url("**/job/*")
    sync_api.expect(page.locator(".status")).to_contain_text("没有错误，公开文件已生成")
    frame = page.frame_locator("iframe.doc")
    frame.locator("h1").first.wait_for()
    assert "郑州市商务局" in frame.locator("h1").first.inner_text()
    pdf_link = page.get_by_role("link", name="下载 PDF")
    pdf_link.wait_for(timeout=180_000)  # built in a worker process; the page polls
    with page.expect_download() as dl:
        pdf_link.click()
    data = Path(dl.value.path()).read_bytes()
    assert data.startswith(b"%PDF")
    assert dl.value.suggested_filename == "zhengzhou-commerce-2020.pdf"

    # a broken workbook, dropped on the page: the error is shown at its cell
    broken = mutate(EXAMPLE, tmp_path / "broken.xlsx",
                    lambda wb: wb["支出明细"].__setitem__("H5", "一百万"))
    page.goto(base + "/check")
    with page.expect_navigation():
        drop_file(page, "[data-drop]", broken)  # the drop zone submits the form itself
    page.wait_for_url("**/job/*")
    sync_api.expect(page.locator(".status")).to_contain_text("发现 1 个错误")
    cell = page.locator("td.loc", has_text="支出明细!H5")
    assert cell.count() == 1 and cell.is_visible()
    row = page.locator("tr", has=cell)
    assert "E-AMOUNT-002" in row.inner_text() and "错误" in row.inner_text()
    with page.expect_download() as dl:
        page.get_by_role("link", name="下载标注版工作簿").click()
    assert dl.value.suggested_filename == "broken-已标注.xlsx"

    # keyboard: the file picker button is reachable and visibly focused
    page.goto(base + "/check")
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('pick')"):
            break
    assert page.evaluate("document.activeElement.textContent") == "选择文件…"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"

    # offline: every request went to gongkai itself; no script errors
    assert requests and all(u.startswith((base, "data:")) or u == "about:blank"
                            for u in requests), [u for u in requests if not u.startswith(base)]
    assert not errors
