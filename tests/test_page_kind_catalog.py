"""Issue 17: the page kind is stored in the catalog (listings.page_kind), shown by the real
Datasette (facet, analyst_hits column) and carried by the report, on pages of the page-genre set.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.catalog.connection import open_db
from pipelines.chemistry import Chemistry
from pipelines.ingest.feed import ingest_jsonl
from pipelines.reports.hits import FIELDS, Filters, collect

GENRES = {c["id"]: c for c in map(json.loads, (Path(__file__).parent / "data" /
                                                "real_text_genres.jsonl").open(encoding="utf-8"))}
# (page id of the page-genre set, listing id, the page kind the catalog must store)
PAGES = [("g000", "1", "offer"), ("g027", "2", "article"), ("g083", "3", "sds"),
         ("g024", "4", "regulation"), ("g122", "5", "forum"), ("g100", "6", "sds")]


@pytest.fixture(scope="module")
def catalog(tmp_path_factory, matcher) -> Path:
    feed = tmp_path_factory.mktemp("pagekind") / "feed.jsonl"
    with feed.open("w", encoding="utf-8") as fh:
        for case_id, lid, _ in PAGES:
            page = GENRES[case_id]
            fh.write(json.dumps({"platform": "pages", "listing_id": lid, "url": page["source"],
                                 "title": page["listing"]["title"],
                                 "description": page["listing"].get("description"),
                                 "vendor_id": f"site-{lid}", "vendor_name": f"Site {lid}"},
                                ensure_ascii=False) + "\n")
    db_path = feed.with_suffix(".db")
    ingest_jsonl(feed, open_db(db_path), chemistry=Chemistry(matcher))
    return db_path


def _copy(db: Path, to: Path) -> Path:
    """A copy through SQLite's backup (the catalog may keep recent pages in its WAL)."""
    src, dst = sqlite3.connect(db), sqlite3.connect(to)
    src.backup(dst)
    src.close()
    dst.close()
    return to


def test_listings_store_the_page_kind(catalog: Path) -> None:
    conn = sqlite3.connect(catalog)
    stored = dict(conn.execute("select listing_id, page_kind from listings"))
    assert stored == {lid: kind for _, lid, kind in PAGES}
    hits = {(lid, e) for lid, e in conn.execute(
        "select l.listing_id, h.entry from hits h join listings l on l.id = h.listing"
        " where h.current = 1")}
    # the Italian offer of hydrochloric acid and the acetone MSDS offer; the seizure report,
    # the mixture SDS, the statute and the mailing list only mention
    assert hits == {("1", "hydrochloric-acid"), ("6", "acetone")}
    mentioned = {(lid, e) for lid, e in conn.execute(
        "select l.listing_id, m.entry from mentions m join listings l on l.id = m.listing"
        " where m.current = 1")}
    assert {("2", "acetic-anhydride"), ("3", "acetone"), ("4", "acetone")} <= mentioned


def test_rescan_keeps_the_page_kind(catalog: Path, tmp_path: Path, matcher) -> None:
    from pipelines.ingest.rescan import rescan

    copy = _copy(catalog, tmp_path / "copy.db")
    conn = sqlite3.connect(copy)
    conn.execute("update listings set page_kind = null, chem_version = 'old'")
    conn.commit()
    conn.close()
    rescan(open_db(copy), Chemistry(matcher))
    stored = dict(sqlite3.connect(copy).execute("select listing_id, page_kind from listings"))
    assert stored == {lid: kind for _, lid, kind in PAGES}


@pytest.mark.subprocess
def test_report_carries_the_page_kind(catalog: Path) -> None:
    data = collect(catalog, Filters())
    assert {(h["listing"].split(":")[1], h["page_kind"]) for h in data["hits"]} == {
        ("1", "offer"), ("6", "sds")}
    out = subprocess.run([sys.executable, "-m", "precursor_watch", "report", "--db",
                          str(catalog), "--format", "csv"], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert "page_kind" in FIELDS and {r["page_kind"] for r in rows} == {"offer", "sds"}
    html = subprocess.run([sys.executable, "-m", "precursor_watch", "report", "--db",
                           str(catalog), "--format", "html"], capture_output=True, text=True,
                          timeout=120).stdout
    assert "(sds)" in html and "(offer)" in html


def test_a_catalog_written_before_page_kind_still_reports(catalog: Path, tmp_path: Path):
    old = _copy(catalog, tmp_path / "old.db")
    conn = sqlite3.connect(old)
    # a catalog of that time had no index on page_kind either (the facet indexes came later)
    for name, in conn.execute("select name from sqlite_master where type = 'index'"
                              " and sql like '%page_kind%'").fetchall():
        conn.execute(f"drop index [{name}]")
    conn.execute("alter table listings drop column page_kind")
    conn.commit()
    conn.close()
    data = collect(old, Filters())
    assert data["hits"] and all(h["page_kind"] is None for h in data["hits"])


@pytest.mark.subprocess
def test_datasette_facets_and_shows_the_page_kind(catalog: Path) -> None:
    from webkit import get_json, serving

    with serving(catalog) as base:
        db = catalog.stem
        facets = get_json(f"{base}/{db}/listings.json?_facet=page_kind&_size=0")
        counts = {f["value"]: f["count"] for f in facets["facet_results"]["page_kind"]["results"]}
        assert counts == {"sds": 2, "offer": 1, "article": 1, "regulation": 1, "forum": 1}
        hits = get_json(f"{base}/{db}/analyst_hits.json?_shape=objects")["rows"]
        assert {h["page_kind"] for h in hits} == {"offer", "sds"}


def test_match_text_and_jsonl_carry_the_page_kind(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from precursor_watch.cli import main

    table = CliRunner().invoke(main, ["match", "--text", GENRES["g027"]["listing"]["description"]])
    assert table.exit_code == 0, table.output
    lines = table.output.splitlines()
    assert lines[0].startswith("page kind: article (") and "no watchlist hits" in lines
    assert any(line.startswith("mention: acetic-anhydride") for line in lines)
    feed = tmp_path / "in.jsonl"
    feed.write_text("".join(json.dumps({"id": cid, **GENRES[cid]["listing"]}) + "\n"
                            for cid, _, _ in PAGES), encoding="utf-8")
    out = CliRunner().invoke(main, ["match", str(feed)])
    kinds = {o["id"]: o["page_kind"] for o in map(json.loads, out.output.splitlines())}
    assert kinds == {cid: kind for cid, _, kind in PAGES}
