"""Prices, purities and pack sizes as vendors write them, in any currency and language.

`amounts(text)` finds every price in a text ("$20.00 – $170.00", "9,00 zł", "￥429.00/kg",
"US $12-50 / kg", "8,89 € *"), `price_range(texts)` turns them into (low, high, currency),
`purity(text)` and `quantity(text)` read an assay and a pack size. Pure functions on strings.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from re import _parser as sre_parse  # the currencies' widest match, from their parse tree

from scrapers.parsers import fastre

_CURRENCIES = [  # (pattern, ISO code); longer symbols first
    (r"US\s?\$|USD\s?\$|USD|U\.S\.\s?\$", "USD"), (r"R\$", "BRL"), (r"C\$|CAD", "CAD"),
    (r"A\$|AUD", "AUD"), (r"HK\$|HKD", "HKD"), (r"S\$|SGD", "SGD"), (r"\$", "USD"),
    (r"€|EUR|Euro", "EUR"), (r"£|GBP", "GBP"), (r"zł|PLN", "PLN"), (r"CHF|Fr\.", "CHF"),
    (r"RMB|CNY|元|人民币", "CNY"), (r"JPY|円", "JPY"), (r"[¥￥]", "CNY"), (r"₽|руб\.?|RUB", "RUB"),
    (r"₹|INR|Rs\.?", "INR"), (r"Kč|CZK", "CZK"), (r"SEK|kr", "SEK"), (r"BRL", "BRL"),
    (r"[Ll]ei|RON", "RON"), (r"тг\.?|₸|KZT|тенге", "KZT"), (r"₴|грн\.?|UAH", "UAH"),
    (r"лв\.?|BGN", "BGN"), (r"HRK|kn", "HRK"), (r"HUF|Ft", "HUF"), (r"₺|TRY", "TRY"),
    (r"SAR|ر\.\s?س\.?|﷼|SR", "SAR"), (r"AED|د\.\s?إ\.?", "AED"),
    (r"฿|THB", "THB"),
    (r"₫|VND", "VND"), (r"Rp\.?|IDR", "IDR"), (r"₱|PHP", "PHP"),
    # Egyptian pound: "EGP 13,499", "L.E 12.00", "LE 34", "جنيه 265", "ج.م"; the Latin
    # abbreviations only in capitals and not closing a word ("le 3 mars", "TABLE 2" are none:
    # `_scan` checks, so that the pattern stays case-blind and `fastre` can guard it)
    (r"EGP|L\.\s?E\.?|LE|ج\.\s?م\.?|جنيه", "EGP"),
    (r"₪|ILS", "ILS"), (r"₩|원|KRW", "KRW"), (r"NT\$|TWD", "TWD"), (r"BYN", "BYN"),
]
_CUR = "|".join(f"(?:{p})" for p, _ in _CURRENCIES)
_NUM = r"\d{1,3}(?:[ \u00a0\u202f.,']\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d+)?"
_RANGE_SEP = r"\s*(?:-|–|—|~|～|to|bis|do|a|à|до|至)\s*"
MONEY_PLAIN = (  # the price pattern as read; MONEY below finds exactly its matches, faster
    rf"(?P<c1>{_CUR})\s*(?P<n1>{_NUM})(?:{_RANGE_SEP}(?:{_CUR})?\s*(?P<n2>{_NUM})(?!\s*%))?"
    rf"|(?P<n3>{_NUM})(?:{_RANGE_SEP}(?P<n4>{_NUM}))?\s*(?P<c2>{_CUR})(?![A-Za-z])")
# Look-aheads that only skip attempts that cannot match (each names a condition every match
# meets): a currency first (c1) starts with one of the currencies' first characters and is
# followed, within the longest currency's width, by optional space and a digit; a currency
# after the figure (c2 and the range's own) starts with one of those characters too. Without
# them every letter of a card tries the ~40 currency alternatives. The digit test is written
# without backtracking: "a digit among the next W characters, or W characters and then
# whitespace up to a digit" (what `(?=[\s\S]{1,W}\s*\d)` says) as one forward walk, the
# first digit within W or the whitespace run at W (a third of the cost at every letter).
_CUR_FIRST = "(?=[" + fastre.first_class(re.compile(_CUR, re.I)) + "])"
_CUR_WIDTH = sre_parse.parse(_CUR, re.I).getwidth()[1]
_CUR_THEN_DIGIT = rf"(?=[\s\S]\D{{0,{_CUR_WIDTH - 1}}}+\s*+\d)"
MONEY = re.compile(
    rf"{_CUR_FIRST}{_CUR_THEN_DIGIT}(?P<c1>{_CUR})\s*(?P<n1>{_NUM})"
    rf"(?:{_RANGE_SEP}(?:{_CUR_FIRST}(?:{_CUR}))?\s*(?P<n2>{_NUM})(?!\s*%))?"
    rf"|(?P<n3>{_NUM})(?:{_RANGE_SEP}(?P<n4>{_NUM}))?\s*{_CUR_FIRST}(?P<c2>{_CUR})(?![A-Za-z])",
    re.I,
)
_DIGIT = re.compile(r"\d")
_ANY_CURRENCY = re.compile(_CUR, re.I)
MONEY, _ANY_CURRENCY = fastre.guarded(MONEY), fastre.guarded(_ANY_CURRENCY)  # same, faster
# A reference price per unit in brackets ("(17,77 € * / 1 L)") is not the offer's price.
# So is one per unit of measure ("$21.59 ($6.12/ounce)", "(EUR 61,20/kg)", "(€1.20 / 100 g)").
_UNIT_REFERENCE = re.compile(
    r"\([^()]*\d[^()]*/\s*\d*\s*(?:[A-Za-zµ]{1,3}|ounces?|oz|count|ct|unit|item|stück|stk|"
    r"gram[ms]?|kilo(?:gram)?s?|lit(?:er|re)s?|fl\.? ?oz|pounds?|pieces?|piece)\.?\s*\)", re.I)


@dataclass(frozen=True)
class Money:
    low: float
    high: float
    currency: str


@functools.lru_cache(maxsize=1024)
def _currency(symbol: str) -> str | None:
    for pattern, code in _CURRENCIES:
        if re.fullmatch(pattern, symbol.strip(), re.I):
            return code
    return None


def number(text: str) -> float | None:
    """'1.234,50' -> 1234.5, '1,234.50' -> 1234.5, '9,00' -> 9.0, '1,000' -> 1000.0."""
    s = re.sub(r"[ \u00a0\u202f']", "", text or "")
    if not s:
        return None
    if "," in s and "." in s:  # the later mark is the decimal one
        comma_decimal = s.rfind(",") > s.rfind(".")
        s = s.replace(".", "").replace(",", ".") if comma_decimal else s.replace(",", "")
    elif "," in s:  # "1,000" groups thousands, "9,00" and "1,5" are decimals
        head, _, tail = s.rpartition(",")
        s = s.replace(",", "") if len(tail) == 3 and head else s.replace(",", ".")
    elif s.count(".") > 1:
        s = s.replace(".", "")
    try:
        return float(s)
    except ValueError:
        return None


def amounts(text: str | None) -> list[Money]:
    """Every price written in `text`, ranges kept as (low, high)."""
    return list(_amounts(text or ""))


# Currencies whose Latin abbreviation is also a word's letters ("LE", "SR"): read only in
# capitals, and a symbol written before the figure only when no letter is glued before it.
_CAPITALS_ONLY = frozenset(("EGP", "SAR"))


def _capital_symbol(text: str, m: re.Match) -> bool:
    symbol = m.group("c1") or m.group("c2") or ""
    if not symbol.isascii():
        return True  # "جنيه", "ر.س", "﷼"
    if symbol != symbol.upper():
        return False  # "le 3 mars", "12 le"
    return not (m.group("c1") and m.start() and text[m.start() - 1].isalpha())  # "TABLE 2"


def has_amount(text: str) -> bool:
    """`bool(amounts(text))` for a text read once (a whole card's): stops at the first price
    and leaves the cache of recurring texts alone. (No separate currency test first: a card
    with figures nearly always has its currency, and MONEY finds none without one.)"""
    if not _DIGIT.search(text):
        return False
    return next(_scan(_UNIT_REFERENCE.sub(" ", text)), None) is not None


def _scan(text: str) -> Iterator[Money]:
    """The amounts of a text whose unit references are blanked, in order."""
    pos = 0
    while (m := MONEY.search(text, pos)) is not None:
        pos = m.end()
        code = _currency(m.group("c1") or m.group("c2") or "")
        if code in _CAPITALS_ONLY and not _capital_symbol(text, m):
            pos = m.end("c1") if m.group("c1") else m.start("c2")
            continue  # ("Article 12,99 €": the figure after 'le' is still read with its €)
        if m.group("n3") and m.start() and text[m.start() - 1].isascii() and \
                text[m.start() - 1].isalpha():
            pos = m.start("c2")  # the sign may still open a price: "MFCD00000001 $1.00"
            continue  # a model code ("HR2670FT", "X100USD"): letters glued before the figure
        first = number(m.group("n1") or m.group("n3") or "")
        upper = m.group("n2") or m.group("n4")
        second = number(upper) if upper else None
        if code is None or first is None:
            continue
        yield Money(first, second if second is not None and second > first else first, code)


@functools.lru_cache(maxsize=65536)  # the same price texts recur across a long result list
def _amounts(text: str) -> tuple[Money, ...]:
    if not _DIGIT.search(text) or not _ANY_CURRENCY.search(text):
        return ()  # most lines of a page: no figure or no currency at all
    text = _UNIT_REFERENCE.sub(" ", text)
    return tuple(_scan(text))


_HEADER_CURRENCY = re.compile(
    rf"(?:price|preis|cena|precio|prix|цена|preço|价格|单价|售价|报价|金额)"
    rf"[^\d]{{0,12}}?[(（\[]?\s*({_CUR})\s*[)）\]]?\s*$", re.I)


def header_currency(text: str | None) -> str | None:
    """The currency a price column's header names: "单价 (RMB)", "Price (USD)", "Preis €"."""
    m = _HEADER_CURRENCY.search((text or "").replace("\u00a0", " ").strip())
    return _currency(m.group(1)) if m else None


def bare_number(text: str | None) -> float | None:
    """A cell that holds one number and nothing else ("263", "1,602.00"), else None."""
    s = (text or "").strip()
    return number(s) if re.fullmatch(_NUM, s) else None


def price_range(texts) -> tuple[float | None, float | None, str | None]:
    """(low, high, currency) over the prices in `texts` (high None when only one price)."""
    found = [m for t in texts for m in amounts(t)]
    found = [m for m in found if m.low > 0]
    if not found:
        return None, None, None
    currency = found[0].currency
    same = [m for m in found if m.currency == currency]
    low = min(m.low for m in same)
    high = max(m.high for m in same)
    return low, (high if high > low else None), currency


_PCT = r"\d{1,3}(?:[.,]\d+)?\s?%"
_PURITY = re.compile(
    rf"(?:(?:≥|>=|>|≧|min\.?|minimum|mind\.|min|not less than|не менее|不低于|≤|<)\s*)?{_PCT}"
    rf"(?:\s*(?:-|–|—|~|to)\s*{_PCT}|\s*(?:-|–|—|~)\s*{_PCT[:-4]})?"
    r"(?:\s*\((?:[A-Za-z]{1,5}|T)\))*"
    rf"|\d{{1,3}}(?:[.,]\d+)?\s*(?:-|–|—)\s*{_PCT}",
    re.I,
)
_SOLUTION = re.compile(r"%\s*(?:in|w/w|w/v|v/v|solution|lösung|roztw|solución|раствор|水溶液|溶液)",
                       re.I)


def purity(text: str | None) -> str | None:
    """The first assay figure in `text` as written ('≥99.7%', '95.0 – 98.0%', '>98.0%(GC)')."""
    if not text or _SOLUTION.search(text):
        return None
    m = _PURITY.search(text)
    return m.group(0).strip() if m else None


_UNIT = (r"mg|g|gr|kg|µg|ug|ml|mL|l|L|lt|lb|lbs|oz|gal|t|ton|tonne|tonnes|mt|MT|pcs|"
         r"ounces?|pounds?|gallons?|lit(?:er|re)s?|grams?|kilograms?|kilos?|"
         r"gallon\s+unit|gramm|liter|stück|stk|szt|sztuk|unidades|pièces|штук|шт|tk|kpl|ks|pz|stuks|"
         r"克|千克|公斤|毫克|毫升|升|吨|кг|г|мл|л")
_QUANTITY = re.compile(
    rf"(?<![\w.,])\d+(?:[.,]\d+)?\s?(?:{_UNIT})(?:\s?[xX×]\s?\d+)?(?![A-Za-z0-9])"
    rf"|(?<![\w.,])\d+\s?[xX×]\s?\d+(?:[.,]\d+)?\s?(?:{_UNIT})(?![A-Za-z0-9])",
    re.I,
)


def quantity(text: str | None) -> str | None:
    """The first pack size in `text` as written ('500ML', '0.5 L', '25 kg', '4 X 950ML')."""
    m = _QUANTITY.search(text or "")
    return m.group(0).strip() if m else None


# ", 95.0 – 98.0%" or "(min. 99,9% Tm2O3/TREO)" closing a name: a qualifier of a few words may
# follow the figure inside the brackets ("zur Analyse", "Tm2O3/TREO", "(GC)").
_TITLE_PURITY = re.compile(rf"(?:,\s*({_PURITY.pattern})\s*|\s*\(\s*({_PURITY.pattern})"
                           rf"(?:\s*,?\s*[^()]{{1,30}})?\s*\))\s*$", re.I)


_NAME_PURITY = re.compile(rf"\s((?:\d{{1,3}}(?:[.,]\d+)?\s*[-–—]\s*)?{_PCT})"
                          rf"(?=\s*(?:$|[-–]\s*[\d.,]+\s?(?:{_UNIT})\s*$))", re.I)
_STRENGTH_WORDS = re.compile(r"solution|lösung|roztw[oó]r|solución|solução|раствор|溶液|"
                             r"\bin\s+(?:water|wasser)|w/v|v/v|w/w", re.I)


def split_title(title: str) -> tuple[str, str | None]:
    """('Sulfuric Acid, ACS Reagent', '95.0 – 98.0%') from 'Sulfuric Acid, ACS Reagent,
    95.0 – 98.0%'; a purity figure the vendor appends to the name becomes the purity. A bare
    percentage at the end of a name ('Nitric Acid 42BE 67.2%', 'Rhodium 99,99% - 1g') is a
    purity from 30% up and when the name says nothing of a solution; lower ones are strengths
    and stay in the name."""
    m = _TITLE_PURITY.search(title)
    if m and not _SOLUTION.search(title[m.start():]):
        head = title[: m.start()].strip(" ,-–")
        if head:
            return head, (m.group(1) or m.group(2)).strip()
    bare = _NAME_PURITY.search(title)
    figure = re.findall(r"\d{1,3}(?:[.,]\d+)?", bare.group(1))[-1] if bare else ""
    if bare and not _STRENGTH_WORDS.search(title) and (number(figure) or 0) >= 30:
        return title, bare.group(1).strip()
    return title, None


# Symbols several countries share, read as the local currency on a site of that country ('$' on
# a .cl shop is the Chilean peso), and countries whose prices group thousands with a dot
# ('$24.990' in Chile is 24 990, never 24.99).
_LOCAL_SYMBOL = {
    "$": {"cl": "CLP", "ar": "ARS", "mx": "MXN", "co": "COP", "uy": "UYU", "ca": "CAD",
          "au": "AUD", "nz": "NZD", "sg": "SGD", "hk": "HKD", "tw": "TWD"},
    "rs": {"pk": "PKR", "lk": "LKR", "np": "NPR"},
    "kr": {"dk": "DKK", "no": "NOK", "is": "ISK"},
    "¥": {"jp": "JPY"}, "￥": {"jp": "JPY"}, "元": {"tw": "TWD", "hk": "HKD"},
}
_DOT_THOUSANDS = {"cl", "ar", "co", "uy", "py", "br", "de", "at", "it", "es", "pt", "nl", "be",
                  "dk", "id", "tr", "ro", "si", "hr", "rs", "gr", "vn"}


def local_reading(text: str | None, country: str | None,
                  amount: float | None) -> Money | None:
    """The first price in `text` (low, high, currency) as a buyer in `country` (a site's
    country-code domain) reads it, when that differs from the country-blind reading whose
    low end is `amount`: a shared symbol names the local currency, and a dot before three
    digits groups thousands where that is the custom. None when it changes nothing."""
    m = MONEY.search(_UNIT_REFERENCE.sub(" ", text or "")) if country else None
    if not m:
        return None
    symbol = (m.group("c1") or m.group("c2") or "").strip().rstrip(".").lower()
    written = [m.group("n1") or m.group("n3") or "", m.group("n2") or m.group("n4") or ""]
    if number(written[0]) != amount:
        return None  # the listing's amount is not this figure: leave it alone
    currency = _LOCAL_SYMBOL.get(symbol, {}).get(country)
    dotted = country in _DOT_THOUSANDS
    low, high = (float(w.replace(".", "")) if dotted and re.fullmatch(r"\d{1,3}(?:\.\d{3})+", w)
                 else number(w) for w in written)
    if currency is None and low == amount:
        return None
    code = currency or _currency(m.group("c1") or m.group("c2") or "") or ""
    return Money(low or 0.0, high if high and low and high > low else (low or 0.0), code)
