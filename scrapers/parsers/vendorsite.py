"""A chemical vendor's own website: products and the company behind them, on any layout.

Vendor sites are WordPress/WooCommerce templates and hand-made catalogs. Products come from
schema.org Product data (JSON-LD and microdata, via extruct), from product tables with a CAS
column, and from single-product pages that quote a CAS number; the company's contact details
(phones, emails, messaging handles, address) come from whatever page shows them. The vendor id
is the site's host name without `www.`.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import extruct

from scrapers.items import Listing, Vendor
from scrapers.parsers import claims
from scrapers.parsers import fields as f
from scrapers.parsers.base import Follow, Page

PLATFORM = "vendorsite"
_SKIP_LINK = re.compile(
    r"/(?:wp-admin|wp-login|cart|checkout|my-account|login|register|feed)\b|\.(?:jpe?g|png|gif|"
    r"webp|svg|pdf|zip|rar|docx?|xlsx?|css|js)$|[?&](?:add-to-cart|replytocom)=", re.I)
_TABLE_COLUMNS = {
    "name": ("product", "name", "chemical"),
    "cas": ("cas",),
    "purity": ("purity", "assay"),
    "price": ("price",),
    "package": ("package", "packing", "quantity"),
}


def vendor_id(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def search_urls(query: str) -> list[str]:
    """A vendor site is crawled from its home page; `query` is a domain or URL."""
    query = query.strip()
    return [query if "://" in query else f"https://{query}/"]


def page_kind(url: str) -> str:
    return "page"


def _schema_products(html: str, url: str) -> list[dict]:
    try:
        data = extruct.extract(html, base_url=url, syntaxes=["json-ld", "microdata"],
                               uniform=True, errors="ignore")
    except Exception:  # extruct trips on some broken markup: the other routes still run
        return []
    out = []
    for obj in [*data.get("json-ld", []), *data.get("microdata", [])]:
        stack = [obj]
        while stack:
            o = stack.pop()
            if not isinstance(o, dict):
                continue
            kind = o.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if "Product" in kinds:
                out.append(o)
            stack.extend(v for v in o.get("@graph", []) if isinstance(v, dict))
            for item in o.get("itemListElement", []) or []:
                if isinstance(item, dict):
                    stack.append(item.get("item") if isinstance(item.get("item"), dict) else item)
    return out


def _str(value) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value")
    return f.clean(str(value)) if value not in (None, "") else None


def _property(product: dict, *names: str) -> str | None:
    for prop in product.get("additionalProperty", []) or []:
        if isinstance(prop, dict) and (_str(prop.get("name")) or "").lower() in names:
            return _str(prop.get("value"))
    return None


def _from_schema(url: str, product: dict, vid: str) -> Listing | None:
    name = _str(product.get("name"))
    if not name:
        return None
    offers = product.get("offers")
    offer = offers[0] if isinstance(offers, list) and offers else offers
    offer = offer if isinstance(offer, dict) else {}
    price = _str(offer.get("price") or offer.get("lowPrice"))
    currency = _str(offer.get("priceCurrency"))
    price_text = f"{currency} {price}".strip() if price else None
    description = _str(product.get("description"))
    cas = _property(product, "cas", "cas no", "cas number") or f.cas_as_written(
        " ".join(x for x in (name, description, _str(product.get("sku"))) if x))
    product_url = _str(product.get("url")) or url
    return Listing(
        platform=PLATFORM, url=f.absolute(url, product_url) or url,
        listing_id=_str(product.get("sku")) or _str(product.get("productID")),
        title=name, product_name=name, cas=cas,
        purity=_property(product, "purity", "assay"),
        price_text=price_text, price_amount=f.price(price)[0] if price else None,
        price_currency=currency,
        stock=_str(offer.get("availability")),
        description=description, vendor_id=vid,
    )


def _from_tables(url: str, root, vid: str) -> list[Listing]:
    out = []
    for row in f.role_rows(root, _TABLE_COLUMNS, "cas"):
        cells = row["cells"]
        name = cells.get("name")
        if not name or not cells.get("cas"):
            continue
        anchor = row["anchors"].get("name")
        link = f.absolute(url, anchor.get("href")) if anchor is not None else None
        if link and link.split("#")[0] != url:
            continue  # the row links to its own product page, which is crawled and read there
        price_text = cells.get("price")
        amount, currency = f.price(price_text)
        out.append(Listing(
            platform=PLATFORM, url=url, listing_id=f"{name}|{cells.get('cas')}", title=name,
            product_name=name,
            cas=f.cas_as_written(cells.get("cas")), purity=cells.get("purity"),
            price_text=price_text, price_amount=amount, price_currency=currency,
            quantity=cells.get("package"), vendor_id=vid,
        ))
    return out


def _single_product(url: str, root, vid: str) -> Listing | None:
    title = f.first_line(root, "//h1")
    info = f.labelled(root)
    cas = f.cas_as_written(f.pick(info, "cas no", "cas", "cas number")) or f.cas_as_written(title)
    if not title or not cas:
        return None
    description = f.first(root, "//*[contains(@class,'description')]") or f.first(
        root, "//main//p | //article//p")
    price_text = f.pick(info, "price")
    amount, currency = f.price(price_text)
    return Listing(
        platform=PLATFORM, url=url, title=title, product_name=f.pick(info, "product name"),
        cas=cas, purity=f.pick(info, "purity", "assay"), price_text=price_text,
        price_amount=amount, price_currency=currency,
        min_order=f.pick(info, "moq", "min. order", "minimum order"),
        quantity=f.pick(info, "package", "packing"), description=description, vendor_id=vid,
    )


_CONTACT_BLOCKS = "//footer | //address | //*[contains(@class,'contact')]"


def _company(url: str, html: str, root, vid: str) -> Vendor | None:
    """The company, from a page that names it or lists its contacts (contact/about, home)."""
    info = f.labelled(root)
    org = next((o for o in f.jsonld(html) if o.get("@type") in ("Organization", "LocalBusiness")),
               {})
    site_name = f.first(root, "//meta[@property='og:site_name']/@content")
    phones = f.labelled_phones(info, "tel", "telephone", "phone", "mobile", "whatsapp")
    if not (org or site_name or phones):
        return None  # a product page's footer is not a company profile
    contacts = " ".join(f.texts(root, _CONTACT_BLOCKS))
    address = org.get("address") if isinstance(org.get("address"), dict) else {}
    return Vendor(
        platform=PLATFORM, vendor_id=vid, profile_url=url,
        name=_str(org.get("name")) or site_name or f.pick(info, "company", "company name"),
        country=_str(address.get("addressCountry")) or f.pick(info, "country"),
        city=_str(address.get("addressLocality")) or f.pick(info, "city"),
        address=f.pick(info, "address") or _str(address.get("streetAddress")),
        website=f"https://{urlsplit(url).hostname}/",
        phones=f.unique([*phones, *f.phones(contacts)]),
        emails=f.unique([*f.emails(f.pick(info, "email", "e-mail")), *f.emails(contacts)]),
        handles=f.handles(contacts),
    )


def parse_page(url: str, html: str) -> Page:
    """Products, the company's contacts and same-site links from one page of a vendor site."""
    root = f.load(html)
    vid = vendor_id(url)
    page = Page()
    listings = [x for x in (_from_schema(url, p, vid) for p in _schema_products(html, url)) if x]
    if not listings:
        listings = _from_tables(url, root, vid)
    if not listings:
        single = _single_product(url, root, vid)
        listings = [single] if single else []
    page.listings = [claims.apply(x) for x in listings]
    company = _company(url, html, root, vid)
    if company:
        page.vendors.append(company)
    host = urlsplit(url).hostname
    seen: set[str] = set()
    for anchor in root.xpath("//a[@href]"):
        link = f.absolute(url, anchor.get("href"))
        if not link or urlsplit(link).hostname != host or _SKIP_LINK.search(link):
            continue
        link = link.split("#")[0]
        if link not in seen and link != url:
            seen.add(link)
            page.follow.append(Follow(link, "page"))
    return page
