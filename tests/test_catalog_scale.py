"""What keeps the catalog fast as it grows: the radar's chemistry runs in the ingest's workers
with the same result as in process, planner statistics after every run, covering indexes for the
default facets, and a contact search that reads an index instead of every contact."""

from __future__ import annotations

import json
import sqlite3

import pytest

from pipelines.catalog.connection import open_db
from pipelines.catalog.radar_scores import assess_rows, radar_for
from pipelines.chemistry import Chemistry
from pipelines.ingest.feed import ingest_jsonl
from precursor_watch.web.pages import contacts

LISTINGS = [  # (listing id, title, SMILES, vendor): a listed precursor and unlisted ketones
    ("1", "Valerophenone 99%", "CCCCC(=O)c1ccccc1", "acme"),
    ("2", "NPP 99%", "O=C1CCN(CCc2ccccc2)CC1", "acme"),
    ("3", "4'-Methylpropiophenone", "CCC(=O)c1ccc(C)cc1", "beta"),
    ("4", "Butyrophenone", "CCCC(=O)c1ccccc1", "beta"),
    ("5", "Benzyl cyanide", "N#CCc1ccccc1", "gamma"),
]
RADAR_COLUMNS = "inchikey, chemistry, route, route_path, reasons, nearest, covered, covered_by"


def feed(path, vendors: bool = False):
    lines = [{"item_type": "listing", "platform": "shop", "listing_id": lid,
              "url": f"https://shop.example/p/{lid}", "title": title, "smiles": smiles,
              "vendor_id": vendor, "vendor_name": vendor}
             for lid, title, smiles, vendor in LISTINGS]
    if vendors:
        lines.append({"type": "vendor", "platform": "shop", "vendor_id": "acme", "name": "Acme",
                      "phones": ["+86 571 5555 0166"], "emails": ["sales@acme-chem.example"]})
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    return path


def radar_rows(db) -> list[tuple]:
    return db.execute(f"select {RADAR_COLUMNS} from radar_scores order by inchikey").fetchall()


def test_radar_chemistry_in_the_workers_equals_in_process(tmp_path, matcher):
    here = open_db(tmp_path / "here.db")
    r1 = ingest_jsonl(feed(tmp_path / "a.jsonl"), here, chemistry=Chemistry(matcher))
    chemistry = Chemistry(matcher, workers=1)
    try:
        there = open_db(tmp_path / "there.db")
        r2 = ingest_jsonl(feed(tmp_path / "a.jsonl"), there, chemistry=chemistry)
    finally:
        chemistry.close()
    assert r1.run["radar"]["assessed"] == r2.run["radar"]["assessed"] == len(LISTINGS)
    assert radar_rows(here) == radar_rows(there)
    assert any(row[2] for row in radar_rows(there))  # some route found: not all empty rows


def test_a_radar_chunk_whose_worker_fails_is_assessed_in_process(matcher):
    chemistry = Chemistry(matcher, workers=1)
    try:
        chemistry.radar_ahead(["CCCCC(=O)c1ccccc1"])
        chemistry.close()  # the chunk started ahead is lost with the workers
        rows = chemistry.radar_rows(["CCCCC(=O)c1ccccc1", None])
    finally:
        chemistry.close()
    assert rows[0]["route"].startswith("alpha-bromination")
    assert rows[1]["covered_by"] == "unreadable structure"


