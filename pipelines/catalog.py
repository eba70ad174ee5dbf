"""Last pipeline: write records into the SQLite catalog in batches, one transaction per batch.

`CatalogWriter` is the writer itself (used by the Scrapy pipeline, `ingest` and the benchmark):
- listings are upserted on their natural key; first_seen / last_seen / times_seen are kept per
  run, and a `listing_versions` row is written only when the record's hash changes;
- vendor profiles get a canonical vendor and normalized contact identifiers;
- chemistry payloads become substances, listing_substances and hits (new hits counted per run);
- a `crawl_runs` row is opened at start and closed at the end; a run that finished cleanly marks
  the listings of its spider that it did not see as `gone`.
A crash loses at most the records buffered since the last flush; the catalog is never half-written.
"""

from __future__ import annotations

import json
import logging
import os
import time
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils
from scrapy import signals

from pipelines import entities
from pipelines.chemistry import save_mentions
from pipelines.identifiers import region_for, vendor_identifiers
from pipelines.records import (
    VERSIONED_FIELDS,
    chem_key,
    listing_key,
    listing_vendor_id,
    merge_vendor,
    profile_key,
    record_hash,
    to_json,
    vendor_hash,
)
from pipelines.schema import DEFAULT_DB, index_listings_fts, open_db
from scrapers.items import NotFetched

log = logging.getLogger(__name__)
CHUNK = 500  # SQLite host parameters per IN (...) lookup


def utcnow() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _chunks(seq: list, n: int = CHUNK):
    for i in range(0, len(seq), n):
        yield seq[i:i + n]


def save_watchlist(db: sqlite_utils.Database, watchlist, now: str) -> None:
    """Record the watchlist version in force and its entries (entries no longer listed: in_force 0).

    Runs inside the caller's transaction."""
    version = watchlist.version
    db.execute(
        "INSERT INTO watchlist_versions (version, first_loaded, last_loaded, entries) "
        "VALUES (?, ?, ?, ?) ON CONFLICT(version) DO UPDATE SET last_loaded = excluded.last_loaded",
        [version, now, now, len(watchlist.entries)],
    )
    db.execute("UPDATE watchlist_entries SET in_force = 0 WHERE watchlist_version != ?", [version])
    rows = [
        [e.id, e.name, e.inchikey, e.smiles, e.formula, json.dumps(list(e.all_cas)),
         json.dumps(list(e.family)), json.dumps(list(e.regimes)), e.tier,
         int(e.designer_target), version, version]
        for e in watchlist.entries
    ]
    db.conn.executemany(
        "INSERT INTO watchlist_entries (id, name, inchikey, smiles, formula, cas, family, regimes,"
        " tier, designer_target, first_version, watchlist_version, in_force)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,1) ON CONFLICT(id) DO UPDATE SET name=excluded.name,"
        " inchikey=excluded.inchikey, smiles=excluded.smiles, formula=excluded.formula,"
        " cas=excluded.cas, family=excluded.family, regimes=excluded.regimes, tier=excluded.tier,"
        " designer_target=excluded.designer_target,"
        " watchlist_version=excluded.watchlist_version, in_force=1",
        rows,
    )


