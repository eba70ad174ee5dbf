"""A watchlist change followed by `rescan` records exactly the new hits, under the new version."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

from chem.data_files import DATA_DIR
from chem.matcher import Matcher
from chem.watchlist import load_watchlist
from pipelines.catalog.connection import open_db
from pipelines.catalog.records import chem_input, listing_key
from pipelines.chemistry import Chemistry
from pipelines.ingest.feed import ingest_jsonl
from pipelines.ingest.rescan import rescan
from pipelines.validate import check

FEED = Path(__file__).parent / "files" / "catalog" / "feed.jsonl"
ADDED = "npp"


def watchlist_without(entry_id: str, tmp_path: Path):
    data = tmp_path / "watchlist-old"
    shutil.copytree(DATA_DIR, data)
    with (DATA_DIR / "watchlist.csv").open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = [r for r in reader if r["id"] != entry_id]
        fields = reader.fieldnames
    with (data / "watchlist.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return load_watchlist(data)


def expected_hits(matcher: Matcher) -> set[tuple[str, str]]:
    out = set()
    for line in FEED.read_text(encoding="utf-8").splitlines():
        try:
            rec, _ = check(json.loads(line))
        except ValueError:
            continue
        if rec and rec["item_type"] == "listing":
            key = listing_key(rec)
            out |= {(key, h.entry) for h in matcher.match_listing(chem_input(rec, key)).hits}
    return out


def test_watchlist_change_then_rescan_records_exactly_the_new_hits(tmp_path, matcher):
    old_wl = watchlist_without(ADDED, tmp_path)
    old = Matcher(watchlist=old_wl)
    assert old_wl.version != matcher.watchlist.version
    db = open_db(tmp_path / "c.db")
    ingest_jsonl(FEED, db, chemistry=Chemistry(old))
    before = set(db.execute("select listing, entry from hits where current = 1").fetchall())
    assert before == expected_hits(old)
    assert not any(entry == ADDED for _, entry in before)

    result = rescan(db, Chemistry(matcher))
    new = set(db.execute("select listing, entry from hits where first_run = ?",
                         [result["run"]]).fetchall())
    assert new == expected_hits(matcher) - before
    assert ("chemmarket:1001", ADDED) in new
    assert result["hits_new"] == len(new) and result["listings"] == 8
    assert set(db.execute("select distinct watchlist_version from hits where first_run = ?",
                          [result["run"]]).fetchall()) == {(matcher.watchlist.version,)}
    # Hits found before keep their first detection and version.
    assert set(db.execute("select distinct watchlist_version from hits where first_run != ?",
                          [result["run"]]).fetchall()) == {(old_wl.version,)}
    assert db.execute("select in_force from watchlist_entries where id = ?",
                      [ADDED]).fetchone() == (1,)
    assert db.execute("select count(*) from new_hits_latest_run").fetchone() == (len(new),)

    # Rescanning again with the same watchlist finds nothing new.
    again = rescan(db, Chemistry(matcher))
    assert (again["hits_new"], again["hits_retracted"]) == (0, 0)

    # Back to the old watchlist: the entry's hits are retracted, not deleted.
    back = rescan(db, Chemistry(old))
    assert back["hits_retracted"] == len(expected_hits(matcher) - expected_hits(old))
    assert db.execute("select count(*) from hits where entry = ? and current = 0",
                      [ADDED]).fetchone()[0] >= 1
    assert db.execute("select in_force from watchlist_entries where id = ?",
                      [ADDED]).fetchone() == (0,)


def test_mentions_are_stored_apart_from_hits_and_rescan_recomputes_both(tmp_path, matcher):
    """A real page (https://www.seidlerchem.com/methyl-ethyl-ketone.htm) selling MEK whose text
    names chloroform: MEK is a hit with its source field, chloroform only a mention."""
    feed = tmp_path / "mek.jsonl"
    feed.write_text(json.dumps({
        "type": "listing", "platform": "vendorsite", "listing_id": "mek-1",
        "url": "https://www.seidlerchem.com/methyl-ethyl-ketone.htm",
        "title": "Methyl Ethyl Ketone",
        "description": "Often found in paint removers. Soluble in alcohol, ether and chloroform.",
    }) + "\n", encoding="utf-8")
    db = open_db(tmp_path / "c.db")
    ingest_jsonl(feed, db, chemistry=Chemistry(matcher))
    hits = db.execute("select entry, source_field, role, cas_conflict, current from hits"
                      ).fetchall()
    assert hits == [("mek", "title", "offered", 0, 1)]
    mentions = db.execute("select entry, role, current from mentions").fetchall()
    assert mentions == [("chloroform", "mention", 1)]

    # A watchlist without chloroform: rescan retracts the mention and keeps the hit.
    without = Matcher(watchlist=watchlist_without("chloroform", tmp_path))
    rescan(db, Chemistry(without))
    assert db.execute("select entry, current from mentions").fetchall() == [("chloroform", 0)]
    assert db.execute("select entry, current from hits").fetchall() == [("mek", 1)]
