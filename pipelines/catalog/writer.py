"""The catalog writer: records into the SQLite catalog in batches, one transaction per batch.

`CatalogWriter` is used by the Scrapy pipeline (`pipelines.catalog`), `ingest`, `rescan` and the
benchmarks:
- listings are upserted on their natural key; first_seen / last_seen / times_seen are kept per
  run, and a `listing_versions` row is written only when the record's hash changes;
- vendor profiles get a canonical vendor and normalized contact identifiers;
- chemistry payloads become substances, listing_substances and hits (new hits counted per run);
- a `crawl_runs` row is opened at start and closed at the end; a run that finished cleanly marks
  the listings of its spider that it did not see as `gone`;
- a record that cannot be stored costs only itself: it goes to `rejected` with the reason, and the
  run ends `degraded` (`run_status`).
The rows of each table are built by `catalog/save*.py`. A crash loses at most the records
buffered since the last flush; the catalog is never half-written.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import time

import sqlite_utils

from pipelines.catalog import entities
from pipelines.catalog.bulk_load import BULK_CACHE_KIB, defer_indexes, restore_indexes
from pipelines.catalog.clock import utcnow
from pipelines.catalog.connection import open_db
from pipelines.catalog.location import DEFAULT_DB
from pipelines.catalog.records import listing_key, merge_vendor, profile_key
from pipelines.catalog.runs import close_run, earlier_segments, open_run
from pipelines.catalog.save import rejected_row, save_rejected, save_watchlist
from pipelines.catalog.save_listings import CHUNK, save_chemistry, save_listings
from pipelines.catalog.save_vendors import save_profiles

log = logging.getLogger(__name__)
# Errors a record's own data causes (a value SQLite cannot bind, a constraint, bad text): the
# batch is retried record by record. Anything else (sqlite3.OperationalError: locked, disk) is not.
RECORD_ERRORS = (ValueError, TypeError, KeyError, OverflowError, UnicodeError, RecursionError,
                 sqlite3.InterfaceError, sqlite3.IntegrityError, sqlite3.DataError,
                 sqlite3.ProgrammingError)


def run_status(status: str, rejected: int, repaired: int) -> str:
    """The status a run ends with: one that would be `finished` but lost records (rejected) or
    stored them altered (repaired to be storable) is `degraded`, never silently `finished`."""
    if status == "finished" and (rejected or repaired):
        return "degraded"
    return status


ANALYSIS_LIMIT = 1000  # index entries ANALYZE samples per index: milliseconds on any catalog


def refresh_statistics(db) -> None:
    """Refresh the query planner's statistics (sqlite_stat1), sampled. Without them SQLite
    takes every index as equally selective and reads a low-cardinality one (`hits.current`,
    `listings.status`) where the key index finds a few rows: pages that take seconds on a
    large catalog."""
    db.execute(f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}")
    db.execute("ANALYZE")


class CatalogWriter:
    """Batched, transactional writes of listing and vendor records for one run.

    A batch that fails on its data is written again record by record (a savepoint each): what can
    be stored is stored, the rest goes to `rejected` with the reason. A batch that fails for
    another reason (the database locked, the disk full) is kept for the next flush."""

    def __init__(
        self,
        db: sqlite_utils.Database | str | os.PathLike | None = None,
        *,
        kind: str = "crawl",
        spider: str | None = None,
        platform: str | None = None,
        source: str | None = None,
        watchlist=None,
        batch_size: int = 1000,
        flush_seconds: float = 5.0,
        resolve_entities: bool = True,
        crawl_id: str | None = None,
        assess_radar=None,
        radar_ahead=None,
        bulk_load: bool = False,
    ):
        self.db = db if isinstance(db, sqlite_utils.Database) else open_db(db or DEFAULT_DB)
        self.kind = kind
        self.spider = spider
        self.platform = platform
        self.source = source
        self.watchlist = watchlist
        self.batch_size = batch_size
        self.flush_seconds = flush_seconds
        self.resolve_entities = resolve_entities
        self.crawl_id = crawl_id  # the invocation's run id, shared by its spiders' rows
        # Where the radar assesses the run's new substances (radar_scores.AssessMany; an
        # ingest passes its chemistry workers'); None: in this process.
        self.assess_radar = assess_radar
        # Called with the SMILES of substances new to the catalog as they are stored, so their
        # radar chemistry can start beside the writing (Chemistry.radar_ahead).
        self.radar_ahead = radar_ahead
        # A file ingest into an empty catalog builds the per-listing indexes at the end
        # (pipelines/catalog/bulk_load.py); a crawl or a queue drain keeps them all along.
        self.bulk_load = bulk_load
        self._deferred: list = []
        self.run_id: int | None = None
        self.counts = dict.fromkeys(
            ("items", "listings_seen", "listings_new", "listings_changed", "listings_reappeared",
             "vendors_seen", "vendors_new", "hits_new", "hits_retracted", "rejected",
             "repaired"), 0)
        self._listings: dict[str, dict] = {}
        self._vendors: dict[str, dict] = {}
        self._rejects: list[dict] = []
        self._last_flush = time.monotonic()
        self.substance_names: dict[str, set[str]] = {}
        self.profiles_done: set[str] = set()

    # ------------------------------------------------------------------ run lifecycle
    def open(self) -> int:
        # Checkpoint the WAL every ~80 MB instead of 4 MB: far fewer fsyncs during batch writes.
        self.db.execute("PRAGMA wal_autocheckpoint = 20000")
        now = utcnow()
        with self.transaction():
            if self.bulk_load:
                self._deferred = defer_indexes(self.db)
                if self._deferred:  # a first load: the whole new catalog fits in the cache
                    self.db.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
            if self.watchlist is not None:
                save_watchlist(self.db, self.watchlist, now)
            self.run_id = open_run(
                self.db, kind=self.kind, spider=self.spider, platform=self.platform,
                source=self.source, crawl_id=self.crawl_id,
                watchlist_version=self.watchlist.version if self.watchlist is not None else None)
        return self.run_id

    def add(self, rec: dict) -> None:
        """Buffer one validated record; flushes when the batch is full or old enough."""
        if self.run_id is None:
            self.open()
        self.counts["items"] += 1
        if rec.get("repairs"):
            self.counts["repaired"] += 1
        if rec.get("item_type") == "vendor":
            key = profile_key(rec["platform"], rec["vendor_id"])
            prev = self._vendors.get(key)
            self._vendors[key] = merge_vendor(prev, rec) if prev else rec
        else:
            self._listings[listing_key(rec)] = rec
        if (len(self._listings) + len(self._vendors) >= self.batch_size
                or time.monotonic() - self._last_flush >= self.flush_seconds):
            self.flush()

    def reject(self, record, reason: str, *, source: str | None = None,
               kind: str | None = None) -> None:
        """Record something that will not be stored (an unreadable line, an invalid item)."""
        if self.run_id is None:
            self.open()
        self.counts["rejected"] += 1
        self._rejects.append(rejected_row(record, reason, self.run_id, utcnow(), source=source,
                                          kind=kind))

    def flush(self) -> None:
        listings, self._listings = self._listings, {}
        vendors, self._vendors = self._vendors, {}
        self._last_flush = time.monotonic()
        if listings or vendors:
            counts = dict(self.counts)
            try:
                with self.transaction():
                    self._write(vendors, listings, utcnow())
            except RECORD_ERRORS as exc:
                self.counts = counts
                self._forget_caches()
                log.warning("catalog batch of %d records failed (%s: %s); writing them one by"
                            " one", len(listings) + len(vendors), type(exc).__name__, exc)
                try:
                    self._write_one_by_one(vendors, listings)
                except Exception:
                    self._keep(listings, vendors, counts)
                    raise
            except Exception:
                # Not the data (locked, disk full): keep the records for the next flush.
                self._keep(listings, vendors, counts)
                raise
        if self._rejects:
            with self.transaction():
                save_rejected(self.db.conn, self._rejects)
            self._rejects = []  # only once stored (a locked database keeps them for later)

    def _write(self, vendors: dict[str, dict], listings: dict[str, dict], now: str) -> None:
        if vendors:
            self.counts["vendors_seen"] += len(vendors)
            save_profiles(self, vendors, now)
        save_listings(self, listings, now)

    def _write_one_by_one(self, vendors: dict[str, dict], listings: dict[str, dict]) -> None:
        """Each record in its own savepoint; the ones that fail go to `rejected`."""
        now = utcnow()
        items = [(key, rec, True) for key, rec in vendors.items()]
        items += [(key, rec, False) for key, rec in listings.items()]
        with self.transaction():
            for key, rec, is_vendor in items:
                counts = dict(self.counts)
                self.db.execute("SAVEPOINT one_record")
                try:
                    self._write({key: rec} if is_vendor else {}, {} if is_vendor else {key: rec},
                                now)
                except RECORD_ERRORS as exc:
                    self.db.execute("ROLLBACK TO one_record")
                    self.counts = counts
                    self._forget_caches()
                    self.counts["rejected"] += 1
                    reason = f"not storable: {type(exc).__name__}: {exc}"
                    log.warning("catalog: rejected %s (%s)", key, reason)
                    save_rejected(self.db.conn, [rejected_row(
                        rec, reason, self.run_id, now, key=key,
                        source=rec.get("url") or rec.get("profile_url"))])
                self.db.execute("RELEASE one_record")

    def _keep(self, listings: dict, vendors: dict, counts: dict) -> None:
        """Put a batch that could not be written back (newer records win) for the next flush."""
        self._listings = {**listings, **self._listings}
        self._vendors = {**vendors, **self._vendors}
        self.counts = counts
        self._forget_caches()

    def _forget_caches(self) -> None:
        """After a rollback the per-run caches may name rows that were never written."""
        self.substance_names.clear()
        self.profiles_done.clear()

    def close(self, *, status: str = "finished", finish_reason: str | None = "finished",
              errors: int = 0, dropped: int = 0, not_fetched: int = 0,
              stats: dict | None = None, mark_gone: bool | None = None,
              monitors: str | None = None) -> dict:
        """Flush, mark unseen listings gone (clean crawl runs only), resolve vendors, close run.

        `status` is the run's verdict so far (e.g. the health monitor's); only a `finished` run
        that completed every request and lost no record marks listings gone."""
        if self.run_id is None:
            self.open()
        self.flush()
        now = utcnow()
        if mark_gone is None:
            mark_gone = self.kind == "crawl"
        rejected, repaired = self.counts["rejected"], self.counts["repaired"]
        final = run_status(status, rejected, repaired)
        gone, note = 0, None
        with self.transaction():
            # A resumed run: its earlier segments (same crawl id and spider) count as this run.
            before = earlier_segments(self.db, self.crawl_id, self.spider, self.run_id)
            if not mark_gone:
                note = "not a complete crawl"
            elif not self.spider:
                note = "no spider name"
            elif status != "finished" or finish_reason != "finished":
                note = f"run ended {finish_reason}" if finish_reason != "finished" \
                    else f"run {status}"
            elif errors or before["errors"]:
                note = f"{errors + before['errors']} errors during the run"
            elif not_fetched or before["not_fetched"]:
                note = f"{not_fetched + before['not_fetched']} pages not fetched"
            elif rejected:
                note = f"{rejected} records rejected"
            elif not self.counts["listings_seen"] and not before["segments"]:
                note = "run saw no listings"
            else:
                gone = self.db.execute(
                    "UPDATE listings SET status = 'gone', gone_at = ? WHERE spider = ?"
                    " AND status = 'active' AND (last_run IS NULL OR last_run NOT IN"
                    " (SELECT id FROM crawl_runs WHERE id = ? OR (crawl_id = ? AND spider = ?)))",
                    [now, self.spider, self.run_id, self.crawl_id, self.spider],
                ).rowcount
            if self.resolve_entities and (self.counts["vendors_seen"] or self.counts["items"]):
                entities.resolve(self.db, now=now)
            run_row = {
                "id": self.run_id, "finished": now, "status": final,
                "finish_reason": finish_reason, "dropped": dropped, "errors": errors,
                "not_fetched": not_fetched, "listings_gone": gone, "gone_note": note,
                **self.counts,
                "stats": json.dumps(stats, default=str, sort_keys=True) if stats else None}
            if monitors is not None:
                run_row["monitors"] = monitors
            close_run(self.db, run_row)
            restore_indexes(self.db, self._deferred)
            self._deferred = []
            refresh_statistics(self.db)
        return {"run": self.run_id, **self.counts, "listings_gone": gone, "gone_note": note,
                "status": final, "radar": self._update_radar()}

    def _update_radar(self) -> dict | None:
        """Radar scores for the substances this run brought (pipelines/catalog/radar_scores.py).
        The run's listings are already saved: a radar failure is logged and reported in the
        result (`radar.error`), never taken for success, and does not undo the run."""
        if self.watchlist is None:
            return None
        from pipelines.catalog.radar_scores import after_run

        try:
            return after_run(self.db, self.watchlist, self.assess_radar)
        except Exception as exc:  # a derived table: the run itself stands
            log.exception("radar scores not updated")
            return {"error": f"{type(exc).__name__}: {exc}"}

    # ------------------------------------------------------------------ helpers
    def transaction(self):
        db = self.db

        class _Tx:
            def __enter__(self_inner):
                db.execute("BEGIN IMMEDIATE")

            def __exit__(self_inner, exc_type, exc, tb):
                db.execute("ROLLBACK" if exc_type else "COMMIT")
                return False

        return _Tx()

    def existing(self, sql: str, keys: list[str]) -> list[dict]:
        """Rows (as dicts) of `sql` with `{marks}` standing for the keys, in chunks."""
        rows: list[dict] = []
        for i in range(0, len(keys), CHUNK):
            part = keys[i:i + CHUNK]
            cur = self.db.execute(sql.format(marks=",".join("?" * len(part))), part)
            cols = [d[0] for d in cur.description]
            rows.extend(dict(zip(cols, r, strict=True)) for r in cur.fetchall())
        return rows

    def save_chemistry(self, todo: list[tuple[str, dict, bool]], now: str,
                       run: int | None = None) -> tuple[int, int]:
        return save_chemistry(self, todo, now, run)
