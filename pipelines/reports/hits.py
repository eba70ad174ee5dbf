"""Watchlist-hit reports to hand over: the hits a set of filters keeps, one flat row each
(vendor, contacts, network, listing, substance as written and resolved, entry with regimes and
citations, match, price, dates, evidence and whether the capture is a sample), plus summary
counts, per-entry groups and the networks involved.

A report streams: `open_report` copies the selected hit rows, in report order, into a temporary
table of the read-only connection's temp database (on disk, SQLite's page cache bounds the
memory), computes the cover, summary, method and groups with SQL aggregates over it, and
`Report.hits()` / `Report.entry_hits()` then read the rows back in chunks, each chunk enriched
(contacts, resolved substances, capture kind) with one query per chunk. Memory is independent
of the number of hits (what grows is bounded by the vendors, entries and networks involved);
time is linear. Writers are in `formats.py`."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
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
CHUNK = 500  # hit rows read (and enriched with one query each for contacts and substances) at once
TABLE = "temp.report_hits"


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


def _country(written: str | None) -> str | None:
    """The country code the report shows for a vendor's country as written (SQL pw_country)."""
    return country_code(written) or written


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
    if f.countries:
        wanted = sorted({country_code(c) or c for c in f.countries})
        sql += f" and pw_country(coalesce(v.country, p.country)) in ({_in(wanted)})"
        params += wanted
    return sql, params, info


@contextlib.contextmanager
def open_report(db_path: str | Path, f: Filters,
                evidence_root: str | Path | None = None) -> Iterator[Report]:
    """The report of the hits `f` keeps, over a read-only connection open while in use."""
    conn = sqlite3.connect(f"file:{Path(db_path)}?mode=ro", uri=True)
    try:
        yield Report(conn, f, Path(db_path), evidence_root)
    finally:
        conn.close()


def collect(db_path: str | Path, f: Filters, evidence_root: str | Path | None = None) -> dict:
    """The whole report as one dict (every hit in memory: for small selections and tests;
    the writers stream from `open_report` instead)."""
    with open_report(db_path, f, evidence_root) as rep:
        return {**rep.head, "prices": {e: list(rep.prices(e)) for e in rep.entries_in_hit_order()},
                "hits": list(rep.hits()),
                "entries": [{**{k: v for k, v in e.items() if k != "count"},
                             "hits": list(rep.entry_hits(e["entry"]))} for e in rep.entries]}


