"""The local web page (`gongkai serve`): Flask routes over compiler.web.work.

Every page is a plain HTML form that works without JavaScript; static/app.js only adds the drop
zone, the "checking…" state and the PDF progress. Every asset is served from here (no CDN).
"""
from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from flask import (
    Flask,
    Response,
    abort,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge, SecurityError

from . import work
from .jobs import ID_RE, Job, JobStore
from .safety import Limits, Refused, display_name, inspect_zip, size_text, stem_of

# the app's own pages: only our files; the document preview gets a stricter policy below
PAGE_CSP = ("default-src 'self'; img-src 'self' data:; frame-src 'self'; frame-ancestors 'none'; "
            "form-action 'self'; base-uri 'none'; object-src 'none'")
# a workbook's text rendered as a document: no script, no fetch, no form, only inline style
PREVIEW_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
               "frame-ancestors 'self'; base-uri 'none'; form-action 'none'; sandbox")
LOCAL_HOSTS = ["127.0.0.1", "localhost", "::1", "[::1]"]


def host_name(host: str) -> str:
    """The name in a Host header, without the port and IPv6 brackets: "[::1]:8765" -> "::1",
    "localhost:8765" -> "localhost". (Werkzeug's TRUSTED_HOSTS cuts "::1" at its first colon,
    so `serve --host ::1` answered 400 to its own URL.)"""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:host.find("]")] if "]" in host else ""
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOWNLOADS = {  # kind -> (suffix of the download name, MIME type)
    "pdf": (".pdf", "application/pdf"),
    "xlsx": ("-附表.xlsx", XLSX),
    "data": ("-开放数据.zip", "application/zip"),
    "json": (".json", "application/json"),
    "html": (".html", "text/html"),
    "annotated": ("-已标注.xlsx", XLSX),
    "clean": ("-已清除标注.xlsx", XLSX),
    "next": (".xlsx", XLSX),
    "diff-html": ("比较.html", "text/html"),
    "diff-json": ("比较.json", "application/json"),
}


def compared(d) -> bool:
    """A numeric comparison worth showing as 应为/实为 (as the CLI does)."""
    return d.expected is not None and d.actual is not None and (
        d.extra.get("difference") is not None or d.code.startswith(("E-SUM", "W-SUM")))


def groups(report) -> list[dict]:
    """The diagnostics by sheet, in the CLI's order (sheet order of the contract, then row)."""
    from ..diagnostics import Severity
    from ..report import ordered
    out: list[dict] = []
    for d in ordered(report):
        label = d.sheet or "整个文件"
        if not out or out[-1]["label"] != label:
            out.append({"label": label, "diags": [], "errors": 0, "warnings": 0})
        g = out[-1]
        g["diags"].append(d)
        g["errors" if d.severity is Severity.ERROR else "warnings"] += 1
    return out


