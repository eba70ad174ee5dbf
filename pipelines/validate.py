"""First pipeline: turn items into records and drop, with a logged reason, what cannot be one."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.exceptions import DropItem

from pipelines.catalog.fields import FLOAT_FIELDS, LIST_FIELDS
from pipelines.catalog.links import safe_link
from pipelines.catalog.records import as_record, item_type
from pipelines.catalog.storable import Unstorable, make_storable
from scrapers.items import NotFetched

log = logging.getLogger(__name__)

MAX_TEXT_CHARS = 1_000_000  # longer text fields are cut to this and flagged
_INTERNAL = ("chemistry", "chem_key", "_profile", "truncated", "repairs")


def check(item: Any) -> tuple[dict | None, str | None]:
    """(record, None) for a usable item, (None, reason) otherwise. Never raises on bad input."""
    kind = item_type(item)
    if kind is None:
        return None, "neither a listing nor a vendor"
    rec = as_record(item, kind)
    for internal in _INTERNAL:  # computed here, never trusted from input (e.g. a re-ingested feed)
        rec.pop(internal, None)
    try:
        rec = make_storable(rec)
    except Unstorable as exc:
        return None, str(exc)
    if not isinstance(rec.get("platform"), str) or not rec["platform"].strip():
        return None, f"{kind} without a platform"
    rec["platform"] = rec["platform"].strip()
    reason = _coerce_fields(rec)
    if reason:
        return None, reason
    for key in [k for k, v in rec.items() if isinstance(v, str) and len(v) > MAX_TEXT_CHARS]:
        rec[key] = rec[key][:MAX_TEXT_CHARS]
        rec.setdefault("truncated", []).append(key)
    if kind == "vendor":
        if not rec.get("vendor_id") or not str(rec["vendor_id"]).strip():
            return None, "vendor without vendor_id"
        rec["vendor_id"] = str(rec["vendor_id"]).strip()
        return rec, None
    url = rec.get("url")
    if not isinstance(url, str) or not url.strip():
        return None, "listing without url"
    if not (safe_link(url) or url.lower().startswith("file://")):
        return None, f"listing url is not http(s): {url[:80]!r}"
    if not any(rec.get(f) for f in ("title", "product_name", "cas", "smiles", "description")):
        return None, "listing without any product text (title, name, CAS, SMILES, description)"
    if rec.get("listing_id") is not None:
        rec["listing_id"] = str(rec["listing_id"]).strip() or None
    rec["instructions_offered"] = bool(rec.get("instructions_offered"))
    return rec, None


def _coerce_fields(rec: dict) -> str | None:
    """List, number and handle fields in their stored types (in place); the reason a field
    cannot be, or None."""
    for key in LIST_FIELDS:
        if key in rec:
            value = rec[key]
            if value is None:
                rec[key] = []
            elif isinstance(value, str):
                rec[key] = [value]
            elif isinstance(value, list | tuple):
                if not all(isinstance(v, str) for v in value):
                    rec[key] = [str(v) for v in value if v not in (None, "")]
            else:
                return f"{key} is not a list"
    for key in FLOAT_FIELDS:
        if rec.get(key) is not None and not isinstance(rec[key], float):
            try:
                rec[key] = float(rec[key])
            except (TypeError, ValueError, OverflowError):
                rec[key] = None
    if "handles" in rec:
        if rec["handles"] is None:
            rec["handles"] = {}
        elif not isinstance(rec["handles"], dict):
            return "handles is not an object"
        else:
            handles = {}
            for service, ids in rec["handles"].items():
                if isinstance(ids, str):
                    ids = [ids]
                if not isinstance(ids, list):
                    return f"handles.{service} is not a list"
                handles[service] = [str(v) for v in ids if v not in (None, "")]
            rec["handles"] = handles
    return None


class ValidatePipeline:
    """Items -> records; DropItem (logged by Scrapy, counted in stats) with the reason."""

    def __init__(self, stats=None):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_item(self, item):
        if isinstance(item, NotFetched):
            return item  # a page the crawl could not read: exported and counted, not cataloged
        rec, reason = check(item)
        if rec is None:
            if self.stats is not None:
                self.stats.inc_value("catalog/dropped")
            raise DropItem(f"invalid item: {reason}")
        return rec
