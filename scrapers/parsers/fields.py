"""Small helpers the site parsers share: safe HTML loading, text, links, labelled values, contacts.

Everything here tolerates broken input: an empty, truncated or hostile page gives empty results,
never an exception. Script, style and template content is removed before any text is read, so
nothing a page runs can leak into an item field.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html
from price_parser import Price

from chem.cas import find_cas, find_partial_cas
from scrapers.parsers import urls

_INVISIBLE = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg")
_BLOCKS = {"p", "div", "li", "ul", "ol", "tr", "td", "th", "dt", "dd", "table", "br", "h1", "h2",
           "h3", "h4", "h5", "h6", "section", "article", "header", "footer", "form", "dl", "hr"}
# Characters lxml cannot hold in a tree (NUL, other C0 controls, lone surrogates): replaced.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
# A page saved through a string repr keeps its line breaks as the two characters "\n": between
# tags and words they are whitespace, so they are read as such (never inside a word).
_ESCAPED_WS = re.compile(r"(?<=[\s>])(?:\\[nrt])+|(?:\\[nrt])+(?=[\s<]|$)")


# lxml.html's parser picks each element's Python class by calling back into Python (form fields
# get classes of their own) every time an element is touched: a long page touches millions.
# The parsers use no form-field methods, so every element is a plain HtmlElement, chosen in C.
_PARSER = lxml.html.HTMLParser()
_PARSER.set_element_class_lookup(lxml.etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction, entity=lxml.html.HtmlEntity))


def load(html: str | None) -> lxml.html.HtmlElement:
    """Parse `html` into an element tree without scripts, styles or comments (never raises)."""
    given = html
    html = _NOT_XML.sub("\ufffd", html) if html else html
    escaped = bool(html) and "\\n" in html
    html = _ESCAPED_WS.sub("\n", html) if escaped else html
    try:
        root = lxml.html.fromstring(html or "<html></html>", parser=_PARSER)
    except (lxml.etree.ParserError, ValueError):
        root = lxml.html.fromstring("<html></html>", parser=_PARSER)
    if given and not escaped:  # the tree `_jsonld_blocks` would parse again: read it now
        _remember_jsonld(given, tuple(str(x) for x in _LD_JSON(root)))
    # One walk of the document for every invisible tag and comment, in document order (an XPath
    # union of "//tag" paths walks it once per tag, then sorts); nodes without a parent (the
    # top element, comments beside it) stay, as before.
    for el in list(root.getroottree().getroot().iter(*_INVISIBLE, lxml.etree.Comment)):
        if el.getparent() is not None:
            el.drop_tree()
    for sup in root.iter("sup", "span"):
        _superscript_cents(sup)
    # Line breaks at block boundaries, so adjacent blocks never run together in text_content().
    for el in root.iter(*_BLOCKS):
        el.text = "\n" + (el.text or "")
        el.tail = "\n" + (el.tail or "")
    return root


@functools.lru_cache(maxsize=1024)
def _xp(expression: str) -> lxml.etree.XPath:
    """`expression` compiled once (an XPath string given to .xpath() is compiled on every call);
    `_xp(e)(el)` returns what `el.xpath(e)` returns and raises the same XPathError family."""
    return lxml.etree.XPath(expression)


_TWO_DIGITS = re.compile(r"\d{2}")
_ENDS_IN_DIGIT = re.compile(r"\d$")
_PRICE_WORDS = re.compile(r"price|cena|preis|precio|prix|prezzo|pre[cç]o|pret|amount", re.I)


def _superscript_cents(sup) -> None:
    """'173<sup>34</sup> Lei' is 173,34 lei and '$249<span>99</span>' is $249.99: two digits
    set apart (raised or styled) right after a price's whole number are its decimals, so they
    get the decimal mark the text lacks (a comma when the whole number already groups
    thousands with a dot, else a dot). Only inside a price element: an exponent
    ('10<sup>23</sup>') elsewhere stays as it is."""
    digits = (sup.text or "").strip()
    if not _TWO_DIGITS.fullmatch(digits):
        return  # (most spans: decided before their neighbours are read)
    before = sup.getprevious()
    head = (before.tail if before is not None else sup.getparent().text) or ""
    if len(sup) or not _ENDS_IN_DIGIT.search(head):
        return
    holders = [sup.getparent(), *list(sup.getparent().iterancestors())[:2]]
    if not any(_PRICE_WORDS.search(str(x.get("class") or "")) for x in holders):
        return
    mark = "," if "." in head.split()[-1] else "."
    sup.text = mark + digits


def has_class(name: str) -> str:
    """XPath predicate body: the element's class list contains exactly `name`."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def texts(root, xpath: str) -> list[str]:
    """Cleaned, de-duplicated texts of every node an XPath selects."""
    try:
        return unique(text(node) for node in _xp(xpath)(root))
    except lxml.etree.XPathError:
        return []


