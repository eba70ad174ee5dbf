"""A hostile vendor website for loopback crawl tests (served by the sample server, loopback only).

`www.hostile-shop.example`: 40 JSON-LD product pages, one whose name carries a lone surrogate
(repaired) and one whose SKU is a lone surrogate (rejected); a gzip-served product page; a page
with NUL and control bytes (and a NUL in its product name); a page nested 20,000 deep; a gzip
bomb; a 503 asking for Retry-After 3600; a redirect to another service. `www.slow-shop.example`:
robots.txt with `Crawl-delay: 2` and three pages.
"""

from __future__ import annotations

import gzip
import json
import threading
import time
import zlib
from http.server import ThreadingHTTPServer
from pathlib import Path

from scrapers.sample_server import SampleHandler

SHOP = "www.hostile-shop.example"
SLOW = "www.slow-shop.example"
OTHER = "www.other-service.example"
N_PRODUCTS = 40
PRODUCT = ('<html><head><script type="application/ld+json">{jsonld}</script>'
           '<script type="application/ld+json">{{"@type": "Organization", "name": "Hostile Shop'
           ' Ltd"}}</script></head><body><p>product page</p></body></html>')
SURROGATE_NAME = 7  # product page whose name holds "\ud800"
SURROGATE_SKU = 9  # product page whose SKU is "\ud800"


def product_jsonld(i: int) -> str:
    name = "Piperidine \\ud800 99%" if i == SURROGATE_NAME else f"Product {i} 99%"
    sku = "\\ud800" if i == SURROGATE_SKU else f"P{i}"
    return (f'{{"@type": "Product", "name": "{name}", "sku": "{sku}",'
            f' "description": "CAS 110-89-4 lot {i}"}}')


def gzip_bomb(megabytes: int) -> bytes:
    z = zlib.compressobj(9, zlib.DEFLATED, 31)
    zero = bytes(1 << 20)
    return b"".join([*(z.compress(zero) for _ in range(megabytes)), z.flush()])


def sidecar(path: Path, **meta) -> None:
    path.with_name(path.name + ".headers.json").write_text(json.dumps(meta))


def build(root: Path, bomb_mb: int = 400) -> Path:
    shop = root / SHOP
    (shop / "p").mkdir(parents=True)
    links = [f"/p/{i}.html" for i in range(N_PRODUCTS)]
    links += ["/p/gz.html", "/p/bomb.html", "/p/later.html", "/p/away.html", "/p/nul.html",
              "/p/deep.html"]
    (shop / "index.html").write_text(
        "<html><body>" + "".join(f'<a href="{u}">{u}</a>' for u in links) + "</body></html>")
    for i in range(N_PRODUCTS):
        (shop / f"p/{i}.html").write_text(PRODUCT.format(jsonld=product_jsonld(i)))
    gz = shop / "p/gz.html"
    gz.write_bytes(gzip.compress(PRODUCT.format(jsonld=product_jsonld(100)).encode()))
    sidecar(gz, headers={"Content-Encoding": "gzip", "Content-Type": "text/html; charset=utf-8"})
    bomb = shop / "p/bomb.html"
    bomb.write_bytes(gzip_bomb(bomb_mb))
    sidecar(bomb, headers={"Content-Encoding": "gzip", "Content-Type": "text/html"})
    nul = PRODUCT.format(jsonld=product_jsonld(300).replace("Product 300", "Product\\u0000 300"))
    (shop / "p/nul.html").write_bytes(nul.replace("<h1>", "<h1>\x00\x01").encode())
    (shop / "p/deep.html").write_text(PRODUCT.format(jsonld=product_jsonld(301)).replace(
        "<h1>product</h1>", "<div>" * 20_000 + "deep" + "</div>" * 20_000))
    later = shop / "p/later.html"
    later.write_text("<html><body>busy</body></html>")
    sidecar(later, status=503, headers={"Retry-After": "3600"})
    away = shop / "p/away.html"
    away.write_text("")
    sidecar(away, status=302, headers={"Location": f"https://{OTHER}/landing.html"})
    (root / OTHER).mkdir()
    (root / OTHER / "landing.html").write_text(PRODUCT.format(jsonld=product_jsonld(200)))
    slow = root / SLOW
    slow.mkdir()
    (slow / "robots.txt").write_text("User-agent: *\nCrawl-delay: 2\n")
    (slow / "index.html").write_text('<html><body><a href="/a.html">a</a>'
                                     '<a href="/b.html">b</a></body></html>')
    for name in ("a", "b"):
        (slow / f"{name}.html").write_text(f"<html><body><h1>{name}</h1></body></html>")
    (root / "domains.txt").write_text(f"{SHOP}\n{SLOW}\n")
    return root


def serve(root: Path) -> tuple[ThreadingHTTPServer, str, list[tuple[float, str]]]:
    """The sample server on a free loopback port, logging (time, path) of every request."""
    log: list[tuple[float, str]] = []
    lock = threading.Lock()

    class Handler(SampleHandler):
        def do_GET(self):
            with lock:
                log.append((time.monotonic(), self.path))
            return super().do_GET()

    Handler.root = root
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}", log
