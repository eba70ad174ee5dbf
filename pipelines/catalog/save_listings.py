"""Listing rows: `listings`, `listing_versions`, and the chemistry tables (`substances`,
`listing_substances`, `hits`).

Listings are upserted on their natural key; first_seen / last_seen / times_seen are kept per run;
a `listing_versions` row is written only when the record's hash changes. `w` is the
`CatalogWriter` (connection, run id, spider, counts, per-run caches).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from pipelines.catalog.records import (
    VERSIONED_FIELDS,
    chem_key,
    listing_vendor_id,
    profile_key,
    record_hash,
)
from pipelines.catalog.save import (
    LISTING_CONTENT,
    VERSION_CONTENT,
    column_value,
    content,
    evidence_row,
    insert,
    save_evidence_rows,
    update,
)
from pipelines.catalog.save_vendors import save_profiles
from pipelines.catalog.schema import index_listings_fts

CHUNK = 500  # SQLite host parameters per IN (...) lookup
# A version row's content: the listing row's stored values, and the record's vendor id.
_VERSION_FROM_BODY = tuple(f for f in VERSION_CONTENT if f in LISTING_CONTENT)
_VERSION_FROM_REC = tuple(f for f in VERSION_CONTENT if f not in LISTING_CONTENT)


def _stubs(w, listings: dict[str, dict], now: str) -> None:
    """Listings name their vendor account; profiles not yet seen are created as stubs."""
    stubs: dict[str, dict] = {}
    for rec in listings.values():
        vid = listing_vendor_id(rec)
        rec["_profile"] = profile_key(rec["platform"], vid) if vid else None
        if vid and rec["_profile"] not in stubs and rec["_profile"] not in w.profiles_done:
            stubs[rec["_profile"]] = {"item_type": "stub", "platform": rec["platform"],
                                      "vendor_id": vid, "name": rec.get("vendor_name")}
    if stubs:
        save_profiles(w, stubs, now)


@dataclass
class _Rows:
    """What one batch of listings writes, table by table."""

    inserts: list[dict] = field(default_factory=list)
    updates: list[dict] = field(default_factory=list)
    sightings: list[dict] = field(default_factory=list)
    versions: list[dict] = field(default_factory=list)
    chem_todo: list[tuple[str, dict, bool]] = field(default_factory=list)
    evidence: list[dict] = field(default_factory=list)  # in record order (first one wins)


def save_listings(w, listings: dict[str, dict], now: str) -> None:
    if not listings:
        return
    _stubs(w, listings, now)
    existing = {r["id"]: r for r in w.existing(
        "SELECT id, record_hash, last_run, status, version, chem_key, chem_version"
        " FROM listings WHERE id IN ({marks})", list(listings))}
    rows = _Rows()
    for key, rec in listings.items():
        _plan(w, key, rec, existing.get(key), now, rows)
        w.counts["listings_seen"] += 1
    conn = w.db.conn
    save_evidence_rows(conn, rows.evidence)  # one statement per batch, not one per listing
    insert(conn, "listings", rows.inserts)
    index_listings_fts(w.db, [row["id"] for row in rows.inserts])
    seen = {"times_seen": "times_seen + ?", "evidence": "coalesce(?, evidence)"}
    active = {"status": "'active'", "gone_at": "NULL"}
    update(conn, "listings", rows.sightings, exprs=seen, fixed=active)
    update(conn, "listings", rows.updates, exprs=seen, fixed=active)
    insert(conn, "listing_versions", rows.versions)
    if rows.chem_todo:
        save_chemistry(w, rows.chem_todo, now, kind_stored={row["id"] for row in rows.inserts})


def _plan(w, key: str, rec: dict, old: dict | None, now: str, rows: _Rows) -> None:
    """The rows one listing record adds: a new listing, a changed one (new version) or a
    sighting of an unchanged one; and its chemistry when the text or watchlist changed."""
    run = w.run_id
    h = record_hash(rec)
    ck = rec.get("chem_key") or chem_key(rec)
    chem = rec.get("chemistry")
    chem_version = chem["watchlist_version"] if chem else None
    seen_at = rec.get("fetched_at") or now
    capture = evidence_row(rec, run, now)
    evidence = capture["id"] if capture else None
    if capture:
        rows.evidence.append(capture)
    body = content(rec, LISTING_CONTENT)
    repairs = column_value("repairs", rec.get("repairs"))
    version_row = {"listing": key, "seen_at": seen_at, "run": run, "record_hash": h,
                   **{f: body[f] for f in _VERSION_FROM_BODY},
                   **{f: rec.get(f) for f in _VERSION_FROM_REC},
                   "evidence": evidence}
    if old is None:
        rows.inserts.append({
            "id": key, "platform": rec["platform"], "listing_id": rec.get("listing_id"),
            "url": rec["url"], "vendor_profile": rec["_profile"], **body, "status": "active",
            "first_seen": seen_at, "last_seen": seen_at, "times_seen": 1, "spider": w.spider,
            "first_run": run, "last_run": run, "version": 1, "record_hash": h, "chem_key": ck,
            "chem_version": chem_version, "evidence": evidence, "repairs": repairs,
            # set here, not by an UPDATE after the insert (that rewrites three facet indexes)
            "page_kind": chem.get("page_kind") if chem else None})
        rows.versions.append({**version_row, "version": 1, "changed": None})
        w.counts["listings_new"] += 1
        if chem:
            rows.chem_todo.append((key, chem, False))
        return
    sighting = {"url": rec["url"], "last_seen": seen_at,
                "times_seen": int(old["last_run"] != run), "spider": w.spider, "last_run": run,
                "chem_version": chem_version or old["chem_version"], "evidence": evidence,
                "id": key}
    if old["record_hash"] != h:
        version = old["version"] + 1
        rows.versions.append({**version_row, "version": version,
                              "changed": json.dumps(changed_fields(w.db, key, version_row))})
        w.counts["listings_changed"] += 1
        rows.updates.append({**sighting, "vendor_profile": rec["_profile"], **body,
                             "version": version, "record_hash": h, "chem_key": ck,
                             "repairs": repairs})
    else:  # unchanged: only the sighting is recorded
        rows.sightings.append(sighting)
    if old["status"] == "gone":
        w.counts["listings_reappeared"] += 1
    if chem and (old["chem_key"] != ck or old["chem_version"] != chem_version):
        rows.chem_todo.append((key, chem, True))


def changed_fields(db, key: str, new: dict) -> list[str]:
    """The versioned fields that differ from the listing's latest version row."""
    row = db.execute(
        f"SELECT {', '.join(VERSION_CONTENT)} FROM listing_versions WHERE listing = ?"
        " ORDER BY version DESC LIMIT 1", [key]).fetchone()
    if row is None:
        return list(VERSIONED_FIELDS)
    return [f for f, a in zip(VERSION_CONTENT, row, strict=True) if a != new[f]]