def first_line(root, xpath: str) -> str | None:
    """The first non-empty line of the first node an XPath selects (stops at a nested block)."""
    try:
        found = _xp(xpath)(root)
    except lxml.etree.XPathError:
        return None
    for node in found:
        raw = node if isinstance(node, str) else node.text_content()
        for line in raw.split("\n"):
            value = clean(line)
            if value:
                return value
    return None


def clean(value: str | None) -> str | None:
    """Collapse whitespace (incl. NBSP and ideographic spaces); empty -> None."""
    if value is None:
        return None
    # str.split() breaks at exactly the characters `\s` matches (str.isspace(), U+3000 and
    # NBSP included; tests check): whitespace runs collapsed and the ends stripped, in C.
    out = " ".join(value.split())
    return out or None


def text(el) -> str | None:
    """Visible text of an element (or a string result of an XPath), cleaned."""
    if el is None:
        return None
    if isinstance(el, str):
        return clean(el)
    return clean(el.text_content())


def first(root, xpath: str) -> str | None:
    """Cleaned text of the first node an XPath selects."""
    try:
        found = _xp(xpath)(root)
    except lxml.etree.XPathError:
        return None
    for node in found if isinstance(found, list) else [found]:
        value = text(node)
        if value:
            return value
    return None


# A site-absolute path ("/item/123-x.html") that urljoin takes as it is: no scheme, host, query,
# fragment, parameters or dot segments (no "/." in it), nothing urlsplit strips or removes.
PLAIN_PATH = re.compile(r"/(?!/)[A-Za-z0-9_\-~%!$&'()*+,=:@/.]*")


@functools.lru_cache(maxsize=65536)  # a long list repeats its links; urljoin is the cost
def absolute(base: str, href: str | None) -> str | None:
    """An http(s) URL for `href` relative to `base`; javascript:, mailto: etc. -> None."""
    if not href:
        return None
    href = href.strip()
    if PLAIN_PATH.fullmatch(href) and "/." not in href:
        parts = urls.split(base)  # what urljoin gives such a path, without its general walk
        if parts.scheme in ("http", "https") and parts.netloc:
            return f"{parts.scheme}://{parts.netloc}{href}"
    url = urljoin(base, href)
    return url if urls.split(url).scheme in ("http", "https") else None


def same_host(url: str | None, host_suffix: str) -> bool:
    host = (urlsplit(url).hostname or "") if url else ""
    return host == host_suffix or host.endswith("." + host_suffix)


def labelled(root) -> dict[str, str]:
    """Label -> value pairs from `th/td`, `dt/dd`, two-cell rows and `<li>Label: value</li>` lines.

    Labels are lower-cased and stripped of trailing colons (ASCII and full-width); the first value
    for a label wins.
    """
    pairs: dict[str, str] = {}

    def add(label: str | None, value: str | None) -> None:
        label = clean(label)
        value = clean(value)
        if label and value:
            key = label.rstrip(":：").strip().lower()
            if key and len(key) <= 40:
                pairs.setdefault(key, value)

    for row in _xp("//tr")(root):
        cells = _xp("./th|./td")(row)
        if len(cells) == 2 or (len(cells) == 4 and cells[0].tag == cells[2].tag == "th"):
            for i in range(0, len(cells) - 1, 2):
                add(text(cells[i]), text(cells[i + 1]))
    for dt in _xp("//dt")(root):
        dd = dt.getnext()
        if dd is not None and dd.tag == "dd":
            add(text(dt), text(dd))
    for li in _xp("//li|//p|//div[not(*)]|//span[@class='label']/..")(root):
        line = text(li)
        if line and len(line) < 200:
            m = re.match(r"^([^:：]{1,40})[:：]\s*(.+)$", line)
            if m:
                add(m.group(1), m.group(2))
    return pairs


