"""Goldsupplier (www.goldsupplier.com; wap.china.cn redirects there): search, products, companies.

Site facts (from public scrapers of the site, recorded in the project's research notes):
- search: `https://www.goldsupplier.com/search.html?keyword=<query>`;
- product links contain `/product`, `/offer`, `/goods` or `/supply`;
- company links contain `/supplier`, `/company` or `/shop`.
Product pages that lack the usual attribute table fall back to schema.org Product data and CAS
patterns in the text.
"""

from __future__ import annotations

import re
from urllib.parse import quote_plus, urlsplit

from scrapers.items import Listing, Vendor
from scrapers.parsers import claims, common
from scrapers.parsers import fields as f
from scrapers.parsers.base import Follow, Page

PLATFORM = "goldsupplier"
HOST = "www.goldsupplier.com"
BASE = f"https://{HOST}"

_PRODUCT = re.compile(r"^/(?:(?:product|offer|goods|supply)s?/([^/?#]+?)(?:\.html?)?/?"
                      r"|provide/(p\d+)\.html?)$")  # /provide/p<id>.html: the V4 offer pages
_COMPANY = re.compile(r"^/(?:supplier|company|shop)s?/([^/?#]+?)(?:\.html?|/index\.html?)?/?$")
_CARD = "//*[contains(@class,'company-card')]"


def search_urls(query: str) -> list[str]:
    return [f"{BASE}/search.html?keyword={quote_plus(query.strip())}"]


def page_kind(url: str) -> str | None:
    """Which parser a Goldsupplier URL needs: "search", "product", "supplier" (None: not ours)."""
    path = urlsplit(url).path
    if path.endswith("/search.html"):
        return "search"
    if _PRODUCT.match(path):
        return "product"
    return "supplier" if _COMPANY.match(path) else None


def _classify(link: str, path: str, label: str) -> str | None:
    if _PRODUCT.match(path):
        return "product"
    if _COMPANY.match(path):
        return "supplier"
    return "search" if path.endswith("/search.html") and common.is_next(label) else None


def parse_search(url: str, html: str) -> Page:
    """Result cards: follow products and companies, and the next result page."""
    return common.search_page(url, html, "goldsupplier.com", _classify, PLATFORM)


def parse_product(url: str, html: str) -> Page:
    """One product page -> one listing (+ the seller card as a vendor stub)."""
    root = f.load(html)
    info = f.labelled(root)
    profile, vendor_id, vendor_name = _seller(root, url)
    page = Page()
    listing = _product_listing(url, root, html, info, vendor_id, vendor_name)
    if listing is None:
        return common.finish(page, root, url, html, PLATFORM)
    page.listings.append(listing)
    if vendor_id:
        page.vendors.append(_seller_card(root, vendor_id, vendor_name, profile))
        page.follow.append(Follow(profile, "supplier"))
    terms = (f.pick(info, "payment", "payment terms"), f.pick(info, "delivery", "shipping"))
    page.listings = [claims.apply(x, *terms) for x in page.listings]
    page.vendors = f.with_details(page.vendors)
    return common.finish(page, root, url, html, PLATFORM)


def _seller(root, url: str) -> tuple[str | None, str | None, str | None]:
    """(profile URL, vendor id, name) of the seller a product page links to."""
    seller = root.xpath("//*[contains(@class,'company')]//a[@href] | //a[@href][contains(@href,"
                        "'/company/') or contains(@href,'/supplier/') or contains(@href,'/shop/')]")
    profile = f.absolute(url, seller[0].get("href")) if seller else None
    return profile, _company_id(profile), f.text(seller[0]) if seller else None


