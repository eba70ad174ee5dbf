"""Contact identifiers in one normalized form, so the same phone written two ways links vendors.

Phones become E.164 (phonenumbers), emails lower case, websites their registered domain
(tldextract, offline: bundled suffix list only), messaging handles lower case without `@`,
cryptocurrency addresses (handles keyed by chain) `chain:address` of kind "wallet", and
addresses a folded, punctuation-free string.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import phonenumbers
import tldextract

DATA_DIR = Path(__file__).parent / "data"
PHONE_HANDLES = {"whatsapp", "viber", "signal", "phone", "tel", "mobile"}
# Payment addresses the parsers report by chain (scrapers/parsers/wallets.py): vendor identifiers
# of kind "wallet", value "chain:address", so two storefronts paid into one wallet are linked.
WALLET_CHAINS = {"bitcoin", "ethereum", "tron"}
MIN_ADDRESS_CHARS = 15
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_SPECIAL = str.maketrans({"ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "ł": "l", "đ": "d",
                          "ð": "d", "þ": "th", "ı": "i"})
_ADDRESS_WORDS = {
    "road": "rd", "street": "st", "avenue": "ave", "building": "bldg", "room": "rm",
    "floor": "fl", "district": "dist", "province": "prov", "no": "", "number": "",
}


@lru_cache(maxsize=1)
def _extractor() -> tldextract.TLDExtract:
    # Offline: no suffix-list download, the snapshot bundled with tldextract; no cache files.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None,
                                 include_psl_private_domains=True)


@lru_cache(maxsize=1)
def shared_hosts() -> frozenset[str]:
    lines = (DATA_DIR / "shared_hosts.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(s.strip().lower() for s in lines if s.strip() and not s.startswith("#"))


@lru_cache(maxsize=1)
def _regions() -> dict[str, str]:
    with (DATA_DIR / "countries.csv").open(encoding="utf-8", newline="") as fh:
        return {r["name"]: r["region"] for r in csv.DictReader(fh)}


def region_for(country: str | None) -> str | None:
    """ISO region code for a country as vendors write it ("China", "CN", "中国")."""
    if not country:
        return None
    c = " ".join(country.strip().lower().split())
    if len(c) == 2 and c.isascii() and c.isalpha() and c != "us":
        return c.upper()
    return _regions().get(c)


def fold(text: str) -> str:
    """unidecode-lite: NFKC, strip accents, a few special letters; CJK kept as is."""
    text = unicodedata.normalize("NFKC", text).lower().translate(_SPECIAL)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalize_phone(raw: str, country: str | None = None) -> str | None:
    """E.164 where the number parses; else its digits (still links identical numbers)."""
    text = str(raw).strip()
    digits = re.sub(r"\D", "", text)
    if len(digits) < 6:
        return None
    candidates = []
    if text.lstrip("( ").startswith("+"):
        candidates.append(("+" + digits, None))
    elif digits.startswith("00"):
        candidates.append(("+" + digits[2:], None))
    else:
        region = region_for(country)
        if region:
            candidates.append((text, region))
        candidates.append(("+" + digits, None))
    for number, region in candidates:
        try:
            parsed = phonenumbers.parse(number, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(parsed) or (
            region is None and number == candidates[0][0]
            and phonenumbers.is_possible_number(parsed)
        ):
            return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return digits


def normalize_email(raw: str) -> str | None:
    value = str(raw).strip().lower()
    if value.startswith("mailto:"):
        value = value[7:]
    value = value.split("?")[0].strip(" <>;,")
    return value if _EMAIL.match(value) else None


def normalize_domain(raw: str) -> str | None:
    """Registered domain of a website; the full host for storefronts on shared platforms."""
    value = str(raw).strip().lower()
    if not value:
        return None
    ext = _extractor()(value)
    registered = ext.top_domain_under_public_suffix
    if not registered:
        return _reserved_domain(value)
    if registered in shared_hosts():
        host = ".".join(p for p in (ext.subdomain, registered) if p)
        host = re.sub(r"^(www|m|en)\.", "", host)
        return host if host != registered else None
    return registered


_RESERVED_TLDS = ("example", "test", "invalid", "localhost")  # RFC 2606/6761: not in the PSL


def _reserved_domain(value: str) -> str | None:
    """The last two labels of a host under a reserved test TLD (the bundled sample sites)."""
    host = re.sub(r"^[a-z]+://", "", value).split("/")[0].split(":")[0]
    labels = [x for x in host.split(".") if x]
    if len(labels) >= 2 and labels[-1] in _RESERVED_TLDS:
        return ".".join(labels[-2:])
    return None


def normalize_handle(raw: str) -> str | None:
    value = fold(str(raw)).strip().lstrip("@").strip()
    value = re.sub(r"^(https?://)?(t\.me|telegram\.me)/", "", value)
    value = re.sub(r"\s+", "", value)
    return value or None


def normalize_wallet(chain: str, raw: str) -> str | None:
    """`chain:address` for a cryptocurrency address a parser kept (its checksum held): Ethereum
    and bech32 addresses lower-cased (case carries no identity there), base58 ones as written
    (case is part of the address)."""
    value = re.sub(r"\s+", "", str(raw))
    if not value or not re.fullmatch(r"[0-9A-Za-z]{25,90}", value):
        return None
    if chain == "ethereum" or value.lower().startswith("bc1"):
        value = value.lower()
    return f"{chain}:{value}"


def normalize_address(raw: str) -> str | None:
    words = re.sub(r"[^\w]+", " ", fold(str(raw))).split()
    words = [_ADDRESS_WORDS.get(w, w) for w in words]
    value = " ".join(w for w in words if w)
    return value if len(value) >= MIN_ADDRESS_CHARS else None


def vendor_identifiers(rec: dict) -> list[tuple[str, str, str, str]]:
    """(kind, normalized value, raw, source) for every contact a vendor record carries."""
    out: list[tuple[str, str, str, str]] = []
    country = rec.get("country")
    for raw in rec.get("phones") or []:
        if value := normalize_phone(raw, country):
            out.append(("phone", value, str(raw), "phones"))
    for raw in rec.get("emails") or []:
        if value := normalize_email(raw):
            out.append(("email", value, str(raw), "emails"))
    if rec.get("website") and (value := normalize_domain(rec["website"])):
        out.append(("domain", value, str(rec["website"]), "website"))
    for kind, values in (rec.get("handles") or {}).items():
        kind = str(kind).strip().lower()
        for raw in values if isinstance(values, list) else [values]:
            if kind in PHONE_HANDLES:
                value = normalize_phone(raw, country)
                if value:
                    out.append(("phone", value, str(raw), kind))
            elif kind in WALLET_CHAINS:
                if value := normalize_wallet(kind, raw):
                    out.append(("wallet", value, str(raw), "handles"))
            elif value := normalize_handle(raw):
                out.append((kind, value, str(raw), "handles"))
    if rec.get("address") and (value := normalize_address(rec["address"])):
        out.append(("address", value, str(rec["address"]), "address"))
    seen: set[tuple[str, str]] = set()
    unique = []
    for kind, value, raw, source in out:
        if (kind, value) not in seen:
            seen.add((kind, value))
            unique.append((kind, value, raw, source))
    return unique
