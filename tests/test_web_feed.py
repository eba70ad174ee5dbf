"""Atom feeds of new watchlist hits: `/-/feed.atom`, `/-/feed/entry/ID.atom` and
`/-/feed/vendor/ID.atom` on the sample catalog, parsed with feedparser (well-formed, newest
first, one Atom entry per current hit with stable ids and absolute links that answer), and the
writer on hostile text (markup and control characters stay text)."""

from __future__ import annotations

import sqlite3

import feedparser
import pytest
from webkit import fetch

from precursor_watch.web.feed import atom


def parse(url: str):
    status, headers, body = fetch(url)
    assert status == 200, (url, status)
    assert headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(body)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    return feed


@pytest.mark.crawl
@pytest.mark.subprocess
def test_feed_lists_current_hits_newest_first(sample_server, sample_catalog):
    conn = sqlite3.connect(sample_catalog)
    current = conn.execute("select count(*) from hits where current = 1").fetchone()[0]
    arrivals = conn.execute("select count(*) from radar_scores where top_since is not null"
                            " and covered = 0").fetchone()[0]
    feed = parse(f"{sample_server}/-/feed.atom")
    assert len(feed.entries) == min(current + arrivals, 100)  # hits and radar arrivals
    assert sum(":hit:" in e.id for e in feed.entries) == min(current, len(feed.entries))
    published = [e.published for e in feed.entries]
    assert published == sorted(published, reverse=True)
    assert len({e.id for e in feed.entries}) == len(feed.entries)
    assert feed.feed.updated == published[0]
    first = next(e for e in feed.entries if ":hit:" in e.id)
    assert " offered by " in first.title and first.summary
    links = [first.link] + [x.href for x in first.links]
    assert all(x.startswith(sample_server) for x in links)
    for href in links:
        assert fetch(href)[0] == 200, href
    # stable ids: the same entries again, in the same order (a radar arrival may be the newest
    # entry, so compare the whole list rather than the first entry with the first hit)
    assert [e.id for e in parse(f"{sample_server}/-/feed.atom").entries] == [
        e.id for e in feed.entries]


@pytest.mark.crawl
@pytest.mark.subprocess
def test_entry_and_vendor_feeds(sample_server, sample_catalog):
    conn = sqlite3.connect(sample_catalog)
    n_npp = conn.execute("select count(*) from hits where entry = 'npp' and current = 1"
                         ).fetchone()[0]
    feed = parse(f"{sample_server}/-/feed/entry/NPP.atom")  # any case, as on who-sells
    assert len(feed.entries) == n_npp and "npp" in feed.feed.title
    assert all(e.id.endswith(":npp") for e in feed.entries)
    vendor, n = conn.execute(
        "select p.vendor, count(*) from hits h join listings l on l.id = h.listing join"
        " vendor_profiles p on p.id = l.vendor_profile where h.current = 1 and p.vendor is not"
        " null group by p.vendor order by count(*) desc limit 1").fetchone()
    name, = conn.execute("select name from vendors where id = ?", [vendor]).fetchone()
    feed = parse(f"{sample_server}/-/feed/vendor/{vendor}.atom")
    assert len(feed.entries) == n and name in feed.feed.title
    assert fetch(f"{sample_server}/-/feed/entry/no-such-entry.atom")[0] == 404
    assert fetch(f"{sample_server}/-/feed/vendor/999999.atom")[0] == 404


def test_atom_keeps_hostile_text_as_text():
    hit = {"listing": "shop:a3", "entry": "npp", "entry_name": "NPP", "regimes": ["UN-I"],
           "vendor": 1, "vendor_name": "Evil <b>Co</b> & \x01Sons", "platform": "shop",
           "title": "<script>alert(1)</script>", "country_name": "China (中国)",
           "match": "cas", "score": 0.95, "price_text": '=HYPERLINK("x")',
           "listing_url": "https://shop.example/p?a=1&b=2", "evidence_id": "<urn:uuid:1>",
           "first_detected": "2026-12-01T10:00:00Z"}
    older = {**hit, "listing": "shop:a1", "first_detected": "2026-11-01T10:00:00.123456"}
    text = atom([hit, older], title="t", self_url="http://127.0.0.1:1/-/feed.atom",
                base="http://127.0.0.1:1", db_name="catalog")
    feed = feedparser.parse(text)
    assert not feed.bozo, feed.bozo_exception
    assert feed.entries[0].title == "NPP offered by Evil <b>Co</b> & \ufffdSons on shop"
    assert "<script>alert(1)</script>" in feed.entries[0].summary
    assert "<script" not in text
    assert feed.entries[1].updated == "2026-11-01T10:00:00Z"
    assert [t.term for t in feed.entries[0].tags] == ["npp", "UN-I"]
