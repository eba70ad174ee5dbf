"""ECHEMI (www.echemi.com): search results, product offers, supplier pages.

Site facts (public scrapers of the site, recorded in the project's research notes):
- search: `https://www.echemi.com/search.html?keyword=<CAS or name>`;
- product links contain `/produce/`, `/productsInformation/` or `/pd-`; supplier links contain
  `/supplier/`, `/company/` or `/cp_`;
- live requests often get HTTP 202 with a JavaScript challenge instead of the page: that answer is
  "not fetched" (retry later), never an empty result.
"""

from __future__ import annotations

import re
from urllib.parse import quote_plus, urlsplit

from scrapers.items import Listing, Vendor
from scrapers.parsers import claims, common, generic
from scrapers.parsers import fields as f
from scrapers.parsers.base import Follow, Page

PLATFORM = "echemi"
HOST = "www.echemi.com"
BASE = f"https://{HOST}"

_PRODUCT = re.compile(r"/(?:produce|productsInformation)/([^/?#]+?)(?:\.html?)?$|/pd-([^/?#]+)")
_SUPPLIER = re.compile(r"/(?:supplier|company)/([^/?#]+?)(?:\.html?)?/?$|/cp_([^/?#.]+)")
_CHALLENGE = re.compile(
    r"enable javascript|checking your browser|verify you are human|challenge-form|"
    r"__jsl_clearance|acw_sc__v2", re.I)


def search_urls(query: str) -> list[str]:
    return [f"{BASE}/search.html?keyword={quote_plus(query.strip())}"]


def page_kind(url: str) -> str | None:
    """Which parser an ECHEMI URL needs: "search", "product", "supplier" (None: not ours)."""
    path = urlsplit(url).path
    if path.endswith("/search.html"):
        return "search"
    if _PRODUCT.search(path):
        return "product"
    return "supplier" if _SUPPLIER.search(path) else None


def is_challenge(html: str | None) -> bool:
    """The anti-bot answer: a script challenge instead of content."""
    if not html:
        return True
    root = f.load(html)
    has_content = bool(root.xpath("//a[@href][contains(@href,'/produce/') or "
                                  "contains(@href,'/productsInformation/') or "
                                  "contains(@href,'/pd-')] | //h1"))
    return bool(_CHALLENGE.search(html)) and not has_content


def _classify(link: str, path: str, label: str) -> str | None:
    if _PRODUCT.search(path):
        return "product"
    if _SUPPLIER.search(path):
        return "supplier"
    return "search" if path.endswith("/search.html") and common.is_next(label) else None


def parse_search(url: str, html: str) -> Page:
    """Result cards: follow every product offer, its supplier and the next page."""
    if is_challenge(html):
        return Page(not_fetched="anti-bot challenge (JavaScript check instead of results)")
    return common.search_page(url, html, "echemi.com", _classify, PLATFORM)


def parse_product(url: str, html: str) -> Page:
    """One supplier's offer of one product -> a listing (+ the supplier as a vendor stub)."""
    if is_challenge(html):
        return Page(not_fetched="anti-bot challenge (JavaScript check instead of the page)")
    root = f.load(html)
    info = f.labelled(root)
    ld = f.jsonld_product(html) or {}
    title = f.first_line(root, "//h1") or f.clean(str(ld.get("name") or "")) or None
    if not title:  # not the layout this parser knows: read what the generic fallback finds
        return common.finish(generic.extract(url, html, PLATFORM, None), root, url, html,
                             PLATFORM)
    description = f.first(root, "//*[contains(@class,'product-desc')]") or f.clean(
        str(ld.get("description") or ""))
    price_text = f.pick(info, "price", "fob price", "reference price")
    amount, currency = f.price(price_text)
    cas = f.cas_as_written(f.pick(info, "cas no", "cas", "cas number"))
    cas = cas or f.cas_as_written(title) or f.cas_as_written(description)
    seller = root.xpath("//*[contains(@class,'supplier-card')]//a[@href]")
    profile = f.absolute(url, seller[0].get("href")) if seller else None
    vendor_id = _supplier_id(profile)
    vendor_name = f.text(seller[0]) if seller else None
    m = _PRODUCT.search(urlsplit(url).path)
    listing = Listing(
        platform=PLATFORM,
        url=url,
        listing_id=(m.group(1) or m.group(2)) if m else None,
        title=title,
        product_name=f.pick(info, "product name", "chemical name"),
        cas=cas,
        formula=f.pick(info, "molecular formula", "formula"),
        purity=f.pick(info, "purity", "assay", "grade"),
        price_text=price_text,
        price_amount=amount,
        price_currency=currency,
        quantity=f.pick(info, "packing", "package", "packaging"),
        min_order=f.pick(info, "min. order", "moq", "minimum order"),
        stock=f.pick(info, "supply ability", "stock", "lead time", "delivery time"),
        description=description,
        vendor_id=vendor_id,
        vendor_name=vendor_name,
    )
    page = Page(listings=[claims.apply(listing, f.pick(info, "payment", "payment terms"),
                                       f.pick(info, "shipping", "delivery"))])
    if vendor_id:
        card = f.first(root, "//*[contains(@class,'supplier-card')]")
        page.vendors.append(Vendor(
            platform=PLATFORM, vendor_id=vendor_id, name=vendor_name, profile_url=profile,
            phones=f.phones(card), emails=f.emails(card), handles=f.handles(card),
            badges=f.texts(root, "//*[contains(@class,'supplier-card')]//*[contains(@class,"
                                 "'badge')]"),
        ))
        page.follow.append(Follow(profile, "supplier"))
    return common.finish(page, root, url, html, PLATFORM)


def parse_supplier(url: str, html: str) -> Page:
    """A supplier page: contacts, location, membership."""
    if is_challenge(html):
        return Page(not_fetched="anti-bot challenge (JavaScript check instead of the page)")
    root = f.load(html)
    info = f.labelled(root)
    vendor_id = _supplier_id(url)
    name = f.first_line(root, "//h1")
    page = Page()
    if not vendor_id or not name:
        return common.finish(page, root, url, html, PLATFORM)
    contact_text = " ".join(f"{k}: {v}" for k, v in info.items())
    location = f.pick(info, "province/city", "city", "location")
    page.vendors.append(Vendor(
        platform=PLATFORM,
        vendor_id=vendor_id,
        name=name,
        profile_url=url,
        country=f.pick(info, "country/region", "country"),
        city=location,
        address=f.pick(info, "address"),
        website=f.pick(info, "website", "homepage"),
        phones=f.labelled_phones(info, "tel", "telephone", "phone", "mobile", "whatsapp"),
        emails=f.emails(f.pick(info, "email", "e-mail")),
        handles=f.handles(contact_text),
        years_on_platform=f.pick(info, "years on echemi", "member since", "years"),
        badges=f.texts(root, f"//*[{f.has_class('badge')}]"),
    ))
    # A leaf: watchlist searches find the substances, not the supplier's whole catalogue.
    return common.finish(page, root, url, html, PLATFORM)


def _supplier_id(url: str | None) -> str | None:
    if not url:
        return None
    m = _SUPPLIER.search(urlsplit(url).path)
    return (m.group(1) or m.group(2)) if m else None

