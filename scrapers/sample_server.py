"""A loopback HTTP server for the bundled sample sites (and a few hostile test endpoints).

`/<host>/<path>[__<query>]` serves `scrapers/samples/<host>/<path>[__<query>]` (see
`scrapers.middlewares.sample_path`). A sidecar `<file>.headers.json` overrides the status and
headers, or cuts the body short: {"status": 202, "headers": {...}, "truncate_to": N}.
`/robots.txt` allows everything (the sites' own robots.txt files are served under their hosts).
Text pages are served with a charset in Content-Type: the sidecar's, else the page's own
`<meta charset>` / `http-equiv` declaration (GB2312 is served as its superset GBK), else UTF-8.
Test endpoints under `/_test/`: `status/<code>`, `huge?mb=N`, `truncated`, `binary`.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

SAMPLES_DIR = Path(__file__).parent / "samples"
CONTENT_TYPES = {".txt": "text/plain", ".json": "application/json", ".xml": "application/xml",
                 ".css": "text/css", ".js": "application/javascript", ".png": "image/png"}
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.I)
CHARSET_ALIASES = {"gb2312": "gbk", "gb_2312-80": "gbk", "utf8": "utf-8"}


def content_type(file: Path, body: bytes, declared: str | None = None) -> str:
    """Content-Type for a sample file: the sidecar's, or by suffix with the page's own charset.

    >>> content_type(Path("a.html"), b'<meta content="text/html; charset=gb2312">')
    'text/html; charset=gbk'
    >>> content_type(Path("robots.txt"), b"User-agent: *")
    'text/plain; charset=utf-8'
    """
    if declared:
        return declared
    ctype = CONTENT_TYPES.get(file.suffix, "text/html")
    if not ctype.startswith("text/") and ctype not in ("application/json", "application/xml"):
        return ctype
    match = META_CHARSET.search(body[:4096]) if ctype == "text/html" else None
    charset = match.group(1).decode("ascii").lower() if match else "utf-8"
    return f"{ctype}; charset={CHARSET_ALIASES.get(charset, charset)}"


class SampleHandler(BaseHTTPRequestHandler):
    server_version = "precursor-watch-samples/1"
    disable_nagle_algorithm = True  # headers and body go out at once (no 40 ms delayed-ACK stall)
    root: Path = SAMPLES_DIR

    def log_message(self, format, *args):  # quiet: tests and demos read their own output
        pass

    def do_GET(self):
        parts = urlsplit(self.path)
        if parts.path.startswith("/_test/"):
            return self._test_endpoint(parts.path[len("/_test/"):], parse_qs(parts.query))
        if parts.path == "/robots.txt":
            return self._send(200, b"User-agent: *\nAllow: /\n", "text/plain")
        file = self._resolve(parts.path.lstrip("/"))
        if file is None:
            return self._send(404, b"<html><body>Not found</body></html>", "text/html")
        status, headers, truncate_to = 200, {}, None
        sidecar = file.with_name(file.name + ".headers.json")
        if sidecar.exists():
            meta = json.loads(sidecar.read_text("utf-8"))
            status, headers = int(meta.get("status", 200)), dict(meta.get("headers", {}))
            truncate_to = meta.get("truncate_to")
        body = file.read_bytes()
        ctype = content_type(file, body, headers.pop("Content-Type", None))
        if truncate_to is not None:  # announce the whole body, send a part, hang up
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: int(truncate_to)])
            self.wfile.flush()
            self.close_connection = True
            return None
        self._send(status, body, ctype, headers)

    def _resolve(self, rel: str) -> Path | None:
        root = self.root.resolve()
        for candidate in (rel, unquote(rel)):
            path = (root / candidate).resolve()
            if root not in path.parents:
                continue  # no escaping the sample root
            if path.is_dir():
                path = path / "index.html"
            if path.is_file() and not path.name.endswith(".headers.json"):
                return path
        return None

    def _test_endpoint(self, name: str, query: dict):
        if name.startswith("status/"):
            code = int(name.split("/", 1)[1] or 500)
            return self._send(code, f"<html><body>status {code}</body></html>".encode(),
                              "text/html", {"Retry-After": "0"})
        if name == "huge":
            size = int(float(query.get("mb", ["12"])[0]) * 1024 * 1024)
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(size))
            self.end_headers()
            chunk = b"<p>" + b"x" * 65_530 + b"</p>"
            sent = 0
            try:
                while sent < size:
                    piece = chunk[: size - sent]
                    self.wfile.write(piece)
                    sent += len(piece)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the crawler hung up once over DOWNLOAD_MAXSIZE
            return None
        if name == "truncated":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b"<html><body><h1>Truncated page</h1><p>CAS 39742-60-4")
            self.wfile.flush()
            self.close_connection = True
            return None
        if name == "binary":
            return self._send(200, bytes(range(256)) * 16, "application/octet-stream")
        return self._send(404, b"unknown test endpoint", "text/plain")

    def _send(self, status: int, body: bytes, ctype: str, headers: dict | None = None):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)


def make_server(port: int = 0, root: Path = SAMPLES_DIR) -> ThreadingHTTPServer:
    handler = type("Handler", (SampleHandler,), {"root": Path(root)})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    return server


def start_in_thread(port: int = 0, root: Path = SAMPLES_DIR) -> tuple[ThreadingHTTPServer, str]:
    """Start a server on a free loopback port; returns it and its base URL."""
    server = make_server(port, root)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@contextmanager
def serving(root: Path = SAMPLES_DIR) -> Iterator[str]:
    """Serve the samples on a free loopback port for the duration of a `with` block."""
    server, base = start_in_thread(root=root)
    try:
        yield base
    finally:
        server.shutdown()