class Report:
    """One report's selection: `head` (everything but the rows), `entries` (the per-entry
    groups' headings, largest first), and the rows streamed by `hits()`/`entry_hits()`."""

    def __init__(self, conn: sqlite3.Connection, f: Filters, db_path: Path, evidence_root):
        from chem.watchlist import default_watchlist

        self.conn = conn
        watchlist = default_watchlist()
        f = handover.check_filters(conn, f, watchlist)
        conn.create_function("pw_country", 1, _country, deterministic=True)
        where, params, info = _where(conn, f)
        conn.execute("pragma temp_store = file")
        conn.execute(f"drop table if exists {TABLE}")
        conn.execute(f"create table {TABLE} as select *, pw_country(country_written) as"
                     f" country_code from ({hit_row_sql(conn)}{where}) order by entry,"
                     " score desc, vendor_name", params)
        conn.execute(f"create index {TABLE}_entry on report_hits(entry)")
        self.since = info
        _, latest_runs = latest_crawl(conn)
        self.new_runs = set(info["runs"] or latest_runs)
        self.sources = {e.id: e for e in watchlist.entries}
        roots = [Path(evidence_root)] if evidence_root else []
        self.captures = _CaptureKinds(roots + [db_path.resolve().parent, Path.cwd()])
        self.count = self._one("select count(*) from report_hits")
        self.entries = self._entries()
        runs = handover.runs_covered(conn, TABLE)
        self.head = {
            "generated_at": utcnow_seconds(),
            "catalog": str(db_path), "filters": asdict(f), "since": info,
            "cover": {
                "watchlist_version": watchlist.declared_version,
                "watchlist_data_hash": watchlist.version.partition("+")[2],
                "watchlist_version_full": watchlist.version,
                "matched_with": [v for (v,) in conn.execute(
                    "select distinct watchlist_version from report_hits where"
                    " coalesce(watchlist_version, '') != '' order by 1")],
                "data_sha256": handover.data_hash(self.hits(), FIELDS),
                "tools": handover.tool_versions(), "runs": runs,
            },
            "method": handover.method(conn, TABLE, runs, watchlist),
            "legend": handover.legend(watchlist, self._values("regimes")),
            "summary": self._summary(), "operations": self._operations(),
            "networks": _networks(conn), "radar": _radar(conn),
        }

    def _one(self, sql: str, params=()):
        return self.conn.execute(sql, params).fetchone()[0]

    def hits(self) -> Iterator[dict]:
        """Every hit row, enriched, in report order (entry, score down, vendor)."""
        return self._rows("order by rowid", [])

    def entry_hits(self, entry: str) -> Iterator[dict]:
        return self._rows("where entry = ? order by rowid", [entry])

    def _rows(self, tail: str, params: list) -> Iterator[dict]:
        cur = self.conn.execute(f"select * from {TABLE} {tail}", params)
        cols = [d[0] for d in cur.description]
        while chunk := cur.fetchmany(CHUNK):
            hits = [dict(zip(cols, r, strict=True)) for r in chunk]
            contacts = _contacts(self.conn, {h["vendor"] for h in hits if h["vendor"] is not None})
            resolved = _resolved(self.conn, [h["listing"] for h in hits])
            for h in hits:
                del h["country_code"]
                yield self._enrich(tidy_hit(h), contacts, resolved)

    def _enrich(self, h: dict, contacts: dict, resolved: dict) -> dict:
        e = self.sources.get(h["entry"])
        h["contacts"] = contacts.get(h["vendor"], [])
        h["substance_written"] = " | ".join(
            x for x in (h["title"], h["product_name"], h["cas_written"]) if x)
        h["substance_resolved"] = resolved.get(h["listing"], [])
        h["citations"] = list(e.sources) if e else []
        h["new"] = (h["first_run"] in self.new_runs) if not self.since["since"] else True
        h["capture"] = self.captures.kind(h["warc_file"], h["warc_record_id"])
        return h

    def entries_in_hit_order(self) -> list[str]:
        return sorted(e["entry"] for e in self.entries)

    def prices(self, entry: str) -> Iterator[dict]:
        """Every priced version of the listings behind `entry`'s hits, oldest first."""
        return handover.price_history(self.conn, TABLE, entry)

    def has_prices(self, entry: str) -> bool:
        return handover.has_prices(self.conn, TABLE, entry)

    def _entries(self) -> list[dict]:
        """The per-entry groups (heading fields and hit count), most hits first."""
        out = []
        for r in rows(self.conn, f"""
select entry, entry_name as name, entry_smiles as smiles, entry_inchikey as inchikey, family,
  regimes, tier, count(*) as n from {TABLE} group by entry order by n desc, entry"""):
            e = self.sources.get(r["entry"])
            out.append({"entry": r["entry"], "name": r["name"], "smiles": r["smiles"],
                        "inchikey": r["inchikey"], "family": as_list(r["family"]),
                        "regimes": as_list(r["regimes"]),
                        "citations": list(e.sources) if e else [], "tier": r["tier"],
                        "count": r["n"]})
        return out

    def _values(self, column: str) -> list[str]:
        return [v for (v,) in self.conn.execute(
            f"select distinct j.value from {TABLE}, json_each({column}) j")]

    def _summary(self) -> dict:
        new = ("count(*)" if self.since["since"] else
               f"coalesce(sum(first_run in ({','.join(map(str, sorted(self.new_runs)))})), 0)")
        r = rows(self.conn, f"""
select count(*) as hits, count(distinct coalesce(vendor, vendor_name)) as vendors,
  count(distinct {OPERATION}) as operations,
  count(distinct listing) as listings, count(distinct entry) as entries, {new} as new
from {TABLE}""")[0]
        r["recurring"] = r["hits"] - r["new"]
        return {**r, "by_family": self._counts("family", listed=True),
                "by_regime": self._counts("regimes", listed=True),
                "by_country": self._counts("country_code"),
                "by_platform": self._counts("platform")}

    def _counts(self, column: str, listed: bool = False) -> list[list]:
        """(value, hits) most first; ties in the order the values first appear."""
        if listed:
            sql = (f"select j.value, count(*) as n, min(h.rowid * 1000 + j.key) as first from"
                   f" {TABLE} h, json_each(h.{column}) j group by j.value")
        else:
            sql = (f"select coalesce(nullif({column}, ''), '(unknown)') as value, count(*) as n,"
                   f" min(rowid) as first from {TABLE} group by 1")
        return [(v, n) for v, n, _ in self.conn.execute(sql + " order by n desc, first")]

    def _operations(self) -> list[dict]:
        """Hits grouped by the operation behind them (the vendors' network, or one vendor
        alone), with the vendors (and their platforms) inside."""
        ops: dict = {}
        for r in rows(self.conn, f"""
select {OPERATION} as op, network, coalesce(vendor, vendor_name) as vkey, count(*) as hits,
  min(rowid) as first, json_group_array(distinct platform) as platforms,
  json_group_array(distinct entry) as entries
from {TABLE} group by op, vkey order by min(rowid)"""):
            first = rows(self.conn, f"select vendor, vendor_name, country_written from {TABLE}"
                         " where rowid = ?", [r["first"]])[0]
            op = ops.setdefault(r["op"], {"network": r["network"], "vendors": [], "hits": 0,
                                          "entries": set(), "first": r["first"]})
            op["hits"] += r["hits"]
            op["entries"].update(as_list(r["entries"]))
            op["vendors"].append({"vendor": first["vendor"], "name": first["vendor_name"],
                                  "country": _country(first["country_written"]),
                                  "platforms": sorted(p for p in as_list(r["platforms"]) if p),
                                  "hits": r["hits"]})
        out = []
        for op in sorted(ops.values(), key=lambda o: o["first"]):
            vendors = sorted(op["vendors"], key=lambda v: (-v["hits"], v["name"] or ""))
            out.append({"network": op["network"], "hits": op["hits"], "vendors": vendors,
                        "entries": sorted(op["entries"]),
                        "name": " / ".join(dict.fromkeys(v["name"] or "?" for v in vendors))})
        return sorted(out, key=lambda o: (-len(o["vendors"]), -o["hits"], o["name"]))


# The operation behind a hit: its vendor's network, or the vendor (or the name) alone.
OPERATION = ("case when network then 'n:' || network when vendor is not null then"
             " 'v:' || vendor when vendor_name is not null then 's:' || vendor_name else 'x'"
             " end")
RADAR_ROWS = 20


def _radar(conn) -> list[dict]:
    """The top of the radar (unlisted substances close to controlled ones), when the catalog
    has radar scores."""
    from precursor_watch.web.radar_page import radar_page

    return radar_page(conn, limit=RADAR_ROWS)["rows"]


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


def _networks(conn) -> list[dict]:
    nets = rows(conn, f"""
select n.network, n.size, max(n.linked_by) as linked_by, json_group_array(v.name) as members
from vendor_networks n join vendors v on v.id = n.vendor
where n.network in (select distinct network from {TABLE} where network)
group by n.network order by n.size desc""")
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
