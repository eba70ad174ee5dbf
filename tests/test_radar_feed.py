"""Radar arrivals in the Atom feeds: `top_since` marks when an unlisted substance entered the
top of the ranking (kept while it stays, cleared when it leaves, so a return is a new arrival);
`/-/feed/radar.atom` lists the arrivals and `/-/feed.atom` merges them with the hits, newest
first, parsed with feedparser."""

from __future__ import annotations

import feedparser
import pytest
import sqlite_utils
from webkit import fetch

from pipelines.catalog.radar_scores import TABLE, _mark_top, radar_arrivals
from pipelines.catalog.schema import ensure_db_shape
from precursor_watch.web.feed import atom


def _catalog(tmp_path, scores: dict[str, float]) -> sqlite_utils.Database:
    db = sqlite_utils.Database(tmp_path / "c.db")
    ensure_db_shape(db)
    db[TABLE].insert_all([{"inchikey": k, "name": f"<b>{k}</b>", "smiles": "C", "score": v,
                           "covered": 0, "reasons": '["alpha-bromination then amination"]',
                           "vendor_names": '[{"name": "Shop =1+1", "listed": 2}]'}
                          for k, v in scores.items()])
    return db


def _since(db) -> dict[str, str | None]:
    return dict(db.execute(f"select inchikey, top_since from [{TABLE}]").fetchall())


def test_top_since_marks_arrivals_and_clears_leavers(tmp_path, monkeypatch):
    monkeypatch.setenv("PRECURSOR_WATCH_RADAR_TOP", "2")
    db = _catalog(tmp_path, {"A": 0.9, "B": 0.8, "C": 0.7, "D": 0.0})
    _mark_top(db, "2026-01-01T00:00:00Z")
    assert _since(db) == {"A": "2026-01-01T00:00:00Z", "B": "2026-01-01T00:00:00Z",
                          "C": None, "D": None}
    db.execute(f"update [{TABLE}] set score = 0.95 where inchikey = 'C'")
    _mark_top(db, "2026-02-01T00:00:00Z")  # C enters, B leaves, A stays with its first mark
    assert _since(db) == {"A": "2026-01-01T00:00:00Z", "B": None,
                          "C": "2026-02-01T00:00:00Z", "D": None}
    db.execute(f"update [{TABLE}] set covered = 1 where inchikey = 'C'")  # now a hit
    _mark_top(db, "2026-03-01T00:00:00Z")
    assert _since(db) == {"A": "2026-01-01T00:00:00Z", "B": "2026-03-01T00:00:00Z",
                          "C": None, "D": None}
    assert [r["inchikey"] for r in radar_arrivals(db.conn, 10)] == ["B", "A"]
    db.execute(f"update [{TABLE}] set score = 0, covered = 0")  # nothing scores: all leave
    _mark_top(db, "2026-04-01T00:00:00Z")
    assert set(_since(db).values()) == {None}


def test_arrivals_on_a_catalog_without_radar_columns_are_empty(tmp_path):
    db = sqlite_utils.Database(tmp_path / "old.db")
    db[TABLE].insert({"inchikey": "A", "score": 1.0})
    assert radar_arrivals(db.conn, 10) == []


def test_atom_merges_radar_arrivals_newest_first_and_escapes(tmp_path, monkeypatch):
    monkeypatch.setenv("PRECURSOR_WATCH_RADAR_TOP", "1")
    db = _catalog(tmp_path, {"KEYA": 0.9, "KEYB": 0.1})
    _mark_top(db, "2026-05-02T10:00:00Z")
    radar = radar_arrivals(db.conn, 10)
    hit = {"first_detected": "2026-05-03T00:00:00Z", "entry_name": "NPP", "entry": "npp",
           "vendor_name": "V", "platform": "p", "listing": "p:1", "vendor": None,
           "evidence_id": None, "regimes": [], "title": "t", "country_name": None,
           "match": "exact", "score": 1.0, "price_text": None, "listing_url": None}
    old_hit = {**hit, "first_detected": "2026-05-01T00:00:00Z", "listing": "p:2"}
    feed = feedparser.parse(atom([hit, old_hit], radar=radar, title="t", self_url="http://x/f",
                                 base="http://x", db_name="catalog"))
    assert not feed.bozo, feed.bozo_exception
    assert [e.id.split(":")[2] for e in feed.entries] == ["hit", "radar", "hit"]
    arrival = feed.entries[1]
    assert arrival.id == "urn:precursor-watch:radar:KEYA:2026-05-02T10%3A00%3A00Z"
    assert "<b>KEYA</b> entered the top" in arrival.title  # markup stays text
    assert "alpha-bromination then amination" in arrival.summary
    assert "Shop =1+1" in arrival.summary and arrival.link == "http://x/-/radar"
    assert len(feedparser.parse(atom([hit, old_hit], radar=radar, title="t",
                                     self_url="http://x/f", base="http://x",
                                     db_name="catalog", limit=2)).entries) == 2


@pytest.mark.crawl
@pytest.mark.subprocess
def test_served_radar_feed_lists_the_samples_unlisted_relatives(sample_server):
    status, headers, body = fetch(f"{sample_server}/-/feed/radar.atom")
    assert status == 200 and headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(body)
    assert not feed.bozo, feed.bozo_exception
    titles = [e.title for e in feed.entries]
    assert any(t.startswith("Radar: valerophenone entered the top") for t in titles), titles
    assert all(e.id.startswith("urn:precursor-watch:radar:") for e in feed.entries)
    for e in feed.entries[:3]:
        for href in [e.link] + [x.href for x in e.links]:
            assert href.startswith(sample_server) and fetch(href)[0] == 200, href
    main = feedparser.parse(fetch(f"{sample_server}/-/feed.atom")[2])
    assert {e.id for e in feed.entries} <= {e.id for e in main.entries}
