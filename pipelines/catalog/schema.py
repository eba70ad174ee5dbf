"""The catalog's shape, declared as data and applied by an idempotent `ensure_db_shape(db)`.

Tables, indexes, full-text search and views are created when missing; columns added to a table
spec later are added to existing catalogs (a light migration). Running it again changes nothing.
"""

from __future__ import annotations

import os
import sqlite3
import time

import sqlite_utils

from pipelines.catalog.fields import LISTING_COLUMNS, VENDOR_COLUMNS, VERSIONED_COLUMNS
from pipelines.catalog.location import DEFAULT_DB as DEFAULT_DB  # re-exported
from pipelines.catalog.location import db_path

SCHEMA_VERSION = 3

_HIT_COLUMNS: dict[str, type] = {
    "listing": str, "entry": str, "match": str, "score": float, "evidence": str,
    "source_field": str, "role": str, "cas_conflict": int,
    "first_detected": str, "watchlist_version": str, "last_watchlist_version": str,
    "first_run": int, "current": int, "retracted_at": str,
}
_HIT_FKS = [("listing", "listings", "id"), ("entry", "watchlist_entries", "id"),
            ("first_run", "crawl_runs", "id")]

# table -> (columns, pk, foreign keys). Types: int, float, str; JSON arrays are stored as str.
TABLES: dict[str, tuple[dict[str, type], str | tuple[str, ...], list[tuple[str, str, str]]]] = {
    "crawl_runs": (
        {
            "id": int, "kind": str, "spider": str, "platform": str, "source": str,
            "started": str, "finished": str, "status": str, "finish_reason": str,
            "watchlist_version": str, "items": int, "dropped": int, "errors": int,
            "not_fetched": int,
            "listings_seen": int, "listings_new": int, "listings_changed": int,
            "listings_reappeared": int, "listings_gone": int, "gone_note": str,
            "vendors_seen": int, "vendors_new": int, "hits_new": int, "hits_retracted": int,
            "stats": str, "rejected": int, "repaired": int,
            # operations (pipelines/catalog/runs.py, scrapers/monitor.py): the invocation's run id
            # (also its crawls/<crawl_id>/ folder), the process, the health checks' verdict
            "crawl_id": str, "host": str, "pid": int, "pid_started": str, "monitors": str,
        },
        "id",
        [],
    ),
    "watchlist_versions": (
        {"version": str, "first_loaded": str, "last_loaded": str, "entries": int},
        "version",
        [],
    ),
    "watchlist_entries": (
        {
            "id": str, "name": str, "inchikey": str, "smiles": str, "formula": str, "cas": str,
            "family": str, "regimes": str, "tier": str, "designer_target": int,
            "first_version": str, "watchlist_version": str, "in_force": int,
        },
        "id",
        [("watchlist_version", "watchlist_versions", "version")],
    ),
    "vendors": (
        {
            "id": int, "name": str, "name_norm": str, "country": str, "first_seen": str,
            "last_seen": str, "merged_into": int,
        },
        "id",
        [("merged_into", "vendors", "id")],
    ),
    "evidence": (
        {
            "id": str, "url": str, "fetched_at": str, "warc_file": str, "warc_record_id": str,
            "sha256": str, "run": int,
        },
        "id",
        [("run", "crawl_runs", "id")],
    ),
    "vendor_profiles": (
        {
            "id": str, "vendor": int, "name_norm": str, **VENDOR_COLUMNS, "stub": int,
            "first_seen": str, "last_seen": str, "times_seen": int, "last_run": int,
            "record_hash": str, "evidence": str, "repairs": str,
        },
        "id",
        [("vendor", "vendors", "id"), ("last_run", "crawl_runs", "id"),
         ("evidence", "evidence", "id")],
    ),
    "vendor_identifiers": (
        {
            "id": int, "vendor_profile": str, "kind": str, "value": str, "raw": str,
            "source": str, "first_seen": str,
        },
        "id",
        [("vendor_profile", "vendor_profiles", "id")],
    ),
    "vendor_merges": (
        {
            "id": int, "kept": int, "merged": int, "decision": str, "reason": str,
            "name_score": float, "shared": str, "decided_at": str,
        },
        "id",
        [("kept", "vendors", "id"), ("merged", "vendors", "id")],
    ),
    "vendor_networks": (
        {"vendor": int, "network": int, "size": int, "platforms": int, "linked_by": str},
        "vendor",
        [("vendor", "vendors", "id")],
    ),
    # Item columns come from scrapers/items.py through pipelines/catalog/fields.py.
    "listings": (
        {
            "id": str, "vendor_profile": str, **LISTING_COLUMNS, "status": str,
            "first_seen": str, "last_seen": str, "gone_at": str, "times_seen": int, "spider": str,
            "first_run": int, "last_run": int, "version": int, "record_hash": str,
            "chem_key": str, "chem_version": str, "evidence": str, "repairs": str,
            # what kind of page the listing is (chem.genre): offer, catalogue, sds,
            # regulation, article, forum or other; set with its chemistry
            "page_kind": str,
        },
        "id",
        [("vendor_profile", "vendor_profiles", "id"), ("first_run", "crawl_runs", "id"),
         ("last_run", "crawl_runs", "id"), ("evidence", "evidence", "id")],
    ),
    "listing_versions": (
        {
            "id": int, "listing": str, "version": int, "seen_at": str, "run": int,
            "record_hash": str, "changed": str, **VERSIONED_COLUMNS, "evidence": str,
        },
        "id",
        [("listing", "listings", "id"), ("run", "crawl_runs", "id"),
         ("evidence", "evidence", "id")],
    ),
    "substances": (
        {
            "inchikey": str, "smiles": str, "formula": str, "name": str, "names": str,
            "cas": str, "first_seen": str,
        },
        "inchikey",
        [],
    ),
    "listing_substances": (
        {
            "listing": str, "substance": str, "how": str, "confidence": float, "name": str,
            "evidence": str,
        },
        ("listing", "substance"),
        [("listing", "listings", "id"), ("substance", "substances", "inchikey")],
    ),
    "hits": (_HIT_COLUMNS, ("listing", "entry"), _HIT_FKS),
    # Listed chemicals a listing only mentions (solubility, use, synthesis text): same shape as
    # hits, never counted as hits (chem/subject.py decides what a listing offers).
    "mentions": (_HIT_COLUMNS, ("listing", "entry"), _HIT_FKS),
    # Records that could not be stored (or read), with the reason: one bad record costs itself.
    "rejected": (
        {
            "id": int, "run": int, "kind": str, "item_key": str, "source": str, "reason": str,
            "record": str, "rejected_at": str,
        },
        "id",
        [("run", "crawl_runs", "id")],
    ),
    # The radar (pipelines/catalog/radar_scores.py): each offered substance's radar chemistry
    # (best route and its drawing, reasons, nearest listed entry, covered or not) under a radar
    # version, and its score in the catalog's current vendor context.
    "radar_scores": (
        {
            "inchikey": str, "name": str, "smiles": str, "score": float, "chemistry": float,
            "route": str, "route_path": str, "reasons": str, "nearest": str,
            "similarity": float, "vendors": int, "listed_vendors": int, "platforms": int,
            "vendor_names": str, "first_seen": str, "covered": int, "covered_by": str,
            "radar_version": str, "scored_at": str, "top_since": str,
        },
        "inchikey",
        [],
    ),
}

