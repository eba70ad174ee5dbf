"""Watchlist-hit reports to hand over: the hits a set of filters keeps, one flat row each
(vendor, contacts, network, listing, substance as written and resolved, entry with regimes and
citations, match, price, dates, evidence and whether the capture is a sample), plus summary
counts, per-entry groups and the networks involved. Writers are in `report_formats.py`."""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pipelines.catalog.clock import utcnow_seconds
from pipelines.reports import handover
from precursor_watch.web.countries import country_code
from precursor_watch.web.hit_queries import (
    as_list,
    hit_row_sql,
    latest_crawl,
    rows,
    since_clause,
    tidy_hit,
)

FIELDS = [
    "vendor_name", "vendor", "country", "country_name", "contacts", "network", "network_size",
    "platform", "page_kind", "listing_url", "title", "substance_written", "substance_resolved",
    "entry",
    "entry_name", "family", "tier", "regimes", "citations", "match", "score", "price_text",
    "price_amount", "price_currency", "first_seen", "last_seen", "first_detected", "status",
    "new", "evidence_sha256", "warc_file", "warc_record_id", "evidence_url", "capture",
    "watchlist_version",
]


@dataclass
class Filters:
    since: str | None = None
    entries: tuple[str, ...] = ()
    families: tuple[str, ...] = ()
    regimes: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()
    min_score: float | None = None
    networks: tuple[int, ...] = field(default_factory=tuple)


def _in(values) -> str:
    return ",".join("?" * len(values))


def _where(conn: sqlite3.Connection, f: Filters) -> tuple[str, list, dict]:
    sql, params, info = since_clause(conn, f.since)
    if f.entries:
        sql += f" and h.entry in ({_in(f.entries)})"
        params += list(f.entries)
    if f.families:
        sql += (f" and exists (select 1 from json_each(w.family) j where j.value in"
                f" ({_in(f.families)}))")
        params += list(f.families)
    if f.regimes:
        sql += " and exists (select 1 from json_each(w.regimes) j where " + " or ".join(
            "j.value = ? or j.value like ?" for _ in f.regimes) + ")"
        for r in f.regimes:
            params += [r, f"{r}-%"]
    if f.platforms:
        sql += f" and l.platform in ({_in(f.platforms)})"
        params += list(f.platforms)
    if f.min_score is not None:
        sql += " and h.score >= ?"
        params.append(f.min_score)
    if f.networks:
        sql += f" and n.network in ({_in(f.networks)})"
        params += list(f.networks)
    return sql, params, info


def collect(db_path: str | Path, f: Filters, evidence_root: str | Path | None = None) -> dict:
    conn = sqlite3.connect(f"file:{Path(db_path)}?mode=ro", uri=True)
    try:
        return _collect(conn, f, Path(db_path), evidence_root)
    finally:
        conn.close()


def _collect(conn, f: Filters, db_path: Path, evidence_root) -> dict:
    from chem.watchlist import default_watchlist

    watchlist = default_watchlist()
    f = handover.check_filters(conn, f, watchlist)
    where, params, info = _where(conn, f)
    hits = [tidy_hit(r) for r in rows(
        conn, hit_row_sql(conn) + where + " order by h.entry, h.score desc, vendor_name", params)]
    if f.countries:
        wanted = {country_code(c) or c for c in f.countries}
        hits = [h for h in hits if h["country"] in wanted]
    _, latest_runs = latest_crawl(conn)
    new_runs = set(info["runs"] or latest_runs)
    contacts = _contacts(conn, {h["vendor"] for h in hits if h["vendor"] is not None})
    resolved = _resolved(conn, [h["listing"] for h in hits])
    sources = {e.id: e for e in watchlist.entries}
    roots = [Path(evidence_root)] if evidence_root else []
    captures = _CaptureKinds(roots + [db_path.resolve().parent, Path.cwd()])
    for h in hits:
        e = sources.get(h["entry"])
        h["contacts"] = contacts.get(h["vendor"], [])
        h["substance_written"] = " | ".join(
            x for x in (h["title"], h["product_name"], h["cas_written"]) if x)
        h["substance_resolved"] = resolved.get(h["listing"], [])
        h["citations"] = list(e.sources) if e else []
        h["new"] = (h["first_run"] in new_runs) if not info["since"] else True
        h["capture"] = captures.kind(h["warc_file"], h["warc_record_id"])
    runs = handover.runs_covered(conn, hits)
    return {
        "generated_at": utcnow_seconds(),
        "catalog": str(db_path), "filters": asdict(f), "since": info,
        "cover": {
            "watchlist_version": watchlist.declared_version,
            "watchlist_data_hash": watchlist.version.partition("+")[2],
            "watchlist_version_full": watchlist.version,
            "matched_with": sorted({h["watchlist_version"] for h in hits
                                    if h["watchlist_version"]}),
            "data_sha256": handover.data_hash(hits, FIELDS),
            "tools": handover.tool_versions(), "runs": runs,
        },
        "method": handover.method(conn, hits, runs, watchlist),
        "legend": handover.legend(watchlist, hits),
        "prices": handover.price_history(conn, hits),
        "summary": summarize(hits), "hits": hits, "entries": by_entry(hits),
        "operations": by_operation(hits), "networks": _networks(conn, hits),
        "radar": _radar(conn),
    }


RADAR_ROWS = 20


def _radar(conn) -> list[dict]:
    """The top of the radar (unlisted substances close to controlled ones), when the catalog
    has radar scores."""
    from precursor_watch.web.radar_page import radar_page

    return radar_page(conn, limit=RADAR_ROWS)["rows"]


