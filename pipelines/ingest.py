"""Load listings and vendors captured elsewhere (JSON Lines, item schema) through the pipelines.

Each line is one JSON object: a listing (scrapers.items.Listing fields) or a vendor
(`"type": "vendor"` or Vendor fields). Bad lines are reported with their line numbers; the rest
is loaded. An ingest never marks listings gone: a feed is not a complete crawl.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.catalog import CatalogWriter
from pipelines.chemistry import Chemistry
from pipelines.validate import check

BATCH = 2000


@dataclass
class IngestResult:
    lines: int = 0
    listings: int = 0
    vendors: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    run: dict = field(default_factory=dict)


def ingest_jsonl(path: str | Path, db, *, platform: str | None = None,
                 chemistry: Chemistry | None = None, batch: int = BATCH) -> IngestResult:
    """`db`: a sqlite_utils.Database or a path. Returns counts and rejected (line, reason)."""
    chemistry = chemistry or Chemistry()
    writer = CatalogWriter(db, kind="ingest", platform=platform, source=str(path),
                           watchlist=chemistry.matcher.watchlist, batch_size=batch,
                           flush_seconds=3600)
    writer.open()
    out = IngestResult()
    pending: list[dict] = []

    def push() -> None:
        chemistry.resolve_many([r for r in pending if r["item_type"] == "listing"])
        for rec in pending:
            writer.add(rec)
        pending.clear()

    with open(path, encoding="utf-8", errors="replace") as fh:
        for lineno, line in enumerate(fh, 1):
            out.lines += 1
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                out.rejected.append((lineno, f"invalid JSON: {exc.msg} (column {exc.colno})"))
                continue
            if not isinstance(obj, dict):
                out.rejected.append((lineno, "not a JSON object"))
                continue
            if platform and not obj.get("platform"):
                obj["platform"] = platform
            rec, reason = check(obj)
            if rec is None:
                out.rejected.append((lineno, reason or "invalid"))
                continue
            if rec["item_type"] == "listing":
                out.listings += 1
            else:
                out.vendors += 1
            pending.append(rec)
            if len(pending) >= batch:
                push()
    push()
    out.run = writer.close(mark_gone=False, dropped=len(out.rejected))
    return out
