"""Vendor rows: `vendors`, `vendor_profiles` and `vendor_identifiers` from vendor records.

`w` is the `CatalogWriter` (its connection, run id, counts and per-run caches).
"""

from __future__ import annotations

import json

from pipelines.catalog import entities
from pipelines.catalog.fields import VENDOR_HASHED
from pipelines.catalog.identifiers import region_for, vendor_identifiers
from pipelines.catalog.records import merge_vendor, vendor_hash
from pipelines.catalog.save import content, insert, save_evidence, update

_JSON_LISTS = ("phones", "emails", "handles", "badges")


def stored_profile(conn, key: str) -> dict:
    """A stored full profile as a vendor record (for merging a new sighting into it)."""
    cur = conn.execute(
        f"SELECT {', '.join(VENDOR_HASHED)} FROM vendor_profiles WHERE id = ? AND stub = 0",
        [key])
    row = cur.fetchone()
    if row is None:
        return {}
    rec = dict(zip(VENDOR_HASHED, row, strict=True))
    for k in _JSON_LISTS:
        rec[k] = json.loads(rec[k]) if rec[k] else None
    return rec


def existing_profiles(w, keys: list[str]) -> dict[str, dict]:
    return {r["id"]: r for r in w.existing(
        "SELECT id, record_hash, last_run, stub, vendor FROM vendor_profiles"
        " WHERE id IN ({marks})", keys)}


def save_profiles(w, profiles: dict[str, dict], now: str) -> None:
    """Insert or update vendor profiles; each new profile gets its own canonical vendor.

    Records with `item_type` other than "vendor" are stubs (a listing's vendor not yet seen)."""
    existing = existing_profiles(w, list(profiles))
    conn = w.db.conn
    for key, rec in profiles.items():
        stub = rec.get("item_type") != "vendor"
        old = existing.get(key)
        if old is None:
            _insert_profile(w, key, rec, stub, now)
        elif stub:
            update(conn, "vendor_profiles", [{"id": key, "last_seen": now,
                                              "times_seen": w.run_id, "last_run": w.run_id}],
                   exprs={"times_seen": "times_seen + (last_run IS NOT ?)"})
            update(conn, "vendors", [{"id": old["vendor"], "last_seen": now}])
        else:
            _update_profile(w, key, merge_vendor(stored_profile(conn, key), rec), old, now)
        w.profiles_done.add(key)
        if not stub:
            insert(conn, "vendor_identifiers", [
                {"vendor_profile": key, "kind": k, "value": v, "raw": raw, "source": src,
                 "first_seen": now} for k, v, raw, src in vendor_identifiers(rec)],
                verb="INSERT OR IGNORE")


def _insert_profile(w, key: str, rec: dict, stub: bool, now: str) -> None:
    conn = w.db.conn
    name = rec.get("name")
    norm = entities.normalize_name(name or "")
    country = region_for(rec.get("country")) or rec.get("country")
    vendor = conn.execute(
        "INSERT INTO vendors (name, name_norm, country, first_seen, last_seen)"
        " VALUES (?, ?, ?, ?, ?)", [name, norm, country, now, now]).lastrowid
    row = {"id": key, "platform": rec["platform"], "vendor_id": rec["vendor_id"],
           "vendor": vendor, **content(rec, VENDOR_HASHED), "name_norm": norm,
           "stub": int(stub), "first_seen": now, "last_seen": now, "times_seen": 1,
           "last_run": w.run_id, "record_hash": None if stub else vendor_hash(rec),
           "evidence": save_evidence(conn, rec, w.run_id, now),
           "repairs": content(rec, ["repairs"])["repairs"]}
    insert(conn, "vendor_profiles", [row])
    w.counts["vendors_new"] += 1


def _update_profile(w, key: str, rec: dict, old: dict, now: str) -> None:
    conn = w.db.conn
    name = rec.get("name")
    norm = entities.normalize_name(name or "")
    row = {"id": key, **content(rec, VENDOR_HASHED), "name_norm": norm, "stub": 0,
           "last_seen": now, "times_seen": w.run_id, "last_run": w.run_id,
           "record_hash": vendor_hash(rec),
           "evidence": save_evidence(conn, rec, w.run_id, now),
           "repairs": content(rec, ["repairs"])["repairs"]}
    update(conn, "vendor_profiles", [row], exprs={
        "times_seen": "times_seen + (last_run IS NOT ?)", "evidence": "coalesce(?, evidence)"})
    # The canonical name is the first full profile's; a stub's name gives way.
    was_stub = old["stub"]
    conn.execute(
        "UPDATE vendors SET last_seen = ?, country = coalesce(country, ?),"
        " name = CASE WHEN ? OR name IS NULL THEN ? ELSE name END,"
        " name_norm = CASE WHEN ? OR name IS NULL THEN ? ELSE name_norm END WHERE id = ?",
        [now, region_for(rec.get("country")) or rec.get("country"), was_stub, name, was_stub,
         norm, old["vendor"]])
