"""The real Datasette (`precursor-watch serve` on a loopback port) over a catalog from the
sample crawl, queried through its JSON API: every canned query and analyst page, who-sells from
a name, a CAS number and a SMILES, search by synonym, evidence URLs against the WARC records,
safe CSV/XLSX output, robots and the inert archived copy."""

from __future__ import annotations

import io
import sqlite3
from urllib.parse import quote

import pytest
import yaml
from webkit import fetch, get_json

from precursor_watch.web.server import METADATA
from scrapers.evidence import iter_records

BOC = "boc-4-piperidone"


def vendors_of(base: str, q: str) -> set[str]:
    data = get_json(f"{base}/-/who-sells.json?q={quote(q)}")
    return {v["vendor_name"] for v in data["vendors"]}


@pytest.mark.crawl
@pytest.mark.subprocess
def test_who_sells_finds_the_same_vendors_by_name_cas_and_smiles(sample_server, sample_catalog):
    by_name = vendors_of(sample_server, "1-boc-4-piperidone")
    by_cas = vendors_of(sample_server, "CAS 79099-07-3")
    by_smiles = vendors_of(sample_server, "O=C1CCN(C(=O)OC(C)(C)C)CC1")
    by_chinese = vendors_of(sample_server, "N-Boc-4-哌啶酮")
    conn = sqlite3.connect(sample_catalog)
    expected = {r[0] for r in conn.execute(
        "select v.name from hits h join listings l on l.id = h.listing join vendor_profiles p"
        " on p.id = l.vendor_profile join vendors v on v.id = p.vendor"
        " where h.entry = ? and h.current = 1", [BOC])}
    assert len(expected) >= 3
    assert by_name == by_cas == by_smiles == by_chinese == expected
    data = get_json(f"{sample_server}/-/who-sells.json?q=1-boc-4-piperidone")
    assert data["resolved"]["entries"] == [BOC]
    row = data["listings"][0]
    for col in ("vendor_name", "platform", "listing_url", "first_seen", "last_seen", "match",
                "evidence_id", "country"):
        assert col in row
    assert all(isinstance(r["regimes"], list) for r in data["listings"])
    assert vendors_of(sample_server, "no such substance xyzzy") == set()


@pytest.mark.crawl
@pytest.mark.subprocess
def test_vendor_dossier_network_and_names(sample_server, sample_catalog):
    conn = sqlite3.connect(sample_catalog)
    vendor, = conn.execute("select vendor from vendor_networks order by size desc limit 1"
                           ).fetchone()
    d = get_json(f"{sample_server}/-/vendor/{vendor}.json")
    assert d["profiles"] and d["contacts"] and d["hits"]
    assert d["network"]["size"] >= 2 and d["network"]["links"]
    # Chinese and English names of one operation appear together in its network.
    names = [m["name"] for m in d["network"]["members"]]
    assert any(any("\u4e00" <= ch <= "\u9fff" for ch in n) for n in names)
    assert any(n.isascii() for n in names)
    assert d["claims"]["shipping"] or d["claims"]["payment"]
    assert fetch(f"{sample_server}/-/vendor/999999.json")[0] == 404


@pytest.mark.crawl
@pytest.mark.subprocess
def test_network_graph_and_exports(sample_server):
    g = get_json(f"{sample_server}/-/network.json")
    assert g["networks"] and g["graph"]["nodes"] and g["graph"]["edges"]
    node_ids = {n["id"] for n in g["graph"]["nodes"]}
    assert all(e["source"] in node_ids and e["target"] in node_ids for e in g["graph"]["edges"])
    import xml.etree.ElementTree as ET

    for fmt, tag in (("graphml", "{http://graphml.graphdrawing.org/xmlns}node"),
                     ("gexf", "{http://gexf.net/1.3}node")):
        status, headers, body = fetch(f"{sample_server}/-/network.{fmt}")
        assert status == 200
        assert len(ET.fromstring(body).findall(f".//{tag}")) == len(node_ids)


@pytest.mark.crawl
@pytest.mark.subprocess
def test_new_since_covers_every_spider_of_the_crawl(sample_server, sample_catalog):
    conn = sqlite3.connect(sample_catalog)
    total = conn.execute("select count(*) from hits where current = 1").fetchone()[0]
    runs = conn.execute("select count(*) from crawl_runs").fetchone()[0]
    latest = get_json(f"{sample_server}/-/new-since.json")
    assert len(latest["runs"]) == runs > 1
    assert len(latest["hits"]) == total  # one fresh crawl: every hit is new
    crawl = latest["crawl"]
    assert len(get_json(f"{sample_server}/-/new-since.json?since={crawl}")["hits"]) == total
    assert get_json(f"{sample_server}/-/new-since.json?since=2999-01-01")["hits"] == []
    assert "error" in get_json(f"{sample_server}/-/new-since.json?since=nonesuch")


