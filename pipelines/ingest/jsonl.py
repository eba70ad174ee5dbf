"""The one decoding boundary for JSON from outside: file lines (`match`, `ingest`) and Redis queue
entries (`ingest --redis`) are read by the same `parse_line` with the same limits.

Each line becomes a `Line` with either a JSON object or an error saying why it cannot be read:
bytes that are not UTF-8, a line over `MAX_LINE_BYTES`, nesting deeper than `MAX_DEPTH`, a number
longer than `MAX_NUMBER_CHARS` digits, NaN/Infinity, invalid JSON, or a value that is not an
object. Reading is by bytes, one line at a time, so memory stays bounded whatever the file holds.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from pipelines.stop_signal import check_stop

MAX_LINE_BYTES = int(os.getenv("PRECURSOR_WATCH_MAX_LINE_BYTES", 16 * 1024 * 1024))
MAX_DEPTH = 64
MAX_NUMBER_CHARS = 64
EXCERPT_BYTES = 2000
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_BRACKETS = re.compile(r"[\[\]{}]")


@dataclass
class Line:
    lineno: int
    obj: dict | None = None
    error: str | None = None
    excerpt: str | None = None  # for an error: the line's start, bad bytes as \x.. escapes


def _error(lineno: int, message: str, raw: bytes) -> Line:
    return Line(lineno, error=message,
                excerpt=raw[:EXCERPT_BYTES].decode("utf-8", "backslashreplace")
                .encode("utf-8", "backslashreplace").decode("utf-8"))


class _BadNumber(ValueError):
    pass


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_NUMBER_CHARS:
        raise _BadNumber(f"number with {len(text.lstrip('-'))} digits "
                         f"(more than {MAX_NUMBER_CHARS})")
    return int(text)


def _float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise _BadNumber(f"number of {len(text)} characters (more than {MAX_NUMBER_CHARS})")
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise _BadNumber(f"number {text[:20]} out of range")
    return value


def _constant(name: str):
    raise _BadNumber(f"{name} is not JSON")


_DECODER = json.JSONDecoder(parse_int=_int, parse_float=_float, parse_constant=_constant)


def nesting_depth(text: str) -> int:
    """Deepest bracket nesting outside strings (only scanned when brackets are many)."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return 0
    depth = deepest = 0
    for m in _BRACKETS.finditer(_STRING.sub('""', text)):
        if m.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def parse_line(raw: bytes, lineno: int) -> Line:
    """One line of bytes -> a Line (object or error)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _error(lineno, f"invalid UTF-8 at byte {exc.start + 1}", raw)
    if lineno == 1:
        text = text.removeprefix("\ufeff")
    if not text.strip():
        return Line(lineno)
    if (depth := nesting_depth(text)) > MAX_DEPTH:
        return _error(lineno, f"JSON nested {depth} deep (more than {MAX_DEPTH})", raw)
    try:
        obj = _DECODER.decode(text)
    except _BadNumber as exc:
        return _error(lineno, str(exc), raw)
    except json.JSONDecodeError as exc:
        return _error(lineno, f"not JSON ({exc.msg}, column {exc.colno})", raw)
    except (ValueError, RecursionError) as exc:
        return _error(lineno, f"not JSON ({type(exc).__name__}: {str(exc)[:100]})", raw)
    if not isinstance(obj, dict):
        return _error(lineno, "expected a JSON object", raw)
    return Line(lineno, obj)


def parse_entry(raw: bytes, number: int) -> Line:
    """One Redis queue entry (or any standalone JSON document) -> a Line, with the limits of a
    file line: an entry over `MAX_LINE_BYTES` is an error without being decoded."""
    if len(raw) > MAX_LINE_BYTES:
        return _error(number, f"entry of {len(raw)} bytes (more than {MAX_LINE_BYTES})", raw)
    line = parse_line(raw, number)
    if line.obj is None and not line.error:
        return _error(number, "empty entry", raw)
    return line


def read_lines(stream: BinaryIO) -> Iterator[Line]:
    """Every non-blank line of a binary stream, parsed; an over-long line is an error (the rest
    of it is skipped without holding it in memory)."""
    lineno = 0
    while True:
        check_stop()  # a SIGINT/SIGTERM whose own KeyboardInterrupt was swallowed
        raw = stream.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        lineno += 1
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):
                raw = stream.readline(MAX_LINE_BYTES)
            yield Line(lineno, error=f"line longer than {MAX_LINE_BYTES} bytes")
            continue
        line = parse_line(raw, lineno)
        if line.obj is not None or line.error:
            yield line


MATCH_TEXT_FIELDS = ("title", "name", "cas", "smiles", "description")


def match_listing(obj: dict, lineno: int) -> tuple[dict | None, str | None]:
    """A `match` input line as the listing the matcher reads, or (None, error).

    `id` must be text or an integer without lone surrogates or NUL (it is echoed back); text
    fields must be text (numbers are taken as text); unstorable characters in text are replaced
    and listed under `warnings`."""
    from pipelines.catalog.storable import clean_text, has_unstorable

    listing = dict(obj)
    ident = listing.get("id", f"line-{lineno}")
    if isinstance(ident, bool) or not isinstance(ident, str | int):
        return None, f"id is {type(ident).__name__}, not text"
    if isinstance(ident, str) and has_unstorable(ident):
        return None, "id contains a lone surrogate or NUL"
    listing["id"] = ident
    warnings = []
    for key in MATCH_TEXT_FIELDS:
        value = listing.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            return None, f"{key} is {type(value).__name__}, not text"
        text, note = clean_text(str(value))
        if note:
            warnings.append(f"{key}: {note}")
        listing[key] = text
    if warnings:
        listing["warnings"] = warnings
    return listing, None
