"""Shipping and payment claims, and offered instructions, in a listing's own words.

Investigations of precursor sellers quote the same wording again and again: "safe delivery to
Mexico", "100% customs clearance", "door to door", "reship if seized", "in USA warehouse",
"hermetically sealed", "we can change the name of the goods", "we accept BTC/USDT" (see the
project's research notes). Claims are returned as the vendor wrote them; judging them is the
catalog's job.

Some listings offer synthesis or conversion instructions. The tool never keeps that procedural text:
sentences that read like a procedure are cut from the description and `instructions_offered` is
set, so analysts see that instructions were offered without the catalog holding them.
"""

from __future__ import annotations

import dataclasses
import functools
import re

from scrapers.items import Listing
from scrapers.parsers import fastre

_COUNTRY = r"(?:[A-Z]{2,}|[A-Z][a-z]+)"
_COUNTRIES = rf"{_COUNTRY}(?:(?:\s*,\s*|\s*/\s*|\s+and\s+|\s+or\s+){_COUNTRY})*"
_ZH = r"[\u4e00-\u9fff]"

SHIPPING = [
    re.compile(rf"\bsafe(?:ly)?\s+(?:deliver(?:y|ed)?|ship(?:ping|ped)?|arriv(?:al|e))"
               rf"(?:\s+to\s+{_COUNTRIES})?", re.I),
    re.compile(rf"\bship(?:ping)?\s+safely(?:\s+to\s+{_COUNTRIES})?", re.I),
    re.compile(r"(?:100\s*%\s*)?\b(?:pass(?:es|ing)?|clear(?:s|ing)?)\s+(?:the\s+)?customs"
               r"(?:\s+100\s*%)?", re.I),
    re.compile(r"(?:100\s*%\s*)?\bcustoms\s+clearance(?:\s+100\s*%)?", re.I),
    re.compile(r"\bdoor\s*-?\s*to\s*-?\s*door\b", re.I),
    re.compile(r"\bre-?(?:ship|send)(?:ping|ment)?\s+(?:if|when|once)\s+seized\b", re.I),
    re.compile(r"\breship(?:ping|ment)?\s+(?:policy|guarantee|guaranteed)\b", re.I),
    re.compile(rf"\b(?:in\s+(?:the\s+)?)?{_COUNTRIES}\s+warehouses?\b"),
    re.compile(r"\b(?:hermetic(?:ally)?|vacuum)\s+seal(?:ed|ing)?\b", re.I),
    re.compile(r"\bchange\s+the\s+name\s+of\s+(?:the\s+)?goods\b", re.I),
    re.compile(r"\b(?:fake|false)\s+(?:labels?|names?|declarations?)\b", re.I),
    re.compile(r"\bdogs?\s+(?:can\s*not|cannot|can't)\s+(?:sniff|smell)\b|\b(?:sniff|smell|odou?r)"
               r"-?\s?proof\b", re.I),
    re.compile(rf"包清关|双清|门到门|安全(?:送达|到达){_ZH}{{0,6}}|{_ZH}{{1,4}}仓库(?:现货)?|可改名"),
]

PAYMENT = [
    re.compile(r"\b(?:BTC|bitcoin|USDT|tether|ETH|ethereum|XMR|monero|LTC|litecoin|TRC-?20|"
               r"ERC-?20|crypto(?:currency|currencies)?)\b", re.I),
    re.compile(r"\bwestern\s+union\b|\bmoney\s*gram\b|\bpaypal\b|\bwire\s+transfer\b|\bT/T\b|"
               r"\balipay\b|\bwechat\s+pay\b", re.I),
    re.compile(r"比特币|泰达币|虚拟货币"),
]

# An offer of instructions (kept in the text: it is not itself a procedure).
OFFERS = [
    re.compile(r"\b(?:synthesis|synthetic|conversion|converting|reaction|production|"
               r"manufacturing)\s+(?:route|method|instructions?|guide|guidance|procedure|recipe|"
               r"formula|technology|technique|support|process|tutorial)s?\b", re.I),
    re.compile(r"\btechnical\s+(?:support|guidance|assistance)\s+(?:for|on|with)\s+"
               r"(?:the\s+)?(?:conversion|converting|synthesis|reaction|production)\b", re.I),
    re.compile(r"\bhow\s+to\s+(?:make|convert|synthesi[sz]e|produce|cook|extract)\b", re.I),
    re.compile(r"\brecipes?\b", re.I),
    re.compile(r"合成(?:路线|方法|工艺)|转化(?:方法|工艺|教程|指导)|工艺指导|技术指导|配方"),
]
# Each behind a look-ahead on its possible first characters: the same claims, found faster.
SHIPPING, PAYMENT, OFFERS = ([fastre.guarded(rx) for rx in group]
                             for group in (SHIPPING, PAYMENT, OFFERS))

# Procedural text: numbered steps, or lab verbs together with amounts, temperatures or times.
_STEP = re.compile(r"\bstep\s*\d+\b|第[一二三四五六七八九十\d]+步", re.I)
_VERBS = re.compile(r"\b(?:add(?:ed|ing)?|stir(?:red|ring)?|reflux(?:ed|ing)?|heat(?:ed|ing)?|"
                    r"cool(?:ed|ing)?|filter(?:ed|ing)?|evaporat\w*|distil\w*|extract(?:ed|ing)?|"
                    r"dissolv\w*|wash(?:ed|ing)?|dr(?:y|ied)|react(?:ed|ing)?|crystalli[sz]\w*|"
                    r"acidif\w*|basif\w*|hydroly[sz]\w*|neutrali[sz]\w*|dropwise)\b|"
                    r"加入|搅拌|回流|加热|冷却|过滤|蒸馏|萃取|溶解|洗涤|干燥|结晶", re.I)