def save_chemistry(w, todo: list[tuple[str, dict, bool]], now: str,
                   run: int | None = None, kind_stored: set[str] = frozenset()
                   ) -> tuple[int, int]:
    """Substances, listing_substances, hits and mentions for (listing, payload, replace)
    triples; each listing's `page_kind` (but those in `kind_stored`: inserted with it).

    Returns (new hits, retracted hits) and adds them to the run's counts."""
    conn = w.db.conn
    run = run if run is not None else w.run_id
    replace = [key for key, _, rep in todo if rep]
    for i in range(0, len(replace), CHUNK):
        part = replace[i:i + CHUNK]
        conn.execute(f"DELETE FROM listing_substances WHERE listing IN ({_marks(part)})", part)
    substances, links = [], []
    absent = _known_names(w, {s["inchikey"] for _, chem, _ in todo
                              for s in chem["substances"] if s.get("inchikey")})
    for key, chem, _ in todo:
        for s in chem["substances"]:
            if not s.get("inchikey"):
                continue
            note_substance(w, s, now, substances, absent)
            links.append({"listing": key, "substance": s["inchikey"], "how": s.get("how"),
                          "confidence": s.get("confidence"), "name": s.get("name"),
                          "evidence": s.get("evidence")})
    ahead = getattr(w, "radar_ahead", None)
    if ahead is not None and absent:
        ahead([r["smiles"] for r in substances if r["inchikey"] in absent and r["smiles"]])
    insert(conn, "substances", substances, tail=(
        "ON CONFLICT(inchikey) DO UPDATE SET names = excluded.names,"
        " cas = coalesce(substances.cas, excluded.cas)"))
    insert(conn, "listing_substances", links, verb="INSERT OR REPLACE")
    update(conn, "listings", [{"id": key, "page_kind": chem.get("page_kind")}
                              for key, chem, _ in todo if key not in kind_stored])
    new_hits, retracted = _sync_matches(conn, "hits", "hits", todo, replace, now, run)
    _sync_matches(conn, "mentions", "mentions", todo, [key for key, _, _ in todo], now, run)
    w.counts["hits_new"] += new_hits
    w.counts["hits_retracted"] += retracted
    return new_hits, retracted


