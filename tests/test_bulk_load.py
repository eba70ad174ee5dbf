"""A file ingest into an empty catalog builds the per-listing indexes at the end, and a load
that dies before it closes leaves a catalog the next open repairs."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pipelines.catalog.bulk_load import BULK_CACHE_KIB, DEFERRED_TABLES
from pipelines.catalog.connection import open_db
from pipelines.catalog.schema import INDEXES, index_name, shape_is_current
from pipelines.catalog.writer import CatalogWriter
from pipelines.chemistry import Chemistry
from pipelines.ingest.feed import ingest_jsonl
from pipelines.validate import check

FEED = Path(__file__).parent / "files" / "catalog" / "feed.jsonl"
DEFERRED = {index_name(t, c) for t, c, unique in INDEXES if t in DEFERRED_TABLES and not unique}


def indexes(path: Path) -> dict[str, str]:
    with sqlite3.connect(path) as con:
        return dict(con.execute("select name, sql from sqlite_master where type = 'index'"
                                " and sql is not null"))


def listing(lid: str) -> dict:
    rec, reason = check({"platform": "shop", "listing_id": lid, "url": f"https://shop.example/{lid}",
                         "title": f"Product {lid}", "cas": "39742-60-4", "vendor_id": "v1"})
    assert rec is not None, reason
    return rec


def test_first_ingest_ends_with_every_declared_index_as_declared(tmp_path, matcher):
    open_db(tmp_path / "shape.db")
    fresh = indexes(tmp_path / "shape.db")
    assert set(fresh) >= DEFERRED
    r = ingest_jsonl(FEED, open_db(tmp_path / "c.db"), chemistry=Chemistry(matcher))
    assert r.listings and r.run["status"] in ("finished", "degraded")
    assert indexes(tmp_path / "c.db") == fresh  # same names, same SQL
    assert shape_is_current(open_db(tmp_path / "c.db"))


def test_bulk_load_defers_only_on_an_empty_catalog(tmp_path):
    path = tmp_path / "c.db"
    writer = CatalogWriter(open_db(path), kind="ingest", bulk_load=True)
    writer.open()
    assert not DEFERRED & set(indexes(path))  # dropped while the load runs
    assert writer.db.execute("pragma cache_size").fetchone()[0] == -BULK_CACHE_KIB
    writer.add(listing("1"))
    writer.close(mark_gone=False)
    assert set(indexes(path)) >= DEFERRED
    again = CatalogWriter(open_db(path), kind="ingest", bulk_load=True)
    again.open()  # listings are stored: nothing is dropped, the page cache stays as it was
    assert set(indexes(path)) >= DEFERRED
    assert again.db.execute("pragma cache_size").fetchone()[0] == -65536
    again.add(listing("2"))
    again.close(mark_gone=False)
    with sqlite3.connect(path) as con:
        assert con.execute("select count(*) from listings").fetchone() == (2,)


def test_a_load_that_dies_before_closing_is_repaired_by_the_next_open(tmp_path):
    path = tmp_path / "c.db"
    writer = CatalogWriter(open_db(path), kind="ingest", bulk_load=True, batch_size=1)
    writer.open()
    writer.add(listing("1"))  # written (batch of one), then the process "dies": no close
    writer.db.conn.close()
    assert not DEFERRED & set(indexes(path))
    db = open_db(path)
    assert set(indexes(path)) >= DEFERRED
    assert shape_is_current(db)
    assert db.execute("select id from listings").fetchall() == [("shop:1",)]
