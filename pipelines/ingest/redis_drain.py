"""The single catalog writer of a distributed crawl: drain the Redis item queue into SQLite.

Reliable-queue pattern: items are moved (LMOVE, atomic) from the queue to a processing list,
written through validate -> chemistry -> `CatalogWriter`, and the processing list is cleared
only after the SQLite transaction has committed. A writer killed at any moment leaves its batch
in the processing list; the next writer writes it first. Writes are upserts on natural keys, so a
batch written twice (killed between the commit and the clear) adds no listing, vendor or hit
twice. One writer at a time: the catalog lock file (`pipelines.catalog.runs.CatalogLock`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from pipelines.catalog.writer import CatalogWriter
from pipelines.chemistry import Chemistry
from pipelines.ingest.feed import load_records
from pipelines.ingest.jsonl import parse_entry
from pipelines.stop_signal import check_stop
from pipelines.validate import check

log = logging.getLogger(__name__)


@dataclass
class DrainResult:
    items: int = 0
    listings: int = 0
    vendors: int = 0
    not_fetched: int = 0
    batches: int = 0
    rejected: list[str] = field(default_factory=list)
    run: dict = field(default_factory=dict)


def _decode(raw: bytes, number: int, out: DrainResult, writer: CatalogWriter,
            key: str) -> dict | None:
    """A queue entry -> a validated record, or None. Every entry that is not a record (not
    JSON, too deep, a huge number, not an object, an invalid item) becomes a `rejected` row with
    the reason, written in the same flush as the batch's records, i.e. before it is acknowledged."""
    line = parse_entry(raw, number)
    if line.error:
        reason = f"queue entry: {line.error}"
        out.rejected.append(reason)
        writer.reject({"entry": line.excerpt}, reason, source=key, kind="queue")
        return None
    obj = line.obj
    meta = obj.pop("_queue", None)
    if obj.get("type") == "notfetched":
        out.not_fetched += 1
        return None
    rec, reason = check(obj)
    if rec is None:
        reason = reason or "invalid"
        out.rejected.append(reason)
        origin = meta.get("spider") if isinstance(meta, dict) else None
        writer.reject(obj, reason, source=f"{key} ({origin})" if isinstance(origin, str)
                      else key, kind="queue")
        return None
    out.listings += rec["item_type"] == "listing"
    out.vendors += rec["item_type"] == "vendor"
    return rec


def _take(server, key: str, processing: str, n: int, wait: float) -> list[bytes]:
    """Up to `n` queue entries moved to the processing list (waits up to `wait` for the first)."""
    first = server.blmove(key, processing, wait, "LEFT", "RIGHT") if wait > 0 else \
        server.lmove(key, processing, "LEFT", "RIGHT")
    if first is None:
        return []
    out = [first]
    while len(out) < n:
        raw = server.lmove(key, processing, "LEFT", "RIGHT")
        if raw is None:
            break
        out.append(raw)
    return out


def drain(server, db, *, key: str, batch: int = 500, wait: float = 0.0,
          chemistry: Chemistry | None = None, source: str = "redis") -> DrainResult:
    """Write every queued item into the catalog; returns when the queue stays empty `wait` s."""
    processing = f"{key}:processing"
    chemistry = chemistry or Chemistry()
    writer = CatalogWriter(db, kind="ingest", source=source,
                           watchlist=chemistry.matcher.watchlist,
                           batch_size=10**9, flush_seconds=10**9)
    writer.open()
    out = DrainResult()
    leftover = server.lrange(processing, 0, -1)  # a killed writer's batch comes first
    if leftover:
        log.warning("re-writing %d items left by an interrupted writer", len(leftover))
    try:
        _drain_batches(server, key, processing, batch, wait, leftover, out, writer, chemistry)
    except KeyboardInterrupt:  # SIGINT/SIGTERM: the unacknowledged batch stays in Redis
        out.run = writer.close(status="interrupted", finish_reason="interrupted",
                               mark_gone=False, dropped=len(out.rejected),
                               not_fetched=out.not_fetched)
        return out
    out.run = writer.close(mark_gone=False, dropped=len(out.rejected),
                           not_fetched=out.not_fetched)
    return out


def _drain_batches(server, key: str, processing: str, batch: int, wait: float,
                   leftover: list[bytes], out: DrainResult, writer: CatalogWriter,
                   chemistry: Chemistry) -> None:
    while True:
        check_stop()
        raws = leftover or _take(server, key, processing, batch, wait)
        leftover = []
        if not raws:
            return
        records = []
        for raw in raws:
            out.items += 1
            rec = _decode(raw, out.items, out, writer, key)
            if rec is not None:
                records.append(rec)
        load_records(records, writer, chemistry)
        writer.flush()  # records, then rejected rows; committed when this returns
        server.delete(processing)  # acknowledge: only now are the items gone from Redis
        out.batches += 1