def create_app(store: JobStore | None = None, limits: Limits | None = None, *,
               auto_pdf: bool = True, local_only: bool = True) -> Flask:
    """auto_pdf: start the PDF as soon as a workbook checks clean (tests turn it off).
    local_only: accept only Host 127.0.0.1/localhost (a page on another site cannot reach this
    server by DNS rebinding); `serve --host …` turns it off."""
    app = Flask(__name__)
    limits = limits or Limits()
    store = JobStore() if store is None else store
    # a request may carry two workbooks (比较); each file is held to limits.upload on its own
    app.config["MAX_CONTENT_LENGTH"] = 2 * limits.upload + 256 * 1024
    local_names = {host_name(h) for h in LOCAL_HOSTS}
    app.extensions["gongkai"] = store
    app.jinja_env.globals.update(limit_text=size_text(limits.upload), limit_bytes=limits.upload,
                                 ttl_minutes=int(store.ttl // 60) or 1)
    app.jinja_env.filters["size"] = lambda p: size_text(p.stat().st_size) if p.exists() else ""
    from ..rollover import PRIOR_ITEMS
    app.jinja_env.globals.update(groups=groups, compared=compared, zip=zip,
                                 prior_count=len(PRIOR_ITEMS))

    nav = {"new_download": "new_form", "check_upload": "check_form",
           "rollover_upload": "rollover_form", "diff_upload": "diff_form"}

    @app.context_processor
    def active_page():
        return {"active": nav.get(request.endpoint, request.endpoint)}

    # ------------------------------------------------------------------ helpers
    def job_or_404(jid: str, kind: str | None = None) -> Job:
        job = store.get(jid) if ID_RE.match(jid) else None
        if job is None or (kind and job.kind != kind):
            abort(404)
        return job

    def receive(field: str, job: Job, target: str) -> str:
        """Save the uploaded file of `field` as job/target; return its display name."""
        f = request.files.get(field)
        if f is None or not (f.filename or "").strip():
            raise Refused("请先选择一个工作簿文件（.xlsx）。")
        path = job.path(target)
        size = 0
        try:
            with path.open("wb") as out:
                while chunk := f.stream.read(1024 * 1024):
                    size += len(chunk)
                    if size > limits.upload:
                        raise Refused(too_large(), 413)
                    out.write(chunk)
        except OSError as exc:  # the server's disk, not the user's file: say so, not HTTP 500
            import errno
            why = "磁盘空间不足" if exc.errno in (errno.ENOSPC, errno.EDQUOT) else (exc.strerror or str(exc))
            raise Refused(f"服务器无法保存上传的文件（{why}）。请稍后重试，或告知运行 gongkai 的人员。",
                          507) from None
        if size == 0:
            raise Refused(f"“{display_name(f.filename)}”是空文件（0 字节），请重新选择。")
        inspect_zip(path, limits)
        return display_name(f.filename)

    def too_large() -> str:
        return (f"文件太大：每个工作簿不能超过 {size_text(limits.upload)}。预算工作簿通常只有几百 KB；"
                "如果文件很大，可能含有图片或大量带格式的空行，请删除后另存再上传。")

    def refused(template: str, exc: Refused, job: Job | None = None, **kw):
        if job is not None:
            store.remove(job)
        return render_template(template, error=exc.message, **kw), exc.status

    # ------------------------------------------------------------------ headers, errors
    @app.before_request
    def local_host_only():
        """Bound to this machine, answer only to its own names (a page on another site
        cannot reach this server by DNS rebinding)."""
        if local_only and host_name(request.headers.get("Host", "")) not in local_names:
            raise SecurityError()

    @app.before_request
    def same_origin_posts():
        """A form on another web site must not be able to post workbooks here: the Origin, or
        when a browser sends none, the Referer must name this server (a post with neither, as
        from curl, is allowed)."""
        if request.method == "POST":
            origin = request.headers.get("Origin") or request.headers.get("Referer")
            if origin is not None and urlsplit(origin).netloc != request.host:
                return render_template("error.html", title="请求被拒绝",
                                       message="只能从 gongkai 自己的网页上传文件。"), 403

    @app.after_request
    def headers(resp: Response) -> Response:
        resp.headers.setdefault("Content-Security-Policy", PAGE_CSP)
        resp.headers.setdefault("X-Frame-Options", "DENY")
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["Referrer-Policy"] = "same-origin"  # no-referrer would make Origin "null"
        if not request.path.startswith("/static/"):
            resp.headers["Cache-Control"] = "no-store"
        return resp

    @app.errorhandler(RequestEntityTooLarge)
    def entity_too_large(exc):
        return render_template("error.html", title="文件太大", message=too_large()), 413

    @app.errorhandler(404)
    def not_found(exc):
        msg = ("没有找到这个页面。如果这是检查结果的链接：上传的文件只保留 "
               f"{int(store.ttl // 60) or 1} 分钟，之后自动删除，请重新上传。")
        return render_template("error.html", title="找不到", message=msg), 404

    @app.errorhandler(SecurityError)
    def untrusted_host(exc):  # no page (nothing can be linked for a host we do not serve)
        return Response("gongkai：此网页只接受从本机（127.0.0.1 或 localhost）打开。\n", 400,
                        mimetype="text/plain")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return render_template("error.html", title=f"出错了（{exc.code}）",
                               message="请求无法处理。请返回首页重试。"), exc.code

    @app.errorhandler(Exception)
    def internal(exc):
        import os
        if os.environ.get("GONGKAI_DEBUG") or app.testing:
            raise exc
        app.logger.exception("internal error")
        return render_template("error.html", title="内部错误",
                               message=f"gongkai 内部出错（{type(exc).__name__}）。请重试；"
                                       "仍然出错请把这个工作簿和此信息交给维护人员。"), 500

    # ------------------------------------------------------------------ pages
    @app.get("/")
    def home():
        return render_template("home.html")

    def new_page(**values):
        """The 新建 form; the shipped profiles to choose from (by name only: a web user never
        names a folder)."""
        from ..profiles import DEFAULT_PROFILE, available
        values.setdefault("profile", DEFAULT_PROFILE)
        return render_template("new.html", profiles=available(), **values)

    @app.get("/new")
    def new_form():
        return new_page(year=date.today().year + 1, dept="")

    @app.post("/new")
    def new_download():
        from ..profiles import available
        from ..workbook.new import build_workbook, deterministic_bytes
        dept = " ".join((request.form.get("dept") or "").split())[:60]
        raw_year = (request.form.get("year") or "").strip()
        profile = (request.form.get("profile") or "").strip()
        if not raw_year.isdigit() or not 2000 <= int(raw_year) <= 2100:
            return new_page(dept=dept, year=raw_year, profile=profile,
                            error="预算年度请填写四位年份，如 2025。"), 400
        if profile and profile not in dict(available()):
            return new_page(dept=dept, year=raw_year, error="请从列表中选择公开格式。"), 400
        year = int(raw_year)
        data = deterministic_bytes(build_workbook(dept=dept or None, year=year, profile=profile or None))
        name = display_name(f"{dept}{year}年预算工作簿.xlsx")
        import io
        return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=name)

    @app.get("/check")
    def check_form():
        return render_template("check.html")

    @app.post("/check")
    def check_upload():
        _ = request.files  # parse the form first: too large a request fails before a job exists
        job = store.create("check")
        try:
            job.name = receive("workbook", job, work.INPUT)
        except Refused as exc:
            return refused("check.html", exc, job)
        problem = store.run(job, work.check_job)   # in a worker, with time and memory limits
        if problem:
            job.checked = work.stopped(job, problem)
        elif job.built and auto_pdf:
            store.submit_pdf(job)
        return redirect(url_for("job_page", jid=job.id), 303)

    @app.get("/rollover")
    def rollover_form():
        return render_template("rollover.html")

    @app.post("/rollover")
    def rollover_upload():
        raw_year = (request.form.get("year") or "").strip()  # parses the form (and its size)
        if raw_year and not (raw_year.isdigit() and 2000 <= int(raw_year) <= 2100):
            return render_template("rollover.html", error="新的预算年度请填写四位年份，或留空。"), 400
        job = store.create("rollover")
        try:
            job.name = receive("workbook", job, work.INPUT)
        except Refused as exc:
            return refused("rollover.html", exc, job)
        problem = store.run(job, work.rollover_job, int(raw_year) if raw_year else None,
                            request.form.get("keep_lines") == "1")
        if problem:
            job.checked = work.stopped(job, problem)
        return redirect(url_for("job_page", jid=job.id), 303)

    @app.get("/diff")
    def diff_form():
        return render_template("diff.html")

    @app.post("/diff")
    def diff_upload():
        _ = request.files  # parse the form first: too large a request fails before a job exists
        job = store.create("diff")
        try:
            a = receive("a", job, work.A)
            b = receive("b", job, work.B)
        except Refused as exc:
            return refused("diff.html", exc, job)
        job.names = (a, b)
        job.name = f"{a} 与 {b}"
        problem = store.run(job, work.diff_job)
        if problem:
            job.error = problem
        return redirect(url_for("job_page", jid=job.id), 303)

    # ------------------------------------------------------------------ a job
    def pdf_status(job: Job) -> dict:
        pdf = job.pdf
        now = time.time()
        expected = store.expected_pdf_seconds()
        out = {"state": pdf.state, "expected": round(expected)}
        if pdf.state == "queued":
            out.update(position=store.queue_position(job), progress=0,
                       message=f"排队中：前面还有 {store.queue_position(job)} 份 PDF 正在生成")
        elif pdf.state == "running":
            elapsed = now - pdf.started
            out.update(elapsed=round(elapsed), progress=min(95, int(100 * elapsed / expected)),
                       message=f"正在生成 PDF：已用 {elapsed:.0f} 秒，通常需要约 {expected:.0f} 秒")
        elif pdf.state == "done":
            path = job.path(work.FILES["pdf"])
            out.update(progress=100, url=url_for("download", jid=job.id, kind="pdf"),
                       size=size_text(path.stat().st_size) if path.exists() else "",
                       message=f"PDF 已生成（用时 {pdf.finished - pdf.started:.0f} 秒）")
        elif pdf.state == "failed":
            out.update(progress=0, message=f"PDF 生成失败：{pdf.error}")
        return out

    @app.get("/job/<jid>")
    def job_page(jid: str):
        job = job_or_404(jid)
        expires = max(1, int((job.created + store.ttl - time.time()) // 60))
        common = {"job": job, "expires": expires, "files": work.FILES}
        if job.kind == "check":
            return render_template("result.html", pdf=pdf_status(job), **common)
        if job.kind == "rollover":
            return render_template("rollover_result.html", **common)
        return render_template("diff_result.html", **common)

    @app.get("/job/<jid>/status")
    def job_status(jid: str):
        job = job_or_404(jid, "check")
        return jsonify(pdf=pdf_status(job))

    @app.post("/job/<jid>/pdf")
    def job_pdf(jid: str):
        job = job_or_404(jid, "check")
        if job.built and job.pdf.state in ("idle", "failed"):
            store.submit_pdf(job)
        if request.accept_mimetypes.best == "application/json":
            return jsonify(pdf=pdf_status(job))
        return redirect(url_for("job_page", jid=job.id) + "#pdf", 303)

    def sandboxed(path: Path) -> Response:
        if not path.is_file():
            abort(404)
        resp = send_file(path, mimetype="text/html")
        resp.headers["Content-Security-Policy"] = PREVIEW_CSP
        resp.headers["X-Frame-Options"] = "SAMEORIGIN"
        return resp

    @app.get("/job/<jid>/preview")
    def preview(jid: str):
        job = job_or_404(jid, "check")
        return sandboxed(job.path(work.FILES["html"]))

    @app.get("/job/<jid>/report")
    def report(jid: str):
        job = job_or_404(jid, "diff")
        return sandboxed(job.path(work.DIFF_HTML))

    @app.get("/job/<jid>/download/<kind>")
    def download(jid: str, kind: str):
        job = job_or_404(jid)
        if kind not in DOWNLOADS:
            abort(404)
        path = job.path(work.FILES[kind])
        if not path.is_file():
            abort(404)
        suffix, mime = DOWNLOADS[kind]
        if kind == "next":
            r = job.result
            name = f"{r.data['基本信息'][0][1] or ''}{r.year}年预算工作簿.xlsx"
        elif kind.startswith("diff-"):
            name = f"{stem_of(job.names[0])}-{stem_of(job.names[1])}-{suffix}"
        else:
            name = stem_of(job.name) + suffix
        return send_file(path, mimetype=mime, as_attachment=True,
                         download_name=display_name(name, "下载" + suffix))

    return app
