"""Real Scrapy crawls (subprocess, loopback HTTP server) through the catalog pipelines, twice."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
SPIDER = Path(__file__).parent / "files" / "catalog" / "loopback_spider.py"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "site"
    root.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def publish(root: Path, base: str, pages: dict[str, dict]) -> None:
    for old in root.glob("*.json"):
        old.unlink()
    for name, data in pages.items():
        if data.get("type") not in ("vendor", "not_fetched"):
            data = {"url": f"{base}/{name}", **data}
        (root / name).write_text(json.dumps(data), encoding="utf-8")
    (root / "index.json").write_text(json.dumps({"pages": list(pages)}), encoding="utf-8")


def run_crawl(base: str, db: Path, cwd: Path) -> subprocess.CompletedProcess:
    # The fixture spider brings its own settings (the catalog pipelines), nothing else. An
    # earlier test in this pytest process that read the project's settings left
    # SCRAPY_SETTINGS_MODULE in os.environ (Scrapy sets it there); inherited, it made the crawl
    # load the whole project (HealthMonitor, AutoThrottle, WARC evidence) depending on which test
    # files ran before this one in the same worker.
    env = {k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE"}
    env.update(PYTHONPATH=str(ROOT), PRECURSOR_WATCH_DB=str(db))
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "runspider", str(SPIDER), "-a", f"base={base}"],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


@pytest.mark.crawl
@pytest.mark.subprocess
def test_two_crawls_versions_gone_hits_and_networks(site, tmp_path):
    root, base = site
    db = tmp_path / "catalog.db"
    vendor = {"type": "vendor", "platform": "loop", "vendor_id": "v1",
              "name": "Hubei Amarvel Biotech Co., Ltd.", "phones": ["+86 131 0000 0001"]}
    front = {"type": "vendor", "platform": "loop", "vendor_id": "v2",
             "name": "Golden Dragon Trading", "phones": ["0086-131-0000-0001"]}
    npp = {"platform": "loop", "listing_id": "1", "title": "N-Phenethyl-4-piperidone 99%",
           "cas": "39742-60-4", "price_text": "$120", "price_amount": 120.0, "vendor_id": "v1"}
    salt = {"platform": "loop", "listing_id": "2", "title": "Sodium chloride",
            "vendor_id": "v2"}
    boc = {"platform": "loop", "listing_id": "3", "title": "1-Boc-4-piperidone",
           "vendor_id": "v2"}
    bad = {"platform": "loop", "listing_id": "4"}  # no product text: dropped, crawl goes on
    publish(root, base, {"v1.json": vendor, "v2.json": front, "p1.json": npp,
                         "p2.json": salt, "p3.json": boc, "p4.json": bad})
    first = run_crawl(base, db, tmp_path)
    assert "invalid item: listing without any product text" in first.stderr

    publish(root, base, {"v1.json": vendor, "p1.json": {**npp, "price_text": "$99",
                                                        "price_amount": 99.0},
                         "p2.json": salt})
    run_crawl(base, db, tmp_path)

    con = sqlite3.connect(db)
    q = lambda sql: con.execute(sql).fetchall()  # noqa: E731
    assert q("select listing_id, status, times_seen, version from listings order by 1") == [
        ("1", "active", 2, 2), ("2", "active", 2, 1), ("3", "gone", 1, 1)]
    assert q("select version, price_text from listing_versions where listing = 'loop:1'"
             " order by version") == [(1, "$120"), (2, "$99")]
    assert q("select kind, spider, status, finish_reason, listings_seen, listings_new,"
             " listings_changed, listings_gone from crawl_runs order by id") == [
        ("crawl", "loopback", "degraded", "finished", 3, 3, 0, 0),  # the dropped item
        ("crawl", "loopback", "finished", "finished", 2, 0, 1, 1)]
    assert q("select run, reason, json_extract(record, '$.listing_id') from rejected") == [
        (1, "invalid item: listing without any product text (title, name, CAS, SMILES,"
            " description)", "4")]
    hits = q("select listing, entry, first_run from hits where current = 1 order by 1, 2")
    assert ("loop:1", "npp", 1) in hits
    assert ("loop:3", "boc-4-piperidone", 1) in hits
    assert not any(h[0] == "loop:2" for h in hits)
    assert q("select count(distinct network), max(size) from vendor_networks") == [(1, 2)]
    stats = json.loads(q("select stats from crawl_runs where id = 2")[0][0])
    assert stats["item_scraped_count"] == 3

    # A page the crawl could not read hides its listings: nothing is marked gone.
    publish(root, base, {"p1.json": npp, "p2.json": {"type": "not_fetched",
                                                     "reason": "anti-bot challenge"}})
    run_crawl(base, db, tmp_path)
    assert q("select status, listings_gone, gone_note, not_fetched from crawl_runs"
             " where id = 3") == [("finished", 0, "1 pages not fetched", 1)]
    assert q("select status from listings where listing_id = '2'") == [("active",)]
