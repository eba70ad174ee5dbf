"""Hxchem (www.hxchem.net, English pages): product directory, product pages, company pages.

Site facts (from public scrapers of the site, recorded in the project's research notes):
- the site search is unreliable; the product directory `/productse/` and the company directory
  `/English/company.php` work, so a "search" walks the directory pages;
- product links look like `orderproduct<id>-<company-slug>.html` (relative to `/productse/`):
  the company slug in the file name is the vendor id;
- company pages are `companydetail<company-slug>.html`.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from scrapers.items import Listing, Vendor
from scrapers.parsers import claims, common
from scrapers.parsers import fields as f
from scrapers.parsers.base import Follow, Page

PLATFORM = "hxchem"
HOST = "www.hxchem.net"
BASE = f"https://{HOST}"
DIRECTORY = f"{BASE}/productse/"

_PRODUCT = re.compile(r"orderproduct(\d+)-([^./]+)\.html?$")
_COMPANY = re.compile(r"companydetail([^./]+)\.html?$")
_PAGE_NO = re.compile(r"(?:index|page|list)[_-]?(\d+)\.html?$|[?&]page=(\d+)")
# The directory is the only way in (no working search), and it is long: walk its newest pages only.
DIRECTORY_PAGES = 30


def search_urls(query: str) -> list[str]:
    """The product directory: the site's own search is unreliable, so every query walks it."""
    return [DIRECTORY]


def page_kind(url: str) -> str | None:
    """Which parser an Hxchem URL needs: "search", "product", "supplier" (None: not ours)."""
    path = urlsplit(url).path
    if _PRODUCT.search(path):
        return "product"
    if _COMPANY.search(path):
        return "supplier"
    return "search" if path.startswith("/productse/") else None


def _classify(link: str, path: str, label: str) -> str | None:
    if _PRODUCT.search(path):
        return "product"
    if common.is_next(label) and "/productse/" in link and _page_number(link) <= DIRECTORY_PAGES:
        return "search"
    return None


def parse_search(url: str, html: str) -> Page:
    """A directory page: follow every product and the next directory page."""
    return common.search_page(url, html, "hxchem.net", _classify, PLATFORM)


def parse_product(url: str, html: str) -> Page:
    """One product page -> one listing; the company link is followed."""
    root = f.load(html)
    info = f.labelled(root)
    m = _PRODUCT.search(urlsplit(url).path)
    listing_id, vendor_id = (m.group(1), m.group(2)) if m else (None, None)
    company = root.xpath("//a[contains(@href,'companydetail')]")
    vendor_name = f.text(company[0]) if company else None
    profile = f.absolute(url, company[0].get("href")) if company else None
    if not vendor_id and profile:
        vendor_id = _company_id(profile)
    page = Page()
    listing = _product_listing(url, root, info, listing_id, vendor_id, vendor_name)
    if listing is None:
        return common.finish(page, root, url, html, PLATFORM)
    page.listings.append(listing)
    box = f.first(root, "//*[contains(@class,'company-box')]")
    if vendor_id and vendor_name:
        page.vendors.append(
            Vendor(
                platform=PLATFORM,
                vendor_id=vendor_id,
                name=vendor_name,
                profile_url=profile,
                phones=f.phones(box),
                emails=f.emails(box),
                handles=f.handles(box),
            )
        )
    if profile and f.same_host(profile, "hxchem.net"):
        page.follow.append(Follow(profile, "supplier"))
    terms = (f.pick(info, "payment", "payment terms"), f.pick(info, "delivery", "shipping"))
    page.listings = [claims.apply(x, *terms) for x in page.listings]
    page.vendors = f.with_details(page.vendors)
    return common.finish(page, root, url, html, PLATFORM)


def _product_listing(url: str, root, info: dict, listing_id: str | None, vendor_id: str | None,
                     vendor_name: str | None) -> Listing | None:
    """The product a page offers, from its heading and labelled specs (None without a name)."""
    title = f.first(root, "//h1") or _title(root)
    product_name = f.pick(info, "product name", "name")
    if not (title or product_name):
        return None
    price_text = f.pick(info, "price", "fob price")
    amount, currency = f.price(price_text)
    cas = f.cas_as_written(f.pick(info, "cas no", "cas", "cas number"))
    return Listing(
        platform=PLATFORM,
        url=url,
        listing_id=listing_id,
        title=title or product_name,
        product_name=product_name,
        cas=cas or f.cas_as_written(title) or f.cas_as_written(product_name),
        formula=f.pick(info, "molecular formula", "mf", "formula"),
        purity=f.pick(info, "purity", "assay"),
        price_text=price_text,
        price_amount=amount,
        price_currency=currency,
        quantity=f.pick(info, "package", "packing", "packaging"),
        min_order=f.pick(info, "min. order", "min order", "moq", "minimum order"),
        stock=f.pick(info, "supply ability", "stock", "lead time"),
        description=f.first(root, "//*[contains(@class,'pro-desc')]//p")
        or f.first(root, "//*[contains(@class,'desc')]"),
        vendor_id=vendor_id,
        vendor_name=vendor_name,
    )


def parse_supplier(url: str, html: str) -> Page:
    """A company page: contact table and badges (a leaf: its catalogue is not walked)."""
    root = f.load(html)
    info = f.labelled(root)
    page = Page()
    vendor_id = _company_id(url)
    name = f.first(root, "//h1") or _title(root)
    if vendor_id and name:
        contact = " \n ".join(f"{k}: {v}" for k, v in info.items())
        place = f.pick(info, "province/city", "city")
        page.vendors.append(
            Vendor(
                platform=PLATFORM,
                vendor_id=vendor_id,
                name=name,
                profile_url=url,
                country=f.pick(info, "country/region", "country"),
                city=place.split("/")[-1].strip() if place else None,
                address=f.pick(info, "address"),
                website=_website(url, root) or f.pick(info, "website", "homepage"),
                phones=f.labelled_phones(info, "telephone", "tel", "mobile", "phone", "fax"),
                emails=f.emails(f.pick(info, "email", "e-mail") or contact),
                handles=f.handles(contact),
                years_on_platform=f.first(root, "//*[contains(@class,'since')]"),
                badges=f.texts(root, f"//*[{f.has_class('badge')}]"),
            )
        )
    return common.finish(page, root, url, html, PLATFORM)


def _page_number(url: str) -> int:
    m = _PAGE_NO.search(url)
    return int(m.group(1) or m.group(2)) if m else 1


def _company_id(url: str | None) -> str | None:
    m = _COMPANY.search(urlsplit(url).path) if url else None
    return m.group(1) if m else None


def _title(root) -> str | None:
    title = f.first(root, "//title")
    return title.rsplit(" - ", 1)[0].strip() if title else None


def _website(url: str, root) -> str | None:
    return common.website(url, root, "hxchem.net")

