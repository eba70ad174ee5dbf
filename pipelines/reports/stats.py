"""Read-only summaries of a catalog: `stats` (counts by platform, family, regime, country, last
runs) and the short `summary` the demo prints (listings, vendors, hits by watchlist entry, vendor
networks, how to browse)."""

from __future__ import annotations

import json
from pathlib import Path

from pipelines.catalog.location import DEFAULT_DB

STATS_QUERIES = {
    "platforms": """
select l.platform, count(*) as listings, sum(l.status = 'active') as active,
  sum(l.status = 'gone') as gone, count(distinct l.vendor_profile) as vendor_profiles,
  sum(l.id in (select listing from hits where current = 1)) as listings_with_hits
from listings l group by l.platform order by listings desc""",
    "families": """
select f.value as family, count(distinct h.listing) as listings,
  count(distinct p.vendor) as vendors, count(distinct h.entry) as entries
from hits h join watchlist_entries w on w.id = h.entry, json_each(w.family) f
join listings l on l.id = h.listing left join vendor_profiles p on p.id = l.vendor_profile
where h.current = 1 group by f.value order by listings desc""",
    "regimes": """
select r.value as regime, count(distinct h.listing) as listings,
  count(distinct p.vendor) as vendors
from hits h join watchlist_entries w on w.id = h.entry, json_each(w.regimes) r
join listings l on l.id = h.listing left join vendor_profiles p on p.id = l.vendor_profile
where h.current = 1 group by r.value order by listings desc""",
    "countries": """
select coalesce(v.country, '(unknown)') as country, count(distinct v.id) as vendors,
  count(distinct hp.vendor) as vendors_with_hits
from vendors v
left join (select distinct p.vendor from hits h join listings l on l.id = h.listing
  join vendor_profiles p on p.id = l.vendor_profile where h.current = 1) hp on hp.vendor = v.id
where v.merged_into is null group by 1 order by vendors desc""",
    "runs": """
select id, crawl_id, kind, coalesce(spider, source, '') as what, started, status,
  cast(round((julianday(finished) - julianday(started)) * 86400) as integer) as seconds,
  coalesce(json_extract(stats, '$.response_received_count'), 0) as pages, items,
  listings_seen as seen, listings_new as new, listings_gone as gone, hits_new, errors,
  rejected, repaired,
  json_extract(monitors, '$.counts.bans') as bans,
  (select group_concat(json_extract(c.value, '$.check') || ' ' || json_extract(c.value,
     '$.result'), ', ') from json_each(crawl_runs.monitors, '$.checks') c
   where json_extract(c.value, '$.result') != 'ok') as monitors
from crawl_runs where monitors is null or json_valid(monitors)
order by id desc limit 10""",
    "fill": """
select run, spider, site, product_pages, title, cas, price, pack, purity, vendor
from site_fill_rates where run in (select max(id) from crawl_runs group by spider)
order by spider, site limit 20""",
    "rejected": """
select run, kind, source, reason, substr(record, 1, 80) as record
from rejected order by id desc limit 10""",
}


def totals(db) -> dict:
    one = lambda sql: (db.execute(sql).fetchone() or [None])[0]  # noqa: E731
    return {
        "listings": one("select count(*) from listings"),
        "active": one("select count(*) from listings where status = 'active'"),
        "gone": one("select count(*) from listings where status = 'gone'"),
        "platforms": one("select count(distinct platform) from listings"),
        "vendors": one("select count(*) from vendors where merged_into is null"),
        "vendor_profiles": one("select count(*) from vendor_profiles"),
        "substances": one("select count(*) from substances"),
        "hits": one("select count(*) from hits where current = 1"),
        "listings_with_hits": one("select count(distinct listing) from hits where current = 1"),
        "merges": one("select count(*) from vendor_merges where decision = 'merged'"),
        "rejected": one("select count(*) from rejected"),
        "networks": one("select count(distinct network) from vendor_networks where size > 1"),
        "watchlist_version": one(
            "select watchlist_version from watchlist_entries where in_force = 1 limit 1"),
    }


def stats(db) -> dict:
    out: dict = {"totals": totals(db)}
    for name, sql in STATS_QUERIES.items():
        cur = db.execute(sql)
        cols = [d[0] for d in cur.description]
        out[name] = [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]
    return out


def table(rows: list[dict], limit: int | None = None, width: int = 60) -> str:
    """Plain-text table; cell text is shown with control characters escaped."""
    if not rows:
        return "  (none)"
    rows = rows[:limit] if limit else rows
    cols = list(rows[0])
    cells = [[_cell(r[c], width) for c in cols] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(cols)]
    lines = ["  " + "  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True))]
    lines += ["  " + "  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True))
              for row in cells]
    return "\n".join(lines)


def _cell(value, width: int = 60) -> str:
    text = "" if value is None else str(value)
    text = text.encode("unicode_escape").decode("ascii") if not text.isprintable() else text
    return text if len(text) <= width else text[: width - 1] + "…"


def stats_text(db) -> str:
    s = stats(db)
    t = s["totals"]
    parts = [
        f"Catalog: {t['listings']} listings ({t['active']} active, {t['gone']} gone) on "
        f"{t['platforms']} platforms; {t['vendors']} vendors ({t['vendor_profiles']} profiles, "
        f"{t['merges']} merges); {t['substances']} substances; {t['hits']} current hits on "
        f"{t['listings_with_hits']} listings; watchlist {t['watchlist_version']}; "
        f"{t['rejected']} rejected records",
    ]
    for name, title in (("platforms", "By platform"), ("families", "Hits by family"),
                        ("regimes", "Hits by regime"), ("countries", "Vendors by country"),
                        ("runs", "Last runs"),
                        ("fill", "Fill rates of listing fields on product pages, last run of "
                                 "each spider (share of product pages per site)"),
                        ("rejected", "Last rejected records")):
        parts.append(f"\n{title}:\n{table(s[name], limit=20)}")
    return "\n".join(parts)


def hits_by_entry(db, limit: int = 15) -> list[dict]:
    cur = db.execute(
        "select entry, name, vendors, listings, platforms from vendors_per_entry limit ?",
        [limit])
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def networks(db, limit: int = 10) -> list[dict]:
    cur = db.execute(
        "select network, size, platforms, vendor_names, linked_by, listings_with_hits"
        " from network_overview limit ?", [limit])
    cols = [d[0] for d in cur.description]
    out = [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
    for row in out:
        row["linked_by"] = ", ".join(json.loads(row["linked_by"] or "[]"))
    return out


def summary_text(db, db_path: str | Path = DEFAULT_DB) -> str:
    """The demo's closing summary: listings, vendors, hits by entry, networks, how to browse."""
    t = totals(db)
    browse = f".venv/bin/precursor-watch serve --db {db_path}"
    return "\n".join([
        f"Listings: {t['listings']} ({t['active']} active, {t['gone']} gone) on "
        f"{t['platforms']} platforms; {t['listings_with_hits']} with watchlist hits",
        f"Vendors: {t['vendors']} companies from {t['vendor_profiles']} platform profiles "
        f"({t['merges']} merged as one company); {t['networks']} networks of vendors "
        "sharing contacts",
        f"\nHits by watchlist entry (watchlist {t['watchlist_version']}):",
        table(hits_by_entry(db)),
        "\nVendor networks (shared phone / email / website / address):",
        table(networks(db), width=100),
        f"\nBrowse: {browse}   (or `make serve`; then open http://127.0.0.1:8001)",
        f"Report: .venv/bin/precursor-watch report --db {db_path} --format html -o report.html",
        f"Counts: .venv/bin/precursor-watch stats --db {db_path}",
    ])
