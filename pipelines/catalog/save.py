"""Row writers, one per catalog table: records in, named rows out, SQL built from column names.

Every function runs inside the caller's transaction. Column names are checked against the schema
(`pipelines.catalog.schema.TABLES`), so a renamed or missing column fails loudly instead of shifting
values into the wrong place.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from operator import itemgetter

from pipelines.catalog.fields import (
    FLAG_FIELDS,
    JSON_FIELDS,
    LISTING_COLUMNS,
    LISTING_KEY,
    VERSIONED_FIELDS,
)
from pipelines.catalog.records import to_json
from pipelines.catalog.schema import TABLES
from pipelines.catalog.storable import clean_text

# What a listing row holds of the vendor's text: its item columns but the natural key.
LISTING_CONTENT = tuple(c for c in LISTING_COLUMNS if c not in LISTING_KEY)
VERSION_CONTENT = tuple(c for c in TABLES["listing_versions"][0] if c in VERSIONED_FIELDS)
MAX_REJECTED_JSON = 200_000


def column_value(field: str, value):
    """A record value as stored: lists/objects as JSON text, flags as 0/1."""
    if field in JSON_FIELDS:
        return to_json(value)
    if field in FLAG_FIELDS:
        return int(bool(value))
    return value


def content(rec: dict, fields: Iterable[str]) -> dict:
    """The record's values for `fields`, as stored (see column_value)."""
    fields = tuple(fields)
    json_fields, flag_fields = _stored_kinds(fields)
    get = rec.get
    out = {f: get(f) for f in fields}
    for f in json_fields:
        if out[f] is not None:  # to_json(None) is None
            out[f] = to_json(out[f])
    for f in flag_fields:
        out[f] = int(bool(out[f]))
    return out


@functools.cache
def _stored_kinds(fields: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Which of `fields` are stored as JSON and which as 0/1 (worked out once per tuple: a
    listing's content is read for every record written)."""
    return (tuple(f for f in fields if f in JSON_FIELDS),
            tuple(f for f in fields if f in FLAG_FIELDS))


def _check(table: str, cols: Iterable[str]) -> None:
    unknown = set(cols) - set(TABLES[table][0])
    if unknown:
        raise KeyError(f"{table} has no column(s) {', '.join(sorted(unknown))}")


def insert(conn, table: str, rows: list[dict], *, verb: str = "INSERT", tail: str = "") -> None:
    """Insert named rows (all with the same keys); `verb` e.g. "INSERT OR IGNORE"."""
    if not rows:
        return
    cols = list(rows[0])
    _check(table, cols)
    values = itemgetter(*cols) if len(cols) > 1 else (lambda r: (r[cols[0]],))
    conn.executemany(
        f"{verb} INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))}) {tail}",
        [values(r) for r in rows])


def update(conn, table: str, rows: list[dict], *, key: str = "id", exprs: dict | None = None,
           fixed: dict | None = None) -> None:
    """UPDATE named rows by `key`. `exprs` gives a column's SQL with one `?` (default `?`);
    `fixed` sets columns to SQL without a parameter."""
    if not rows:
        return
    exprs, fixed = exprs or {}, fixed or {}
    cols = [c for c in rows[0] if c != key]
    _check(table, [*cols, *fixed, key])
    sets = [f"{c} = {exprs.get(c, '?')}" for c in cols] + [f"{c} = {v}" for c, v in fixed.items()]
    conn.executemany(f"UPDATE {table} SET {', '.join(sets)} WHERE {key} = ?",
                     [(*(r[c] for c in cols), r[key]) for r in rows])


def save_watchlist(db, watchlist, now: str) -> None:
    """The watchlist version in force and its entries (entries no longer listed: in_force 0)."""
    version = watchlist.version
    insert(db.conn, "watchlist_versions",
           [{"version": version, "first_loaded": now, "last_loaded": now,
             "entries": len(watchlist.entries)}],
           tail="ON CONFLICT(version) DO UPDATE SET last_loaded = excluded.last_loaded")
    db.execute("UPDATE watchlist_entries SET in_force = 0 WHERE watchlist_version != ?", [version])
    rows = [{"id": e.id, "name": e.name, "inchikey": e.inchikey, "smiles": e.smiles,
             "formula": e.formula, "cas": json.dumps(list(e.all_cas)),
             "family": json.dumps(list(e.family)), "regimes": json.dumps(list(e.regimes)),
             "tier": e.tier, "designer_target": int(e.designer_target), "first_version": version,
             "watchlist_version": version, "in_force": 1} for e in watchlist.entries]
    keep_first = {"id", "first_version"}
    sets = ", ".join(f"{c} = excluded.{c}" for c in rows[0] if c not in keep_first) if rows else ""
    insert(db.conn, "watchlist_entries", rows, tail=f"ON CONFLICT(id) DO UPDATE SET {sets}")


def evidence_row(rec: dict, run: int | None, now: str) -> dict | None:
    """The `evidence` row of the archived capture (WARC record) a record was read from, or None
    when it names none. Its `id` is what the record's row points at."""
    if not (rec.get("warc_record_id") or rec.get("body_sha256")):
        return None
    return {
        "id": rec.get("warc_record_id") or f"sha256:{rec['body_sha256']}",
        # The capture's own URL; a listing's or profile's URL only for older items.
        "url": rec.get("page_url") or rec.get("url") or rec.get("profile_url"),
        "fetched_at": rec.get("fetched_at") or now, "warc_file": rec.get("warc_file"),
        "warc_record_id": rec.get("warc_record_id"), "sha256": rec.get("body_sha256"),
        "run": run}


def save_evidence_rows(conn, rows: list[dict]) -> None:
    """One row per capture: the first record naming a capture writes it, later ones keep it."""
    insert(conn, "evidence", rows, verb="INSERT OR IGNORE")


def save_evidence(conn, rec: dict, run: int | None, now: str) -> str | None:
    """The archived capture a record was read from, saved now; its id (None: none)."""
    row = evidence_row(rec, run, now)
    if row is None:
        return None
    save_evidence_rows(conn, [row])
    return row["id"]


def rejected_row(record, reason: str, run: int | None, now: str, *, kind: str | None = None,
                 source: str | None = None, key: str | None = None) -> dict:
    """A `rejected` row: the record as ASCII JSON (lone surrogates escaped, so always storable)."""
    if isinstance(record, dict):
        record = {k: v for k, v in record.items() if k not in ("chemistry", "_profile")}
        kind = kind or record.get("item_type")
    try:
        text = json.dumps(record, ensure_ascii=True, default=repr, sort_keys=True)
    except (ValueError, TypeError, RecursionError) as exc:  # e.g. circular: keep what we can
        text = json.dumps({"unserializable": f"{type(exc).__name__}: {exc}",
                           "repr": repr(record)[:MAX_REJECTED_JSON]})
    if len(text) > MAX_REJECTED_JSON:
        text = json.dumps({"truncated": True, "json": text[:MAX_REJECTED_JSON]})
    return {"run": run, "kind": kind, "item_key": clean_text(key)[0] if key else None,
            "source": clean_text(source)[0] if source else None,
            "reason": clean_text(str(reason))[0][:1000], "record": text, "rejected_at": now}


def save_rejected(conn, rows: list[dict]) -> None:
    insert(conn, "rejected", rows)
