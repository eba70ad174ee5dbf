"""The catalog writer on real SQLite files: upserts, versions, gone listings, hits, hostile text."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from pipelines.catalog.connection import open_db
from pipelines.catalog.save_listings import save_listings
from pipelines.catalog.schema import ensure_db_shape
from pipelines.catalog.writer import CatalogWriter
from pipelines.chemistry import Chemistry
from pipelines.ingest.feed import ingest_jsonl
from pipelines.validate import check

FEED = Path(__file__).parent / "files" / "catalog" / "feed.jsonl"


@pytest.fixture
def chemistry(matcher):
    return Chemistry(matcher)


def listing(lid: str, **kw) -> dict:
    rec = {"platform": "shop", "listing_id": lid, "url": f"https://shop.example/p/{lid}",
           "title": f"Product {lid}", "vendor_id": "v1", "vendor_name": "Shop Vendor",
           "price_text": "$10", "price_amount": 10.0}
    rec.update(kw)
    out, reason = check(rec)
    assert out is not None, reason
    return out


def crawl(db, recs: list[dict], chemistry=None, **close) -> dict:
    writer = CatalogWriter(db, kind="crawl", spider="shop", platform="shop", batch_size=2,
                           watchlist=chemistry.matcher.watchlist if chemistry else None)
    writer.open()
    if chemistry:
        chemistry.resolve_many([r for r in recs if r["item_type"] == "listing"])
    for rec in recs:
        writer.add(dict(rec))
    return writer.close(**close)


def rows(db, sql: str, params=()) -> list[tuple]:
    return db.execute(sql, params).fetchall()


def test_ensure_db_shape_twice_is_a_no_op(tmp_path):
    db = open_db(tmp_path / "c.db")
    before = rows(db, "select type, name, sql from sqlite_master order by name")
    ensure_db_shape(db)
    ensure_db_shape(db)
    assert rows(db, "select type, name, sql from sqlite_master order by name") == before
    assert rows(db, "pragma journal_mode") == [("wal",)]
    names = {n for (n,) in rows(db, "select name from sqlite_master")}
    assert {"listings_fts", "vendors_fts", "substances_fts", "hits_per_vendor",
            "vendors_per_entry", "new_hits_latest_run", "vendors_multi_platform",
            "network_overview"} <= names


def test_ensure_db_shape_adds_missing_columns(tmp_path):
    db = open_db(tmp_path / "c.db")
    db.execute("create table t_old (x)")  # unrelated tables are left alone
    db.execute("alter table listings drop column gone_at")
    ensure_db_shape(db)
    assert "gone_at" in {c.name for c in db["listings"].columns}


def test_same_crawl_twice_no_duplicates_and_last_seen_bumped(tmp_path):
    db = open_db(tmp_path / "c.db")
    recs = [listing("1"), listing("2"), listing("2")]  # a duplicate within one run counts once
    first = crawl(db, recs)
    (seen1,) = rows(db, "select last_seen from listings where listing_id = '1'")[0]
    second = crawl(db, recs)
    assert first["listings_new"] == 2 and second["listings_new"] == 0
    assert rows(db, "select listing_id, times_seen, status from listings order by listing_id") \
        == [("1", 2, "active"), ("2", 2, "active")]
    (seen2,) = rows(db, "select last_seen from listings where listing_id = '1'")[0]
    assert seen2 > seen1
    assert rows(db, "select count(*) from listing_versions") == [(2,)]
    assert rows(db, "select count(*) from vendor_profiles") == [(1,)]
    assert rows(db, "select count(*) from crawl_runs where status = 'finished'") == [(2,)]


def test_listing_missing_from_a_later_run_becomes_gone(tmp_path):
    db = open_db(tmp_path / "c.db")
    crawl(db, [listing("1"), listing("2"), listing("3")])
    # A run that stopped early (or logged errors) should not have seen everything: nothing gone.
    r = crawl(db, [listing("1")], status="stopped", finish_reason="closespider_itemcount")
    assert r["listings_gone"] == 0 and "closespider_itemcount" in r["gone_note"]
    r = crawl(db, [listing("1")], errors=3)
    assert r["listings_gone"] == 0
    r = crawl(db, [listing("1")], not_fetched=1)  # e.g. an anti-bot page hid listing 2 and 3
    assert (r["listings_gone"], r["gone_note"]) == (0, "1 pages not fetched")
    r = crawl(db, [listing("1"), listing("2")])
    assert r["listings_gone"] == 1
    assert rows(db, "select listing_id, status from listings order by listing_id") == [
        ("1", "active"), ("2", "active"), ("3", "gone")]
    assert rows(db, "select listings_gone from crawl_runs order by id desc limit 1") == [(1,)]
    # Another spider's run never marks this spider's listings gone.
    other = CatalogWriter(db, kind="crawl", spider="other", platform="other")
    other.add(listing("x", platform="other"))
    other.close()
    assert rows(db, "select count(*) from listings where status = 'gone'") == [(1,)]
    # It comes back: active again, counted as reappeared.
    r = crawl(db, [listing("1"), listing("2"), listing("3")])
    assert r["listings_reappeared"] == 1
    assert rows(db, "select status, gone_at from listings where listing_id = '3'") == [
        ("active", None)]


def test_price_change_adds_a_version(tmp_path):
    db = open_db(tmp_path / "c.db")
    crawl(db, [listing("1")])
    crawl(db, [listing("1")])
    r = crawl(db, [listing("1", price_text="$12", price_amount=12.0)])
    assert r["listings_changed"] == 1
    versions = rows(db, "select version, price_text, price_amount, changed from listing_versions"
                        " where listing = 'shop:1' order by version")
    assert versions == [(1, "$10", 10.0, None),
                        (2, "$12", 12.0, json.dumps(["price_text", "price_amount"]))]
    assert rows(db, "select version, price_text, times_seen from listings") == [(2, "$12", 3)]


def test_full_text_index_follows_inserts_and_edits(tmp_path):
    db = open_db(tmp_path / "c.db")
    crawl(db, [listing("1", title="Piperidone crystals"), listing("2", title="Acetone")])
    crawl(db, [listing("1", title="Piperidone crystals"), listing("2", title="Acetone")])
    search = "select l.listing_id from listings_fts f join listings l on l.rowid = f.rowid" \
             " where listings_fts match ? order by 1"
    assert rows(db, search, ["piperidone"]) == [("1",)]
    crawl(db, [listing("1", title="Ethanol"), listing("2", title="Acetone")])
    assert rows(db, search, ["piperidone"]) == []
    assert rows(db, search, ["ethanol OR acetone"]) == [("1",), ("2",)]
    db.execute("delete from listings where listing_id = '2'")
    assert rows(db, search, ["acetone"]) == []
    assert rows(db, "insert into listings_fts(listings_fts) values('integrity-check')") == []


def test_evidence_links_each_version_to_its_warc_record(tmp_path):
    db = open_db(tmp_path / "c.db")
    warc = {"warc_file": "crawls/r1/pages.warc.gz", "fetched_at": "2030-01-01T00:00:00Z"}
    crawl(db, [listing("1", warc_record_id="<urn:uuid:a>", body_sha256="aa" * 32, **warc)])
    crawl(db, [listing("1", warc_record_id="<urn:uuid:b>", body_sha256="bb" * 32, **warc,
                       price_text="$11", price_amount=11.0)])
    assert rows(db, "select version, evidence from listing_versions order by version") == [
        (1, "<urn:uuid:a>"), (2, "<urn:uuid:b>")]
    assert rows(db, "select evidence from listings") == [("<urn:uuid:b>",)]
    assert rows(db, "select id, warc_file, sha256 from evidence order by id") == [
        ("<urn:uuid:a>", warc["warc_file"], "aa" * 32),
        ("<urn:uuid:b>", warc["warc_file"], "bb" * 32)]


def test_listing_without_id_is_keyed_by_canonical_url(tmp_path):
    db = open_db(tmp_path / "c.db")
    crawl(db, [listing(None, url="https://shop.example/o?b=2&a=1#top", listing_id=None)])
    crawl(db, [listing(None, url="https://shop.example/o?a=1&b=2", listing_id=None)])
    assert rows(db, "select id, times_seen from listings") == [
        ("shop:https://shop.example/o?a=1&b=2", 2)]


def test_hostile_text_is_stored_verbatim_but_a_nul_is_replaced_and_recorded(tmp_path):
    db = open_db(tmp_path / "c.db")
    title = "x'); DROP TABLE listings; -- \" <script>alert(1)</script> =1+2 \u202e\x00end"
    result = crawl(db, [listing("1", title=title, vendor_name="v'; DELETE FROM vendors; --")])
    assert rows(db, "select title, repairs from listings") == [
        (title.replace("\x00", "\ufffd"), '["title: 1 NUL replaced"]')]
    assert result["repaired"] == 1 and result["status"] == "degraded"
    assert rows(db, "select name from vendors") == [("v'; DELETE FROM vendors; --",)]
    assert rows(db, "select count(*) from listings_fts where listings_fts match '\"script\"'") \
        == [(1,)]


def test_validation_reports_reasons():
    assert check({"platform": "p", "title": "no url"}) == (None, "listing without url")
    assert check({"platform": "p", "url": "javascript:alert(1)", "title": "t"})[1].startswith(
        "listing url is not http(s)")
    assert check({"platform": "p", "url": "https://x.example/1"})[1].startswith(
        "listing without any product text")
    assert check({"type": "vendor", "platform": "p", "name": "n"}) == (
        None, "vendor without vendor_id")
    assert check([1, 2]) == (None, "neither a listing nor a vendor")
    rec, _ = check({"platform": "p", "url": "https://x.example/1", "title": "t",
                    "price_amount": "12.5", "payment_claims": "BTC",
                    "chem_key": "forged", "chemistry": {"hits": [{"entry": "x"}]}})
    assert rec["price_amount"] == 12.5 and rec["payment_claims"] == ["BTC"]
    assert "chem_key" not in rec and "chemistry" not in rec  # never trusted from input


def test_ingest_feed_hits_substances_and_bad_lines(tmp_path, chemistry):
    db = open_db(tmp_path / "c.db")
    r = ingest_jsonl(FEED, db, chemistry=chemistry)
    assert [n for n, _ in r.rejected] == [14, 15, 16]
    assert r.rejected[0][1] == "listing without url"
    assert r.rejected[1][1].startswith("not JSON")
    assert (r.listings, r.vendors) == (8, 5)
    hits = set(rows(db, "select listing, entry from hits where current = 1"))
    assert ("chemmarket:1001", "npp") in hits
    assert ("b2bhub:b-9", "anpp") in hits
    assert ("chemmarket:1002", "boc-4-piperidone") in hits
    assert not any(listing == "chemmarket:1004" for listing, _ in hits)  # table salt
    assert rows(db, "select how, substance from listing_substances"
                    " where listing = 'chemmarket:1001'") == [
        ("cas", "YDJXNYNKKXZBMP-UHFFFAOYSA-N")]
    assert rows(db, "select count(*) from watchlist_entries where in_force = 1") == [
        (len(chemistry.matcher.watchlist.entries),)]
    assert rows(db, "select distinct watchlist_version from hits") == [(chemistry.version,)]
    # Ingesting the same feed again changes nothing but the sightings.
    before = rows(db, "select listing, entry, first_detected from hits order by 1, 2")
    r2 = ingest_jsonl(FEED, db, chemistry=chemistry)
    assert r2.run["listings_new"] == 0 and r2.run["hits_new"] == 0
    assert rows(db, "select listing, entry, first_detected from hits order by 1, 2") == before
    assert rows(db, "select max(times_seen), count(*) from listings") == [(2, 8)]
    # Ingest never marks listings gone.
    assert rows(db, "select count(*) from listings where status = 'gone'") == [(0,)]


def test_reader_queries_while_writer_holds_an_open_batch(tmp_path):
    path = tmp_path / "c.db"
    db = open_db(path)
    crawl(db, [listing("1")])
    writer = CatalogWriter(db, kind="crawl", spider="shop", batch_size=10_000)
    writer.open()
    writer.add(listing("2"))
    writer.db.execute("BEGIN IMMEDIATE")  # the writer's batch transaction is open
    save_listings(writer, {"shop:2": writer._listings.pop("shop:2")}, "2026-01-01T00:00:00Z")
    reader = sqlite3.connect(path, timeout=1)
    assert reader.execute("select listing_id from listings").fetchall() == [("1",)]
    writer.db.execute("COMMIT")
    assert reader.execute("select listing_id from listings order by 1").fetchall() == [
        ("1",), ("2",)]
    writer.close()


def vendor(**kw) -> dict:
    rec = {"type": "vendor", "platform": "shop", "vendor_id": "v1"}
    rec.update(kw)
    out, reason = check(rec)
    assert out is not None, reason
    return out


FULL = dict(name="Wuhan Ruixiang Chemical Trading Co., Ltd.", address="No. 18 Hanzheng Street",
            phones=["+86-27-5555-0102"], emails=["ruixiang.trade@example.net"],
            handles={"skype": ["ruixiang.kevin"]})
PARTIAL = dict(name="Wuhan Ruixiang Chemical Trading Co., Ltd.", phones=["+44 7700 900123"],
               handles={"whatsapp": ["+44 7700 900123"]})


def profile(db) -> dict:
    row = db.execute("select address, phones, emails, handles from vendor_profiles"
                     " where id = 'shop:v1'").fetchone()
    return {"address": row[0], "phones": json.loads(row[1]), "emails": json.loads(row[2]),
            "handles": json.loads(row[3])}


@pytest.mark.parametrize("batch_size", [10, 1])  # same batch, and one record per batch
def test_a_partial_vendor_sighting_never_erases_the_full_profile(tmp_path, batch_size):
    db = open_db(tmp_path / "c.db")
    writer = CatalogWriter(db, kind="crawl", spider="shop", platform="shop",
                           batch_size=batch_size)
    writer.open()
    writer.add(vendor(**FULL))
    writer.add(vendor(**PARTIAL))
    writer.close()
    got = profile(db)
    assert got["address"] == "No. 18 Hanzheng Street"
    assert got["emails"] == ["ruixiang.trade@example.net"]
    assert got["phones"] == ["+86-27-5555-0102", "+44 7700 900123"]
    assert got["handles"] == {"skype": ["ruixiang.kevin"], "whatsapp": ["+44 7700 900123"]}


def test_chemistry_starts_with_a_small_first_chunk_then_full_chunks(chemistry):
    """Writing can start after the first few texts are matched; the rest go in full chunks,
    each distinct text once, and every record is answered."""
    recs = [listing(str(i), title=f"Product {i % 7} 99%") for i in range(20)]
    chemistry.start(recs, chunk=3, first=1)
    futures = list(dict.fromkeys(chemistry._inflight.values()))
    assert [len(f.keys) for f in futures] == [1, 3, 3]
    assert chemistry.matched == 7
    chemistry.finish(recs)
    assert all(r["chemistry"]["errors"] != ["not matched"] for r in recs)
    assert chemistry.start(recs, chunk=3, first=1) is recs and not chemistry._inflight


def test_fed_texts_go_out_in_full_chunks_as_they_arrive_and_a_held_text_is_not_ready(
        chemistry):
    """Texts fed while records are read are sent as soon as a chunk is full; the rest is held
    (not ready) until `send()`, or until a record waiting for it is finished."""
    recs = [listing(str(i), title=f"Product {i} 99%") for i in range(6)]
    chemistry.feed(recs[:4], chunk=3, first=1)
    assert [len(f.keys) for f in dict.fromkeys(chemistry._inflight.values())] == [1, 3]
    chemistry.feed([*recs[4:], recs[0]], chunk=3)  # a text already sent is not sent again
    assert list(chemistry._held) == [recs[4]["chem_key"], recs[5]["chem_key"]]
    assert not chemistry.ready(recs[5])
    chemistry.finish([recs[5]])  # sends what is held first
    assert not chemistry._held and chemistry.matched == 6
    assert chemistry.finish(recs) and all(r["chemistry"]["errors"] != ["not matched"]
                                          for r in recs)


def test_load_records_sends_texts_to_the_workers_while_the_window_is_still_read(
        tmp_path, matcher):
    """Matching starts with the first records read, not once the whole window is in memory."""
    from pipelines.ingest.feed import load_records

    chemistry = Chemistry(matcher, workers=1)
    sent_while_reading = []

    def records():
        for i in range(60):
            if i == 40:
                sent_while_reading.append(chemistry.matched)
            yield listing(str(i), title=f"Product {i} 99%")

    db = open_db(tmp_path / "c.db")
    writer = CatalogWriter(db, kind="ingest", watchlist=matcher.watchlist)
    try:
        load_records(records(), writer, chemistry, window=1000, chunk=10, first=5, step=20)
    finally:
        chemistry.close()
    writer.close(mark_gone=False)
    # After two reads of 20 records: chunks of 5, 10, 10 and 10 texts sent, 5 held.
    assert sent_while_reading == [35]
    assert db.execute("select count(*) from listings").fetchone()[0] == 60


def test_hashes_and_json_columns_are_plain_json_dumps():
    """The writer's fast JSON encoding gives exactly `json.dumps` (stored hashes stay valid)."""
    import hashlib

    from pipelines.catalog.fields import LATE_VERSIONED
    from pipelines.catalog.records import VERSIONED_FIELDS, record_hash, to_json

    rec = {"title": "NPP\ud800 ü\x00", "price_amount": 12.5, "payment_claims": ["T/T", "\u2028"],
           "instructions_offered": True, "vendor_id": 2**70, "stock": {"b": [1, None], "a": 1}}
    first = [f for f in VERSIONED_FIELDS if f not in LATE_VERSIONED]
    blob = json.dumps([rec.get(f) for f in first], ensure_ascii=False,
                      sort_keys=True, default=str)
    # A field added later (price_max) leaves the hashes stored before it valid while unset...
    assert record_hash(rec) == hashlib.sha1(blob.encode("utf-8", "surrogatepass")).hexdigest()
    # ...and changes the hash (a new version) once a record carries it.
    assert record_hash({**rec, "price_max": 20.0}) != record_hash(rec)
    assert record_hash({**rec, "price_max": 20.0}) != record_hash({**rec, "price_max": 21.0})
    for value in (["é", 1, 2.5, None], {"z": [1], "a": "ü"}, "text"):
        assert to_json(value) == json.dumps(value, ensure_ascii=False)
    assert to_json([]) is None and to_json({}) is None and to_json(None) is None


@pytest.mark.parametrize("workers", [0, 1])
def test_load_records_writes_every_listing_and_the_last_record_of_a_key_wins(
        tmp_path, matcher, workers):
    """Texts resolved in many small batches (in a worker: out of order with the writes);
    every listing is written once, and a listing given three times keeps its last record."""
    from pipelines.ingest.feed import load_records

    recs = [listing(str(i), title=f"Product {i % 9} 99%") for i in range(40)]
    recs += [listing("7", title=f"4-ANPP 99% lot {i}") for i in range(3)]
    chemistry = Chemistry(matcher, workers=workers)
    db = open_db(tmp_path / "c.db")
    writer = CatalogWriter(db, kind="ingest", watchlist=matcher.watchlist, batch_size=1000)
    try:
        load_records(recs, writer, chemistry, chunk=2, first=1)
    finally:
        chemistry.close()
    result = writer.close(mark_gone=False)
    assert result["listings_seen"] == 40
    assert db.execute("select count(*) from listings").fetchone()[0] == 40
    assert db.execute("select title from listings where listing_id = '7'").fetchone()[0] \
        == "4-ANPP 99% lot 2"
    assert [r[0] for r in db.execute("select entry from hits where listing = 'shop:7'")] == ["anpp"]
