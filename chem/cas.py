"""CAS Registry Numbers: check digits and extraction from vendor text.

Vendors write CAS numbers with hyphens, spaces, en-dashes, full-width digits, inside brackets or run
together after "CAS". Only numbers with a valid check digit are accepted.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_DASH_TABLE = str.maketrans({d: "-" for d in _DASHES})

# A separator between CAS blocks: one hyphen or a space, optionally padded by spaces.
_SEP = r"(?:\s*-\s*|\s)"
_CAS_RE = re.compile(rf"(?<![\d-])(\d{{2,7}}){_SEP}(\d{{2}}){_SEP}(\d)(?![\d])")
# "CAS 39742604", "CAS No.: 39742604", "CAS#39742604", "CAS39742604": digits run together.
_CAS_PREFIX = r"\bcas(?:\s*(?:no|number|rn|nr|#|n°)\.?)?\s*[:#.]?\s*"
_RUN_RE = re.compile(_CAS_PREFIX + r"(\d{5,10})(?!\d)", re.IGNORECASE)
# A partial CAS: just the first block after "CAS" ("CAS79099 powder").
_PARTIAL_RE = re.compile(_CAS_PREFIX + r"(\d{4,7})(?!\d)(?![\-\s]*\d{2}[\s\-]+\d\b)", re.IGNORECASE)
_PARTIAL_SUFFIX_RE = re.compile(
    r"(?<![\d.,-])(\d{5,7})\s+(?:powder|oil|liquid|crystal|crystals)\b", re.IGNORECASE
)
_FOUR_DIGITS = re.compile(r"\d{4}")


def normalize_text(text: str) -> str:
    """NFKC (full-width digits to ASCII) and every dash to a hyphen."""
    if text.isascii():
        return text  # NFKC keeps ASCII, and every dash rewritten is outside it
    return unicodedata.normalize("NFKC", text).translate(_DASH_TABLE)


def check_digit_ok(cas: str) -> bool:
    """True when `cas` is `N-NN-N` with a valid check digit.

    >>> check_digit_ok("39742-60-4"), check_digit_ok("1609-66-5")
    (True, False)
    """
    m = re.fullmatch(r"(\d{2,7})-(\d{2})-(\d)", cas.strip())
    if not m:
        return False
    digits = (m.group(1) + m.group(2))[::-1]
    return sum(i * int(d) for i, d in enumerate(digits, start=1)) % 10 == int(m.group(3))


def format_cas(digits: str) -> str:
    """'39742604' -> '39742-60-4' (no validation); too few digits -> '' (never a CAS).

    >>> format_cas("39742604"), format_cas("0")
    ('39742-60-4', '')
    """
    if len(digits) < 5:
        return ""
    return f"{digits[:-3]}-{digits[-3:-1]}-{digits[-1]}"


def normalize_cas(value: str) -> str | None:
    """A single CAS field as written -> canonical `N-NN-N`, or None when it is not a valid CAS."""
    text = normalize_text(value).strip().strip("[]()（）【】")
    m = _CAS_RE.fullmatch(text.strip())
    if m:
        cas = "-".join(m.groups())
    else:
        digits = re.sub(r"\D", "", text)
        if not 5 <= len(digits) <= 10 or re.search(r"[^\d\s\-.]", re.sub(r"(?i)cas", "", text)):
            return None
        cas = format_cas(digits)
    cas = cas.lstrip("0") if not cas.startswith("0-") else cas
    return cas if check_digit_ok(cas) else None


@dataclass(frozen=True)
class CasMention:
    cas: str  # canonical N-NN-N, or the first block for a partial mention
    written: str  # as it appeared in the text
    partial: bool = False


def find_cas(text: str) -> list[CasMention]:
    """Every valid CAS number in free text, in order, without duplicates.

    >>> [m.cas for m in find_cas("CAS No.: 39742-60-4, also (21409 26 7) and CAS 1609665")]
    ['39742-60-4', '21409-26-7']
    """
    if not text:
        return []
    norm = normalize_text(text)
    found: dict[str, CasMention] = {}
    spans: list[tuple[int, int]] = []  # in text order (finditer), so inside() can bisect
    for m in _CAS_RE.finditer(norm):
        first, middle, check = m.groups()
        cas = f"{first.lstrip('0') or '0'}-{middle}-{check}"
        if check_digit_ok(cas):
            found.setdefault(cas, CasMention(cas, m.group(0)))
            spans.append(m.span())
    # Runs never overlap each other (finditer), so only the dashed numbers' spans can hold one.
    for m in _RUN_RE.finditer(norm):
        if _inside(spans, m.start(1)):
            continue
        cas = format_cas(m.group(1).lstrip("0"))
        if cas and check_digit_ok(cas):
            found.setdefault(cas, CasMention(cas, m.group(0)))
    return list(found.values())


def _inside(spans: list[tuple[int, int]], pos: int) -> bool:
    """Whether `pos` falls in one of `spans` (sorted, not overlapping): O(log n), so a page with
    thousands of CAS numbers costs no quadratic scan."""
    i = bisect.bisect_right(spans, (pos, float("inf"))) - 1
    return i >= 0 and spans[i][0] <= pos < spans[i][1]


def find_partial_cas(text: str) -> list[CasMention]:
    """First CAS blocks quoted alone ("CAS79099 powder", "28578 powder"); callers decide meaning."""
    if not text:
        return []
    norm = normalize_text(text)
    if not _FOUR_DIGITS.search(norm):
        return []  # both patterns need a block of four digits or more: most titles have none
    out: dict[str, CasMention] = {}
    full_spans = [m.span() for m in _CAS_RE.finditer(norm)]
    for rx in (_PARTIAL_RE, _PARTIAL_SUFFIX_RE):
        for m in rx.finditer(norm):
            if _inside(full_spans, m.start(1)):
                continue
            block = m.group(1).lstrip("0")
            if len(block) < 4:
                continue  # "CAS 00000": no first block at all
            if rx is _PARTIAL_RE and check_digit_ok(format_cas(m.group(1))):
                continue  # a whole CAS run together, handled by find_cas
            out.setdefault(block, CasMention(block, m.group(0), partial=True))
    return list(out.values())
