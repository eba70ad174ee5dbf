"""The catalog writer keeps the radar-scores table current: an ingest scores the substances it
brought (and only those), a listed one is marked covered, the vendor context re-scores old rows,
and a radar failure is reported in the run's result while the listings stay saved."""

from __future__ import annotations

import json

from pipelines.catalog import radar_scores
from pipelines.catalog.connection import open_db
from pipelines.chemistry import Chemistry
from pipelines.ingest.feed import ingest_jsonl

VALEROPHENONE = "CCCCC(=O)c1ccccc1"


def feed(path, *listings):
    path.write_text("".join(json.dumps({
        "item_type": "listing", "platform": "shop", "listing_id": lid,
        "url": f"https://shop.example/p/{lid}", "title": title, "smiles": smiles,
        "vendor_id": vendor, "vendor_name": vendor}) + "\n"
        for lid, title, smiles, vendor in listings), encoding="utf-8")
    return path


def q(db, sql, args=()):
    return db.execute(sql, args).fetchall()


def test_ingest_scores_its_new_substances(tmp_path, matcher):
    db = open_db(tmp_path / "c.db")
    chemistry = Chemistry(matcher)
    r = ingest_jsonl(feed(tmp_path / "a.jsonl",
                          ("1", "Valerophenone 99%", VALEROPHENONE, "acme"),
                          ("2", "NPP 99%", "O=C1CCN(CCc2ccccc2)CC1", "acme")),
                     db, chemistry=chemistry)
    assert r.run["radar"]["assessed"] == 2
    (route, covered, vendors, listed), = q(
        db, "select route, covered, vendors, listed_vendors from radar_scores where smiles = ?",
        [VALEROPHENONE])
    assert route.startswith("alpha-bromination then amination: ") and covered == 0
    assert (vendors, listed) == (1, 1)  # acme also sells NPP, a listed precursor
    assert q(db, "select covered from radar_scores where inchikey like 'YDJXNYNKKXZBMP%'") == [
        (1,)]
    before = q(db, "select score from radar_scores where smiles = ?", [VALEROPHENONE])[0][0]
    # a second vendor for valerophenone: nothing new to assess, the old row is re-scored
    r2 = ingest_jsonl(feed(tmp_path / "b.jsonl",
                           ("3", "Valerophenone", VALEROPHENONE, "other")),
                      db, chemistry=chemistry)
    assert r2.run["radar"]["assessed"] == 0
    after, vendors = q(db, "select score, vendors from radar_scores where smiles = ?",
                       [VALEROPHENONE])[0]
    assert vendors == 2 and after > before


def test_a_radar_failure_is_reported_and_the_listings_stay(tmp_path, matcher, monkeypatch):
    def boom(db, watchlist, assess_many=None):
        raise RuntimeError("radar index unavailable")

    monkeypatch.setattr(radar_scores, "after_run", boom)
    db = open_db(tmp_path / "c.db")
    r = ingest_jsonl(feed(tmp_path / "a.jsonl", ("1", "Valerophenone", VALEROPHENONE, "acme")),
                     db, chemistry=Chemistry(matcher))
    assert r.run["radar"] == {"error": "RuntimeError: radar index unavailable"}
    assert q(db, "select count(*) from listings") == [(1,)]


def test_the_update_can_be_turned_off(tmp_path, matcher, monkeypatch):
    monkeypatch.setenv("PRECURSOR_WATCH_RADAR", "0")
    db = open_db(tmp_path / "c.db")
    r = ingest_jsonl(feed(tmp_path / "a.jsonl", ("1", "Valerophenone", VALEROPHENONE, "acme")),
                     db, chemistry=Chemistry(matcher))
    assert r.run["radar"] is None
    assert q(db, "select count(*) from radar_scores") == [(0,)]


def test_radar_indexes_follow_the_radar_data_and_survive_a_switch(matcher):
    """radar_for builds once per (watchlist version, radar data): an edited routes file (same
    matcher version, another radar hash) gets its own indexes, and switching back to the first
    watchlist reuses the indexes built for it."""
    import dataclasses

    wl = matcher.watchlist
    first = radar_scores.radar_for(wl)
    edited = dataclasses.replace(wl, radar_hash=wl.radar_hash + "-edited")
    other = radar_scores.radar_for(edited)
    assert other is not first and other.watchlist is edited
    assert radar_scores.radar_for(wl) is first
    assert radar_scores.radar_for(edited) is other