_AMOUNT = re.compile(r"\d+(?:\.\d+)?\s*(?:ml|mL|l|L|g|kg|mol|mmol|°C|℃|hours?|hrs?|h|min(?:utes)?)"
                     r"(?![A-Za-z])")
# Sentence ends: ASCII punctuation before whitespace (not "99.5%"), or CJK punctuation.
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|(?<=[。！？；])")
REDACTED = "[procedural text removed]"


@dataclasses.dataclass(frozen=True)
class Claims:
    shipping: list[str]
    payment: list[str]
    instructions_offered: bool
    description: str | None  # the description without procedural sentences


_GROUPS = {"shipping": SHIPPING, "payment": PAYMENT, "offers": OFFERS}


def _one_search(patterns: list[re.Pattern]):
    """A test whether any of `patterns` matches somewhere in a text: those of one flag set as
    one alternation (guarded), so a text without any claim (most) is scanned once per flag
    set instead of once per pattern. Patterns with back-references stay on their own."""
    by_flags: dict[int, list[str]] = {}
    alone = []
    for rx in map(fastre.original, patterns):
        if re.search(r"\\\d|\(\?P=", rx.pattern):
            alone.append(rx)
        else:
            by_flags.setdefault(rx.flags & ~re.UNICODE, []).append(f"(?:{rx.pattern})")
    tests = [fastre.guarded(re.compile("|".join(parts), flags))
             for flags, parts in by_flags.items()] + alone
    return lambda text: any(rx.search(text) for rx in tests)


def _scan_group(group: str, text: str) -> tuple[str, ...]:
    """One group's claims in one text, as written, in the order its patterns find them."""
    if not _ANY[group](text):
        return ()
    out = []
    for rx in _GROUPS[group]:
        for m in rx.finditer(text):
            value = re.sub(r"\s+", " ", m.group(0)).strip(" ,;")
            if value:
                out.append(value)
    return tuple(out)


_ANY = {group: _one_search(patterns) for group, patterns in _GROUPS.items()}
_ANY_CLAIM = _one_search([rx for patterns in _GROUPS.values() for rx in patterns])
# A result list repeats its short fields (packs, prices, stock words) on every card.
_scan_short = functools.lru_cache(maxsize=16384)(_scan_group)


def _matches(group: str, texts: list[str]) -> list[str]:
    found: dict[str, str] = {}
    for text in texts:
        for value in (_scan_short if len(text) <= 200 else _scan_group)(group, text):
            found.setdefault(value.lower(), value)
    # "USA warehouse" adds nothing to "in USA warehouse" found in another field.
    return [v for k, v in found.items() if not any(k != o and k in o for o in found)]


def is_procedural(sentence: str) -> bool:
    """A sentence that reads like a lab procedure (never stored)."""
    if _STEP.search(sentence):
        return True
    verbs = {m.group(0).lower() for m in _VERBS.finditer(sentence)}
    # Three lab operations in one sentence are a procedure even with amounts spelled out.
    return len(verbs) >= 3 or (len(verbs) >= 2 and bool(_AMOUNT.search(sentence)))


def redact(description: str | None) -> tuple[str | None, bool]:
    """(description without procedural sentences, whether any were removed)."""
    if not description:
        return description, False
    kept: list[str] = []
    removed = False
    for sentence in _SENTENCE_END.split(description):
        if is_procedural(sentence):
            if not removed:
                kept.append(REDACTED)
            removed = True
        else:
            kept.append(sentence.strip())
    if not removed:
        return description, False
    text = " ".join(s for s in kept if s).strip()
    return (text or None), True


def scan(description: str | None, *other_texts: str | None) -> Claims:
    """Claims in a description and in other short fields (title, stock, quantity...)."""
    clean, removed = redact(description)
    texts = [t for t in (clean, *other_texts) if t]
    offered = removed or bool(_matches("offers", texts))
    return Claims(_matches("shipping", texts), _matches("payment", texts), offered, clean)


def apply(listing: Listing, *extra_texts: str | None) -> Listing:
    """The listing with its claims filled in and procedural text cut from its description.

    `extra_texts` are page fields the listing has no place for (e.g. "Payment: T/T, USDT").
    A listing without a description and with no claim of any group in its fields (most cards
    of a long result list) is returned as it is: one search of its fields for all groups.
    """
    if not listing.description and isinstance(listing.instructions_offered, bool) and type(
            listing.shipping_claims) is list and type(listing.payment_claims) is list and not any(
            t and _ANY_CLAIM(t) for t in (listing.title, listing.stock, listing.quantity,
                                          listing.min_order, listing.price_text, *extra_texts)):
        return listing  # what the replace below would give: the same values
    found = scan(listing.description, listing.title, listing.stock, listing.quantity,
                 listing.min_order, listing.price_text, *extra_texts)
    return dataclasses.replace(
        listing,
        description=found.description,
        shipping_claims=[*listing.shipping_claims, *(
            c for c in found.shipping if c not in listing.shipping_claims)],
        payment_claims=[*listing.payment_claims, *(
            c for c in found.payment if c not in listing.payment_claims)],
        instructions_offered=listing.instructions_offered or found.instructions_offered,
    )
