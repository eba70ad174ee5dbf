"""Every link of every analyst page resolves, on the catalog of the bundled sample crawl: a walk
from the index through who-sells (every entry id, name, abbreviation and CAS number, in any
case), the vendor list and every dossier, the networks, new-since and search, following each
same-site link of an analyst page and expecting 200; the menu's dossier entry leads to the
vendor list; a subset page says so and links to its full export."""

from __future__ import annotations

import csv
import io
import sqlite3
from collections import deque
from html.parser import HTMLParser
from urllib.parse import quote, urljoin, urlsplit

import pytest
from webkit import fetch, get_json


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for attr in ("href", "src"):
            if a.get(attr) and tag in ("a", "img", "link", "script"):
                self.links.append(a[attr])


def links_of(html: str) -> list[str]:
    p = Links()
    p.feed(html)
    return p.links


ANALYST = ("/-/who-sells", "/-/vendor", "/-/network", "/-/new-since", "/-/search", "/")


def walk(base: str, starts: list[str]) -> tuple[dict[str, int], int]:
    """Fetch `starts` and every same-site link of an analyst page (expanded further only when it
    is itself an analyst page; table pages, evidence copies and exports are fetched, not walked).
    Returns {url: status} of the failures and the number of URLs fetched."""
    seen: set[str] = set()
    bad: dict[str, int] = {}
    queue = deque(starts)
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        status, headers, body = fetch(url)
        if status != 200:
            bad[url] = status
            continue
        path = urlsplit(url).path
        if "text/html" not in headers.get("content-type", "") or not (
                path == "/" or path.startswith(ANALYST[:-1])):
            continue
        for href in links_of(body.decode("utf-8", "replace")):
            target = urljoin(url, href).split("#")[0]
            if target.startswith(base) and target not in seen:
                queue.append(target)
    return bad, len(seen)


@pytest.mark.crawl
@pytest.mark.subprocess
def test_every_link_of_every_analyst_page_resolves(sample_server, sample_catalog):
    conn = sqlite3.connect(sample_catalog)
    entries = [r[0] for r in conn.execute(
        "select distinct entry from hits where current = 1 order by entry")]
    starts = [f"{sample_server}/", f"{sample_server}/-/vendors", f"{sample_server}/-/network",
              f"{sample_server}/-/new-since", f"{sample_server}/-/search?q=piperidone",
              f"{sample_server}/-/search?q=hengda"]
    starts += [f"{sample_server}/-/who-sells?q={quote(e)}" for e in entries]
    bad, fetched = walk(sample_server, starts)
    assert not bad, bad
    assert fetched > 100  # dossiers, evidence copies, structures, listings were all reached


@pytest.mark.crawl
@pytest.mark.subprocess
def test_entry_ids_names_abbreviations_and_cas_resolve_in_any_case(sample_server):
    for q, entry in (("npp", "npp"), ("NPP", "npp"), ("4-ap", "4-ap"), ("4-AP", "4-ap"),
                     ("p2p", "p2p"), ("PMK", "pmk"), ("79099-07-3", "boc-4-piperidone"),
                     ("BOC-4-PIPERIDONE", "boc-4-piperidone")):
        data = get_json(f"{sample_server}/-/who-sells.json?q={quote(q)}")
        assert data["resolved"]["entries"] == [entry], q
    # Every entry id of the watchlist in force resolves to itself (the links carry ids).
    ids = get_json(f"{sample_server}/catalog.json?sql=" + quote(
        "select id from watchlist_entries where in_force = 1") + "&_shape=arrays&_size=max")
    for (entry,) in ids["rows"]:
        data = get_json(f"{sample_server}/-/who-sells.json?q={quote(entry.upper())}")
        assert entry in data["resolved"]["entries"], entry


@pytest.mark.crawl
@pytest.mark.subprocess
def test_menu_dossier_entry_leads_to_the_vendor_list(sample_server):
    status, _, body = fetch(f"{sample_server}/-/who-sells")
    menu = [h for h in links_of(body.decode()) if "vendor" in h]
    assert menu and set(menu) == {"/-/vendors"}  # the page's own menu and Datasette's
    status, _, body = fetch(f"{sample_server}/-/vendor")  # an old bookmark: redirected
    assert status == 200 and b"/-/vendor/" in body


