"""A first load into an empty catalog builds the per-listing indexes once, at the end.

Each listing row is entered in some twenty secondary indexes (facets, sorts, joins); a B-tree
built once from the finished table costs about half what the same entries cost inserted one
by one, batch after batch. So an `ingest` that starts on an empty `listings` table drops the
non-unique indexes of the per-listing tables (`DEFERRED_TABLES`; the unique ones stay, the
writer's own lookups use them) and creates them again when it closes, in its last transaction.
Nothing is lost if the process dies in between: the catalog's shape check
(`schema.ensure_db_shape`, run by every `open_db`) finds the indexes missing and creates them.
"""

from __future__ import annotations

from pipelines.catalog.schema import INDEXES, create_index, index_name

DEFERRED_TABLES = ("listings", "listing_versions", "listing_substances")
# The page cache of a first load (KiB, instead of open_db's 64 MB): 100,000 listings make a
# catalog of about 175 MB, whose pages a smaller cache reads back again and again as the batches
# grow the tables (about 0.8 of the writer's 15.6 CPU-s on bench_ingest). Durability is the same.
BULK_CACHE_KIB = 262_144


def deferrable(db) -> list[tuple[str, tuple[str, ...], bool]]:
    """The indexes a load into this catalog may defer: none unless `listings` is empty."""
    if db.execute("SELECT 1 FROM listings LIMIT 1").fetchone() is not None:
        return []
    return [(t, cols, unique) for t, cols, unique in INDEXES
            if t in DEFERRED_TABLES and not unique]


def defer_indexes(db) -> list[tuple[str, tuple[str, ...], bool]]:
    """Drop the deferrable indexes (inside the caller's transaction); returns them."""
    dropped = deferrable(db)
    for table, cols, _ in dropped:
        db.execute(f"DROP INDEX IF EXISTS [{index_name(table, cols)}]")
    return dropped


def restore_indexes(db, indexes: list[tuple[str, tuple[str, ...], bool]]) -> None:
    """Create the indexes `defer_indexes` dropped, as the schema declares them."""
    for table, cols, unique in indexes:
        create_index(db, table, cols, unique)
