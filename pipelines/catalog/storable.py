"""The one boundary every record crosses before the catalog: text made storable, types checked.

SQLite (and UTF-8) cannot hold a lone surrogate (`"\\ud800"`, valid JSON, found in real JSON-LD);
a NUL cuts text short in many tools. In free text both are replaced by U+FFFD and the change is
recorded on the record (`repairs`: ["title: 1 lone surrogate replaced", ...]). Identity fields
(platform, ids, URLs) are never repaired: two different ids must not become one, so such a record
is an error. A text field given as an object or list ("title": {...}) is an error for that record;
numbers and booleans given for text become text. Integers SQLite cannot hold (beyond 64 bits)
become text too.
"""

from __future__ import annotations

import re
from typing import Any

REPLACEMENT = "\ufffd"
_BAD = re.compile("[\ud800-\udfff\x00]")
_SURROGATE = re.compile("[\ud800-\udfff]")
IDENTITY_FIELDS = ("platform", "listing_id", "vendor_id", "url", "profile_url")
# Fields whose value is a list of strings / an object of lists (checked in pipelines.validate).
STRUCTURED_FIELDS = ("shipping_claims", "payment_claims", "phones", "emails", "badges",
                     "handles", "chemistry", "repairs", "truncated")
MAX_INT = 2**63 - 1
_TEXT_LISTS = frozenset(STRUCTURED_FIELDS) - {"chemistry"}  # may be a list of text as it is


class Unstorable(ValueError):
    """A record that cannot be stored as it is; the message says which field and why."""


def has_unstorable(text: str) -> bool:
    return _BAD.search(text) is not None


def clean_text(text: str) -> tuple[str, str | None]:
    """(storable text, what was changed or None).

    >>> clean_text("NPP\\ud800 99%")
    ('NPP\\ufffd 99%', '1 lone surrogate replaced')
    >>> clean_text("a\\x00b")
    ('a\\ufffdb', '1 NUL replaced')
    >>> clean_text("plain")
    ('plain', None)
    """
    if _BAD.search(text) is None:
        return text, None
    surrogates = len(_SURROGATE.findall(text))
    nuls = text.count("\x00")
    notes = []
    if surrogates:
        notes.append(f"{surrogates} lone surrogate{'s' if surrogates > 1 else ''} replaced")
    if nuls:
        notes.append(f"{nuls} NUL{'s' if nuls > 1 else ''} replaced")
    return _BAD.sub(REPLACEMENT, text), ", ".join(notes)


def _clean_value(value: Any, path: str, repairs: list[str]) -> Any:
    """Strings anywhere inside lists/dicts cleaned (dict keys too)."""
    if isinstance(value, str):
        out, note = clean_text(value)
        if note:
            repairs.append(f"{path}: {note}")
        return out
    if isinstance(value, list | tuple):
        return [_clean_value(v, f"{path}[{i}]", repairs) for i, v in enumerate(value)]
    if isinstance(value, dict):
        return {_clean_value(str(k), path, repairs): _clean_value(v, f"{path}.{k}", repairs)
                for k, v in value.items()}
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INT:
        repairs.append(f"{path}: integer too large for SQLite, kept as text")
        return str(value)
    return value


def make_storable(rec: dict) -> dict:
    """The record with every string storable and text fields as text; raises `Unstorable`.

    `repairs` (a list, only when something changed) says what was replaced. The input record is
    not modified."""
    repairs: list[str] = list(rec.get("repairs") or [])
    out: dict = {}
    # The common case: text, lists of text (structured fields), None and floats are taken as
    # they are, and their names and text checked all at once.
    texts: list[str] = []
    for key, value in rec.items():
        if key == "repairs":
            continue
        kind = type(value)
        if type(key) is str and (
                kind is str or value is None or kind is float
                or (kind is list and key in _TEXT_LISTS
                    and all(type(v) is str for v in value))):
            out[key] = value
            texts.append(key)
            if kind is str:
                texts.append(value)
            elif kind is list:
                texts.extend(value)
        else:
            out[key] = _storable_field(key, value, repairs)
    if _BAD.search("".join(texts)) is not None:  # rare: find and handle the field(s)
        for key, value in list(out.items()):
            if type(value) in (str, list) or value is None or type(value) is float:
                out[key] = _storable_field(key, value, repairs)
    if repairs:
        out["repairs"] = repairs
    return out


def _storable_field(key, value, repairs: list[str]):
    if not isinstance(key, str) or has_unstorable(key):
        raise Unstorable(f"field name {key!r} is not storable text")
    if value is None or isinstance(value, float):
        return value
    if key in IDENTITY_FIELDS:
        if isinstance(value, dict | list | tuple):
            raise Unstorable(f"{key} is {_kind(value)}, not text")
        value = value if isinstance(value, str) else str(value)
        if has_unstorable(value):
            raise Unstorable(f"{key} contains a lone surrogate or NUL")
        return value
    if key not in STRUCTURED_FIELDS and isinstance(value, dict | list | tuple):
        raise Unstorable(f"{key} is {_kind(value)}, not text")
    if isinstance(value, bool) and key != "instructions_offered":
        value = str(value).lower()
    elif isinstance(value, int) and key not in STRUCTURED_FIELDS and (
            key != "price_amount" or abs(value) > MAX_INT):
        value = str(value)
    if isinstance(value, list) and all(type(v) is str and not has_unstorable(v) for v in value):
        return value
    return _clean_value(value, key, repairs)


def _kind(value: Any) -> str:
    return "an object" if isinstance(value, dict) else "a list"