def _product_listing(url: str, root, html: str, info: dict, vendor_id: str | None,
                     vendor_name: str | None) -> Listing | None:
    """The product a page offers (None without a title), from its labelled specs, JSON-LD and
    price block."""
    ld = f.jsonld_product(html) or {}
    offer = ld.get("offers") if isinstance(ld.get("offers"), dict) else {}
    title = f.first_line(root, "//h1") or f.clean(_str(ld.get("name"))) or _title(root)
    if not title:
        return None
    description = f.first(root, "//*[contains(@class,'description')]//p") or f.clean(
        _str(ld.get("description"))
    )
    price_text = _price_text(root, offer)
    amount, currency = f.price(price_text)
    if currency is None and offer.get("priceCurrency"):
        currency = f.clean(_str(offer.get("priceCurrency")))
    cas = f.cas_as_written(f.pick(info, "cas no", "cas", "cas number"))
    cas = cas or f.cas_as_written(title) or f.cas_as_written(description)
    m = _PRODUCT.match(urlsplit(url).path)
    offer_id = (m.group(1) or m.group(2)) if m else None
    return Listing(
        platform=PLATFORM,
        url=url,
        listing_id=offer_id or f.clean(_str(ld.get("sku"))),
        title=title,
        product_name=f.pick(info, "product name", "name"),
        cas=cas,
        formula=f.pick(info, "molecular formula", "mf", "formula"),
        purity=f.pick(info, "purity", "assay"),
        price_text=price_text,
        price_amount=amount,
        price_currency=currency,
        quantity=f.pick(info, "package", "packing", "packaging"),
        min_order=f.pick(info, "moq", "min. order", "min order", "minimum order"),
        stock=f.pick(info, "stock", "supply ability", "lead time") or _availability(offer),
        description=description,
        vendor_id=vendor_id,
        vendor_name=vendor_name,
    )


def _seller_card(root, vendor_id: str, vendor_name: str | None, profile: str | None) -> Vendor:
    """The seller as the product page's company card shows it (a stub beside its profile)."""
    card = f.first(root, _CARD)
    return Vendor(
        platform=PLATFORM,
        vendor_id=vendor_id,
        name=vendor_name,
        profile_url=profile,
        phones=f.phones(card),
        emails=f.emails(card),
        handles=f.handles(card),
        years_on_platform=f.first(root, f"{_CARD}//*[contains(@class,'years')]"),
        badges=f.texts(root, f"{_CARD}//*[{f.has_class('badge')}]"),
    )


def parse_supplier(url: str, html: str) -> Page:
    """A company page: contact list, badges, years (a leaf: its catalogue is not walked)."""
    root = f.load(html)
    info = f.labelled(root)
    page = Page()
    vendor_id = _company_id(url)
    name = f.first(root, "//h1") or _title(root)
    if vendor_id and name:
        contact = " \n ".join(f"{k}: {v}" for k, v in info.items())
        location = f.pick(info, "location")
        parts = [p.strip() for p in location.split(",")] if location else []
        page.vendors.append(
            Vendor(
                platform=PLATFORM,
                vendor_id=vendor_id,
                name=name,
                profile_url=url,
                country=parts[-1] if parts else None,
                city=parts[0] if len(parts) > 1 else None,
                address=f.pick(info, "address"),
                website=_website(url, root) or f.pick(info, "website"),
                phones=f.labelled_phones(info, "phone", "tel", "mobile", "fax"),
                emails=f.emails(f.pick(info, "email", "e-mail") or contact),
                handles=f.handles(contact),
                years_on_platform=f.first(root, "//*[contains(@class,'years')]"),
                badges=f.texts(root, f"//*[{f.has_class('badge')}]"),
            )
        )
    return common.finish(page, root, url, html, PLATFORM)


def _price_text(root, offer: dict) -> str | None:
    box = f.first_line(root, "//*[contains(@class,'price-box')]")
    if box:
        return box
    if offer.get("price") is not None:
        return f.clean(f"{_str(offer.get('price'))} {_str(offer.get('priceCurrency'))}")
    return None


def _availability(offer: dict) -> str | None:
    value = _str(offer.get("availability"))
    return value.rsplit("/", 1)[-1] if value else None


def _company_id(url: str | None) -> str | None:
    if not url or not f.same_host(url, "goldsupplier.com"):
        return None
    m = _COMPANY.match(urlsplit(url).path)
    return m.group(1) if m else None


def _title(root) -> str | None:
    title = f.first(root, "//title")
    return title.rsplit(" - ", 1)[0].strip() if title else None


def _website(url: str, root) -> str | None:
    return common.website(url, root, "goldsupplier.com")


def _str(value) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)