INDEXES: list[tuple[str, tuple[str, ...], bool]] = [
    ("crawl_runs", ("spider", "started"), False),
    ("crawl_runs", ("crawl_id",), False),
    ("watchlist_entries", ("inchikey",), False),
    ("vendors", ("name_norm",), False),
    ("vendors", ("merged_into",), False),
    ("evidence", ("run",), False),
    ("evidence", ("sha256",), False),
    ("vendor_profiles", ("platform", "vendor_id"), True),
    ("vendor_profiles", ("vendor",), False),
    ("vendor_profiles", ("name_norm",), False),
    ("vendor_profiles", ("country",), False),
    ("vendor_profiles", ("last_run",), False),
    ("vendor_profiles", ("evidence",), False),
    ("vendor_identifiers", ("vendor_profile", "kind", "value"), True),
    ("vendor_identifiers", ("kind", "value"), False),
    ("vendor_identifiers", ("value",), False),  # search: a contact in any of its kinds
    ("vendor_merges", ("kept",), False),
    ("vendor_merges", ("merged",), False),
    ("vendor_networks", ("network",), False),
    ("vendor_networks", ("size",), False),
    ("listings", ("id", "vendor_profile"), False),  # covers hit -> vendor joins (analyst pages)
    ("listings", ("url",), False),
    ("listings", ("vendor_profile",), False),
    ("listings", ("spider", "status"), False),
    ("listings", ("chem_key",), False),
    ("listings", ("first_run",), False),
    ("listings", ("last_run",), False),
    ("listings", ("evidence",), False),
    ("listings", ("cas",), False),
    ("listings", ("last_seen",), False),  # the listings table's default sort (Datasette)
    # (platform, listing_id) is gone: the id is "platform:listing_id", a platform filter is
    # served by the two platform indexes below (catalogs that have it keep it, unused).
    # The listings table's facets (metadata.yml: platform, page_kind; status on demand) count
    # through a covering index, not by reading every row, with or without a filter on one of
    # the others: each column leads one index holding the other two.
    ("listings", ("platform", "status", "page_kind"), False),
    ("listings", ("status", "page_kind", "platform"), False),
    ("listings", ("page_kind", "platform", "status"), False),
    # The default sort within a platform, and the other sortable column (metadata.yml).
    ("listings", ("platform", "last_seen"), False),
    ("listings", ("price_amount",), False),
    ("listing_versions", ("listing", "version"), True),
    ("listing_versions", ("run",), False),
    ("listing_versions", ("evidence",), False),
    ("substances", ("cas",), False),
    ("listing_substances", ("substance",), False),
    ("listing_substances", ("how",), False),  # a default facet
    ("hits", ("entry",), False),
    ("hits", ("first_run",), False),
    ("hits", ("watchlist_version",), False),
    ("hits", ("current",), False),
    ("hits", ("first_detected",), False),
    ("hits", ("score",), False),  # the hits table's default sort (Datasette)
    ("hits", ("match",), False),  # a default facet
    ("rejected", ("run",), False),
    ("mentions", ("entry",), False),
    ("radar_scores", ("score",), False),
    ("radar_scores", ("first_seen",), False),
    ("radar_scores", ("top_since",), False),
]


