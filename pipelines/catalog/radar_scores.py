"""The catalog's radar-scores table: every offered substance's radar chemistry and score.

`update_radar(db, radar)` is run after a crawl, an ingest and a rescan (and by `radar` itself):
- the chemistry (`chem.radar.RadarChemistry.assess`: routes, series, nearest listed entry,
  covered or not) is computed only for substances the table does not hold yet under the current
  radar version (the watchlist data hash and RADAR_FORMAT): a run assesses its new substances;
- the score is recomputed for every substance with radar evidence from the stored chemistry and
  the catalog's current vendor context (which vendors offer it and how many listed precursors
  each of them sells, vendors and platforms, first seen): one pass of SQL, no chemistry.
A substance is covered when the matcher already reports it (a current hit on a listing that
offers only it, or on its own structure) or the radar's structure check says a watchlist entry,
class rule or designer transform covers it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections import defaultdict
from collections.abc import Callable

from chem.radar import Chemistry, Context, RadarChemistry, score
from pipelines.catalog.save import insert
from pipelines.catalog.schema import TABLES, ensure_db_shape

RADAR_FORMAT = 1
TABLE = "radar_scores"
COLUMNS = TABLES[TABLE][0]  # declared with the rest of the catalog's shape
MAX_VENDOR_NAMES = 8
TOP_DEFAULT = 25  # the head of the ranking whose newcomers the Atom feed announces


# (watchlist version, radar hash) -> indexes, built once a process. Two are kept: a process that
# runs with another data directory (`rescan --data-dir`, tests) and back does not rebuild both.
_BUILT: dict[tuple[str, str], RadarChemistry] = {}
_KEEP = 2


def enabled() -> bool:
    """PRECURSOR_WATCH_RADAR=0 turns the update after crawl, ingest and rescan off."""
    return os.environ.get("PRECURSOR_WATCH_RADAR", "1").strip().lower() not in (
        "0", "off", "no", "false")


def top_size() -> int:
    """PRECURSOR_WATCH_RADAR_TOP: how many of the ranking count as its top (default 25)."""
    raw = os.environ.get("PRECURSOR_WATCH_RADAR_TOP", "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else TOP_DEFAULT


def radar_for(watchlist) -> RadarChemistry:
    """The radar's indexes for a watchlist, built once per process, version and radar data
    (routes and drugs change the radar without changing the matcher's version)."""
    key = (watchlist.version, watchlist.radar_hash)
    radar = _BUILT.pop(key, None)
    if radar is None:
        radar = RadarChemistry.build(watchlist)
    _BUILT[key] = radar  # most recently used last
    while len(_BUILT) > _KEEP:
        del _BUILT[next(iter(_BUILT))]
    return radar


# Structures (SMILES, None for a substance without one) -> their radar chemistry rows, in order.
AssessMany = Callable[[list], list[dict]]


def after_run(db, watchlist, assess_many: AssessMany | None = None) -> dict | None:
    """The update a crawl, ingest or rescan runs when it has written its listings (None when
    turned off). `assess_many`: where the new substances are assessed (an ingest passes its
    chemistry workers'); by default in this process."""
    if not enabled():
        return None
    if assess_many is None:
        return update_radar(db, radar_for(watchlist))
    return update_radar_with(db, watchlist, assess_many)


def radar_version(watchlist) -> str:
    return f"{watchlist.version};radar={RADAR_FORMAT}+{watchlist.radar_hash}"


def assess_rows(radar: RadarChemistry, structures: list) -> list[dict]:
    """The radar chemistry columns of each structure (SMILES or None), in order."""
    return [_chemistry_row(radar.assess(smiles) if smiles else None, smiles)
            for smiles in structures]


def listed_by_vendor(db) -> dict[str, int]:
    """Vendor key -> how many listed precursors (precursor or pre-precursor entries with a
    current hit) it offers."""
    rows = db.execute(
        "SELECT coalesce(v.merged_into, p.vendor, 'name:' || lower(l.vendor_name)) AS vendor,"
        " count(DISTINCT h.entry)"
        " FROM hits h JOIN listings l ON l.id = h.listing"
        " JOIN watchlist_entries w ON w.id = h.entry"
        " LEFT JOIN vendor_profiles p ON p.id = l.vendor_profile"
        " LEFT JOIN vendors v ON v.id = p.vendor"
        " WHERE h.current = 1 AND w.tier IN ('precursor', 'pre-precursor')"
        " GROUP BY 1").fetchall()
    return {str(v): n for v, n in rows if v is not None}


def offers(db) -> dict[str, dict]:
    """Substance -> its vendors (key -> name), platforms and first-seen date over the listings
    that offer it."""
    out: dict[str, dict] = defaultdict(lambda: {"vendors": {}, "platforms": set(),
                                                "first_seen": None})
    rows = db.execute(
        "SELECT ls.substance,"
        " coalesce(v.merged_into, p.vendor, 'name:' || lower(l.vendor_name)) AS vendor,"
        " coalesce(k.name, v.name, p.name, l.vendor_name), l.platform, l.first_seen"
        " FROM listing_substances ls JOIN listings l ON l.id = ls.listing"
        " LEFT JOIN vendor_profiles p ON p.id = l.vendor_profile"
        " LEFT JOIN vendors v ON v.id = p.vendor"
        " LEFT JOIN vendors k ON k.id = v.merged_into").fetchall()
    for substance, vendor, name, platform, first_seen in rows:
        o = out[substance]
        if vendor is not None:
            o["vendors"][str(vendor)] = name or str(vendor)
        if platform:
            o["platforms"].add(platform)
        if first_seen and (o["first_seen"] is None or first_seen < o["first_seen"]):
            o["first_seen"] = first_seen
    return out


def matched_substances(db) -> set[str]:
    """Substances the matcher already reports: the structure of a current hit's entry, or the
    only substance of a listing with a current hit."""
    rows = db.execute(
        "SELECT ls.substance FROM listing_substances ls"
        " JOIN hits h ON h.listing = ls.listing AND h.current = 1"
        " JOIN watchlist_entries w ON w.id = h.entry"
        " WHERE substr(w.inchikey, 1, 14) = substr(ls.substance, 1, 14)"
        " UNION SELECT ls.substance FROM listing_substances ls"
        " JOIN hits h ON h.listing = ls.listing AND h.current = 1"
        " WHERE (SELECT count(*) FROM listing_substances x WHERE x.listing = ls.listing) = 1"
    ).fetchall()
    return {r[0] for r in rows}


def _chemistry_row(chem: Chemistry | None, smiles: str = "") -> dict:
    if chem is None:  # a structure RDKit cannot read: no chemistry, kept so it is not retried
        return {"chemistry": 0.0, "route": "", "route_path": "", "reasons": "[]",
                "nearest": "", "similarity": 0.0, "covered": 0,
                "covered_by": "unreadable structure"}
    best = max(chem.routes, key=lambda r: r.value, default=None)
    return {"chemistry": round(chem.value, 4), "route": best.describe() if best else "",
            "route_path": json.dumps(best.drawing(smiles)) if best else "",
            "reasons": json.dumps(chem.reasons(), ensure_ascii=False),
            "nearest": chem.nearest, "similarity": round(chem.similarity, 3),
            "covered": int(chem.covered), "covered_by": chem.covered_by}


def update_radar(db, radar: RadarChemistry, today: dt.date | None = None,
                 now: str | None = None) -> dict:
    """Assess new substances, re-score all with evidence; one write transaction. Returns
    {"assessed": new substances assessed, "scored": rows scored, "version": radar version}."""
    return update_radar_with(db, radar.watchlist, lambda structures: assess_rows(
        radar, structures), today, now)


def update_radar_with(db, watchlist, assess_many: AssessMany, today: dt.date | None = None,
                      now: str | None = None) -> dict:
    """`update_radar` with the new substances' chemistry computed by `assess_many` (in worker
    processes, say: the structures are independent)."""
    ensure_db_shape(db)  # a catalog opened by an older version gains the table
    version = radar_version(watchlist)
    if now is None:
        from pipelines.catalog.clock import utcnow

        now = utcnow()
    today = today or dt.date.today()
    todo = db.execute(
        f"SELECT s.inchikey, s.smiles, s.name FROM substances s LEFT JOIN [{TABLE}] r"
        f" ON r.inchikey = s.inchikey WHERE r.inchikey IS NULL OR r.radar_version IS NOT ?",
        [version]).fetchall()
    # The catalog's context first: workers still assessing (`assess_many`) finish meanwhile.
    matched = matched_substances(db)
    listed = listed_by_vendor(db)
    context = offers(db)
    stored = {r[0]: {"inchikey": r[0], "chemistry": r[1], "covered": r[2]} for r in db.execute(
        f"SELECT inchikey, chemistry, covered FROM [{TABLE}] WHERE radar_version = ?",
        [version]).fetchall()}
    assessed = assess_many([smiles for _, smiles, _ in todo]) if todo else []
    if len(assessed) != len(todo):
        raise RuntimeError(f"radar assessed {len(assessed)} of {len(todo)} substances")
    fresh = {inchikey: {"inchikey": inchikey, "name": name, "smiles": smiles,
                        "radar_version": version, **row}
             for (inchikey, smiles, name), row in zip(todo, assessed, strict=True)}
    rows = []
    for key, row in {**stored, **fresh}.items():
        if key not in fresh and not row["chemistry"]:
            continue  # no evidence and nothing new: its score cannot change by much
        o = context.get(key, {"vendors": {}, "platforms": set(), "first_seen": None})
        ctx = Context(tuple(o["vendors"]), tuple(sorted(o["platforms"])), o["first_seen"])
        total, _ = score(_Stored(row["chemistry"] or 0.0), ctx, listed, today)
        names = sorted(o["vendors"].items(), key=lambda kv: -listed.get(kv[0], 0))
        row.update(
            score=total, vendors=len(o["vendors"]),
            listed_vendors=sum(1 for v in o["vendors"] if listed.get(v)),
            platforms=len(o["platforms"]), first_seen=o["first_seen"],
            vendor_names=json.dumps([{"name": n, "listed": listed.get(v, 0)}
                                     for v, n in names[:MAX_VENDOR_NAMES]],
                                    ensure_ascii=False),
            scored_at=now)
        if key in matched:
            row["covered"] = 1
            row["covered_by"] = row.get("covered_by") or "matched in the catalog"
        rows.append(row)
    _write(db, rows, fresh, now)
    return {"assessed": len(fresh), "scored": len(rows), "version": version}


def _write(db, rows: list[dict], fresh: dict, now: str) -> None:
    """Rows in one transaction (joining the caller's when one is open): new chemistry as whole
    rows (INSERT OR REPLACE), re-scored rows by their context columns only, then the top of
    the ranking marked (`_mark_top`)."""
    own = not db.conn.in_transaction
    if own:
        db.execute("BEGIN IMMEDIATE")
    try:
        new = [{c: row.get(c) for c in COLUMNS} for row in rows if row["inchikey"] in fresh]
        insert(db.conn, TABLE, new, verb="INSERT OR REPLACE")
        db.conn.executemany(
            f"UPDATE [{TABLE}] SET score = ?, vendors = ?, listed_vendors = ?, platforms = ?,"
            f" first_seen = ?, vendor_names = ?, scored_at = ?, covered = ?,"
            f" covered_by = coalesce(?, covered_by) WHERE inchikey = ?",
            [[row["score"], row["vendors"], row["listed_vendors"], row["platforms"],
              row["first_seen"], row["vendor_names"], row["scored_at"], row["covered"],
              row.get("covered_by"), row["inchikey"]]
             for row in rows if row["inchikey"] not in fresh])
        _mark_top(db, now)
    except BaseException:
        if own:
            db.execute("ROLLBACK")
        raise
    if own:
        db.execute("COMMIT")


def _mark_top(db, now: str) -> None:
    """`top_since` is when a substance entered the top of the ranking (`top_size()` uncovered
    substances with a score); it is cleared when the substance leaves it, so a return is a new
    arrival. The Atom feed announces each arrival once."""
    top = [r[0] for r in db.execute(
        f"SELECT inchikey FROM [{TABLE}] WHERE covered = 0 AND score > 0"
        f" ORDER BY score DESC, inchikey LIMIT ?", [top_size()]).fetchall()]
    marks = ",".join("?" * len(top))
    left = f" AND inchikey NOT IN ({marks})" if top else ""
    db.conn.execute(f"UPDATE [{TABLE}] SET top_since = NULL WHERE top_since IS NOT NULL{left}",
                    top)
    if top:
        db.conn.execute(f"UPDATE [{TABLE}] SET top_since = ? WHERE top_since IS NULL"
                        f" AND inchikey IN ({marks})", [now, *top])


def radar_arrivals(conn, limit: int) -> list[dict]:
    """Substances now in the top of the ranking, newest arrival first (for the Atom feed); an
    empty list on a catalog without radar scores."""
    cols = {r[1] for r in conn.execute(f"PRAGMA table_info([{TABLE}])").fetchall()}
    if "top_since" not in cols:
        return []
    cur = conn.execute(
        f"SELECT inchikey, name, smiles, score, route, nearest, reasons, vendor_names,"
        f" first_seen, top_since FROM [{TABLE}] WHERE top_since IS NOT NULL AND covered = 0"
        f" ORDER BY top_since DESC, score DESC, inchikey LIMIT ?", [limit])
    names = [d[0] for d in cur.description]
    out = []
    for values in cur.fetchall():
        row = dict(zip(names, values, strict=True))
        row["reasons"] = json.loads(row["reasons"] or "[]")
        row["vendor_list"] = [v["name"] for v in json.loads(row.pop("vendor_names") or "[]")]
        out.append(row)
    return out


class _Stored:
    """The chemistry value kept in the table, in the shape `score` reads."""

    def __init__(self, value: float):
        self.value = value


def radar_rows(db, limit: int = 50, since: str | None = None) -> list[dict]:
    """The ranking: uncovered substances by score (first seen on or after `since`)."""
    sql = (f"SELECT inchikey, name, smiles, score, chemistry, route, route_path, reasons,"
           f" nearest, similarity, vendors, listed_vendors, platforms, vendor_names, first_seen"
           f" FROM [{TABLE}] WHERE covered = 0")
    params: list = []
    if since:
        sql += " AND first_seen >= ?"
        params.append(since)
    sql += " ORDER BY score DESC, inchikey LIMIT ?"
    params.append(limit)
    cols = [c.strip().split()[-1] for c in sql.split("FROM")[0][len("SELECT"):].split(",")]
    out = []
    for values in db.execute(sql, params).fetchall():
        row = dict(zip(cols, values, strict=True))
        reasons = json.loads(row.pop("reasons") or "[]")
        vendors = json.loads(row.pop("vendor_names") or "[]")
        if vendors:
            reasons.append("vendors: " + ", ".join(
                f"{v['name']} ({v['listed']} listed)" if v["listed"] else v["name"]
                for v in vendors))
        row["reasons"] = reasons
        row["route_path"] = json.loads(row["route_path"]) if row["route_path"] else None
        row["vendor_list"] = [v["name"] for v in vendors]
        out.append(row)
    return out
