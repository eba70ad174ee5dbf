"""The analyst pages as data (each a function of a read-only SQLite connection): who sells X,
new since a date or crawl, search across listings, vendors and the watchlist. The dossier and
the network live in `dossier.py` and `network.py`."""

from __future__ import annotations

import json
import sqlite3

from precursor_watch.web.hit_queries import (
    fts_query,
    has_table,
    picked_hits,
    rows,
    since_clause,
    tidy_hit,
)
from precursor_watch.web.resolve import resolve


def _in(values) -> str:
    return ",".join("?" * len(values)) or "null"


def who_sells(conn: sqlite3.Connection, query: str, limit: int = 500) -> dict:
    """Vendors offering what `query` denotes, one row per vendor with its listings, grouped by
    operation (network); `limit` hits at most (-1: all, for the CSV export)."""
    res = resolve(query)
    out = {"query": query, "resolved": res.as_dict(), "vendors": [], "listings": []}
    if not (res.entries or res.inchikeys):
        return out
    order = "h.score desc, h.listing"
    hit_rows = picked_hits(
        conn, f"select rowid as rid from hits where current = 1 and entry in"
        f" ({_in(res.entries)}) order by score desc, listing limit ?",
        [*res.entries, limit], order) if res.entries else []
    # Listings resolved to the structure but not on the watchlist (no hit row): still sold.
    seen = {r["listing"] for r in hit_rows}
    plain = rows(conn, _PLAIN_LISTINGS.format(keys=_in(res.inchikeys)),
                 [*res.inchikeys, limit]) if res.inchikeys else []
    listings = [tidy_hit(r) for r in hit_rows] + [
        tidy_hit(r) for r in plain if r["listing"] not in seen]
    out["listings"] = listings
    out["truncated"] = limit > 0 and (len(hit_rows) >= limit or len(plain) >= limit)
    out["limit"] = limit
    out["vendors"] = group_by_vendor(listings)
    out["operations"] = group_by_operation(out["vendors"])
    return out


_PLAIN_LISTINGS = """
select l.id as listing, null as entry, s.name as entry_name, null as family, null as regimes,
  null as tier, s.inchikey as entry_inchikey, s.smiles as entry_smiles, 'structure' as match,
  ls.confidence as score, ls.evidence as match_evidence, null as first_detected,
  null as first_run, l.platform, l.title, l.product_name, l.cas as cas_written,
  l.url as listing_url, l.price_text, l.price_amount, l.price_currency, l.quantity, l.status,
  l.first_seen, l.last_seen, l.shipping_claims, l.payment_claims, p.id as profile, p.vendor,
  coalesce(v.name, p.name, l.vendor_name) as vendor_name,
  coalesce(v.country, p.country) as country_written, n.network, n.size as network_size,
  e.id as evidence_id, e.sha256 as evidence_sha256, e.warc_file, e.warc_record_id,
  e.fetched_at, e.url as evidence_url
from listing_substances ls
join listings l on l.id = ls.listing
join substances s on s.inchikey = ls.substance
left join vendor_profiles p on p.id = l.vendor_profile
left join vendors v on v.id = p.vendor
left join vendor_networks n on n.vendor = p.vendor and n.size > 1
left join evidence e on e.id = l.evidence
where ls.substance in ({keys}) limit ?"""


def vendor_list(conn: sqlite3.Connection, limit: int = 1000) -> dict:
    """Canonical vendors by name (the first `limit`) with their profile counts, and how many
    there are in all."""
    vendors = rows(conn, """
select v.id as vendor, v.name, v.country, (select count(*) from vendor_profiles p
  where p.vendor = v.id) as profiles
from vendors v where v.merged_into is null order by v.name limit ?""", [limit])
    total = len(vendors) if len(vendors) < limit else conn.execute(
        "select count(*) from vendors where merged_into is null").fetchone()[0]
    return {"vendors": vendors, "total": total, "limit": limit}


def group_by_vendor(listings: list[dict]) -> list[dict]:
    groups: dict = {}
    for r in listings:
        key = r["vendor"] if r["vendor"] is not None else f"name:{r['vendor_name']}"
        g = groups.setdefault(key, {
            "vendor": r["vendor"], "vendor_name": r["vendor_name"], "country": r["country"],
            "country_name": r["country_name"], "network": r["network"],
            "network_size": r["network_size"], "platforms": [], "first_seen": r["first_seen"],
            "last_seen": r["last_seen"], "prices": [], "matches": [], "entries": [],
            "listings": 0, "evidence": []})
        g["listings"] += 1
        for col, value in (("platforms", r["platform"]), ("prices", r["price_text"]),
                           ("matches", r["match"]), ("entries", r["entry"] or r["entry_name"]),
                           ("evidence", r["evidence_id"])):
            if value and value not in g[col]:
                g[col].append(value)
        g["first_seen"] = min(filter(None, [g["first_seen"], r["first_seen"]]), default=None)
        g["last_seen"] = max(filter(None, [g["last_seen"], r["last_seen"]]), default=None)
    return sorted(groups.values(), key=lambda g: (-g["listings"], g["vendor_name"] or ""))