class CatalogWriter:
    """Batched, transactional writes of listing and vendor records for one run."""

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
        self.run_id: int | None = None
        self.counts = dict.fromkeys(
            ("items", "listings_seen", "listings_new", "listings_changed", "listings_reappeared",
             "vendors_seen", "vendors_new", "hits_new", "hits_retracted"), 0)
        self._listings: dict[str, dict] = {}
        self._vendors: dict[str, dict] = {}
        self._last_flush = time.monotonic()
        self._substance_names: dict[str, set[str]] = {}
        self._profiles_done: set[str] = set()

    # ------------------------------------------------------------------ run lifecycle
    def open(self) -> int:
        # Checkpoint the WAL every ~80 MB instead of 4 MB: far fewer fsyncs during batch writes.
        self.db.execute("PRAGMA wal_autocheckpoint = 20000")
        now = utcnow()
        with self.transaction():
            if self.watchlist is not None:
                save_watchlist(self.db, self.watchlist, now)
            cur = self.db.execute(
                "INSERT INTO crawl_runs (kind, spider, platform, source, started, status,"
                " watchlist_version) VALUES (?, ?, ?, ?, ?, 'running', ?)",
                [self.kind, self.spider, self.platform, self.source, now,
                 self.watchlist.version if self.watchlist is not None else None],
            )
            self.run_id = cur.lastrowid
        return self.run_id

    def add(self, rec: dict) -> None:
        """Buffer one validated record; flushes when the batch is full or old enough."""
        if self.run_id is None:
            self.open()
        self.counts["items"] += 1
        if rec.get("item_type") == "vendor":
            key = profile_key(rec["platform"], rec["vendor_id"])
            prev = self._vendors.get(key)
            self._vendors[key] = merge_vendor(prev, rec) if prev else rec
        else:
            self._listings[listing_key(rec)] = rec
        if (len(self._listings) + len(self._vendors) >= self.batch_size
                or time.monotonic() - self._last_flush >= self.flush_seconds):
            self.flush()

    def flush(self) -> None:
        listings, self._listings = self._listings, {}
        vendors, self._vendors = self._vendors, {}
        self._last_flush = time.monotonic()
        if not listings and not vendors:
            return
        now = utcnow()
        counts = dict(self.counts)
        try:
            with self.transaction():
                self._save_vendors(vendors, now)
                self._save_listings(listings, now)
        except Exception:
            # Rolled back: keep the records (newer ones win) so the next flush retries them.
            self._listings = {**listings, **self._listings}
            self._vendors = {**vendors, **self._vendors}
            self.counts = counts
            raise

    def close(self, *, status: str = "finished", finish_reason: str | None = "finished",
              errors: int = 0, dropped: int = 0, not_fetched: int = 0,
              stats: dict | None = None, mark_gone: bool | None = None) -> dict:
        """Flush, mark unseen listings gone (clean crawl runs only), resolve vendors, close run."""
        if self.run_id is None:
            self.open()
        self.flush()
        now = utcnow()
        if mark_gone is None:
            mark_gone = self.kind == "crawl"
        gone, note = 0, None
        with self.transaction():
            if not mark_gone:
                note = "not a complete crawl"
            elif not self.spider:
                note = "no spider name"
            elif status != "finished" or finish_reason != "finished":
                note = f"run ended {finish_reason or status}"
            elif errors:
                note = f"{errors} errors during the run"
            elif not_fetched:
                note = f"{not_fetched} pages not fetched"
            elif not self.counts["listings_seen"]:
                note = "run saw no listings"
            else:
                gone = self.db.execute(
                    "UPDATE listings SET status = 'gone', gone_at = ? WHERE spider = ?"
                    " AND status = 'active' AND (last_run IS NULL OR last_run != ?)",
                    [now, self.spider, self.run_id],
                ).rowcount
            if self.resolve_entities and (self.counts["vendors_seen"] or self.counts["items"]):
                entities.resolve(self.db, now=now)
            self.db.execute(
                "UPDATE crawl_runs SET finished = ?, status = ?, finish_reason = ?, items = ?,"
                " dropped = ?, errors = ?, not_fetched = ?, listings_seen = ?, listings_new = ?,"
                " listings_changed = ?, listings_reappeared = ?, listings_gone = ?, gone_note = ?,"
                " vendors_seen = ?, vendors_new = ?, hits_new = ?, hits_retracted = ?, stats = ?"
                " WHERE id = ?",
                [now, status, finish_reason, self.counts["items"], dropped, errors, not_fetched,
                 self.counts["listings_seen"], self.counts["listings_new"],
                 self.counts["listings_changed"], self.counts["listings_reappeared"], gone, note,
                 self.counts["vendors_seen"], self.counts["vendors_new"],
                 self.counts["hits_new"], self.counts["hits_retracted"],
                 json.dumps(stats, default=str, sort_keys=True) if stats else None,
                 self.run_id],
            )
        return {"run": self.run_id, **self.counts, "listings_gone": gone, "gone_note": note}

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

    def _existing(self, sql: str, keys: list[str]) -> list[tuple]:
        rows: list[tuple] = []
        for part in _chunks(keys):
            marks = ",".join("?" * len(part))
            rows.extend(self.db.execute(sql.format(marks=marks), part).fetchall())
        return rows

    # ------------------------------------------------------------------ vendors
    def _stored_profile(self, key: str) -> dict:
        """A stored full profile as a vendor record (for merging a new sighting into it)."""
        row = self.db.execute(
            "SELECT name, profile_url, country, city, address, website, phones, emails, handles,"
            " years_on_platform, badges FROM vendor_profiles WHERE id = ? AND stub = 0",
            [key]).fetchone()
        if row is None:
            return {}
        names = ("name", "profile_url", "country", "city", "address", "website", "phones",
                 "emails", "handles", "years_on_platform", "badges")
        rec = dict(zip(names, row, strict=True))
        for k in ("phones", "emails", "handles", "badges"):
            rec[k] = json.loads(rec[k]) if rec[k] else None
        return rec

    def _ensure_profiles(self, profiles: dict[str, dict], now: str) -> None:
        """Insert or update vendor profiles; each new profile gets its own canonical vendor."""
        keys = list(profiles)
        existing = {r[0]: r for r in self._existing(
            "SELECT id, record_hash, last_run, stub, vendor FROM vendor_profiles"
            " WHERE id IN ({marks})", keys)}
        conn = self.db.conn
        for key, rec in profiles.items():
            stub = int(rec.get("item_type") != "vendor")
            name = rec.get("name")
            old = existing.get(key)
            evidence = self._evidence(rec, now)
            country = region_for(rec.get("country")) or rec.get("country")
            if old is None:
                norm = entities.normalize_name(name or "")
                vendor = conn.execute(
                    "INSERT INTO vendors (name, name_norm, country, first_seen, last_seen)"
                    " VALUES (?, ?, ?, ?, ?)", [name, norm, country, now, now],
                ).lastrowid
                conn.execute(
                    "INSERT INTO vendor_profiles (id, platform, vendor_id, vendor, name,"
                    " name_norm, profile_url, country, city, address, website, phones, emails,"
                    " handles, years_on_platform, badges, stub, first_seen, last_seen,"
                    " times_seen, last_run, record_hash, evidence)"
                    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,1,?,?,?)",
                    [key, rec["platform"], rec["vendor_id"], vendor, name, norm,
                     rec.get("profile_url"), rec.get("country"), rec.get("city"),
                     rec.get("address"), rec.get("website"), to_json(rec.get("phones")),
                     to_json(rec.get("emails")), to_json(rec.get("handles")),
                     rec.get("years_on_platform"), to_json(rec.get("badges")), stub, now, now,
                     self.run_id, vendor_hash(rec) if not stub else None, evidence],
                )
                self.counts["vendors_new"] += 1
            elif stub:
                conn.execute(
                    "UPDATE vendor_profiles SET last_seen = ?, times_seen = times_seen +"
                    " (last_run IS NOT ?), last_run = ? WHERE id = ?",
                    [now, self.run_id, self.run_id, key])
                conn.execute("UPDATE vendors SET last_seen = ? WHERE id = ?", [now, old[4]])
            else:
                rec = merge_vendor(self._stored_profile(key), rec)
                name = rec.get("name")
                conn.execute(
                    "UPDATE vendor_profiles SET name = ?, name_norm = ?, profile_url = ?,"
                    " country = ?, city = ?, address = ?, website = ?, phones = ?, emails = ?,"
                    " handles = ?, years_on_platform = ?, badges = ?, stub = 0, last_seen = ?,"
                    " times_seen = times_seen + (last_run IS NOT ?), last_run = ?,"
                    " record_hash = ?, evidence = coalesce(?, evidence) WHERE id = ?",
                    [name, entities.normalize_name(name or ""), rec.get("profile_url"),
                     rec.get("country"), rec.get("city"), rec.get("address"), rec.get("website"),
                     to_json(rec.get("phones")), to_json(rec.get("emails")),
                     to_json(rec.get("handles")), rec.get("years_on_platform"),
                     to_json(rec.get("badges")), now, self.run_id, self.run_id,
                     vendor_hash(rec), evidence, key],
                )
                # The canonical name is the first full profile's; a stub's name gives way.
                conn.execute(
                    "UPDATE vendors SET last_seen = ?, country = coalesce(country, ?),"
                    " name = CASE WHEN ? OR name IS NULL THEN ? ELSE name END,"
                    " name_norm = CASE WHEN ? OR name IS NULL THEN ? ELSE name_norm END"
                    " WHERE id = ?",
                    [now, country, old[3], name, old[3], entities.normalize_name(name or ""),
                     old[4]],
                )
            self._profiles_done.add(key)
            if not stub:
                conn.executemany(
                    "INSERT OR IGNORE INTO vendor_identifiers (vendor_profile, kind, value, raw,"
                    " source, first_seen) VALUES (?, ?, ?, ?, ?, ?)",
                    [[key, k, v, raw, src, now] for k, v, raw, src in vendor_identifiers(rec)],
                )

    def _save_vendors(self, vendors: dict[str, dict], now: str) -> None:
        if vendors:
            self.counts["vendors_seen"] += len(vendors)
            self._ensure_profiles(vendors, now)

    def _evidence(self, rec: dict, now: str) -> str | None:
        """The archived capture (WARC record) a record was read from; one row per capture."""
        if not (rec.get("warc_record_id") or rec.get("body_sha256")):
            return None
        eid = rec.get("warc_record_id") or f"sha256:{rec['body_sha256']}"
        self.db.conn.execute(
            "INSERT OR IGNORE INTO evidence (id, url, fetched_at, warc_file, warc_record_id,"
            " sha256, run) VALUES (?,?,?,?,?,?,?)",
            [eid, rec.get("url") or rec.get("profile_url"),
             rec.get("fetched_at") or now, rec.get("warc_file"), rec.get("warc_record_id"),
             rec.get("body_sha256"), self.run_id],
        )
        return eid

    # ------------------------------------------------------------------ listings
    def _save_listings(self, listings: dict[str, dict], now: str) -> None:
        if not listings:
            return
        conn = self.db.conn
        run = self.run_id
        # Listings name their vendor account; profiles not yet seen are created as stubs.
        stubs: dict[str, dict] = {}
        for rec in listings.values():
            vid = listing_vendor_id(rec)
            rec["_profile"] = profile_key(rec["platform"], vid) if vid else None
            if vid and rec["_profile"] not in stubs:
                stubs[rec["_profile"]] = {"item_type": "stub", "platform": rec["platform"],
                                          "vendor_id": vid, "name": rec.get("vendor_name")}
        # A profile already written in this run needs no second touch for its listings.
        stubs = {k: v for k, v in stubs.items() if k not in self._profiles_done}
        if stubs:
            self._ensure_profiles(stubs, now)

        keys = list(listings)
        existing = {r[0]: r for r in self._existing(
            "SELECT id, record_hash, last_run, status, version, chem_key, chem_version"
            " FROM listings WHERE id IN ({marks})", keys)}
        inserts, updates, sightings, versions, chem_todo = [], [], [], [], []
        for key, rec in listings.items():
            h = record_hash(rec)
            ck = rec.get("chem_key") or chem_key(rec)
            chem = rec.get("chemistry")
            chem_version = chem["watchlist_version"] if chem else None
            seen_at = rec.get("fetched_at") or now
            evidence = self._evidence(rec, now)
            old = existing.get(key)
            values = self._listing_values(rec)
            if old is None:
                version = 1
                inserts.append([key, rec["platform"], rec.get("listing_id"), rec["url"],
                                rec["_profile"], *values, "active", seen_at, seen_at, 1,
                                self.spider, run, run, version, h, ck, chem_version, evidence])
                versions.append([key, version, seen_at, run, h, None, *values[1:],
                                 rec.get("vendor_id"), evidence])
                self.counts["listings_new"] += 1
                if chem:
                    chem_todo.append((key, chem, False))
            else:
                _, old_hash, last_run, status, version, old_ck, old_cv = old
                changed = old_hash != h
                if changed:
                    version += 1
                    versions.append([key, version, seen_at, run, h,
                                     json.dumps(self._changed_fields(key, values, rec)),
                                     *values[1:], rec.get("vendor_id"), evidence])
                    self.counts["listings_changed"] += 1
                if status == "gone":
                    self.counts["listings_reappeared"] += 1
                new_seen = int(last_run != run)
                if changed:
                    updates.append([rec["url"], rec["_profile"], *values,
                                    seen_at, new_seen, self.spider, run, version, h, ck,
                                    chem_version or old_cv, evidence, key])
                else:  # unchanged: only the sighting is recorded
                    sightings.append([rec["url"], seen_at, new_seen, self.spider, run,
                                      chem_version or old_cv, evidence, key])
                if chem and (old_ck != ck or old_cv != chem_version):
                    chem_todo.append((key, chem, True))
            self.counts["listings_seen"] += 1
        cols = ("vendor_name, title, product_name, cas, smiles, formula, purity, price_text,"
                " price_amount, price_currency, quantity, min_order, stock, description,"
                " shipping_claims, payment_claims, instructions_offered")
        if inserts:
            conn.executemany(
                f"INSERT INTO listings (id, platform, listing_id, url, vendor_profile, {cols},"
                " status, first_seen, last_seen, times_seen, spider, first_run, last_run, version,"
                " record_hash, chem_key, chem_version, evidence)"
                f" VALUES ({','.join('?' * 34)})", inserts)
            index_listings_fts(self.db, [row[0] for row in inserts])
        if sightings:
            conn.executemany(
                "UPDATE listings SET url = ?, status = 'active', gone_at = NULL, last_seen = ?,"
                " times_seen = times_seen + ?, spider = ?, last_run = ?, chem_version = ?,"
                " evidence = coalesce(?, evidence) WHERE id = ?", sightings)
        if updates:
            sets = ", ".join(f"{c.strip()} = ?" for c in cols.split(","))
            conn.executemany(
                f"UPDATE listings SET url = ?, vendor_profile = ?, {sets}, status = 'active',"
                " gone_at = NULL, last_seen = ?, times_seen = times_seen + ?, spider = ?,"
                " last_run = ?, version = ?, record_hash = ?, chem_key = ?, chem_version = ?,"
                " evidence = coalesce(?, evidence) WHERE id = ?", updates)
        if versions:
            vcols = ", ".join(VERSIONED_FIELDS)
            conn.executemany(
                f"INSERT INTO listing_versions (listing, version, seen_at, run, record_hash,"
                f" changed, {vcols}, evidence)"
                f" VALUES ({','.join('?' * (7 + len(VERSIONED_FIELDS)))})",
                versions)
        if chem_todo:
            self.save_chemistry(chem_todo, now)

    @staticmethod
    def _listing_values(rec: dict) -> list:
        return [rec.get("vendor_name"), rec.get("title"), rec.get("product_name"), rec.get("cas"),
                rec.get("smiles"), rec.get("formula"), rec.get("purity"), rec.get("price_text"),
                rec.get("price_amount"), rec.get("price_currency"), rec.get("quantity"),
                rec.get("min_order"), rec.get("stock"), rec.get("description"),
                to_json(rec.get("shipping_claims")), to_json(rec.get("payment_claims")),
                int(bool(rec.get("instructions_offered")))]

    def _changed_fields(self, key: str, values: list, rec: dict) -> list[str]:
        row = self.db.execute(
            f"SELECT {', '.join(VERSIONED_FIELDS)} FROM listing_versions WHERE listing = ?"
            " ORDER BY version DESC LIMIT 1", [key]).fetchone()
        if row is None:
            return list(VERSIONED_FIELDS)
        new = [*values[1:], rec.get("vendor_id")]
        return [f for f, a, b in zip(VERSIONED_FIELDS, row, new, strict=True) if a != b]

    # ------------------------------------------------------------------ chemistry
    def save_chemistry(self, todo: list[tuple[str, dict, bool]], now: str,
                       run: int | None = None) -> tuple[int, int]:
        """Substances, listing_substances and hits for (listing, payload, replace) triples.

        Returns (new hits, retracted hits) and adds them to the run's counts."""
        conn = self.db.conn
        run = run if run is not None else self.run_id
        replace = [key for key, _, rep in todo if rep]
        old_hits: dict[str, dict[str, int]] = {}
        if replace:
            for part in _chunks(replace):
                marks = ",".join("?" * len(part))
                conn.execute(f"DELETE FROM listing_substances WHERE listing IN ({marks})", part)
                for listing, entry, current in conn.execute(
                        f"SELECT listing, entry, current FROM hits WHERE listing IN ({marks})",
                        part):
                    old_hits.setdefault(listing, {})[entry] = current
        substances, links, new_hits, upd_hits, retract = [], [], [], [], []
        for key, chem, _ in todo:
            version = chem["watchlist_version"]
            for s in chem["substances"]:
                ik = s.get("inchikey")
                if not ik:
                    continue
                self._note_substance(s, now, substances)
                links.append([key, ik, s.get("how"), s.get("confidence"), s.get("name"),
                              s.get("evidence")])
            found = set()
            before = old_hits.get(key, {})
            for h in chem["hits"]:
                if h["entry"] in found:
                    continue
                found.add(h["entry"])
                flags = [h.get("source_field"), h.get("role"), int(bool(h.get("cas_conflict")))]
                if h["entry"] in before:
                    upd_hits.append([h["match"], h["score"], h["evidence"], *flags, version, key,
                                     h["entry"]])
                else:
                    new_hits.append([key, h["entry"], h["match"], h["score"], h["evidence"],
                                     *flags, now, version, version, run])
            retract.extend([now, key, e] for e, cur in before.items() if cur and e not in found)
        if substances:
            conn.executemany(
                "INSERT INTO substances (inchikey, smiles, formula, name, names, cas, first_seen)"
                " VALUES (?,?,?,?,?,?,?) ON CONFLICT(inchikey) DO UPDATE SET"
                " names = excluded.names, cas = coalesce(substances.cas, excluded.cas)",
                substances)
        if links:
            conn.executemany(
                "INSERT OR REPLACE INTO listing_substances (listing, substance, how, confidence,"
                " name, evidence) VALUES (?,?,?,?,?,?)", links)
        if new_hits:
            conn.executemany(
                "INSERT INTO hits (listing, entry, match, score, evidence, source_field, role,"
                " cas_conflict, first_detected, watchlist_version, last_watchlist_version,"
                " first_run, current) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,1)", new_hits)
        if upd_hits:
            conn.executemany(
                "UPDATE hits SET match = ?, score = ?, evidence = ?, source_field = ?, role = ?,"
                " cas_conflict = ?, last_watchlist_version = ?, current = 1, retracted_at = NULL"
                " WHERE listing = ? AND entry = ?", upd_hits)
        if retract:
            conn.executemany(
                "UPDATE hits SET current = 0, retracted_at = ? WHERE listing = ? AND entry = ?",
                retract)
        save_mentions(conn, todo, now, run)
        self.counts["hits_new"] += len(new_hits)
        self.counts["hits_retracted"] += len(retract)
        return len(new_hits), len(retract)

    def _note_substance(self, s: dict, now: str, out: list) -> None:
        """Queue a substance row when it or one of its names is new to this writer."""
        ik = s["inchikey"]
        names = self._substance_names.get(ik)
        if names is None:
            row = self.db.execute("SELECT names FROM substances WHERE inchikey = ?",
                                  [ik]).fetchone()
            names = set(json.loads(row[0])) if row and row[0] else set()
            self._substance_names[ik] = names
            is_new = row is None
        else:
            is_new = False
        name = s.get("name")
        if is_new or (name and name not in names and len(names) < 50):
            if name:
                names.add(name)
            out.append([ik, s.get("smiles"), s.get("formula"), name,
                        json.dumps(sorted(names), ensure_ascii=False), s.get("cas"), now])


