"""Helpers for the analyst-surface tests: the sample-crawl catalog, a real `precursor-watch
serve` on a loopback port, the same Datasette in process (`in_process`, for the fast tier),
JSON/text fetches, a small known catalog with hostile text."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"


# Debian's chromium, driven by Playwright's Python package (never `playwright install`); the
# flags keep it off the network and quiet on a machine with no display.
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run", "--disable-sync"]


@contextlib.contextmanager
def chromium():
    """A headless Chromium (Playwright `Browser`), closed on leaving."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS,
                                     headless=True)
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def browser_page():
    """A 1280x900 page whose script errors collect in `page.errors`."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.errors = []
        page.on("pageerror", lambda exc: page.errors.append(str(exc)))
        yield page


def demo_catalog(folder: Path) -> Path:
    db = folder / "catalog.db"
    env = {**os.environ, "PRECURSOR_WATCH_EVIDENCE_DIR": "crawls"}
    r = subprocess.run([sys.executable, "-m", "precursor_watch", "demo", "--db", str(db)],
                       cwd=folder, env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    return db


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving(db: Path, *extra: str):
    port = free_port()
    cmd = [sys.executable, "-m", "precursor_watch", "serve", "--db", str(db), "--port", str(port),
           *extra]
    proc = subprocess.Popen(cmd, cwd=db.parent, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=5).read()
                break
            except urllib.error.HTTPError:
                break  # answering (e.g. 403 behind a password)
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError(proc.stderr.read().decode()[-3000:]) from None
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def in_process(db: Path, password_hash: str | None = None):
    """`fetch` for paths of the Datasette `precursor-watch serve` would serve over `db` (the
    same `server.build`: metadata, plugins, settings, password), answered in this process
    through Datasette's ASGI client: no server process, no port. Redirects are followed."""
    import asyncio

    from precursor_watch.web.server import build

    ds = build(db, password_hash=password_hash)

    def get(path: str) -> tuple[int, dict, bytes]:
        async def call():
            return await ds.client.get(path, follow_redirects=True)

        resp = asyncio.run(call())
        return resp.status_code, dict(resp.headers), resp.content

    return get


def fetch(url: str) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def get_json(url: str):
    status, _, body = fetch(url)
    assert status == 200, (url, status, body[:500])
    return json.loads(body)


HOSTILE_TITLE = "<script>alert(1)</script>"
HOSTILE_PRICE = '=HYPERLINK("http://x")'


def known_catalog(path: Path, matcher) -> Path:
    """Three listings of one vendor: NPP by CAS, 1-boc-4-piperidone by name, and one titled
    with a script tag and priced with a spreadsheet formula (NPP by CAS too)."""
    from pipelines.catalog.connection import open_db
    from pipelines.catalog.writer import CatalogWriter
    from pipelines.chemistry import Chemistry
    from pipelines.validate import check

    db = open_db(path)
    recs = []
    for lid, title, cas, price in (
            ("a1", "NPP powder 99%", "39742-60-4", "USD 150/kg"),
            ("a2", "N-Boc-4-piperidone", None, "USD 90/kg"),
            ("a3", HOSTILE_TITLE, "39742-60-4", HOSTILE_PRICE)):
        rec, reason = check({"platform": "shop", "listing_id": lid, "title": title, "cas": cas,
                             "url": f"https://shop.example/p/{lid}", "price_text": price,
                             "vendor_id": "v1", "vendor_name": "Hostile <b>Trading</b> Co"})
        assert rec is not None, reason
        recs.append(rec)
    vendor, reason = check({"item_type": "vendor", "platform": "shop", "vendor_id": "v1",
                            "name": "Hostile <b>Trading</b> Co", "country": "中国",
                            "emails": ["=cmd@evil.example"]})
    assert vendor is not None, reason
    writer = CatalogWriter(db, kind="crawl", spider="shop", platform="shop",
                           watchlist=matcher.watchlist)
    writer.open()
    Chemistry(matcher).resolve_many(recs)
    for rec in [vendor, *recs]:
        writer.add(dict(rec))
    writer.close()
    db.conn.close()
    return path


GROWN = ("listings", "hits", "listing_substances", "listing_versions")


def table_columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f"pragma table_info([{table}])")]


def grow_catalog(source: Path, target: Path, copies: int) -> Path:
    """The catalog with every listing (and its hits, substances and priced versions) copied
    `copies` times under new listing ids: copies x the hits of one vendor."""
    shutil.copy(source, target)
    conn = sqlite3.connect(target)
    with conn:
        conn.execute("create temp table n (k integer primary key)")
        conn.executemany("insert into n values (?)", [(k,) for k in range(1, copies)])
        for table in GROWN:
            cols = [c for c in table_columns(conn, table) if c != "rowid"]
            key = "id" if table == "listings" else "listing"
            picked = ", ".join(f"{c} || '#' || n.k" if c == key else
                               ("null" if table == "listing_versions" and c == "id" else c)
                               for c in cols)
            conn.execute(f"insert into {table} ({', '.join(cols)}) select {picked}"
                         f" from {table}, n where {key} not like '%#%'")
    conn.close()
    return target