def group_by_operation(vendors: list[dict]) -> list[dict]:
    """Vendors (canonical companies) grouped by the operation behind them: the network that
    shared contacts link them into, or the vendor alone; its profiles inside."""
    ops: dict = {}
    for v in vendors:
        key = ("network", v["network"]) if v["network"] else ("vendor", v["vendor"] or
                                                                v["vendor_name"])
        op = ops.setdefault(key, {
            "network": v["network"], "network_size": v["network_size"], "vendors": [],
            "countries": [], "platforms": [], "listings": 0, "first_seen": None,
            "last_seen": None})
        op["vendors"].append(v)
        op["listings"] += v["listings"]
        for col, values in (("countries", [v["country_name"]]), ("platforms", v["platforms"])):
            op[col] += [x for x in values if x and x not in op[col]]
        op["first_seen"] = min(filter(None, [op["first_seen"], v["first_seen"]]), default=None)
        op["last_seen"] = max(filter(None, [op["last_seen"], v["last_seen"]]), default=None)
    for op in ops.values():
        op["name"] = " / ".join(dict.fromkeys(v["vendor_name"] or "?" for v in op["vendors"]))
    return sorted(ops.values(), key=lambda o: (-len(o["vendors"]), -o["listings"], o["name"]))


def new_since(conn: sqlite3.Connection, since: str | None, limit: int = 1000) -> dict:
    """Hits first detected since a date, or since a crawl run (every spider of it; 'latest' =
    the last crawl)."""
    since = (since or "latest").strip()
    try:
        where, params, info = since_clause(conn, since)
    except ValueError as exc:
        return {"since": since, "crawl": None, "runs": [], "hits": [], "error": str(exc)}
    order = "h.first_detected desc, h.score desc"
    hits = picked_hits(conn, f"select h.rowid as rid from hits h where h.current = 1{where}"
                       f" order by {order} limit ?", [*params, limit], order)
    total = len(hits) if len(hits) < limit else conn.execute(
        f"select count(*) from hits h where h.current = 1{where}", params).fetchone()[0]
    return {**info, "hits": [tidy_hit(r) for r in hits], "total": total, "limit": limit}


def new_since_all(conn: sqlite3.Connection, since: str | None):
    """Every hit of `new_since` (no cap), newest first, in batches: for the CSV export."""
    where, params, _ = since_clause(conn, (since or "latest").strip())
    order = "h.first_detected desc, h.score desc"
    yield from hits_in_batches(conn, f"select h.rowid as rid from hits h where h.current = 1"
                               f"{where} order by {order}", params, order)


def hits_in_batches(conn: sqlite3.Connection, pick_sql: str, params: list, order: str,
                    batch: int = 2000):
    """Hit rows of every hit `pick_sql` picks, `batch` rowids at a time (constant memory)."""
    cur = conn.execute(pick_sql, params)
    while True:
        rids = [r[0] for r in cur.fetchmany(batch)]
        if not rids:
            return
        yield from (tidy_hit(r) for r in picked_hits(
            conn, "select value as rid from json_each(?)", [json.dumps(rids)],
            order))


