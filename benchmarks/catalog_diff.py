"""Compare two catalogs row for row: the check that a speed change to the writer changed nothing.

    python benchmarks/catalog_diff.py A.db B.db

Every table (full-text tables included) is read whole and compared as a multiset of rows,
leaving out what differs between any two runs of the same input: timestamps, run ids and the
run's source, and the integer ids that follow write order where an ingest with chemistry
workers writes a listing when its text is resolved (`listing_versions.id`, `rejected.id`,
full-text rowids). Index, trigger and view SQL are compared too. Prints one line per table and
IDENTICAL or DIFFERENT (with a few rows found in one catalog only); exits 1 when different.
With `--workers 0` an ingest's write order is fixed and the comparison is exact.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys

# Differ between two runs of the same input (clock, run ids, the run's own source and stats).
UNSTABLE = frozenset({
    "first_seen", "last_seen", "first_detected", "scored_at", "started", "finished",
    "fetched_at", "decided_at", "rejected_at", "seen_at", "retracted_at", "top_since",
    "first_loaded", "last_loaded", "gone_at", "run", "first_run", "last_run", "pid", "host",
    "pid_started", "crawl_id", "source", "stats"})
# Integer ids that follow write order.
WRITE_ORDER_IDS = {"crawl_runs": "id", "listing_versions": "id", "rejected": "id"}


def table_rows(con: sqlite3.Connection) -> dict[str, list[str]]:
    """Table -> its rows as sorted JSON lines (the stable columns only)."""
    tables = [name for (name,) in con.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " AND name NOT LIKE '%_fts_%' ORDER BY name")]
    out = {}
    for table in tables:
        cols = [r[1] for r in con.execute(f"PRAGMA table_info([{table}])")]
        keep = [c for c in cols if c not in UNSTABLE and WRITE_ORDER_IDS.get(table) != c]
        if table.endswith("_fts"):
            keep = cols  # the indexed text; the rowid follows write order
        sql = f"SELECT {', '.join(f'[{c}]' for c in keep)} FROM [{table}]"
        out[table] = sorted(json.dumps(row, default=str) for row in con.execute(sql))
    out["(schema)"] = sorted(repr(r) for r in con.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger', 'view')"))
    return out


def compare(a: dict[str, list[str]], b: dict[str, list[str]], show: int = 3) -> bool:
    same = True
    for table in sorted(set(a) | set(b)):
        ra, rb = a.get(table), b.get(table)
        ok = ra == rb
        same &= ok
        print(f"{'same' if ok else 'DIFF'} {table}: {len(ra) if ra is not None else '-'} / "
              f"{len(rb) if rb is not None else '-'} rows")
        if not ok and ra is not None and rb is not None:
            sa, sb = set(ra), set(rb)
            for row in sorted(sa - sb)[:show]:
                print("   only in the first:", row[:300])
            for row in sorted(sb - sa)[:show]:
                print("   only in the second:", row[:300])
    print("IDENTICAL" if same else "DIFFERENT")
    return same


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("first")
    ap.add_argument("second")
    a = ap.parse_args()
    rows = []
    for path in (a.first, a.second):
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        rows.append(table_rows(con))
        con.close()
    sys.exit(0 if compare(*rows) else 1)


if __name__ == "__main__":
    main()