@pytest.mark.crawl
@pytest.mark.subprocess
def test_search_finds_listings_by_synonym_and_across_tables(sample_server, sample_catalog):
    conn = sqlite3.connect(sample_catalog)
    # A listing whose own text never says "1-boc-4-piperidone" (e.g. written in Chinese or
    # as the systematic name) is found by that synonym through its resolved substance.
    data = get_json(f"{sample_server}/-/search.json?q=1-boc-4-piperidone")
    found = {r["listing"] for r in data["listings"]}
    boc = {r[0] for r in conn.execute("select listing from hits where entry = ?", [BOC])}
    assert boc <= found
    text_only = {r[0] for r in conn.execute(
        "select l.id from listings_fts f join listings l on l.rowid = f.rowid"
        " where listings_fts match '\"1-boc-4-piperidone\"'")}
    assert boc - text_only, "every listing already says the synonym: test proves nothing"
    assert BOC in {e["entry"] for e in data["entries"]}
    vendor = conn.execute("select name from vendors where name like '%Jinghong%'").fetchone()[0]
    assert vendor in {v["vendor_name"] for v in get_json(
        f"{sample_server}/-/search.json?q=Jinghong")["vendors"]}
    piperidone = get_json(f"{sample_server}/-/search.json?q=piperidone")["listings"]
    entries = {r[0] for r in conn.execute(
        "select listing from hits h join watchlist_entries w on w.id = h.entry"
        " where h.current = 1 and w.name like '%piperidone%'")}
    assert entries <= {r["listing"] for r in piperidone}


@pytest.mark.crawl
@pytest.mark.subprocess
def test_every_canned_query_and_view_answers(sample_server, sample_catalog):
    md = yaml.safe_load(METADATA.read_text(encoding="utf-8"))
    queries = md["databases"]["catalog"]["queries"]
    params = {"vendor": "1", "value": "example", "listing": "x", "since": "2000-01-01",
              "q": "piperidone", "entry": BOC}
    db = sample_catalog.stem
    for name, q in queries.items():
        names = [p for p in params if f":{p}" in q["sql"]]
        qs = "&".join(f"{p}={quote(params[p])}" for p in names)
        out = get_json(f"{sample_server}/{db}/{name}.json?_shape=objects&{qs}")
        assert "rows" in out, name
    hits = get_json(f"{sample_server}/{db}/analyst_hits.json?_shape=objects")["rows"]
    assert hits and {"vendor_name", "entry_name", "platform", "listing_url"} <= set(hits[0])
    for view in ("hits_per_vendor", "vendors_per_entry", "new_hits_latest_run",
                 "network_overview", "listing_hits", "shared_identifiers"):
        assert get_json(f"{sample_server}/{db}/{view}.json?_shape=array"), view
    conn = sqlite3.connect(sample_catalog)
    total = conn.execute("select count(*) from hits where current = 1").fetchone()[0]
    latest = get_json(f"{sample_server}/{db}/new_hits_latest_run.json?_shape=array&_size=max")
    assert len(latest) == total  # every spider of the last crawl, not only the last one


@pytest.mark.crawl
@pytest.mark.subprocess
def test_evidence_urls_equal_the_warc_records(sample_server, sample_catalog):
    db = sample_catalog.stem
    rows = get_json(f"{sample_server}/{db}/evidence.json?_shape=array&_size=max")
    records = {p.record_id: p for p in iter_records(sample_catalog.parent / "crawls")}
    assert len(rows) > 20
    for row in rows:
        assert row["url"] == records[row["warc_record_id"]].url, row
        assert row["sha256"] == records[row["warc_record_id"]].sha256


@pytest.mark.crawl
@pytest.mark.subprocess
def test_archived_copy_is_inert_and_labelled(sample_server, sample_catalog):
    conn = sqlite3.connect(sample_catalog)
    eid, url, sha = conn.execute("select e.id, e.url, e.sha256 from evidence e join listings l"
                                 " on l.evidence = e.id limit 1").fetchone()
    status, headers, body = fetch(f"{sample_server}/-/evidence?id={quote(eid)}")
    assert status == 200
    csp = headers["content-security-policy"]
    assert "script-src 'none'" in csp and "default-src 'none'" in csp and "sandbox" in csp
    text = body.decode()
    assert f"Archived copy of <code>{url}</code>" in text.replace("&amp;", "&")
    assert sha in text and "SAMPLE" in text
    assert "<script" not in text.lower()
    assert fetch(f"{sample_server}/-/evidence?id=nope")[0] == 404