def pick(pairs: dict[str, str], *labels: str) -> str | None:
    """The value of the first label present (exact match first, then a label that starts so)."""
    for label in labels:
        if label in pairs:
            return pairs[label]
    for label in labels:
        for key, value in pairs.items():
            if key.startswith(label):
                return value
    return None


def cas_as_written(value: str | None) -> str | None:
    """The first CAS number in `value` exactly as the vendor wrote it (full or partial)."""
    if not value:
        return None
    found = find_cas(value) or find_partial_cas(value)
    if not found:
        return None
    written = found[0].written
    # find_cas reports the NFKC/dash-normalised span; give back the original characters.
    start = _locate(value, written)
    return value[start : start + len(written)].strip() if start is not None else written.strip()


def _locate(original: str, normalised_span: str) -> int | None:
    """Index in `original` where `normalised_span` starts once NFKC-normalised (same length)."""
    norm = unicodedata.normalize("NFKC", original)
    if len(norm) != len(original):
        return None
    dashes = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
    norm = norm.translate(str.maketrans({d: "-" for d in dashes}))
    idx = norm.find(normalised_span)
    return idx if idx >= 0 else None


def price(value: str | None) -> tuple[float | None, str | None]:
    """(amount, currency) from a price text such as 'US $12-50 / kg' or '￥800/千克'."""
    if not value:
        return None, None
    parsed = Price.fromstring(value)
    amount = float(parsed.amount) if parsed.amount is not None else None
    currency = parsed.currency
    if currency in ("$", "US $", "US$", "USD$"):
        currency = "USD"
    elif currency in ("￥", "¥", "RMB", "元"):
        currency = "CNY"
    elif currency == "€":
        currency = "EUR"
    return amount, currency


_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_PHONE = re.compile(r"(?<![\w/])\+?\(?\d[\d ()\-.]{6,}\d(?![\w/])")
# CAS numbers, also several written without a space between them ("18162-48-6872-50-4")
_CAS_RUN = re.compile(r"(?<![\d-])(?:\d{2,7}-\d{2}-\d)+(?![\d-])")
_HANDLES = {
    "whatsapp": re.compile(r"\b(?:whats\s*app|wa)\b\s*[:：]?\s*(\+?[\d][\d \-]{6,}\d)", re.I),
    "wechat": re.compile(r"(?:we\s*chat|微信)\s*(?:id)?\s*[:：]?\s*([A-Za-z0-9_+\-]{5,})", re.I),
    "telegram": re.compile(r"\b(?:telegram|tg)\b\s*[:：]?\s*(@?[A-Za-z0-9_]{4,})", re.I),
    "skype": re.compile(r"\bskype\s*[:：]?\s*([A-Za-z0-9_.:\-]{4,})", re.I),
    "qq": re.compile(r"\bqq\s*[:：]?\s*(\d{5,12})", re.I),
}


def emails(value: str | None) -> list[str]:
    return unique(m.group(0) for m in _EMAIL.finditer(value or ""))


# Numbers written like phones that are something else: a date ("01.07.2020", "2-12-2020",
# "2020/11/21"), a postal code ("3000-164", "76-80 3000-164", "04730-090"), a span of years,
# a CAS number, a fraction.
_NOT_PHONE = re.compile(
    r"\d{4}-\d{2}-\d{2}|\d{2,7}-\d{2}-\d|(?:19|20)\d\d\s*[-–]\s*(?:19|20)\d\d|"
    r"(?:0?[1-9]|[12]\d|3[01])([./-])(?:0?[1-9]|1[0-2])\1(?:19|20)\d\d|"
    r"(?:19|20)\d\d([./-])(?:0?[1-9]|1[0-2])\2(?:0?[1-9]|[12]\d|3[01])|"
    r"(?:\d{1,4}(?:-\d{1,4})?\s+)?\d{4,5}-\d{3}|"  # (a house number, then) a postal code
    r"\d{1,3}\.\d{6,}")  # a fraction: an average rating "4.757894736842105"
