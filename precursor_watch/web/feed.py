"""Atom feeds of new watchlist hits, newest first (RFC 4287): all hits, one watchlist entry's or
one vendor's, for feed readers and mail bridges. Each hit is one Atom entry with a stable id
(the listing and the entry), the time it was first detected, and links to the listing, the
vendor's dossier and the archived evidence. The radar's arrivals (an unlisted substance entering
the top of its ranking) are entries too, in the main feed and in the radar feed. Scraped text is
escaped and stripped of characters XML cannot hold."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

from precursor_watch.web.hit_queries import picked_hits, tidy_hit

FEED_SIZE = 100
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value) -> str:
    return escape(_NOT_XML.sub("\ufffd", "" if value is None else str(value)))


def _attr(value: str) -> str:
    return quoteattr(_NOT_XML.sub("\ufffd", value))


def _time(value: str | None) -> str:
    """RFC 3339 (Atom's date-time) from the catalog's ISO text."""
    if not value:
        return "1970-01-01T00:00:00Z"
    try:
        t = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return "1970-01-01T00:00:00Z"
    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def feed_hits(conn: sqlite3.Connection, entry: str | None = None, vendor: int | None = None,
              limit: int = FEED_SIZE) -> list[dict]:
    """The newest current hits (of one entry or one vendor), newest first."""
    where, params = "", []
    if entry:
        where += " and h.entry = ?"
        params.append(entry)
    if vendor is not None:
        where += (" and h.listing in (select l.id from listings l join vendor_profiles p on"
                  " p.id = l.vendor_profile where p.vendor = ?)")
        params.append(vendor)
    order = "h.first_detected desc, h.listing, h.entry"
    return [tidy_hit(r) for r in picked_hits(
        conn, f"select h.rowid as rid from hits h where h.current = 1{where} order by {order}"
        " limit ?", [*params, limit], order)]


def atom(hits: list[dict], *, title: str, self_url: str, base: str, db_name: str,
         radar: list[dict] = (), limit: int = FEED_SIZE) -> str:
    """The feed as Atom XML, hits and radar arrivals merged newest first (at most `limit`);
    `base` is the site's absolute root (no trailing slash)."""
    items = [(_time(h["first_detected"]), _entry(h, base, db_name)) for h in hits]
    items += [(_time(r["top_since"]), _radar_entry(r, base)) for r in radar]
    items.sort(key=lambda item: item[0], reverse=True)  # stable: hits keep their order
    items = items[:limit]
    updated = items[0][0] if items else _time(datetime.now(UTC).isoformat())
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           '<feed xmlns="http://www.w3.org/2005/Atom">',
           f"<title>{_text(title)}</title>",
           f"<id>{_text(self_url)}</id>",
           f'<link rel="self" type="application/atom+xml" href={_attr(self_url)}/>',
           f'<link rel="alternate" type="text/html" href={_attr(base + "/-/new-since")}/>',
           f"<updated>{updated}</updated>",
           "<author><name>precursor-watch</name></author>",
           '<generator uri="https://github.com/">precursor-watch</generator>']
    out.extend(text for _, text in items)
    out.append("</feed>")
    return "\n".join(out) + "\n"


def _entry(h: dict, base: str, db_name: str) -> str:
    name = h["entry_name"] or h["entry"]
    vendor = h["vendor_name"] or "unknown vendor"
    title = f"{name} offered by {vendor} on {h['platform']}"
    listing = f"{base}/{quote(db_name)}/listings/{quote(h['listing'], safe='')}"
    links = [f'<link rel="alternate" type="text/html" href={_attr(listing)}/>',
             f'<link rel="related" title="who sells" href='
             f'{_attr(base + "/-/who-sells?q=" + quote(h["entry"] or ""))}/>']
    if h["vendor"] is not None:
        dossier = f"{base}/-/vendor/{h['vendor']}"
        links.append(f'<link rel="related" title="vendor dossier" href={_attr(dossier)}/>')
    if h["evidence_id"]:
        links.append(f'<link rel="related" title="archived copy" href='
                     f'{_attr(base + "/-/evidence?id=" + quote(h["evidence_id"], safe=""))}/>')
    summary = (f"{name} ({h['entry']}; regimes {', '.join(h['regimes']) or '-'}): "
               f"{h['title'] or h['listing']} by {vendor}"
               f"{' (' + h['country_name'] + ')' if h['country_name'] else ''} on "
               f"{h['platform']}; match {h['match']}, score {h['score']}; price "
               f"{h['price_text'] or '-'}; listing {h['listing_url'] or '-'}")
    cats = "".join(f'<category term={_attr(c)}/>' for c in [h["entry"], *h["regimes"]] if c)
    return (f"<entry><id>urn:precursor-watch:hit:{_text(quote(h['listing'], safe=':'))}:"
            f"{_text(h['entry'])}</id><title>{_text(title)}</title>"
            f"<updated>{_time(h['first_detected'])}</updated>"
            f"<published>{_time(h['first_detected'])}</published>{''.join(links)}{cats}"
            f"<summary>{_text(summary)}</summary></entry>")


def _radar_entry(r: dict, base: str) -> str:
    """One radar arrival: the substance, its score and reasons (route, nearest listed entry,
    vendors), linked to the Radar page and its drawing; the id names the arrival's time, so a
    substance that leaves the top and comes back is announced again."""
    name = r["name"] or r["inchikey"]
    title = f"Radar: {name} entered the top of the ranking (score {r['score']:.2f})"
    reasons = "; ".join(r["reasons"] + (["vendors: " + ", ".join(r["vendor_list"])]
                                        if r["vendor_list"] else []))
    summary = (f"{name} ({r['inchikey']}), unlisted, first seen {r['first_seen'] or '-'}; "
               f"{r['route'] or 'no route'}; nearest listed entry {r['nearest'] or '-'}; "
               f"{reasons}")
    page = f"{base}/-/radar"
    drawing = f"{base}/-/structure/{quote(r['inchikey'], safe='')}.svg"
    return (f"<entry><id>urn:precursor-watch:radar:{_text(quote(r['inchikey'], safe=''))}:"
            f"{_text(quote(r['top_since'], safe=''))}</id><title>{_text(title)}</title>"
            f"<updated>{_time(r['top_since'])}</updated>"
            f"<published>{_time(r['top_since'])}</published>"
            f'<link rel="alternate" type="text/html" href={_attr(page)}/>'
            f'<link rel="related" title="structure" href={_attr(drawing)}/>'
            f'<category term="radar"/><summary>{_text(summary)}</summary></entry>')