def db_path_from_settings(settings) -> Path:
    return Path(settings.get("PRECURSOR_WATCH_DB") or os.environ.get("PRECURSOR_WATCH_DB")
                or DEFAULT_DB)


class CatalogWriterPipeline:
    """Scrapy pipeline around `CatalogWriter`; the DB path is the PRECURSOR_WATCH_DB setting."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.writer: CatalogWriter | None = None
        self._timer = None
        self.not_fetched = 0

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        from chem.watchlist import default_watchlist

        s = self.crawler.settings
        spider = self.crawler.spider
        self.writer = CatalogWriter(
            db_path_from_settings(s), kind="crawl", spider=spider.name,
            platform=getattr(spider, "platform", None) or spider.name,
            watchlist=default_watchlist(),
            batch_size=s.getint("CATALOG_BATCH_SIZE", 1000),
            flush_seconds=s.getfloat("CATALOG_FLUSH_SECONDS", 5.0),
        )
        self.writer.open()
        from twisted.internet import task

        # Items may trickle in: flush on a timer too, so a crash loses at most a few seconds.
        self._timer = task.LoopingCall(self._tick)
        self._timer.start(max(self.writer.flush_seconds, 0.5), now=False)

    def _tick(self) -> None:
        if self.writer is not None:
            try:
                self.writer.flush()
            except Exception:  # keep the crawl alive; the next flush retries the writes
                log.exception("catalog flush failed")

    def process_item(self, item):
        if isinstance(item, dict) and item.get("item_type") in ("listing", "vendor"):
            self.writer.add(item)
        elif isinstance(item, NotFetched):
            self.not_fetched += 1  # that page's listings were not seen: no `gone` this run
        return item

    def close_spider(self) -> None:
        # The finish reason is only known at spider_closed (after pipelines close): flush now,
        # finish the run there.
        if self._timer is not None and self._timer.running:
            self._timer.stop()
        self.writer.flush()

    def spider_closed(self, spider, reason: str) -> None:
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        result = self.writer.close(
            status="finished" if reason == "finished" else "stopped",
            finish_reason=reason,
            errors=int(stats.get("log_count/ERROR", 0)),
            dropped=int(stats.get("item_dropped_count", 0)),
            not_fetched=self.not_fetched,
            stats=stats,
        )
        log.info("catalog: %s", result)
        self.writer.db.close()