# A number right after the label of an identifier (a product or article number, a barcode, a
# book number, an ad or item number, a company's tax or trade-register number) is that
# identifier, whatever its digits look like: "Cod produs: 5099873388655", "Artikel-Nr.
# 2800395267", "Nr ref. 82514129", "ISBN: 978…", "CUI: 14399840", "Anzeige: 200532255".
_ID_LABEL = re.compile(
    r"(?:\b(?:ean|gtin|upc|isbn|issn|mpn|sku|asin|ref|réf|art|artikel|cod|code|código|kod|"
    r"model|anzeige|cui|cif|nif|nip|regon|krs|ico|ičo|dič|oib|cnpj|cpf|ogrn|ust|vat|tva|iva|"
    r"reg|registr\w*|katalog\w*|catalog\w*|barcode|produs|produktu|produto|producto|produit|"
    r"артикул|код)\.?(?:[\s.-]*(?:nr|no|n[º°o]|number|nummer|numer|id|#))?\.?|"
    r"\b(?:item|product|produkt|prod|article|order|bestell|ad|listing|deal)\.?"
    r"[\s.-]*(?:nr|no|n[º°o]|number|nummer|numer|id|#)\.?|"
    r"商品編號|商品编号|货号|貨號|编号|編號|登録番号|딜번호|상품번호|등록번호|신고번호|허가번호|"
    r"통신판매업신고)\s*[:：#№]?\s*(?:제\s*)?$", re.I)


def _identifier(before: str) -> bool:
    """True when the text just before a number labels it as an identifier, or glues it to a
    letter code with a hyphen or slash ("浙B2-20120091", "J40/372/2002")."""
    return bool(_ID_LABEL.search(before[-40:]) or re.search(r"[A-Za-z]\d*[-/]$", before))


def phones(value: str | None) -> list[str]:
    """Phone-like numbers as written (7+ digits), without emails' or URLs' digits, dates,
    postal codes or identifiers (product, article, barcode, tax and register numbers)."""
    value = _CAS_RUN.sub(" ", _EMAIL.sub(" ", value or ""))
    out = []
    for m in _PHONE.finditer(value):
        if _identifier(value[max(0, m.start() - 40):m.start()]):
            continue
        whole = m.group(0).strip(" -.")
        # "0571-87562588 87562561": two numbers in one run when the digits are too many for one
        parts = whole.split() if sum(c.isdigit() for c in whole) > 15 else [whole]
        for candidate in (p.strip(" -.()") for p in parts):
            not_phone = _NOT_PHONE.fullmatch(candidate)
            if sum(c.isdigit() for c in candidate) >= 7 and not not_phone:
                out.append(candidate)
    return unique(out)


def labelled_phones(pairs: dict[str, str], *labels: str) -> list[str]:
    """Phone numbers from the values of the given labels, in label order, without duplicates."""
    return unique(p for label in labels for p in phones(pick(pairs, label)))


def handles(value: str | None) -> dict[str, list[str]]:
    """Messaging handles by service: whatsapp, wechat, telegram, skype, qq."""
    found: dict[str, list[str]] = {}
    for service, rx in _HANDLES.items():
        values = unique(m.group(1).strip() for m in rx.finditer(value or ""))
        if values:
            found[service] = values
    return found


# Block pages: CAPTCHA, rate-limit and "checking your browser" answers served instead of content.
_BLOCKED = re.compile(
    r"verify (?:that )?you are (?:a )?human|are you a robot|captcha|access denied|"
    r"too many requests|unusual traffic|checking your browser|enable javascript and cookies|"
    r"请输入验证码|访问过于频繁|访问频率过快|安全验证|滑动验证|人机验证",
    re.I,
)


def blocked(root) -> str | None:
    """A reason when the page is an anti-bot or rate-limit answer rather than content."""
    m = _BLOCKED.search(f"{first(root, '//title') or ''} {text(root) or ''}"[:5000])
    return f"anti-bot or rate-limit page ({m.group(0)})" if m else None


def with_details(vendors: list) -> list:
    """Vendor stubs from product pages that say more than the listing already does (a name and
    id alone add nothing, and an empty record must never stand in for a full profile)."""
    keys = ("phones", "emails", "handles", "website", "country", "city", "address", "badges",
            "years_on_platform")
    return [v for v in vendors if any(getattr(v, k) for k in keys)]


