"""Made-in-China (www.made-in-china.com): multi-search results, product pages, showrooms.

Site facts (public scrapers of the site, recorded in the project's research notes):
- CAS/keyword search: `https://www.made-in-china.com/multi-search/<query>/F1/<page>.html`;
- result cards carry the title in an anchor's `title` attribute, a price such as
  `US $12-50 / kg`, `Min. Order: 1 kg` and often Purity/Assay text;
- product pages live on the supplier's subdomain
  `https://<supplier>.en.made-in-china.com/product/<id>/<Title-Words>.html`, and the supplier's
  showroom is `https://<supplier>.en.made-in-china.com/`;
- "No matches were found" marks an empty result page.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

from scrapers.items import Listing, Vendor
from scrapers.parsers import claims, common, generic
from scrapers.parsers import fields as f
from scrapers.parsers.base import Follow, Page

PLATFORM = "mic"
HOST = "www.made-in-china.com"
BASE = f"https://{HOST}"

_SEARCH = re.compile(r"^/(?:multi-search/[^/]+/F1/\d+|products-search/hot-china-products/"
                     r"[^/]+)\.html$")  # keyword search, and the server-rendered landing pages
_PRODUCT = re.compile(r"^/product/([A-Za-z0-9]+)/")
_SUBDOMAIN = re.compile(r"^([a-z0-9-]+)\.en\.made-in-china\.com$")


def search_urls(query: str) -> list[str]:
    return [f"{BASE}/multi-search/{quote(query.strip(), safe='-')}/F1/1.html"]


def page_kind(url: str) -> str | None:
    """Which parser a Made-in-China URL needs: "search", "product", "supplier"."""
    parts = urlsplit(url)
    if parts.hostname == HOST and _SEARCH.match(parts.path):
        return "search"
    if _SUBDOMAIN.match(parts.hostname or ""):
        return "product" if _PRODUCT.match(parts.path) else "supplier"
    return None


def supplier_slug(url: str | None) -> str | None:
    m = _SUBDOMAIN.match(urlsplit(url or "").hostname or "")
    return m.group(1) if m else None


def _classify(link: str, path: str, label: str) -> str | None:
    kind = page_kind(link)
    if kind in ("product", "supplier"):
        return kind
    return "search" if kind == "search" and common.is_next(label) else None


def parse_search(url: str, html: str) -> Page:
    """Result cards: follow each product page and showroom, and the next result page."""
    return common.search_page(url, html, "made-in-china.com", _classify, PLATFORM)


def parse_product(url: str, html: str) -> Page:
    """A product page on the supplier's subdomain -> one listing and the supplier stub."""
    root = f.load(html)
    info = f.labelled(root)
    ld = f.jsonld_product(html) or {}
    title = f.first_line(root, "//h1") or f.clean(str(ld.get("name") or "")) or None
    if not title:  # not the layout this parser knows: read what the generic fallback finds
        return common.finish(generic.extract(url, html, PLATFORM, supplier_slug(url)), root, url,
                             html, PLATFORM)
    slug = supplier_slug(url)
    price_text = f.first(root, "//*[contains(@class,'price')]") or f.pick(info, "price",
                                                                          "fob price")
    amount, currency = f.price(price_text)
    description = f.first(root, "//*[contains(@class,'product-desc')]") or f.clean(
        str(ld.get("description") or ""))
    cas = f.cas_as_written(f.pick(info, "cas no", "cas", "cas no.")) or f.cas_as_written(title)
    company = f.first_line(root, "//*[contains(@class,'company-name')]")
    m = _PRODUCT.match(urlsplit(url).path)
    listing = Listing(
        platform=PLATFORM, url=url, listing_id=m.group(1) if m else None, title=title,
        product_name=f.pick(info, "product name", "name"), cas=cas,
        formula=f.pick(info, "formula", "mf"),
        purity=f.pick(info, "purity", "assay"), price_text=price_text, price_amount=amount,
        price_currency=currency, min_order=f.pick(info, "min. order", "moq", "min order"),
        quantity=f.pick(info, "package", "packing", "transport package"),
        stock=f.pick(info, "supply ability", "production capacity", "stock"),
        description=description, vendor_id=slug, vendor_name=company,
    )
    page = Page(listings=[claims.apply(listing, f.pick(info, "payment terms", "payment"))])
    if slug:
        showroom = f"https://{slug}.en.made-in-china.com/"
        page.follow.append(Follow(showroom, "supplier"))
    return common.finish(page, root, url, html, PLATFORM)


def parse_supplier(url: str, html: str) -> Page:
    """A supplier's showroom: company details, contacts, audits and years on the platform."""
    root = f.load(html)
    info = f.labelled(root)
    slug = supplier_slug(url)
    name = f.first_line(root, "//h1")
    if not slug or not name:
        return common.finish(Page(), root, url, html, PLATFORM)
    contact = " ".join(f.texts(root, "//*[contains(@class,'contact')]"))
    return Page(vendors=[Vendor(
        platform=PLATFORM, vendor_id=slug, name=name, profile_url=url,
        country=f.pick(info, "country/region", "country"),
        city=f.pick(info, "province & city", "city", "location"),
        address=f.pick(info, "address"), website=f.pick(info, "website", "homepage"),
        phones=f.unique([*f.labelled_phones(info, "telephone", "tel", "mobile phone", "mobile"),
                         *f.phones(contact)]),
        emails=f.unique([*f.emails(f.pick(info, "email", "e-mail")), *f.emails(contact)]),
        handles=f.handles(contact),
        years_on_platform=f.pick(info, "member since", "years"),
        badges=f.texts(root, "//*[contains(@class,'audit')] | //*[contains(@class,'badge')]"),
    )])

