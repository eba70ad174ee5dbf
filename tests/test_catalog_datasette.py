"""Datasette (a real server on 127.0.0.1) reads the catalog while a writer holds a batch open."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from pipelines.catalog.connection import open_db
from pipelines.catalog.save_listings import save_listings
from pipelines.catalog.writer import CatalogWriter
from pipelines.validate import check
from precursor_watch.web.server import METADATA


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_json(url: str, deadline: float):
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                return json.loads(resp.read())
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def listing(lid: str) -> dict:
    rec, _ = check({"platform": "shop", "listing_id": lid, "url": f"https://s.example/{lid}",
                    "title": f"Item {lid} <b>bold</b>"})
    return rec


@pytest.mark.crawl
@pytest.mark.subprocess
def test_datasette_reads_while_a_batch_is_open(tmp_path):
    path = tmp_path / "catalog.db"
    db = open_db(path)
    # No flush by age: on a busy machine Datasette's start-up outlasts the default 5 s, and the
    # batch this test holds open would be written by `add` before it is opened.
    writer = CatalogWriter(db, kind="crawl", spider="shop", batch_size=10_000,
                           flush_seconds=3600)
    writer.add(listing("1"))
    writer.flush()
    port = free_port()
    cmd = [sys.executable, "-m", "datasette", "serve", str(path), "--host", "127.0.0.1",
           "--port", str(port)]
    cmd += ["-m", str(METADATA)]
    server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}/catalog"
        url = f"{base}/listings.json?_shape=array&_col=listing_id"
        assert [r["listing_id"] for r in get_json(url, time.monotonic() + 60)] == ["1"]
        writer.add(listing("2"))
        db.execute("BEGIN IMMEDIATE")  # the writer's batch transaction, still open
        save_listings(writer, {"shop:2": writer._listings.pop("shop:2")}, "2030-01-01T00:00Z")
        assert [r["listing_id"] for r in get_json(url, time.monotonic() + 10)] == ["1"]
        db.execute("COMMIT")
        assert sorted(r["listing_id"] for r in get_json(url, time.monotonic() + 10)) == ["1", "2"]
        # Views and full-text search answer through the JSON API too.
        rows = get_json(f"{base}/listings.json?_search=bold&_shape=array",
                        time.monotonic() + 10)
        assert len(rows) == 2
        get_json(f"{base}/network_overview.json", time.monotonic() + 10)
        # The metadata's canned queries run against the real schema.
        for query in ("vendors_with_several_entries", "find_identifier?value=86",
                      "vendor_dossier?vendor=1", "listing_history?listing=shop:1",
                      "new_hits_since?since=2000-01-01"):
            name, _, params = query.partition("?")
            out = get_json(f"{base}/{name}.json?_shape=objects&{params}", time.monotonic() + 10)
            assert "rows" in out, (query, out)
    finally:
        server.terminate()
        server.wait(timeout=10)
        writer.close()
