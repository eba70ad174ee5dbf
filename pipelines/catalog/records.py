"""Items as plain records: type detection, natural keys and content hashes.

Spiders yield `scrapers.items.Listing` / `Vendor` dataclasses; feeds deliver dicts. Both become a
dict with `item_type` ("listing" or "vendor") so every later stage handles one shape.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import fields
from typing import Any

from itemadapter import ItemAdapter
from w3lib.url import canonicalize_url

from chem.genre import url_words
from pipelines.catalog.fields import LATE_VERSIONED, VENDOR_HASHED, VERSIONED_FIELDS
from scrapers.items import Listing, Vendor

_LISTING_ONLY = {"url", "listing_id", "title", "product_name", "cas", "smiles", "price_text"}
_VENDOR_ONLY = {"profile_url", "phones", "emails", "handles", "website", "address", "badges",
                "years_on_platform"}
CHEM_FIELDS = ("title", "product_name", "cas", "smiles", "description")
_FIRST_VERSIONED = tuple(f for f in VERSIONED_FIELDS if f not in LATE_VERSIONED)


def item_type(item: Any) -> str | None:
    """"listing", "vendor" or None when the item is neither."""
    if isinstance(item, Listing):
        return "listing"
    if isinstance(item, Vendor):
        return "vendor"
    if isinstance(item, dict):
        mapping: Any = item
    elif ItemAdapter.is_item(item):
        mapping = ItemAdapter(item)
    else:
        return None
    declared = mapping.get("item_type") or mapping.get("type")
    if declared in ("listing", "vendor"):
        return declared
    keys = set(mapping.keys())
    if keys & _LISTING_ONLY:
        return "listing"
    if "vendor_id" in keys and (keys & _VENDOR_ONLY or "name" in keys):
        return "vendor"
    return None


def as_record(item: Any, kind: str | None = None) -> dict:
    """A plain dict of the item's known fields plus `item_type` (extra keys are kept); `kind`:
    the item's `item_type(item)` when the caller has it."""
    kind = kind or item_type(item)
    if isinstance(item, Listing | Vendor):  # shallow: faster than ItemAdapter.asdict()
        data = {f.name: getattr(item, f.name) for f in fields(item)}
    elif isinstance(item, dict):
        data = dict(item)
    else:
        data = ItemAdapter(item).asdict() if ItemAdapter.is_item(item) else {}
    data.pop("type", None)
    data["item_type"] = kind
    return data


def listing_key(rec: dict) -> str:
    """Natural key: platform + listing id, else platform + canonical URL."""
    if rec.get("listing_id"):
        return f"{rec['platform']}:{rec['listing_id']}"
    return f"{rec['platform']}:{canonicalize_url(str(rec['url']))}"


def profile_key(platform: str, vendor_id: str) -> str:
    return f"{platform}:{vendor_id}"


def listing_vendor_id(rec: dict) -> str | None:
    """The vendor account a listing belongs to; a name stands in when the id is missing."""
    if rec.get("vendor_id"):
        return str(rec["vendor_id"])
    if rec.get("vendor_name"):
        return "name:" + " ".join(str(rec["vendor_name"]).lower().split())
    return None


def _one_shot(encoder: json.JSONEncoder) -> Callable[[Any], str]:
    """`encoder.encode` for lists and dicts, without building a new C encoder per call (what
    `JSONEncoder.encode` does; that set-up costs more than encoding a short record). Same
    output; falls back to `encoder.encode` where the C accelerator is missing. No shared state
    between calls: a cycle (impossible in records read from JSON) raises RecursionError instead
    of ValueError."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None or encoder.indent is not None:
        return encoder.encode
    c_encode = make(
        None, encoder.default,
        json.encoder.encode_basestring_ascii if encoder.ensure_ascii
        else json.encoder.encode_basestring,
        encoder.indent, encoder.key_separator, encoder.item_separator, encoder.sort_keys,
        encoder.skipkeys, encoder.allow_nan)

    def encode(value: Any) -> str:
        if not isinstance(value, list | dict):
            return encoder.encode(value)
        return "".join(c_encode(value, 0))

    return encode


_ENCODE_SORTED = _one_shot(json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=str))
_ENCODE = _one_shot(json.JSONEncoder(ensure_ascii=False))


def _digest(values: list) -> str:
    blob = _ENCODE_SORTED(values)
    return hashlib.sha1(blob.encode("utf-8", "surrogatepass")).hexdigest()


def record_hash(rec: dict) -> str:
    """The hash of the versioned fields; a late field (`LATE_VERSIONED`) counts only when set, so
    hashes stored before it existed stay valid."""
    values = list(map(rec.get, _FIRST_VERSIONED))
    for f in LATE_VERSIONED:
        if rec.get(f) is not None:
            values.append([f, rec[f]])
    return _digest(values)


def vendor_hash(rec: dict) -> str:
    return _digest(list(map(rec.get, VENDOR_HASHED)))


def chem_key(rec: dict) -> str:
    """Same chemical text -> same key: chemistry results are cached and rescanned by it. The
    page-kind words of the listing's address ("/wiki/", "/product/", chem.genre.url_words) are
    part of it, since they change the result; the rest of the address is not (the same text on
    two product pages is one key). A listing whose address names no section keeps the key of
    its text alone."""
    values = [rec.get(f) or None for f in CHEM_FIELDS]
    hints = url_words(rec.get("url"))
    return _digest([*values, hints] if hints else values)


def chem_input(rec: dict, key: str | None = None) -> dict:
    """The dict `chem.matcher.Matcher` reads (the address for its page-kind words)."""
    return {
        "id": key or chem_key(rec),
        "title": rec.get("title"),
        "name": rec.get("product_name"),
        "cas": rec.get("cas"),
        "smiles": rec.get("smiles"),
        "description": rec.get("description"),
        "url": rec.get("url"),
    }


def to_json(value: Any) -> str | None:
    """Lists/dicts as JSON text (Datasette shows JSON arrays and can facet by them)."""
    if value is None or value == [] or value == {}:
        return None
    return _ENCODE(value)


_VENDOR_LISTS = ("phones", "emails", "badges")


def merge_vendor(old: dict, new: dict) -> dict:
    """One vendor record from two sightings: lists and handles united, a value kept unless the
    newer record gives one (a product page's seller box must not erase the supplier page)."""
    out = {**old}
    for key, value in new.items():
        if key in _VENDOR_LISTS:
            out[key] = list(dict.fromkeys([*(old.get(key) or []), *(value or [])]))
        elif key == "handles":
            merged = {k: list(v) for k, v in (old.get("handles") or {}).items()}
            for service, ids in (value or {}).items():
                merged[service] = list(dict.fromkeys([*merged.get(service, []), *ids]))
            out[key] = merged
        elif value not in (None, "", [], {}):
            out[key] = value
    return out
