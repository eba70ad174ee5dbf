"""Re-match every stored listing against the current watchlist, without re-crawling.

Listings are grouped by chemical text (`listings.chem_key`), so each distinct text is matched
once. Hits found for the first time are recorded under the current watchlist version (and the
rescan's run id); hits the current watchlist no longer produces are retracted (`current = 0`).

Publication is atomic: every text is matched first (no lock held), then all results are written
in one transaction, so readers see the old hits or the new ones, never a mix, and a rescan killed
at any moment leaves the catalog as it was.
"""

from __future__ import annotations

from collections import defaultdict

from pipelines.catalog.clock import utcnow
from pipelines.catalog.writer import CatalogWriter
from pipelines.chemistry import Chemistry
from pipelines.stop_signal import check_stop

BATCH = 2000


def rescan(db, chemistry: Chemistry | None = None, batch: int = BATCH) -> dict:
    """`db`: an open sqlite_utils.Database. Returns the run's counts plus listings/texts."""
    chemistry = chemistry or Chemistry()
    writer = CatalogWriter(db, kind="rescan", watchlist=chemistry.matcher.watchlist,
                           resolve_entities=False)
    writer.open()
    try:
        listings, texts, version = _rematch(db, writer, chemistry, batch)
    except KeyboardInterrupt:  # SIGINT/SIGTERM: the open transaction is rolled back
        writer.counts.update(hits_new=0, hits_retracted=0)  # counted in the rolled-back writes
        result = writer.close(status="interrupted", finish_reason="interrupted",
                              mark_gone=False)
        result.update(listings=0, texts=0, watchlist_version=chemistry.version)
        return result
    result = writer.close(mark_gone=False)
    result.update(listings=listings, texts=texts, watchlist_version=version)
    return result


def _rematch(db, writer: CatalogWriter, chemistry: Chemistry, batch: int) -> tuple[int, int, str]:
    """Match every distinct listing text again and store the result; (listings, texts,
    watchlist version)."""
    groups: dict[str, list[str]] = defaultdict(list)
    for lid, key in db.execute("SELECT id, chem_key FROM listings").fetchall():
        groups[key].append(lid)
    texts = db.execute(
        "SELECT chem_key, title, product_name, cas, smiles, description, url FROM listings"
        " GROUP BY chem_key").fetchall()
    version = chemistry.version
    results: list[dict] = []
    for i in range(0, len(texts), batch):
        check_stop()
        recs = [{"chem_key": k, "title": t, "product_name": n, "cas": c, "smiles": s,
                 "description": d, "url": u} for k, t, n, c, s, d, u in texts[i:i + batch]]
        chemistry.resolve_many(recs)
        results.extend({"chem_key": r["chem_key"], "chemistry": r["chemistry"]} for r in recs)
    with writer.transaction():
        for i in range(0, len(results), batch):
            recs = results[i:i + batch]
            todo = [(lid, rec["chemistry"], True) for rec in recs
                    for lid in groups[rec["chem_key"]]]
            writer.save_chemistry(todo, utcnow())
            db.conn.executemany(
                "UPDATE listings SET chem_version = ? WHERE chem_key = ?",
                [[version, rec["chem_key"]] for rec in recs])
    return sum(len(v) for v in groups.values()), len(texts), version
