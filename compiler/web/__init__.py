"""`gongkai serve`: a local web page for budget staff (新建 · 检查并生成 · 下一年度 · 比较)."""
from __future__ import annotations

import sys

from .app import LOCAL_HOSTS, create_app
from .jobs import JobStore

__all__ = ["JobStore", "create_app", "is_local", "serve"]


def is_local(host: str) -> bool:
    return host in LOCAL_HOSTS or host.startswith("127.")


def _cannot_bind(host: str, port: int) -> str | None:
    import socket
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            return exc.strerror or str(exc)
    return None


def serve(host: str = "127.0.0.1", port: int = 8765, open_browser: bool = False,
          ttl: float = 3600) -> int:
    """Run until Ctrl+C (or SIGTERM); every uploaded file is removed on the way out."""
    import signal
    import threading
    import webbrowser

    from werkzeug.serving import make_server

    def stop(*_):  # `kill` cleans up like Ctrl+C
        raise KeyboardInterrupt
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, stop)

    local = is_local(host)
    store = JobStore(ttl=ttl)
    server = None
    try:
        app = create_app(store, local_only=local)
        problem = _cannot_bind(host, port)  # werkzeug would say it in English and exit
        if problem is None:
            try:
                server = make_server(host, port, app, threaded=True)
            except (OSError, SystemExit) as exc:
                problem = getattr(exc, "strerror", None) or str(exc)
        if problem is not None:
            print(f"gongkai: 无法在 {host}:{port} 启动网页（{problem}）。"
                  f"端口可能已被占用，请用 --port 换一个，如 --port {port + 1}", file=sys.stderr)
            return 2
        store.warm()
        shown = f"[{host}]" if ":" in host else host
        url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else shown}:{server.port}/"
        if not local:
            print(f"警告：网页正在监听 {host}，同一网络中的任何人都能打开它、上传工作簿并下载生成的文件。"
                  "只在可信的内部网络中这样做；仅本机使用请去掉 --host。", file=sys.stderr)
        print(f"gongkai 网页已启动：{url}", flush=True)
        print(f"上传的文件保存在 {store.root}，{int(ttl // 60)} 分钟后或停止时自动删除。按 Ctrl+C 停止。",
              flush=True)
        if open_browser:
            threading.Timer(0.5, webbrowser.open, args=(url,)).start()
        server.serve_forever()
    except KeyboardInterrupt:
        print("\n正在停止…", flush=True)
    finally:
        if server is not None:
            server.server_close()
        store.close()
    return 0
