"""What the catalog stores of each item, derived from the item dataclasses.

`scrapers/items.py` is the one declaration of a listing's and a vendor's fields. From it come the
catalog's columns (with their SQLite types), the fields a listing version tracks and hashes, the
fields a vendor profile hashes, and the fields stored as JSON. A field that is not a column of its
own is named here with the reason (`LISTING_NOT_COLUMNS`, `VENDOR_NOT_COLUMNS`); the test
`tests/test_item_contract.py` fails when an item field is neither stored nor excluded, so a field
added to an item cannot be silently dropped by the catalog again (as `price_max` was).
"""

from __future__ import annotations

import types
import typing
from dataclasses import fields

from scrapers.items import Listing, Vendor

# Kept in the `evidence` row the record points at (`listings.evidence`,
# `vendor_profiles.evidence`), one row per archived capture, not repeated on each record.
EVIDENCE_FIELDS: dict[str, str] = {
    "fetched_at": "evidence.fetched_at (and the sighting's listings.last_seen / seen_at)",
    "body_sha256": "evidence.sha256",
    "warc_file": "evidence.warc_file",
    "warc_record_id": "evidence.warc_record_id (and evidence.id)",
    "page_url": "evidence.url",
}

# Listing fields that are not `listings` columns of their own, and where they go instead.
LISTING_NOT_COLUMNS: dict[str, str] = {
    **EVIDENCE_FIELDS,
    "vendor_id": "listings.vendor_profile (the profile key platform:vendor_id); the id as written"
                 " is kept in listing_versions.vendor_id",
}
# Vendor fields that are not `vendor_profiles` columns of their own.
VENDOR_NOT_COLUMNS: dict[str, str] = dict(EVIDENCE_FIELDS)

# The natural keys: never versioned or hashed (a different key is a different record).
LISTING_KEY = ("platform", "url", "listing_id")
VENDOR_KEY = ("platform", "vendor_id")
# Listing columns that are not versioned, and why.
LISTING_UNVERSIONED: dict[str, str] = {
    "vendor_name": "the vendor's name is versioned on its vendor profile; the listing row keeps"
                   " the latest as written",
}
# Versioned fields added after catalogs existed: they enter a record's hash only when set, so the
# hashes already stored stay valid (no spurious new version of every listing after an upgrade).
LATE_VERSIONED = ("price_max", "price_basis")


def column_type(annotation) -> type:
    """The SQLite column type of an item field: lists and dicts are JSON text, flags integers."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        annotation = args[0]
    origin = typing.get_origin(annotation) or annotation
    if origin in (list, dict, tuple):
        return str
    if origin is bool:
        return int
    if origin in (int, float, str):
        return origin
    raise TypeError(f"no catalog column type for {annotation!r}")


def _hints(cls) -> dict[str, type]:
    hints = typing.get_type_hints(cls)
    return {f.name: hints[f.name] for f in fields(cls)}


def stored_columns(cls, not_columns: dict[str, str]) -> dict[str, type]:
    """{field: column type} of the item's fields that are columns of their own, in item order."""
    return {name: column_type(tp) for name, tp in _hints(cls).items() if name not in not_columns}


def json_fields(*classes) -> frozenset[str]:
    """Item fields stored as JSON text (lists and dicts)."""
    out = set()
    for cls in classes:
        for name, tp in _hints(cls).items():
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            inner = args[0] if isinstance(tp, types.UnionType) else tp
            if (typing.get_origin(inner) or inner) in (list, dict, tuple):
                out.add(name)
    return frozenset(out)


def typed_fields(cls, kind: type) -> tuple[str, ...]:
    """The item's fields whose value type is `kind` (e.g. float, list)."""
    out = []
    for name, tp in _hints(cls).items():
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        inner = args[0] if isinstance(tp, types.UnionType) and args else tp
        if (typing.get_origin(inner) or inner) is kind:
            out.append(name)
    return tuple(out)


LISTING_COLUMNS = stored_columns(Listing, LISTING_NOT_COLUMNS)
VENDOR_COLUMNS = stored_columns(Vendor, VENDOR_NOT_COLUMNS)

_LISTING_TYPES = {name: column_type(tp) for name, tp in _hints(Listing).items()}
# What a version row tracks: a new version is written only when one of these changes. Order is
# the hash's order: the first fields, then the late ones.
VERSIONED_FIELDS = tuple(
    f for f in _LISTING_TYPES
    if f not in LISTING_KEY and f not in LISTING_UNVERSIONED and f not in EVIDENCE_FIELDS
    and f not in LATE_VERSIONED) + LATE_VERSIONED
VERSIONED_COLUMNS = {f: _LISTING_TYPES[f] for f in VERSIONED_FIELDS}
# What a vendor profile's hash covers (and what a profile row holds of the vendor's text).
VENDOR_HASHED = tuple(f for f in VENDOR_COLUMNS if f not in VENDOR_KEY)
# Stored as JSON text: the item fields that are lists or dicts, plus the record's `repairs`.
JSON_FIELDS = json_fields(Listing, Vendor) | {"repairs"}
# Stored as 0/1.
FLAG_FIELDS = frozenset(typed_fields(Listing, bool) + typed_fields(Vendor, bool))
# Coerced to float by validation (feeds write prices as text or integers).
FLOAT_FIELDS = tuple(dict.fromkeys(typed_fields(Listing, float) + typed_fields(Vendor, float)))
# Lists of strings (validation turns a lone string into a one-item list).
LIST_FIELDS = tuple(dict.fromkeys(typed_fields(Listing, list) + typed_fields(Vendor, list)))
