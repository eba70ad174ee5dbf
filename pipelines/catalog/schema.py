"""The catalog's shape, declared as data and applied by an idempotent `ensure_db_shape(db)`.

Tables, indexes, full-text search and views (`views`) are created when missing; columns added to
a table spec later are added to existing catalogs (a light migration). Running it again changes
nothing. Opening a catalog file (`open_db`) lives in `connection`.
"""

from __future__ import annotations

import sqlite_utils

from pipelines.catalog.connection import BUSY_TIMEOUT as BUSY_TIMEOUT  # re-exported
from pipelines.catalog.connection import open_db as open_db  # re-exported
from pipelines.catalog.connection import when_unlocked
from pipelines.catalog.fields import LISTING_COLUMNS, VENDOR_COLUMNS, VERSIONED_COLUMNS
from pipelines.catalog.location import DEFAULT_DB as DEFAULT_DB  # re-exported
from pipelines.catalog.location import db_path as db_path  # re-exported
from pipelines.catalog.views import VIEWS

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
    when_unlocked(lambda: db.execute("BEGIN IMMEDIATE"))
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
