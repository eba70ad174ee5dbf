"""The ASGI guard in front of every page the plugin serves.

- **Host check** (DNS rebinding): when the server listens on a loopback address, a request whose
  `Host` is not a loopback name or address (nor one of `PRECURSOR_WATCH_ALLOWED_HOSTS`, e.g. the
  name a reverse proxy forwards) gets 421: a page on `evil.example` that resolves to 127.0.0.1
  cannot read the catalog from the analyst's browser.
- **Local paths only**: a request path starting with several slashes or backslashes
  (`//evil.example/x.csv`, `/\\evil.example/...`) is read as the one-slash path, and any
  `Location` the app sends that would leave this server is rewritten to a path of this server.
- **Content-Security-Policy** on every HTML page: scripts only from this server or inline scripts
  carrying the response's nonce (added here to the app's own `<script>` tags; scraped text is
  escaped, so it holds no tag to add it to). A `javascript:` link cannot run, nothing loads from
  elsewhere. Pages that set their own policy (archived evidence, drawings) keep theirs.
"""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
from urllib.parse import urlsplit

PAGE_CSP = ("default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self'"
            " 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self';"
            " object-src 'none'; frame-src 'self'; base-uri 'none'; form-action 'self';"
            " frame-ancestors 'self'")
_LEADING = re.compile(r"^[/\\]+")
_SCRIPT_TAG = re.compile(rb"<script(?=[\s>])", re.I)
LOOPBACK_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost")


def local_path(path: str) -> str:
    r"""A request path as a path of this server (one leading slash).

    >>> [local_path(p) for p in ("//evil.example/x.csv", "/\\evil.example/t", "/db/t", "")]
    ['/evil.example/x.csv', '/evil.example/t', '/db/t', '/']
    """
    return "/" + _LEADING.sub("", path)


def local_location(location: str) -> str:
    r"""A redirect target that stays on this server: scheme and host dropped, one leading slash.

    >>> [local_location(u) for u in ("//evil.example/x", "/\\evil.example/",
    ...  "https://evil.example/a?b", "/db/t?_nocol=x", "?page=2")]
    ['/x', '/', '/a?b', '/db/t?_nocol=x', '?page=2']
    """
    if location.startswith("?"):
        return location
    cleaned = location.replace("\\", "/")
    parts = urlsplit(cleaned)
    if parts.scheme or parts.netloc or cleaned.startswith("//") or not cleaned.startswith("/"):
        rest = parts.path + (f"?{parts.query}" if parts.query else "")
        return local_path(rest)
    return location


def _is_loopback(host: str) -> bool:
    host = host.strip("[]").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def allowed_hosts() -> set[str]:
    return {h.strip().lower() for h in os.environ.get("PRECURSOR_WATCH_ALLOWED_HOSTS", "")
            .split(",") if h.strip()}


def host_refused(scope) -> bool:
    """True when the server listens on loopback and the Host header names another host."""
    server = scope.get("server")
    if not server or not _is_loopback(str(server[0])):
        return False
    raw = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1").strip().lower()
    if not raw:
        return True
    host = raw.rsplit(":", 1)[0] if not raw.endswith("]") and raw.count(":") == 1 else raw
    if raw.startswith("["):
        host = raw.split("]", 1)[0] + "]"
    return not (_is_loopback(host) or host in allowed_hosts())


async def _send_plain(send, status: int, text: str) -> None:
    body = text.encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def guard(app):
    """Wrap an ASGI app with the Host check, local paths and Location headers, and the CSP."""
    async def guarded(scope, receive, send):
        if scope.get("type") != "http":
            await app(scope, receive, send)
            return
        if host_refused(scope):
            await _send_plain(send, 421, "Misdirected request: this server answers only to"
                              " its own loopback address (set PRECURSOR_WATCH_ALLOWED_HOSTS"
                              " for a reverse proxy's host name).\n")
            return
        path = scope.get("path", "")
        if path.startswith(("//", "/\\")):
            scope = {**scope, "path": local_path(path),
                     "raw_path": local_path(path).encode("latin-1", "replace")}
        nonce = secrets.token_urlsafe(16)
        held: dict = {}

        async def guarded_send(event):
            if event["type"] == "http.response.start":
                headers = []
                for name, value in event.get("headers", []):
                    if name.lower() == b"location":
                        value = local_location(value.decode("latin-1")).encode("latin-1")
                    headers.append((name, value))
                names = {n.lower() for n, _ in headers}
                ctype = dict((n.lower(), v) for n, v in headers).get(b"content-type", b"")
                if b"content-security-policy" not in names and ctype.startswith(b"text/html"):
                    headers = [(n, v) for n, v in headers if n.lower() != b"content-length"]
                    headers.append((b"content-security-policy",
                                    PAGE_CSP.format(nonce=nonce).encode()))
                    held["start"] = {**event, "headers": headers}
                    held["body"] = []
                    return
                await send({**event, "headers": headers})
                return
            if "start" not in held:
                await send(event)
                return
            held["body"].append(event.get("body", b""))
            if event.get("more_body"):
                return
            body = _SCRIPT_TAG.sub(f'<script nonce="{nonce}"'.encode(), b"".join(held["body"]))
            start = held["start"]
            start["headers"].append((b"content-length", str(len(body)).encode()))
            await send(start)
            await send({"type": "http.response.body", "body": body})

        await app(scope, receive, guarded_send)
    return guarded