def summarize(hits: list[dict]) -> dict:
    count = lambda key: Counter(x for h in hits for x in (  # noqa: E731
        h[key] if isinstance(h[key], list) else [h[key] or "(unknown)"])).most_common()
    return {
        "hits": len(hits), "vendors": len({h["vendor"] or h["vendor_name"] for h in hits}),
        "operations": len({("network", h["network"]) if h["network"] else
                           ("vendor", h["vendor"] or h["vendor_name"]) for h in hits}),
        "listings": len({h["listing"] for h in hits}), "entries": len({h["entry"] for h in hits}),
        "new": sum(1 for h in hits if h["new"]), "recurring": sum(1 for h in hits if not h["new"]),
        "by_family": count("family"), "by_regime": count("regimes"),
        "by_country": count("country"), "by_platform": count("platform"),
    }


def by_operation(hits: list[dict]) -> list[dict]:
    """Hits grouped by the operation behind them (the vendors' network, or one vendor alone),
    with the vendors (and their platforms) inside."""
    ops: dict = {}
    for h in hits:
        key = ("network", h["network"]) if h["network"] else (
            "vendor", h["vendor"] if h["vendor"] is not None else h["vendor_name"])
        op = ops.setdefault(key, {"network": h["network"], "vendors": {}, "hits": 0,
                                  "entries": set()})
        op["hits"] += 1
        op["entries"].add(h["entry"])
        v = op["vendors"].setdefault(h["vendor"] if h["vendor"] is not None else
                                     h["vendor_name"], {
            "vendor": h["vendor"], "name": h["vendor_name"], "country": h["country"],
            "platforms": set(), "hits": 0})
        v["hits"] += 1
        v["platforms"].add(h["platform"])
    out = []
    for op in ops.values():
        vendors = sorted(op["vendors"].values(), key=lambda v: (-v["hits"], v["name"] or ""))
        for v in vendors:
            v["platforms"] = sorted(p for p in v["platforms"] if p)
        out.append({"network": op["network"], "hits": op["hits"], "vendors": vendors,
                    "entries": sorted(op["entries"]),
                    "name": " / ".join(dict.fromkeys(v["name"] or "?" for v in vendors))})
    return sorted(out, key=lambda o: (-len(o["vendors"]), -o["hits"], o["name"]))


def by_entry(hits: list[dict]) -> list[dict]:
    groups: dict[str, dict] = {}
    for h in hits:
        g = groups.setdefault(h["entry"], {
            "entry": h["entry"], "name": h["entry_name"], "smiles": h["entry_smiles"],
            "inchikey": h["entry_inchikey"], "family": h["family"], "regimes": h["regimes"],
            "citations": h["citations"], "tier": h["tier"], "hits": []})
        g["hits"].append(h)
    return sorted(groups.values(), key=lambda g: (-len(g["hits"]), g["entry"]))


def _contacts(conn, vendors: set) -> dict:
    out: dict = {}
    if not vendors:
        return out
    for vendor, kind, value in conn.execute(
            f"select distinct p.vendor, i.kind, i.value from vendor_identifiers i join"
            f" vendor_profiles p on p.id = i.vendor_profile where p.vendor in ({_in(vendors)})"
            " order by i.kind, i.value", sorted(vendors)):
        out.setdefault(vendor, []).append(f"{kind}:{value}")
    return out


def _resolved(conn, listings: list[str]) -> dict:
    out: dict = {}
    for i in range(0, len(listings), 500):
        part = listings[i:i + 500]
        for listing, name, key in conn.execute(
                f"select ls.listing, coalesce(s.name, ls.name), ls.substance from"
                f" listing_substances ls left join substances s on s.inchikey = ls.substance"
                f" where ls.listing in ({_in(part)})", part):
            out.setdefault(listing, []).append(f"{name or '?'} ({key})")
    return out


def _networks(conn, hits: list[dict]) -> list[dict]:
    ids = sorted({h["network"] for h in hits if h["network"]})
    if not ids:
        return []
    nets = rows(conn, f"""
select n.network, n.size, max(n.linked_by) as linked_by, json_group_array(v.name) as members
from vendor_networks n join vendors v on v.id = n.vendor where n.network in ({_in(ids)})
group by n.network order by n.size desc""", ids)
    for n in nets:
        n["linked_by"] = as_list(n["linked_by"])
        n["members"] = sorted(m for m in as_list(n["members"]) if m)
    return nets


class _CaptureKinds:
    """'sample' (served by the bundled sample server), 'live' or 'unknown' (WARC not here)."""

    def __init__(self, roots: list[Path]):
        self.roots = roots
        self.samples: dict[str, set[str] | None] = {}

    def kind(self, warc_file: str | None, record_id: str | None) -> str:
        if not warc_file or not record_id:
            return "unknown"
        if warc_file not in self.samples:
            self.samples[warc_file] = self._read(warc_file)
        ids = self.samples[warc_file]
        if ids is None:
            return "unknown"
        return "sample" if record_id in ids else "live"

    def _read(self, warc_file: str) -> set[str] | None:
        from warcio.archiveiterator import ArchiveIterator
        from warcio.exceptions import ArchiveLoadFailed

        from precursor_watch.web.archived import CaptureNotFound, locate_warc
        from scrapers.evidence import SERVED_FROM_HEADER

        try:
            path = locate_warc(warc_file, self.roots)
        except CaptureNotFound:
            return None
        ids: set[str] = set()
        try:
            with path.open("rb") as fh:
                for rec in ArchiveIterator(fh):
                    if rec.rec_headers.get_header(SERVED_FROM_HEADER):
                        ids.add(rec.rec_headers.get_header("WARC-Record-ID"))
        except (ArchiveLoadFailed, OSError, EOFError):
            return None  # a damaged WARC: the kind of its captures cannot be told
        return ids