def test_radar_chunks_wait_behind_matching_so_a_text_sent_later_does_not_queue_behind_them(
        matcher):
    """The radar is needed only at the end of a run, matches all along: radar chunks enter the
    pool only while it holds at most `workers` tasks, so a text sent after a long radar
    backlog is matched after at most the chunks already in the pool, and every row arrives."""
    structures = [f"{'C' * n}C(=O)c1ccc({x})cc1" for n in range(1, 41)
                  for x in ("C", "F", "Cl", "Br", "O")]
    chemistry = Chemistry(matcher, workers=1)
    try:
        chemistry.radar_ahead(structures, chunk=10)  # 20 chunks
        radar = list(dict.fromkeys(f for f, _ in chemistry._radar.values()))
        rec = {"item_type": "listing", "title": "NPP 99%", "url": "https://shop.example/p/1"}
        chemistry.start([rec])
        done_before = []
        chemistry._inflight[rec["chem_key"]].add_done_callback(
            lambda _: done_before.append(sum(f.done() for f in radar)))
        chemistry.finish([rec])
        rows = chemistry.radar_rows(structures)
    finally:
        chemistry.close()
    assert [h["entry"] for h in rec["chemistry"]["hits"]] == ["npp"]
    assert done_before and done_before[0] <= 2  # of 20 radar chunks
    assert rows == assess_rows(radar_for(matcher.watchlist), structures)


def test_the_ingest_workers_yield_the_cpu_to_the_writer(matcher):
    """`nice`: the workers run at a lower priority than the process that feeds them."""
    import os

    chemistry = Chemistry(matcher, workers=1, nice=5)
    try:
        chemistry.open()
        niceness = chemistry._pool.submit(os.nice, 0).result()
    finally:
        chemistry.close()
    assert niceness == min(os.nice(0) + 5, 19)


@pytest.mark.parametrize(("raw", "expected"), [("", 3), ("0", 0), ("10", 10), (" 19 ", 19)])
def test_the_ingest_workers_niceness_comes_from_the_environment(monkeypatch, raw, expected):
    from pipelines.ingest.feed import worker_nice

    monkeypatch.setenv("PRECURSOR_WATCH_CHEM_NICE", raw)
    assert worker_nice() == expected


@pytest.mark.parametrize("raw", ["-5", "20", "low"])
def test_a_bad_niceness_is_an_error_that_names_the_variable(monkeypatch, raw):
    from pipelines.ingest.feed import worker_nice

    monkeypatch.setenv("PRECURSOR_WATCH_CHEM_NICE", raw)
    with pytest.raises(ValueError, match="PRECURSOR_WATCH_CHEM_NICE"):
        worker_nice()


def plan(db, sql: str, args=()) -> str:
    return " | ".join(r[3] for r in db.execute(f"explain query plan {sql}", args).fetchall())


def test_every_run_leaves_planner_statistics_and_facets_read_covering_indexes(tmp_path,
                                                                               matcher):
    db = open_db(tmp_path / "c.db")
    ingest_jsonl(feed(tmp_path / "a.jsonl"), db, chemistry=Chemistry(matcher))
    stats = {t for t, in db.execute("select distinct tbl from sqlite_stat1").fetchall()}
    assert {"listings", "hits", "listing_substances"} <= stats
    for facet, other in (("status", "platform"), ("page_kind", "platform"),
                         ("platform", "status"), ("page_kind", "status")):
        p = plan(db, f"select {facet}, count(*) from listings where {other} = ? group by 1",
                 ["shop"])
        assert "COVERING INDEX" in p, (facet, other, p)
    # the search page's hits of one listing: by the key, not by reading every current hit
    p = plan(db, "select group_concat(distinct h.entry) from hits h where h.listing = ?"
                 " and +h.current = 1", ["shop:2"])
    assert "sqlite_autoindex_hits_1" in p


def test_contact_search_by_part_reads_the_trigram_index(tmp_path, matcher):
    db = open_db(tmp_path / "c.db")
    ingest_jsonl(feed(tmp_path / "a.jsonl", vendors=True), db, chemistry=Chemistry(matcher))
    conn = sqlite3.connect(tmp_path / "c.db")
    found = {(c["kind"], c["value"]) for c in contacts(conn, "ACME-CHEM")}
    assert ("email", "sales@acme-chem.example") in found
    assert {c["kind"] for c in contacts(conn, "5555 0166")} == {"phone"}
    assert contacts(conn, "nothing-like-it") == []
    # a catalog written before the index existed answers the same (by reading every contact)
    conn.execute("drop table vendor_identifiers_fts")
    assert ("email", "sales@acme-chem.example") in {
        (c["kind"], c["value"]) for c in contacts(conn, "ACME-CHEM")}