def index_name(table: str, cols: tuple[str, ...]) -> str:
    return f"idx_{table}_{'_'.join(cols)}"


def create_index(db: sqlite_utils.Database, table: str, cols: tuple[str, ...],
                 unique: bool) -> None:
    """One index of `INDEXES`, as the schema names it (nothing when it exists)."""
    db.table(table).create_index(cols, index_name=index_name(table, cols), unique=unique,
                                 if_not_exists=True)


FTS_CONFIG: dict[str, tuple[str, ...]] = {
    "listings": ("title", "product_name", "description"),
    "vendors": ("name",),
    "vendor_profiles": ("name",),
    "substances": ("name", "names"),
}

# Trigram indexes: text found by any part of it (search: a contact containing the query).
FTS_TRIGRAM: dict[str, tuple[str, ...]] = {
    "vendor_identifiers": ("value", "raw"),
}

_FTS_COLS = "title, product_name, description"
_OLD = "old.title, old.product_name, old.description"
_NEW = "new.title, new.product_name, new.description"
LISTING_FTS_TRIGGERS = [
    "CREATE TRIGGER IF NOT EXISTS listings_fts_ad AFTER DELETE ON listings BEGIN"
    f" INSERT INTO listings_fts (listings_fts, rowid, {_FTS_COLS})"
    f" VALUES ('delete', old.rowid, {_OLD}); END",
    "CREATE TRIGGER IF NOT EXISTS listings_fts_au AFTER UPDATE OF title, product_name,"
    " description ON listings WHEN old.title IS NOT new.title OR old.product_name IS NOT"
    " new.product_name OR old.description IS NOT new.description BEGIN"
    f" INSERT INTO listings_fts (listings_fts, rowid, {_FTS_COLS})"
    f" VALUES ('delete', old.rowid, {_OLD});"
    f" INSERT INTO listings_fts (rowid, {_FTS_COLS}) VALUES (new.rowid, {_NEW}); END",
]


def index_listings_fts(db, ids: list[str]) -> None:
    """Add newly inserted listings to the full-text index (same transaction as the insert)."""
    for i in range(0, len(ids), 500):
        part = ids[i:i + 500]
        db.execute(
            f"INSERT INTO listings_fts (rowid, {_FTS_COLS}) SELECT rowid, {_FTS_COLS}"
            f" FROM listings WHERE id IN ({','.join('?' * len(part))})", part)