def search(conn: sqlite3.Connection, query: str, limit: int = 100) -> dict:
    """One search box: listings (their text, the names and synonyms of what they were resolved
    to), vendors (any profile name) and watchlist entries."""
    match = fts_query(query)
    out = {"query": query, "listings": [], "vendors": [], "entries": [], "contacts": [],
           "limit": limit}
    if not match:
        return out
    out["contacts"] = contacts(conn, query, limit)
    res = resolve(query)
    listing_ids: dict[str, str] = {}
    for lid, in conn.execute("select l.id from listings_fts f join listings l on"
                             " l.rowid = f.rowid where listings_fts match ? limit ?",
                             [match, limit]):
        listing_ids.setdefault(lid, "text")
    for lid, in conn.execute(
            "select ls.listing from substances_fts f join substances s on s.rowid = f.rowid"
            " join listing_substances ls on ls.substance = s.inchikey"
            " where substances_fts match ? limit ?", [match, limit]):
        listing_ids.setdefault(lid, "substance name")
    if res.entries or res.inchikeys:
        for lid, in conn.execute(
                f"select listing from hits where current = 1 and entry in ({_in(res.entries)})"
                f" union select listing from listing_substances where substance in"
                f" ({_in(res.inchikeys)}) limit ?", [*res.entries, *res.inchikeys, limit]):
            listing_ids.setdefault(lid, "resolved substance")
    out["entries"] = rows(conn, f"""
select id as entry, name, family, regimes, tier, inchikey from watchlist_entries
where in_force = 1 and (id in ({_in(res.entries)}) or name like ? escape '\\') limit ?""",
        [*res.entries, "%" + query.replace("%", "\\%").replace("_", "\\_") + "%", limit])
    named = [e["entry"] for e in out["entries"]]
    for lid, in conn.execute(f"select listing from hits where current = 1 and entry in"
                             f" ({_in(named)}) limit ?", [*named, limit]):
        listing_ids.setdefault(lid, "watchlist entry")
    ids = list(listing_ids)[:limit]
    if ids:
        found = rows(conn, f"""
select l.id as listing, l.title, l.platform, l.url as listing_url, l.price_text, l.status,
  p.vendor, coalesce(v.name, p.name, l.vendor_name) as vendor_name, l.evidence as evidence_id,
  (select group_concat(distinct h.entry) from hits h where h.listing = l.id and +h.current = 1)
    as entries
from listings l left join vendor_profiles p on p.id = l.vendor_profile
left join vendors v on v.id = p.vendor where l.id in ({_in(ids)})""", ids)
        for r in found:
            r["found_by"] = listing_ids[r["listing"]]
            r["entries"] = (r["entries"] or "").split(",") if r["entries"] else []
        out["listings"] = sorted(found, key=lambda r: r["title"] or "")
    out["vendors"] = rows(conn, """
select distinct v.id as vendor, v.name as vendor_name, v.country from vendor_profiles_fts f
join vendor_profiles p on p.rowid = f.rowid join vendors v on v.id = p.vendor
where vendor_profiles_fts match ? and v.merged_into is null limit ?""", [match, limit])
    known = {v["vendor"] for v in out["vendors"]}
    for c in out["contacts"]:
        if c["vendor"] is not None and c["vendor"] not in known:
            known.add(c["vendor"])
            out["vendors"].append({"vendor": c["vendor"], "vendor_name": c["vendor_name"],
                                   "country": c["country"]})
    out["truncated"] = any(len(out[k]) >= limit for k in ("listings", "entries", "contacts"))
    return out


def _contact_keys(query: str) -> list[str]:
    from pipelines.catalog.identifiers import (
        normalize_domain,
        normalize_email,
        normalize_handle,
        normalize_phone,
    )

    keys = {query.strip(), query.strip().lower()}
    for norm in (normalize_phone, normalize_email, normalize_domain, normalize_handle):
        keys.add(norm(query) or "")
    return sorted(k for k in keys if k)


def contacts(conn: sqlite3.Connection, query: str, limit: int = 100) -> list[dict]:
    """Vendor contacts (phones, e-mails, messenger handles, wallets, domains, addresses) equal to
    the query in any written form (normalized as the catalog stores them), or containing it
    (five characters or more), with the canonical vendor of each. Containing is looked up in
    the trigram index of the contacts (`vendor_identifiers_fts`) where the catalog has one,
    not by reading every contact."""
    keys = _contact_keys(query)
    q = query.strip().lower()
    sub = q if len(q) >= 5 else None
    picked = f"select rowid from vendor_identifiers where value in ({_in(keys)})"
    params: list = [*keys]
    if sub and has_table(conn, "vendor_identifiers_fts"):
        picked += " union select rowid from vendor_identifiers_fts where vendor_identifiers_fts" \
                  " match ?"
        params.append('"' + sub.replace('"', '""') + '"')
    elif sub:
        picked += " union select rowid from vendor_identifiers where instr(lower(value), ?) > 0" \
                  " or instr(lower(raw), ?) > 0"
        params += [sub, sub]
    return rows(conn, f"""
select i.kind, i.value, i.raw, p.platform, p.id as profile, p.vendor,
  coalesce(v.name, p.name) as vendor_name, coalesce(v.country, p.country) as country
from vendor_identifiers i join vendor_profiles p on p.id = i.vendor_profile
left join vendors v on v.id = p.vendor
where i.rowid in ({picked})
order by i.kind, i.value limit ?""", [*params, limit])