@pytest.mark.crawl
@pytest.mark.subprocess
def test_who_sells_counts_operations_with_their_vendors(sample_server, sample_catalog):
    data = get_json(f"{sample_server}/-/who-sells.json?q=npp")
    conn = sqlite3.connect(sample_catalog)
    vendors = {v["vendor"] for v in data["vendors"]}
    networks = {n for (n,) in conn.execute(
        f"select distinct network from vendor_networks where size > 1 and vendor in"
        f" ({','.join('?' * len(vendors))})", sorted(vendors))}
    alone = vendors - {v for (v,) in conn.execute(
        "select vendor from vendor_networks where size > 1")}
    assert len(data["operations"]) == len(networks) + len(alone) < len(vendors)
    inside = [v["vendor"] for op in data["operations"] for v in op["vendors"]]
    assert sorted(inside) == sorted(vendors)  # every vendor in exactly one operation
    for op in data["operations"]:
        assert len({v["network"] for v in op["vendors"]}) == 1
    status, _, body = fetch(f"{sample_server}/-/who-sells?q=npp")
    assert f"{len(data['operations'])} operations ({len(vendors)} vendors)".encode() in body


@pytest.mark.crawl
@pytest.mark.subprocess
def test_search_finds_contacts_in_any_written_form(sample_server, sample_catalog):
    conn = sqlite3.connect(sample_catalog)
    for kind in ("phone", "email", "domain", "telegram"):
        value, raw, vendor = conn.execute(
            "select i.value, i.raw, p.vendor from vendor_identifiers i join vendor_profiles p on"
            " p.id = i.vendor_profile where i.kind = ? and p.vendor is not null limit 1",
            [kind]).fetchone()
        for q in {value, raw, raw.upper()}:
            data = get_json(f"{sample_server}/-/search.json?q={quote(q)}")
            assert (kind, value) in {(c["kind"], c["value"]) for c in data["contacts"]}, q
            assert vendor in {v["vendor"] for v in data["vendors"]}, q
    # A phone written with spaces and a national prefix finds the E.164 value.
    phone, = conn.execute("select value from vendor_identifiers where kind = 'phone' and"
                          " value like '+86%' limit 1").fetchone()
    spaced = f"+86 {phone[3:6]} {phone[6:10]} {phone[10:]}"
    data = get_json(f"{sample_server}/-/search.json?q={quote(spaced)}")
    assert phone in {c["value"] for c in data["contacts"]}


@pytest.mark.crawl
@pytest.mark.subprocess
def test_capped_pages_say_so_and_link_the_full_export(sample_server, sample_catalog):
    from precursor_watch.web import pages

    conn = sqlite3.connect(sample_catalog)
    small = pages.new_since(conn, "2000-01-01", limit=3)
    assert len(small["hits"]) == 3 and small["total"] > 3
    status, _, body = fetch(f"{sample_server}/-/new-since.safecsv?since=2000-01-01")
    assert status == 200
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    assert len(rows) == small["total"]
    assert [r["first_detected"] for r in rows] == sorted(
        (r["first_detected"] for r in rows), reverse=True)
    status, _, body = fetch(f"{sample_server}/-/who-sells.safecsv?q=npp")
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    data = get_json(f"{sample_server}/-/who-sells.json?q=npp")
    assert len(rows) == len(data["listings"]) and {r["entry"] for r in rows} <= {"npp", ""}


@pytest.mark.crawl
@pytest.mark.subprocess
def test_csv_links_reach_the_safe_exports(sample_server):
    for path in ("/-/new-since.csv?since=latest", "/-/who-sells.csv?q=npp"):
        status, headers, body = fetch(sample_server + path)
        assert status == 200 and headers["content-type"].startswith("text/csv"), path
        assert body.startswith(b"first_detected,vendor_name")