# Canonical vendor of a profile: vendors.id after following merges (merges point at the kept row).
VIEWS: dict[str, str] = {
    "hits_per_vendor": """
select v.id as vendor, v.name as vendor_name, v.country,
  count(distinct h.listing) as listings_with_hits,
  count(distinct h.entry) as entries,
  group_concat(distinct h.entry) as entry_ids,
  count(distinct p.platform) as platforms,
  min(h.first_detected) as first_detected,
  max(l.last_seen) as last_seen
from hits h
join listings l on l.id = h.listing
join vendor_profiles p on p.id = l.vendor_profile
join vendors v on v.id = p.vendor
where h.current = 1
group by v.id
order by entries desc, listings_with_hits desc""",
    "vendors_per_entry": """
select w.id as entry, w.name, w.family, w.regimes, w.tier,
  count(distinct p.vendor) as vendors,
  count(distinct h.listing) as listings,
  count(distinct l.platform) as platforms,
  sum(l.status = 'active') as active_listings,
  min(h.first_detected) as first_detected
from watchlist_entries w
join hits h on h.entry = w.id and h.current = 1
join listings l on l.id = h.listing
left join vendor_profiles p on p.id = l.vendor_profile
group by w.id
order by vendors desc, listings desc""",
    "new_hits_latest_run": """
select h.listing, l.title, l.platform, l.url, p.vendor, p.name as vendor_name, h.entry,
  h.match, h.score, h.evidence, h.first_detected, h.watchlist_version, h.first_run
from hits h
join listings l on l.id = h.listing
left join vendor_profiles p on p.id = l.vendor_profile
where h.current = 1 and h.first_run in (
  -- every per-spider run of the last invocation: its crawl_id, else runs overlapping it in time
  select r.id from crawl_runs r, (select id, crawl_id, started, coalesce(finished, started) as
    finished from crawl_runs order by id desc limit 1) last
  where r.id = last.id or r.crawl_id = last.crawl_id
    or (last.crawl_id is null and r.started <= last.finished
        and coalesce(r.finished, r.started) >= last.started))
order by h.score desc""",
    "vendors_multi_platform": """
select v.id as vendor, v.name, v.country, count(distinct p.platform) as platforms,
  group_concat(distinct p.platform) as platform_list, count(p.id) as profiles,
  (select count(*) from listings l join vendor_profiles q on q.id = l.vendor_profile
    where q.vendor = v.id) as listings
from vendors v
join vendor_profiles p on p.vendor = v.id
where v.merged_into is null
group by v.id
having count(distinct p.platform) > 1
order by platforms desc, listings desc""",
    "shared_identifiers": """
select i.kind, i.value, count(distinct p.vendor) as vendors,
  group_concat(distinct p.vendor) as vendor_ids,
  group_concat(distinct p.platform) as platforms,
  min(i.first_seen) as first_seen
from vendor_identifiers i
join vendor_profiles p on p.id = i.vendor_profile
group by i.kind, i.value
having count(distinct p.vendor) > 1
order by vendors desc""",
    "network_overview": """
with hit_listings as (
  select m.network, count(distinct h.listing) as listings_with_hits
  from hits h
  join listings l on l.id = h.listing
  join vendor_profiles p on p.id = l.vendor_profile
  join vendor_networks m on m.vendor = p.vendor
  where h.current = 1 and m.size > 1
  group by m.network
)
select n.network, n.size, max(n.platforms) as platforms,
  group_concat(v.name, ' | ') as vendor_names,
  max(n.linked_by) as linked_by,
  coalesce(max(hl.listings_with_hits), 0) as listings_with_hits
from vendor_networks n
join vendors v on v.id = n.vendor
left join hit_listings hl on hl.network = n.network
where n.size > 1
group by n.network
order by n.size desc, listings_with_hits desc""",
    "site_fill_rates": """
select r.id as run, r.crawl_id, r.spider, r.status, r.started, s.key as site,
  json_extract(s.value, '$.pages') as product_pages, json_extract(s.value, '$.title') as title,
  json_extract(s.value, '$.cas') as cas, json_extract(s.value, '$.price') as price,
  json_extract(s.value, '$.pack') as pack, json_extract(s.value, '$.purity') as purity,
  json_extract(s.value, '$.vendor') as vendor
from crawl_runs r, json_each(r.monitors, '$.fill') s
where r.monitors is not null and json_valid(r.monitors)
order by r.id desc, s.key""",
    "run_monitors": """
select r.id as run, r.crawl_id, r.spider, r.status, r.started,
  json_extract(c.value, '$.check') as "check", json_extract(c.value, '$.result') as result,
  json_extract(c.value, '$.value') as value, json_extract(c.value, '$.limit') as "limit",
  json_extract(c.value, '$.detail') as detail
from crawl_runs r, json_each(r.monitors, '$.checks') c
where r.monitors is not null and json_valid(r.monitors)
order by r.id desc""",
    "listing_hits": """
select h.listing, l.platform, l.title, l.price_text, l.status, l.first_seen, l.last_seen,
  p.vendor, p.name as vendor_name, p.country, h.entry, w.name as entry_name, w.family,
  w.regimes, h.match, h.score, h.evidence, h.first_detected, h.watchlist_version, l.url
from hits h
join listings l on l.id = h.listing
left join vendor_profiles p on p.id = l.vendor_profile
left join watchlist_entries w on w.id = h.entry
where h.current = 1
order by h.score desc""",
}


