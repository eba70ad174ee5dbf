"""Load listings and vendors captured elsewhere (JSON Lines, item schema) through the pipelines.

Each line is one JSON object: a listing (scrapers.items.Listing fields) or a vendor
(`"type": "vendor"` or Vendor fields). Lines are read by `pipelines.ingest.jsonl` (bad bytes, deep
nesting, huge numbers are errors for that line); bad lines are reported with their line numbers
and stored in `rejected`; the rest is loaded. An ingest never marks listings gone: a feed is
not a complete crawl.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from pipelines.catalog.records import listing_key
from pipelines.catalog.writer import CatalogWriter
from pipelines.chemistry import Chemistry
from pipelines.ingest.jsonl import read_lines
from pipelines.stop_signal import check_stop
from pipelines.validate import check

BATCH = 10_000  # records per write transaction: fewer commits rewrite fewer index pages
# Niceness added to an ingest's chemistry workers (PRECURSOR_WATCH_CHEM_NICE, 0..19): the writing
# process is the one long serial path (validation, rows, SQLite); the workers' matching runs
# ahead of it and their radar chemistry is needed only at the end, so on a machine with fewer
# free cores than processes the writer keeps a core and the workers share what is left.
WORKER_NICE_DEFAULT = 3


def worker_nice() -> int:
    """The niceness an ingest adds to its chemistry workers (PRECURSOR_WATCH_CHEM_NICE)."""
    raw = os.environ.get("PRECURSOR_WATCH_CHEM_NICE", "").strip()
    if not raw:
        return WORKER_NICE_DEFAULT
    if not raw.isdigit() or int(raw) > 19:
        raise ValueError(f"PRECURSOR_WATCH_CHEM_NICE={raw!r} is not a niceness from 0 to 19")
    return int(raw)


@dataclass
class IngestResult:
    lines: int = 0
    listings: int = 0
    vendors: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    run: dict = field(default_factory=dict)


def load_records(records: Iterable[dict], writer: CatalogWriter, chemistry: Chemistry,
                 window: int = 100_000, chunk: int = 250, first: int = 50,
                 step: int = 1_000) -> None:
    """Validated records -> chemistry -> writer.

    Up to `window` records are read ahead; their new chemical texts go to the matcher in chunks
    of `chunk` distinct texts as they are read, `step` records at a time (in worker processes,
    started first, when `chemistry.workers`; the first chunk holds `first` texts, so writing
    starts while the rest is matched). A listing is written as soon as its text is resolved,
    after any earlier record with the same listing key (the last record of a listing wins), so
    SQLite writes overlap the matching."""
    it = iter(records)
    chemistry.open()  # the workers (and their OPSIN JVMs) start while the records are read
    while batch := _read_ahead(it, chemistry, window, chunk, first, step):
        listings = []
        for rec in batch:
            if rec["item_type"] != "listing":
                writer.add(rec)
            else:
                listings.append(rec)
        _write_when_resolved(listings, writer, chemistry)


def _read_ahead(it: Iterator[dict], chemistry: Chemistry, window: int, chunk: int, first: int,
                step: int) -> list[dict]:
    """Up to `window` records from `it`; their texts fed to the matcher as they are read."""
    batch: list[dict] = []
    while len(batch) < window and (part := list(islice(it, min(step, window - len(batch))))):
        chemistry.feed([r for r in part if r["item_type"] == "listing"], chunk,
                       None if batch else first)
        batch.extend(part)
    chemistry.send()
    return batch


def _write_when_resolved(listings: list[dict], writer: CatalogWriter,
                         chemistry: Chemistry) -> None:
    """Write each listing once its text is resolved, after every earlier record with the same
    listing key; when none can go, wait for the oldest batch still awaited. Each record is
    looked at once more per batch that resolves its text (linear in the records)."""
    heads: dict[str, dict] = {}  # listing key -> its first record not yet written
    later: dict[str, deque[dict]] = {}  # listing key -> its further records (repeated keys)
    for rec in listings:
        key = listing_key(rec)
        if key in heads:
            later.setdefault(key, deque()).append(rec)
        else:
            heads[key] = rec
    waiting: dict[str, list[str]] = {}  # chemical-text key -> listing keys whose head waits

    def advance(key: str) -> None:
        rec = heads[key]
        while chemistry.ready(rec):
            chemistry.finish([rec])
            writer.add(rec)
            queue = later.get(key)
            if not queue:
                del heads[key]
                later.pop(key, None)
                return
            rec = heads[key] = queue.popleft()
        waiting.setdefault(rec["chem_key"], []).append(key)

    for key in list(heads):
        advance(key)
    while waiting:
        check_stop()
        text_key, keys = next(iter(waiting.items()))
        resolved = chemistry.wait(heads[keys[0]])
        for done in dict.fromkeys([text_key, *resolved]):
            for key in waiting.pop(done, []):
                advance(key)


def ingest_jsonl(path: str | Path, db, *, platform: str | None = None,
                 chemistry: Chemistry | None = None, batch: int = BATCH,
                 workers: int = 0) -> IngestResult:
    """`db`: a sqlite_utils.Database or a path. Returns counts and rejected (line, reason);
    every rejected line is also in the catalog's `rejected` table under this run. Without a
    `chemistry`, texts are matched in `workers` forked processes (0: in this one)."""
    own = chemistry is None
    chemistry = chemistry or Chemistry(workers=workers, nice=worker_nice())
    writer = CatalogWriter(db, kind="ingest", platform=platform, source=str(path),
                           watchlist=chemistry.matcher.watchlist, batch_size=batch,
                           flush_seconds=3600, assess_radar=chemistry.radar_rows,
                           radar_ahead=chemistry.radar_ahead, bulk_load=True)
    writer.open()
    out = IngestResult()
    try:
        try:
            load_records(_read(path, platform, out, writer), writer, chemistry)
        except KeyboardInterrupt:  # SIGINT/SIGTERM: what was read so far is kept, the run says so
            # The workers got the signal too: the radar runs in process.
            writer.assess_radar = writer.radar_ahead = None
            if own:
                chemistry.close()
            out.run = writer.close(status="interrupted", finish_reason="interrupted",
                                   mark_gone=False, dropped=len(out.rejected))
            return out
        # Nothing loadable in a file that had lines: the ingest failed (not a degraded success).
        status = "failed" if out.rejected and not (out.listings or out.vendors) else "finished"
        out.run = writer.close(status=status, finish_reason=status, mark_gone=False,
                               dropped=len(out.rejected))
        return out
    finally:
        if own:
            chemistry.close()


def _read(path: str | Path, platform: str | None, out: IngestResult,
          writer: CatalogWriter) -> Iterator[dict]:
    def reject(lineno: int, reason: str, record) -> None:
        out.rejected.append((lineno, reason))
        writer.reject(record, reason, source=f"{path}:{lineno}", kind="line")

    with open(path, "rb") as fh:
        for line in read_lines(fh):
            out.lines = line.lineno
            if line.error:
                reject(line.lineno, line.error, {"line": line.excerpt})
                continue
            obj = line.obj
            if platform and not obj.get("platform"):
                obj["platform"] = platform
            rec, reason = check(obj)
            if rec is None:
                reject(line.lineno, reason or "invalid", obj)
                continue
            if rec["item_type"] == "listing":
                out.listings += 1
            else:
                out.vendors += 1
            yield rec