def _sync_matches(conn, table: str, field: str, todo: list[tuple[str, dict, bool]],
                  stored: list[str], now: str, run: int | None) -> tuple[int, int]:
    """Write each payload's `field` (hits, or mentions: listed chemicals a listing only
    mentions) into `table` (same shape) by (listing, entry); rows of the `stored` listings that
    the payloads no longer produce are retracted (`current = 0`). Returns (new, retracted)."""
    before: dict[tuple[str, str], int] = {}
    for i in range(0, len(stored), CHUNK):
        part = stored[i:i + CHUNK]
        for listing, entry, current in conn.execute(
                f"SELECT listing, entry, current FROM {table} WHERE listing IN ({_marks(part)})",
                part):
            before[(listing, entry)] = current
    new, upd, seen = [], [], set()
    for key, chem, _ in todo:
        version = chem["watchlist_version"]
        for h in chem.get(field) or []:
            pk = (key, h["entry"])
            if pk in seen:
                continue
            seen.add(pk)
            row = {"match": h["match"], "score": h["score"], "evidence": h["evidence"],
                   "source_field": h.get("source_field"), "role": h.get("role"),
                   "cas_conflict": int(bool(h.get("cas_conflict")))}
            if pk in before:
                upd.append({**row, "last_watchlist_version": version, "listing": key,
                            "entry": h["entry"]})
            else:
                new.append({"listing": key, "entry": h["entry"], **row, "first_detected": now,
                            "watchlist_version": version, "last_watchlist_version": version,
                            "first_run": run, "current": 1})
    retract = [{"retracted_at": now, "listing": listing, "entry": entry}
               for (listing, entry), cur in before.items() if cur and (listing, entry) not in seen]
    insert(conn, table, new)
    _update_matches(conn, table, upd, fixed="current = 1, retracted_at = NULL")
    _update_matches(conn, table, retract, fixed="current = 0")
    return len(new), len(retract)


def _marks(part: list) -> str:
    return ",".join("?" * len(part))


def _update_matches(conn, table: str, rows: list[dict], fixed: str) -> None:
    """UPDATE hits or mentions by the (listing, entry) key with named values."""
    if not rows:
        return
    cols = [c for c in rows[0] if c not in ("listing", "entry")]
    sets = ", ".join([*(f"{c} = ?" for c in cols), fixed])
    conn.executemany(f"UPDATE {table} SET {sets} WHERE listing = ? AND entry = ?",
                     [(*(r[c] for c in cols), r["listing"], r["entry"]) for r in rows])


def _known_names(w, inchikeys: set[str]) -> set[str]:
    """Read the stored names of the substances this writer has not met yet, in one query per
    CHUNK keys (not one per substance); returns those not stored at all."""
    todo = [ik for ik in inchikeys if ik not in w.substance_names]
    for i in range(0, len(todo), CHUNK):
        part = todo[i:i + CHUNK]
        for ik, names in w.db.execute(
                f"SELECT inchikey, names FROM substances WHERE inchikey IN ({_marks(part)})",
                part):
            w.substance_names[ik] = set(json.loads(names)) if names else set()
    return {ik for ik in todo if ik not in w.substance_names}


def note_substance(w, s: dict, now: str, out: list, absent: set[str] = frozenset()) -> None:
    """Queue a substance row when it or one of its names is new to this writer. `absent`:
    substances known not to be stored (`_known_names`), so not looked up again."""
    ik = s["inchikey"]
    names = w.substance_names.get(ik)
    if names is None and ik in absent:
        names = w.substance_names[ik] = set()
        is_new = True
    elif names is None:
        row = w.db.execute("SELECT names FROM substances WHERE inchikey = ?", [ik]).fetchone()
        names = set(json.loads(row[0])) if row and row[0] else set()
        w.substance_names[ik] = names
        is_new = row is None
    else:
        is_new = False
    name = s.get("name")
    if is_new or (name and name not in names and len(names) < 50):
        if name:
            names.add(name)
        out.append({"inchikey": ik, "smiles": s.get("smiles"), "formula": s.get("formula"),
                    "name": name, "names": json.dumps(sorted(names), ensure_ascii=False),
                    "cas": s.get("cas"), "first_seen": now})
