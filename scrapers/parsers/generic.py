"""The fallback any parser can call when a page is not what its site parser expects.

Routes, tried in order, each one reading what vendors and marketplaces commonly publish:
1. schema.org Product objects in JSON-LD and microdata (via extruct), including products nested in
   `@graph` and `ItemList` elements;
2. HTML tables whose header names a CAS column (one listing per row);
3. a product page's own spec: its `<h1>` with a CAS in a labelled field ("CAS No.: ...") or in the
   title; with `loose=True` (the spider asked for a product page) the page title and the first CAS
   written anywhere in its text are enough.
Every listing then goes through `claims.apply`: shipping/payment claims are collected and any
procedural (synthesis) text is cut from the description with `instructions_offered` set.
`contacts()` collects phones, emails and messaging handles from contact blocks and from
`tel:`/`mailto:`/`wa.me` links. Built on `fields` and `claims`; nothing here raises on bad HTML.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from urllib.parse import unquote, urlsplit

import extruct

from chem.cas import find_cas, find_partial_cas
from scrapers.items import Listing
from scrapers.parsers import cards, claims, fastre, offers, product, regions
from scrapers.parsers import fields as f
from scrapers.parsers.base import Page

TABLE_COLUMNS = {
    "name": ("product", "name", "chemical"),
    "cas": ("cas",),
    "purity": ("purity", "assay"),
    "price": ("price",),
    "package": ("package", "packing", "quantity"),
}
_MICRODATA = fastre.guarded(re.compile(r"\bitemscope\b", re.I))  # searched over whole pages
_RDFA = fastre.guarded(re.compile(r"\btypeof\s*=|\bvocab\s*=\s*[\"']https?://schema\.org", re.I))
CONTACT_BLOCKS = "//footer | //address | //*[contains(@class,'contact')]"


@functools.lru_cache(maxsize=4)  # the vendor and the products of one page read it once
def microdata(html: str, url: str) -> list[dict]:
    """schema.org objects in microdata and RDFa (extruct, uniform shape); [] on broken markup.
    Each syntax is parsed only when the page uses its attributes (RDFa parsing is slow)."""
    # A marker's letters, case-folded, stand in the case-folded page wherever it matches: a
    # page without them (most) is not searched (a regex over megabytes costs a tenth of a second)
    folded = (html or "").casefold()
    syntaxes = [name for name, marker, words in (("microdata", _MICRODATA, ("temscope",)),
                                                ("rdfa", _RDFA, ("typeof", "vocab")))
                if any(w in folded for w in words) and marker.search(html or "")]
    if not syntaxes:
        return []
    try:
        data = extruct.extract(html or "", base_url=url, syntaxes=syntaxes,
                               uniform=True, errors="ignore")
    except Exception:  # extruct trips on some broken markup: the other routes still run
        return []
    out = [o for o in data.get("microdata", []) if isinstance(o, dict)]
    for o in data.get("rdfa", []):
        if isinstance(o, dict):  # RDFa keys are full IRIs: keep the schema.org ones, short
            short = {k.rsplit("/", 1)[-1]: (v[0].get("@value") if isinstance(v, list) and v
                                            and isinstance(v[0], dict) else v)
                     for k, v in o.items()}
            kinds = [t.rsplit("/", 1)[-1] for t in (o.get("@type") or [])]
            if kinds:
                out.append({**short, "@type": kinds[0] if len(kinds) == 1 else kinds})
    return out


def schema_products(html: str, url: str) -> list[dict]:
    """schema.org Product objects: JSON-LD (each block on its own, so one broken block loses
    nothing else) and microdata (extruct, uniform shape), nested @graph/ItemList included."""
    objects: list = [*f.jsonld(html), *microdata(html, url)]
    out = []
    stack = objects[::-1]
    while stack:
        o = stack.pop()
        if not isinstance(o, dict):
            continue
        kind = o.get("@type")
        if "Product" in (kind if isinstance(kind, list) else [kind]):
            out.append(o)
        elements = o.get("itemListElement")
        for item in (elements if isinstance(elements, list) else [])[::-1]:
            if isinstance(item, dict):
                stack.append(item.get("item") if isinstance(item.get("item"), dict) else item)
    return out


def value(v) -> str | None:
    """A schema.org value as clean text (first of a list, `name`/`@value` of an object)."""
    if isinstance(v, list):
        v = v[0] if v else None
    if isinstance(v, dict):
        v = v.get("name") or v.get("@value")
    return f.clean(str(v)) if v not in (None, "") else None


def _property(product: dict, *names: str) -> str | None:
    props = product.get("additionalProperty")
    for prop in props if isinstance(props, list) else []:
        if isinstance(prop, dict) and (value(prop.get("name")) or "").lower() in names:
            return value(prop.get("value"))
    return None


def table_listings(url: str, root, platform: str, vendor_id: str | None,
                   skip_linked: bool = False) -> list[Listing]:
    """One listing per row of tables with a CAS column. `skip_linked` drops rows that link to
    their own product page (a crawler reads those there instead)."""
    out = []
    for row in f.role_rows(root, TABLE_COLUMNS, "cas"):
        cells = row["cells"]
        name = cells.get("name")
        cas = f.cas_as_written(cells.get("cas"))
        if not name or not cas:
            continue
        anchor = row["anchors"].get("name")
        link = f.absolute(url, anchor.get("href")) if anchor is not None else None
        if skip_linked and link and link.split("#")[0] != url:
            continue
        amount, currency = f.price(cells.get("price"))
        out.append(Listing(
            platform=platform, url=url, listing_id=f"{name}|{cells.get('cas')}", title=name,
            product_name=name, cas=cas, purity=cells.get("purity"),
            price_text=cells.get("price"), price_amount=amount, price_currency=currency,
            quantity=cells.get("package"), vendor_id=vendor_id,
        ))
    return out


def _schema_fields(product: dict) -> dict:
    """The fields a schema.org Product states, in the shape `product.read` merges."""
    offers_ = product.get("offers")
    offer_list = [o for o in (offers_ if isinstance(offers_, list) else [offers_])
                  if isinstance(o, dict)]
    prices = []
    for o in offer_list:
        for key in ("price", "lowPrice", "highPrice"):
            raw = value(o.get(key)) or ""
            amount = offers.number(raw)
            if amount is None and offers.amounts(raw):  # "$15", "€ 12,50": the sign written in
                amount = offers.amounts(raw)[0].low
            if amount:
                prices.append(amount)
    currency = next((value(o.get("priceCurrency")) for o in offer_list
                     if o.get("priceCurrency")), None)
    text = " ".join(x for x in (value(product.get("name")), value(product.get("description")),
                                value(product.get("sku"))) if x)
    return {
        "name": value(product.get("name")), "description": value(product.get("description")),
        "sku": value(product.get("sku")) or value(product.get("productID")),
        "cas": _property(product, "cas", "cas no", "cas no.", "cas number")
        or f.cas_as_written(text),
        "purity": _property(product, "purity", "assay"),
        "price": min(prices) if prices else None,
        "price_max": max(prices) if len(set(prices)) > 1 else None, "currency": currency,
        "stock": value(offer_list[0].get("availability")) if offer_list else None,
        "url": value(product.get("url")),
    }


def _listing(url: str, data: dict, platform: str, vendor_id: str | None) -> Listing:
    return Listing(
        platform=platform, url=data.get("url") or url, listing_id=data.get("sku"),
        title=data.get("title"), product_name=data.get("product_name") or data.get("title"),
        cas=data.get("cas"), formula=data.get("formula"), purity=data.get("purity"),
        price_text=data.get("price_text"), price_amount=data.get("price_amount"),
        price_max=data.get("price_max"), price_currency=data.get("price_currency"),
        price_basis=data.get("price_basis"),
        quantity=data.get("quantity"), min_order=data.get("min_order"), stock=data.get("stock"),
        description=data.get("description"), vendor_id=vendor_id,
    )


def _key(text: str | None) -> str:
    return re.sub(r"\W+", "", (text or "").lower())


def _one_product_page(root, block, schema: list[dict], url: str = "") -> dict | None:
    """The page's one product, when the page declares itself that product's page: a single
    schema.org Product named as the page's heading, or, among several (the page's product and
    the cards of a recommendation rail, each marked up as a Product), exactly one named as the
    heading, priced and linking to no other page. Cards elsewhere on it ("Customers also
    viewed", "Recently added", other sellers' offers, in any language) are rails around it."""
    if not schema:
        return None
    heading = _key(product.heading(root, block))
    named = [s for s in schema if _key(s["name"]) and heading
             and (_key(s["name"]) in heading or heading in _key(s["name"]))]
    if len(schema) == 1:
        return named[0] if named else None
    own = len(named) == 1 and _key(named[0]["name"]) == heading and (
        named[0]["price"] is not None) and (
        not named[0]["url"] or _address(f.absolute(url, named[0]["url"])) == _address(url))
    return named[0] if own else None


def _address(url: str | None) -> str:
    """A page's address without its query and fragment."""
    return (url or "").split("?")[0].split("#")[0]


def _priced_heading_beside_cards(root, block, many: list[dict]) -> bool:
    """The page's heading names a product that no card names, and the first price shown
    under that heading is no card's price, or is shown before any card's name (a rail card
    may cost the same: BESTSELLER's '€ 49,99' under its heading, one of ten 'trending' tiles
    at € 49,99 further down): the page is that product's page, and the cards (other deals,
    "you may also like" tiles) are rails around it."""
    if root.find(".//h1") is None:  # (a page without any h1 is a list: no heading read)
        return False
    heading = _key(product.heading(root, block))
    if len(heading) < 8 or any(heading in _key(c.get("title")) or _key(c.get("title")) in heading
                               for c in many if _key(c.get("title"))):
        return False
    text = regions.lines(block)
    start = next((i for i, x in enumerate(text) if heading in _key(x)), None)
    if start is None:
        return False
    carded = {round(c["price_amount"], 2) for c in many if c.get("price_amount") is not None}
    names = {_key(c.get("title")) for c in many} - {""}
    for line in text[start + 1:start + 20]:  # (a key-features list may stand between)
        if _key(line) in names:
            return False  # a card's name before any price: the price under it is the card's
        shown = [m.low for m in offers.amounts(line)]
        if shown:
            return round(shown[0], 2) not in carded or _before_every_card(text, start, names)
    return False


def _before_every_card(text: list[str], start: int, names: set[str]) -> bool:
    """No card's name stands in the page's lines before its heading either: the cards all
    come after the product's heading and price."""
    return not any(_key(line) in names for line in text[:start])


# A card whose link is one of the shop's service pages is a help box, not a product.
_SERVICE_PAGE = re.compile(
    r"/(?:customer-?services?|customer-?care|help|faq|delivery-?info(?:rmation)?|"
    r"shipping-?info(?:rmation)?|returns?-?policy|write-?a-?review|reviews?/write|contact-?us)"
    r"(?:[/?#.-]|$)", re.I)


def _service_card(card: dict) -> bool:
    """A 'Delivery & returns' or 'Write a review' box (linking to the delivery information or
    the review form) taken for a card: no product."""
    return bool(_SERVICE_PAGE.search(card.get("url") or ""))  # (its address read whole)


def _shape(url: str | None) -> tuple | None:
    """A product page's address with its numbers as '#' (/deal/3454863898 -> /deal/#); None
    for an address that names no product number (a directory, a slug, a search)."""
    parts = urlsplit(url or "")
    if not parts.path or parts.path.endswith("/") or not re.search(r"\d{4,}", parts.path):
        return None
    return (parts.hostname, re.sub(r"\d+", "#", parts.path))


def _sibling_pages(url: str, many: list[dict]) -> bool:
    """The cards link to pages of this page's own shape (/deal/4523906002 beside this
    /deal/3454863898; all but one in ten, a campaign tile may link elsewhere) and none to this
    page: the page is one of those product pages, and its cards are other products around it
    (a deal site's 35 other deals), not a result list."""
    here = _shape(url)
    if here is None:  # (a result list's own address: a search, a directory)
        return False
    alike = sum(_shape(c.get("url")) == here for c in many)
    return alike >= 0.9 * len(many) and not any(
        _address(c.get("url")) == _address(url) for c in many)


def listings(url: str, html: str, platform: str, vendor_id: str | None = None, *,
             root=None, skip_linked_rows: bool = False, loose: bool = False) -> list[Listing]:
    """Products on a page, claims applied: one per result card or catalog row on a page with
    many offers, else the page's one product (schema.org merged with the visible page).
    `skip_linked_rows` keeps catalog rows that link to their own product page out (a crawler
    reads those there); `loose` accepts a product page without any CAS number."""
    root = f.load(html) if root is None else root
    schema = [_schema_fields(p) for p in schema_products(html, url)]
    schema = [s for s in schema if s["name"]]
    found: list[Listing] = []
    block = regions.main_block(root)
    own = _one_product_page(root, block, schema, url)
    schema = [own] if own else schema
    many = [] if own else [c for c in cards.find_cards(block, url) if not _service_card(c)]
    if len(many) >= 2 and not schema and (_priced_heading_beside_cards(root, block, many)
                                          or _sibling_pages(url, many)):
        many = []
    if len(many) >= 2 or len(schema) >= 2:
        found = [_listing(url, c, platform, vendor_id) for c in many]
        linked = {x.title for x in found}
        found += [x for x in table_listings(url, root, platform, vendor_id, skip_linked=True)
                  if x.title not in linked]  # catalog rows without a page of their own
        if not found:
            found = [_listing(url, {**s, "title": s["name"], "price_amount": s["price"],
                                    "price_currency": s["currency"], "price_text": (
                                        f"{s['currency'] or ''} {s['price']:g}".strip()
                                        if s["price"] is not None else None),
                                    "url": f.absolute(url, s["url"])}, platform, vendor_id)
                     for s in schema]
    else:
        found = table_listings(url, root, platform, vendor_id, skip_linked=skip_linked_rows)
    if not found:
        data = product.read(root, schema[0] if schema else {})
        strict_ok = data and data["has_heading"] and (
            data["cas_labelled"] or data["price_amount"] is not None or data["price_shown"])
        if data and (strict_ok or schema or (loose and data["cas"])):
            found = [_listing(url, data, platform, vendor_id)]
    return [claims.apply(x) for x in found]


def cas_mentions(text: str | None) -> list[str]:
    """Every CAS number in `text` as written; partial ones ("CAS79099") only when no full one."""
    if not text:
        return []
    out = []
    for c in find_cas(text) or find_partial_cas(text):
        start = f._locate(text, c.written)  # back to the characters the vendor typed
        out.append(text[start:start + len(c.written)] if start is not None else c.written)
    return f.unique(x.strip() for x in out)


@dataclasses.dataclass
class Contacts:
    phones: list[str]
    emails: list[str]
    handles: dict[str, list[str]]


def contacts(root, xpath: str = CONTACT_BLOCKS) -> Contacts:
    """Phones, emails and messaging handles from contact blocks and tel:/mailto:/wa.me links."""
    block = " ".join(f.texts(root, xpath))
    phones = f.phones(block)
    emails = f.emails(block)
    handles = f.handles(block)
    for href in root.xpath("//a/@href"):
        href = str(href).strip()
        scheme = href.split(":", 1)[0].lower()
        if scheme == "tel":
            phones = f.unique([*phones, *f.phones(unquote(href[4:]))])
        elif scheme == "mailto":
            emails = f.unique([*emails, *f.emails(unquote(href[7:].split("?")[0]))])
        elif (urlsplit(href).hostname or "") in ("wa.me", "api.whatsapp.com"):
            m = re.search(r"(?:wa\.me/|phone=)\+?(\d{7,15})", href)
            if m and m.group(1) not in handles.get("whatsapp", []):
                handles.setdefault("whatsapp", []).append(m.group(1))
    im_numbers = set(handles.get("qq", []))  # "QQ: 2855501234" is not a phone number
    return Contacts([p for p in phones if p not in im_numbers], emails, handles)


def extract(url: str, html: str, platform: str, vendor_id: str | None = None,
            loose: bool = True) -> Page:
    """The whole fallback as a Page: products only (site parsers add vendors and links)."""
    return Page(listings=listings(url, html, platform, vendor_id, loose=loose))
