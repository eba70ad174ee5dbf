"""SQL shared by the analyst pages and the report: one readable hit row (vendor by name, network,
listing, entry, evidence), crawl-run grouping and full-text query quoting."""

from __future__ import annotations

import json
import re
import sqlite3

from precursor_watch.web.countries import country_code, country_label

HIT_ROW_SQL = """
select h.listing, h.entry, w.name as entry_name, w.family, w.regimes, w.tier,
  w.inchikey as entry_inchikey, w.smiles as entry_smiles,
  h.match, h.score, h.evidence as match_evidence, h.first_detected, h.first_run,
  coalesce(h.last_watchlist_version, h.watchlist_version) as watchlist_version,
  l.platform, l.page_kind, l.title, l.product_name, l.cas as cas_written, l.url as listing_url,
  l.price_text, l.price_amount, l.price_currency, l.quantity, l.status,
  l.first_seen, l.last_seen, l.shipping_claims, l.payment_claims,
  p.id as profile, p.vendor, coalesce(v.name, p.name, l.vendor_name) as vendor_name,
  coalesce(v.country, p.country) as country_written, n.network, n.size as network_size,
  e.id as evidence_id, e.sha256 as evidence_sha256, e.warc_file, e.warc_record_id,
  e.fetched_at, e.url as evidence_url
from hits h
join listings l on l.id = h.listing
left join vendor_profiles p on p.id = l.vendor_profile
left join vendors v on v.id = p.vendor
left join vendor_networks n on n.vendor = p.vendor and n.size > 1
left join evidence e on e.id = l.evidence
left join watchlist_entries w on w.id = h.entry
where h.current = 1"""

def hit_row_sql(conn: sqlite3.Connection) -> str:
    """HIT_ROW_SQL for this catalog: one written before listings had `page_kind` (no writer has
    opened it since) reads it as null instead of failing."""
    if has_column(conn, "listings", "page_kind"):
        return HIT_ROW_SQL
    return HIT_ROW_SQL.replace("l.page_kind", "null as page_kind")


def picked_hits(conn: sqlite3.Connection, pick_sql: str, params: list, order: str) -> list[dict]:
    """Hit rows for the hits `pick_sql` selects (a query returning hits' rowids as `rid`,
    already ordered and limited), so the joins run on those rows only."""
    head, _, tail = hit_row_sql(conn).partition("from hits h")
    sql = (f"{head}from ({pick_sql}) k join hits h on h.rowid = k.rid"
           f"{tail.replace('where h.current = 1', '')} order by {order}")
    return rows(conn, sql, params)


JSON_LIST_COLUMNS = ("family", "regimes", "shipping_claims", "payment_claims")


def rows(conn: sqlite3.Connection, sql: str, params=()) -> list[dict]:
    cur = conn.execute(sql, params)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def as_list(value) -> list:
    """A JSON array column as a Python list (plain text becomes a one-item list)."""
    if value in (None, ""):
        return []
    if isinstance(value, list):
        return value
    try:
        out = json.loads(value)
    except (TypeError, ValueError):
        return [value]
    return out if isinstance(out, list) else [out]


def tidy_hit(row: dict) -> dict:
    """Lists instead of JSON text, a country code with its name."""
    for col in JSON_LIST_COLUMNS:
        if col in row:
            row[col] = as_list(row[col])
    written = row.pop("country_written", None)
    row["country"] = country_code(written) or written
    row["country_name"] = country_label(written)
    return row


def fts_query(text: str) -> str:
    """Each word quoted (no FTS syntax from the user), the last one as a prefix."""
    words = [w.replace('"', '""') for w in text.split() if w.strip('"')]
    if not words:
        return ""
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def has_column(conn: sqlite3.Connection, table: str, column: str) -> bool:
    return any(r[1] == column for r in conn.execute(f"PRAGMA table_info([{table}])"))


def has_table(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("select 1 from sqlite_master where name = ?", [name]).fetchone() \
        is not None


def runs_of_crawl(conn: sqlite3.Connection, crawl: str) -> list[int]:
    """Every per-spider run of one crawl invocation: `crawl_runs.crawl_id`, or, where that is
    not recorded, the runs whose evidence lies in the crawl's `crawls/<run-id>/` folder."""
    ids: list[int] = []
    if has_column(conn, "crawl_runs", "crawl_id"):
        ids = [r[0] for r in conn.execute(
            "select id from crawl_runs where crawl_id = ?", [crawl])]
    if not ids:
        ids = [r[0] for r in conn.execute(
            "select distinct run from evidence where warc_file like ? escape '\\'",
            [f"%{_like(crawl)}/%"]) if r[0] is not None]
    if not ids and crawl.isdigit():
        ids = [int(crawl)] if conn.execute(
            "select 1 from crawl_runs where id = ?", [int(crawl)]).fetchone() else []
    return sorted(ids)


def latest_crawl(conn: sqlite3.Connection) -> tuple[str | None, list[int]]:
    """The most recent invocation (its id and runs): by crawl_id, the evidence folder, or
    failing both the runs whose time span overlaps the last run's."""
    last = conn.execute("select id, started, finished from crawl_runs order by id desc limit 1"
                        ).fetchone()
    if last is None:
        return None, []
    if has_column(conn, "crawl_runs", "crawl_id"):
        cid = conn.execute("select crawl_id from crawl_runs where id = ?", [last[0]]).fetchone()[0]
        if cid:
            return cid, runs_of_crawl(conn, cid)
    warc = conn.execute("select warc_file from evidence where run = ? and warc_file is not null"
                        " limit 1", [last[0]]).fetchone()
    if warc and "/" in warc[0]:
        folder = warc[0].replace("\\", "/").rsplit("/", 2)[-2]
        return folder, runs_of_crawl(conn, folder)
    ids = [r[0] for r in conn.execute(
        "select id from crawl_runs where started <= coalesce(?, ?) and"
        " coalesce(finished, started) >= ?", [last[2], last[1], last[1]])]
    return str(last[0]), sorted(set(ids) | {last[0]})


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def since_clause(conn: sqlite3.Connection, since: str | None) -> tuple[str, list, dict]:
    """SQL (`and ...` on hits h) for hits first detected since a date, or since a crawl run
    (every spider of it, and anything later); 'latest' is the last crawl. Unknown run: error."""
    since = (since or "").strip()
    if not since:
        return "", [], {"since": None, "crawl": None, "runs": []}
    if DATE.match(since):
        return " and h.first_detected >= ?", [since], {"since": since, "crawl": None, "runs": []}
    crawl, runs = latest_crawl(conn) if since == "latest" else (since, runs_of_crawl(conn, since))
    if not runs:
        raise ValueError(f"--since {since!r} is neither a date (YYYY-MM-DD) nor a crawl run "
                         "in this catalog")
    return (" and h.first_run >= ?", [min(runs)],
            {"since": since, "crawl": crawl, "runs": runs})


DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ][0-9:.]+Z?)?$")