def finish(page, root):
    """Follow links de-duplicated; an item-less, link-less block page becomes "not fetched"."""
    page.follow = unique_follows(page.follow)
    if not (page.listings or page.vendors or page.follow or page.not_fetched):
        page.not_fetched = blocked(root)
    return page


def unique_follows(follows: list) -> list:
    """Follow links without repeated URLs (first kept), in linear time even on huge pages."""
    seen: set[str] = set()
    out = []
    for follow in follows:
        if follow.url not in seen:
            seen.add(follow.url)
            out.append(follow)
    return out


def unique(values) -> list[str]:
    """Non-empty values in first-seen order, without duplicates."""
    seen: dict[str, None] = {}
    for v in values:
        if v:
            seen.setdefault(v, None)
    return list(seen)


_LD_JSON = lxml.etree.XPath("//script[contains(@type,'ld+json')]/text()")
_LOADED_JSONLD: dict[str, tuple[str, ...]] = {}  # page -> its blocks, read by load() (last 4)


def _remember_jsonld(html: str, blocks: tuple[str, ...]) -> None:
    _LOADED_JSONLD.pop(html, None)
    _LOADED_JSONLD[html] = blocks
    while len(_LOADED_JSONLD) > 4:
        del _LOADED_JSONLD[next(iter(_LOADED_JSONLD))]


@functools.lru_cache(maxsize=4)  # the products and the company of one page read it once
def _jsonld_blocks(html: str | None) -> tuple[str, ...]:
    """The texts of a page's `<script type="application/ld+json">` blocks (taken from `load`
    when it parsed the same page: a long page is not parsed twice)."""
    if html and html in _LOADED_JSONLD:
        return _LOADED_JSONLD[html]
    html = _NOT_XML.sub("\ufffd", html) if html else html
    try:
        root = lxml.html.fromstring(html or "<html></html>")
    except (lxml.etree.ParserError, ValueError):
        return ()
    return tuple(str(x) for x in _LD_JSON(root))


def jsonld(html: str | None) -> list[dict]:
    """schema.org objects from `<script type="application/ld+json">` blocks (@graph flattened);
    fresh objects on every call (callers may change them)."""
    out: list[dict] = []
    for block in _jsonld_blocks(html):
        try:
            data = json.loads(block)
        except (ValueError, RecursionError):  # bad JSON, a huge number, nesting too deep
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            obj = stack.pop(0)
            if isinstance(obj, dict):
                out.append(obj)
                graph = obj.get("@graph")
                if isinstance(graph, list):
                    stack.extend(graph)
    return out


def jsonld_product(html: str | None) -> dict | None:
    """The first schema.org Product object on the page, if any."""
    for obj in jsonld(html):
        kind = obj.get("@type")
        if kind == "Product" or (isinstance(kind, list) and "Product" in kind):
            return obj
    return None


def role_rows(root, columns: dict[str, tuple[str, ...]], key_role: str) -> list[dict]:
    """Rows of every table whose header names `key_role`, cells keyed by column role.

    `columns` maps a role to words that identify its header cell (first match wins, in order).
    Each row is {"cells": {role: text}, "anchors": {role: first <a href> element or None},
    "elements": {role: td element}}.
    """
    rows: list[dict] = []
    for table in _xp("//table")(root):
        header = _xp(".//tr[th][1]")(table)
        if not header:
            continue
        roles: dict[int, str] = {}
        for i, cell in enumerate(_xp("./th|./td")(header[0])):
            label = (text(cell) or "").lower()
            for role, words in columns.items():
                if role not in roles.values() and any(w in label for w in words):
                    roles[i] = role
                    break
        if key_role not in roles.values():
            continue
        for tr in _xp(".//tr[td]")(table):
            row: dict = {"cells": {}, "anchors": {}, "elements": {}}
            for i, cell in enumerate(_xp("./td")(tr)):
                role = roles.get(i)
                if role is None:
                    continue
                anchors = _xp(".//a[@href]")(cell)
                row["anchors"][role] = anchors[0] if anchors else None
                row["elements"][role] = cell
                value = text(anchors[0]) if anchors and role == key_role else text(cell)
                if value:
                    row["cells"][role] = value
            if row["cells"]:
                rows.append(row)
    return rows
