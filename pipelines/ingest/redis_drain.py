"""The single catalog writer of a distributed crawl: drain the Redis item queue into SQLite.

Reliable-queue pattern: items are moved (LMOVE, atomic) from the queue to a processing list,
written through validate -> chemistry -> `CatalogWriter`, and the processing list is cleared
only after the SQLite transaction has committed. A writer killed at any moment leaves its batch
in the processing list; the next writer writes it first. Writes are upserts on natural keys, so a
batch written twice (killed between the commit and the clear) adds no listing, vendor or hit
twice. One writer at a time: the catalog lock file (`pipelines.catalog.runs.CatalogLock`).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field

from pipelines.catalog.writer import CatalogWriter
from pipelines.chemistry import Chemistry
from pipelines.ingest.feed import load_records
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


def _decode(raw: bytes, out: DrainResult) -> dict | None:
    try:
        obj = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        out.rejected.append(f"invalid JSON in queue: {exc}")
        return None
    if not isinstance(obj, dict):
        out.rejected.append("queue entry is not a JSON object")
        return None
    obj.pop("_queue", None)
    if obj.get("type") == "notfetched":
        out.not_fetched += 1
        return None
    rec, reason = check(obj)
    if rec is None:
        out.rejected.append(reason or "invalid")
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
    while True:
        raws = leftover or _take(server, key, processing, batch, wait)
        leftover = []
        if not raws:
            break
        out.items += len(raws)
        records = [r for r in (_decode(raw, out) for raw in raws) if r is not None]
        load_records(records, writer, chemistry)
        writer.flush()  # one transaction; committed when this returns
        server.delete(processing)  # acknowledge: only now are the items gone from Redis
        out.batches += 1
    out.run = writer.close(mark_gone=False, dropped=len(out.rejected),
                           not_fetched=out.not_fetched)
    return out