BUSY_TIMEOUT = float(os.getenv("PRECURSOR_WATCH_BUSY_TIMEOUT", 60))  # seconds a writer waits


def open_db(path: str | os.PathLike | None = None) -> sqlite_utils.Database:
    """Open (creating) a catalog file in WAL mode, ready to write; the shape is ensured.

    Concurrent writers wait for each other up to BUSY_TIMEOUT (env PRECURSOR_WATCH_BUSY_TIMEOUT)
    instead of failing with "database is locked"."""
    path = db_path(path)
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT, isolation_level=None)
    db = sqlite_utils.Database(conn)
    db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
    _when_unlocked(lambda: db.execute("PRAGMA journal_mode = WAL"))
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA cache_size = -65536")  # 64 MB page cache for batch upserts
    db.execute("PRAGMA foreign_keys = OFF")  # rows may arrive before what they point at
    ensure_db_shape(db)
    from pipelines.catalog.runs import mark_interrupted

    mark_interrupted(db)  # rows left `running` by a crawl process that died
    return db


def _when_unlocked(step, timeout: float | None = None):
    """Run `step`, retrying while SQLite says the database is locked (some statements, such as
    switching a new file to WAL, do not wait on the busy handler)."""
    deadline = time.monotonic() + (BUSY_TIMEOUT if timeout is None else timeout)
    delay = 0.01
    while True:
        try:
            return step()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if time.monotonic() >= deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.5)


def _sql_type(t: type) -> str:
    return {int: "INTEGER", float: "FLOAT", str: "TEXT"}[t]


def _expected_names() -> set[str]:
    names = set(TABLES) | set(VIEWS) | {f"{t}_fts" for t in (*FTS_CONFIG, *FTS_TRIGRAM)}
    names |= {index_name(t, cols) for t, cols, _ in INDEXES}
    names |= {sql.split()[5] for sql in LISTING_FTS_TRIGGERS}  # CREATE TRIGGER IF NOT EXISTS <n>
    return names


def shape_is_current(db: sqlite_utils.Database) -> bool:
    """True when every table, column, index, FTS table, trigger and view is as declared (read
    only: no write lock needed)."""
    if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
        return False
    master = {name: sql for name, sql in db.execute("SELECT name, sql FROM sqlite_master")}
    if not _expected_names() <= set(master):
        return False
    for name, sql in VIEWS.items():
        if master[name] != f"CREATE VIEW [{name}] AS {sql.strip()}":
            return False
    for name, (columns, _, _) in TABLES.items():
        have = {row[1] for row in db.execute(f"PRAGMA table_info([{name}])")}
        if not set(columns) <= have:
            return False
    return True


def ensure_db_shape(db: sqlite_utils.Database) -> None:
    """Create or migrate tables, indexes, FTS and views. Safe to run any number of times, and
    from several processes at once: changes are made in one write transaction (the others wait,
    then find the shape current)."""
    if shape_is_current(db):
        return
    if db.conn.in_transaction:
        _apply_shape(db)
        return
    _when_unlocked(lambda: db.execute("BEGIN IMMEDIATE"))
    try:
        _apply_shape(db)
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _apply_shape(db: sqlite_utils.Database) -> None:
    for name, (columns, pk, fks) in TABLES.items():
        table = db.table(name)
        if not table.exists():
            table.create(columns, pk=pk, foreign_keys=fks)
        else:
            existing = {c.name for c in table.columns}
            for col, t in columns.items():
                if col not in existing:
                    db.execute(f"ALTER TABLE [{name}] ADD COLUMN [{col}] {_sql_type(t)}")
    for name, cols, unique in INDEXES:
        create_index(db, name, cols, unique)
    for name, cols in FTS_CONFIG.items():
        table = db.table(name)
        if not table.detect_fts():
            # listings: the writer indexes new rows in bulk (per-row insert triggers cost 2-3x);
            # deletes and text edits are kept in step by the triggers below.
            table.enable_fts(cols, create_triggers=name != "listings", tokenize="unicode61")
    for name, cols in FTS_TRIGRAM.items():
        table = db.table(name)
        if not table.detect_fts():  # rows already stored are indexed by enable_fts
            table.enable_fts(cols, create_triggers=True, tokenize="trigram")
    for sql in LISTING_FTS_TRIGGERS:
        db.execute(sql)
    for name, sql in VIEWS.items():
        current = db.view(name).schema if name in db.view_names() else None
        wanted = f"CREATE VIEW [{name}] AS {sql.strip()}"
        if current != wanted:
            if current is not None:
                db.execute(f"DROP VIEW [{name}]")
            db.execute(wanted)
    if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
