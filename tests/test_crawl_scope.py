"""Crawl scope in one place, on a real loopback crawl: a vendor site whose product pages carry a
meta refresh, a script `location` assignment or a canonical link to another host (a second
loopback address, 127.0.0.2, standing for an internal service) and an HTTP redirect there. Every
page is still parsed, nothing reaches the other host, a refresh within the site is followed."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

SHOP = "www.refresh-shop.example"
N = 12
PRODUCT = ('<html><head>{head}<script type="application/ld+json">{{"@type": "Product",'
           ' "name": "Product {i} 99%", "sku": "R{i}", "description": "CAS 110-89-4"}}</script>'
           '</head><body><p>product {i}</p>{body}</body></html>')
RUNNER = """
import json
from scrapers.crawl import run_crawl
result = run_crawl(["vendorsite"], {samples!r}, {db!r}, None, {{"domains": {domains!r}}},
                   extra_settings={settings!r})
stats = result.stats["vendorsite"]
print(json.dumps({{k: v for k, v in stats.items() if isinstance(v, (int, str))}}))
"""


@pytest.fixture
def other_host():
    """A real HTTP server on 127.0.0.2 recording every request it gets."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            body = PRODUCT.format(head="", body="", i=999).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.2", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.2:{server.server_address[1]}", hits
    server.shutdown()


def build(root, other: str):
    from hostilekit import sidecar

    shop = root / SHOP
    (shop / "p").mkdir(parents=True)
    links = [f"/p/{i}.html" for i in range(N)] + ["/p/away.html", "/p/near.html"]
    (shop / "index.html").write_text(
        "<html><body>" + "".join(f'<a href="{u}">{u}</a>' for u in links) + "</body></html>")
    for i in range(N):  # every product page sends the browser to the other host, three ways
        how = i % 3
        head = (f'<meta http-equiv="refresh" content="0; url={other}/internal">' if how == 0
                else f'<link rel="canonical" href="{other}/canon/{i}">' if how == 2 else "")
        body = f'<script>window.location.href = "{other}/js/{i}";</script>' if how == 1 else ""
        (shop / f"p/{i}.html").write_text(PRODUCT.format(head=head, body=body, i=i))
    (shop / "p/near.html").write_text(PRODUCT.format(  # a refresh within the site: followed
        head='<meta http-equiv="refresh" content="1;URL=\'/p/moved.html\'">', body="", i=500))
    (shop / "p/moved.html").write_text(PRODUCT.format(head="", body="", i=501))
    away = shop / "p/away.html"
    away.write_text("")
    sidecar(away, status=302, headers={"Location": f"{other}/redirected"})
    (root / "domains.txt").write_text(f"{SHOP}\n")
    return root


@pytest.mark.crawl
@pytest.mark.subprocess
def test_refresh_script_canonical_and_redirect_off_the_site_are_not_followed(tmp_path,
                                                                            other_host):
    import hostilekit

    other, other_hits = other_host
    root = build(tmp_path / "site", other)
    server, samples, log = hostilekit.serve(root)
    db = tmp_path / "catalog.db"
    settings = {"PRECURSOR_WATCH_EVIDENCE_DIR": str(tmp_path / "crawls"), "LOG_LEVEL": "INFO"}
    code = RUNNER.format(samples=samples, db=str(db), domains=str(root / "domains.txt"),
                         settings=settings)
    try:
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              timeout=300, cwd=tmp_path)
    finally:
        server.shutdown()
    assert proc.returncode == 0, proc.stderr[-3000:]
    stats = json.loads(proc.stdout.strip().splitlines()[-1])

    import sqlite3

    con = sqlite3.connect(db)
    ids = {r[0] for r in con.execute("select listing_id from listings")}
    con.close()
    # Every page carrying a refresh, script or canonical is parsed; the in-site refresh is
    # followed; nothing of the other host is fetched, directly or through the sample server.
    assert ids == {f"R{i}" for i in range(N)} | {"R500", "R501"}
    assert other_hits == []
    assert not any("127.0.0.2" in path for _, path in log)
    assert stats["precursor_watch/offsite_refused/refresh"] == N // 3
    assert stats["precursor_watch/offsite_refused/script"] == N // 3
    assert stats["precursor_watch/offsite_refused/canonical"] == N // 3
    assert stats["precursor_watch/offsite_redirects"] == 1