@pytest.mark.crawl
@pytest.mark.subprocess
def test_structure_drawing_is_an_svg(sample_server, sample_catalog):
    key = sqlite3.connect(sample_catalog).execute(
        "select inchikey from watchlist_entries where id = ?", [BOC]).fetchone()[0]
    status, headers, body = fetch(f"{sample_server}/-/structure/{key}.svg")
    assert status == 200 and headers["content-type"].startswith("image/svg+xml")
    assert body.lstrip().startswith(b"<svg") and b"<script" not in body
    assert fetch(f"{sample_server}/-/structure/NOPE-NOPE.svg")[0] == 404
    status, _, page = fetch(f"{sample_server}/{sample_catalog.stem}/watchlist_entries")
    assert f"/-/structure/{key}.svg".encode() in page


@pytest.mark.crawl
@pytest.mark.subprocess
def test_robots_blocked_and_readable_cells(sample_server, sample_catalog):
    status, headers, body = fetch(f"{sample_server}/robots.txt")
    assert body == b"User-agent: *\nDisallow: /\n"
    assert "noindex" in fetch(f"{sample_server}/")[1]["x-robots-tag"]
    _, _, page = fetch(f"{sample_server}/{sample_catalog.stem}/watchlist_entries")
    assert b'["fentanyl"]' not in page  # lists, not JSON
    _, _, page = fetch(f"{sample_server}/{sample_catalog.stem}/vendors?_facet=country")
    assert "CN China (中国)".encode() in page


@pytest.mark.parametrize("fmt", ["safecsv", "xlsx"])
def test_safe_output_renderer_neutralizes_formulas(tmp_path, matcher, fmt):
    from openpyxl import load_workbook
    from webkit import HOSTILE_PRICE, HOSTILE_TITLE, in_process, known_catalog

    get = in_process(known_catalog(tmp_path / "known.db", matcher))
    status, headers, body = get(f"/known/listings.{fmt}?_size=max")
    q_status, _, q_body = get(f"/known/analyst_hits.{fmt}")
    assert status == 200 == q_status
    for payload in (body, q_body):
        if fmt == "safecsv":
            text = payload.decode()
            assert "'" + HOSTILE_PRICE.replace('"', '""') in text
            assert "\n=" not in text and ",=" not in text and ',"=' not in text
        else:
            ws = load_workbook(io.BytesIO(payload)).active
            values = [c.value for row in ws.iter_rows() for c in row]
            assert "'" + HOSTILE_PRICE in values or payload is q_body
            assert not any(isinstance(v, str) and v.startswith("=") for v in values)
            assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    if fmt == "safecsv":
        assert HOSTILE_TITLE in body.decode()  # kept as text, for the analyst
        # Datasette's own CSV links lead to the safe output too.
        status, _, plain = get("/known/listings.csv?_size=max")
        assert status == 200 and plain == body


def test_password_protection(tmp_path, matcher):
    from datasette_auth_passwords.utils import hash_password
    from webkit import in_process, known_catalog

    get = in_process(known_catalog(tmp_path / "known.db", matcher), hash_password("s3cret"))
    assert get("/known/listings.json")[0] == 403
    assert get("/-/who-sells.json?q=NPP")[0] == 403
    assert get("/-/login")[0] == 200


@pytest.mark.crawl
@pytest.mark.subprocess
def test_table_pages_hide_internal_columns_and_link_rows(sample_server, sample_catalog):
    db = sample_catalog.stem
    _, _, page = fetch(f"{sample_server}/{db}/listings")  # redirected with _nocol=...
    html = page.decode()
    assert 'data-column="record_hash"' not in html and 'data-column="chem_key"' not in html
    assert 'data-column="title"' in html and "archived copy" in html
    # Asking for columns explicitly is left alone.
    _, _, page = fetch(f"{sample_server}/{db}/listings?_col=record_hash")
    assert 'data-column="record_hash"' in page.decode()
    _, _, page = fetch(f"{sample_server}/{db}/hits")
    html = page.decode()
    assert "/-/structure/" in html and "/watchlist_entries/" in html
    _, _, page = fetch(f"{sample_server}/{db}/vendor_profiles")
    assert '<a href="/-/vendor/' in page.decode()


@pytest.mark.subprocess
def test_serve_refuses_a_missing_catalog_and_serves_immutable(tmp_path, matcher):
    import subprocess
    import sys

    from webkit import known_catalog, serving

    r = subprocess.run([sys.executable, "-m", "precursor_watch", "serve", "--db",
                        str(tmp_path / "none.db")], capture_output=True, text=True, timeout=60)
    assert r.returncode != 0 and "no catalog at" in r.stderr
    db = known_catalog(tmp_path / "known.db", matcher)
    with serving(db, "--immutable") as base:
        rows = get_json(f"{base}/known/analyst_hits.json?_shape=array")
        assert {r["entry"] for r in rows} >= {"npp", "boc-4-piperidone"}
        _, _, page = fetch(f"{base}/known/analyst_hits")
        assert "/known/listings/shop~3Aa1" in page.decode()  # hit rows link their listing
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.decode()
        assert "<script>alert(1)</script>" not in page.decode()
