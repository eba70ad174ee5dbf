"""ChemicalBook (www.chemicalbook.com): CAS-centred product pages with a supplier table.

Site facts (URL shapes used by public scrapers of the site):
- search: `https://www.chemicalbook.com/Search_EN.aspx?keyword=<CAS or name>` (`&start=N` pages);
- product: `/ChemicalProductProperty_EN_CB<number>.htm` (properties: name, synonyms, CAS, MF)
  followed by a supplier table (supplier, tel, email, country, product count, advantage);
- more suppliers of one product: `/ProdSupplierGN_EN.aspx?CBNumber=CB<number>&ProvID=...&start=N`;
- a supplier's profile and catalogue: `/ShowSupplierProductsList<id>/0.htm`.
Every supplier row is one listing (the product as that company offers it).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, quote_plus, urlsplit

from scrapers.items import Listing, Vendor
from scrapers.parsers import claims, common
from scrapers.parsers import fields as f
from scrapers.parsers.base import Follow, Page

PLATFORM = "chemicalbook"
HOST = "www.chemicalbook.com"
BASE = f"https://{HOST}"

_PRODUCT = re.compile(r"/(?:ChemicalProductProperty_(?:EN_|CN_)?(CB\d+)|ProductChemicalProperties"
                      r"(CB\d+)_EN)\.htm$", re.I)
_PRODUCT_LIST = re.compile(r"/ProductList_En\.aspx$", re.I)  # ?kwd=<CAS>: offers with prices
_SUPPLIER_LIST = re.compile(r"/ProdSupplierGN(?:_EN)?\.aspx$", re.I)
_SUPPLIER = re.compile(r"/ShowSupplierProductsList(\d+)/", re.I)
_COLUMNS = {
    "supplier": ("supplier", "company"),
    "tel": ("tel", "phone"),
    "email": ("email", "e-mail"),
    "country": ("country", "nationality"),
    "products": ("prodlist", "products"),
}


def search_urls(query: str) -> list[str]:
    return [f"{BASE}/Search_EN.aspx?keyword={quote_plus(query.strip())}"]


def page_kind(url: str) -> str | None:
    """Which parser a ChemicalBook URL needs: "search", "product", "supplier" (None: not ours)."""
    path = urlsplit(url).path
    if path.lower().endswith("/search_en.aspx") or _PRODUCT_LIST.search(path):
        return "search"
    if _PRODUCT.search(path) or _SUPPLIER_LIST.search(path):
        return "product"
    return "supplier" if _SUPPLIER.search(path) else None


def _classify(link: str, path: str, label: str) -> str | None:
    if _PRODUCT.search(path):
        return "product"
    searchable = path.lower().endswith("/search_en.aspx") or _PRODUCT_LIST.search(path)
    return "search" if searchable and common.is_next(label) else None


def parse_search(url: str, html: str) -> Page:
    """Search and product-list results: follow each product page and the next result page."""
    return common.search_page(url, html, "chemicalbook.com", _classify, PLATFORM)


def parse_product(url: str, html: str) -> Page:
    """A product page or its "more suppliers" page: one listing and one vendor per supplier row."""
    root = f.load(html)
    info = f.labelled(root)
    heading = f.first_line(root, "//h1")
    if heading and _SUPPLIER_LIST.search(urlsplit(url).path):
        heading = re.sub(r"\s+suppliers?$", "", heading, flags=re.I)
    product_name = f.pick(info, "product name") or heading
    cas = f.cas_as_written(f.pick(info, "cas", "cas no", "cas number")) or f.cas_as_written(
        f.first(root, "//title")
    )
    cb = _cb_number(url)
    formula = f.pick(info, "mf", "molecular formula", "formula")
    page = Page()
    for row in f.role_rows(root, _COLUMNS, "supplier"):
        cells, anchor = row["cells"], row["anchors"].get("supplier")
        profile = f.absolute(url, anchor.get("href")) if anchor is not None else None
        vendor_id = _supplier_id(profile)
        vendor_name = cells.get("supplier")
        title = heading or product_name
        if not (title and vendor_name):
            continue
        page.listings.append(
            Listing(
                platform=PLATFORM,
                url=url,
                # One page lists many suppliers: the row's company keeps their listings apart.
                listing_id=f"{cb}:{vendor_id or 'name:' + vendor_name}" if cb else None,
                title=title,
                product_name=product_name,
                cas=cas,
                formula=formula,
                vendor_id=vendor_id,
                vendor_name=vendor_name,
            )
        )
        if vendor_id:
            cell = row["elements"].get("supplier")
            page.vendors.append(
                Vendor(
                    platform=PLATFORM,
                    vendor_id=vendor_id,
                    name=vendor_name,
                    profile_url=profile,
                    country=cells.get("country"),
                    website=_website(url, cell),
                    phones=f.phones(cells.get("tel")),
                    emails=f.emails(cells.get("email")),
                )
            )
            page.follow.append(Follow(profile, "supplier"))
    for anchor in root.xpath("//a[@href]"):
        link = f.absolute(url, anchor.get("href"))
        label = (f.text(anchor) or "").lower()
        if (link and _SUPPLIER_LIST.search(urlsplit(link).path)
                and common.is_next(label)):
            page.follow.append(Follow(link, "product"))
    page.listings = [claims.apply(x) for x in page.listings]
    page.vendors = f.with_details(page.vendors)
    return common.finish(page, root, url, html, PLATFORM)


def parse_supplier(url: str, html: str) -> Page:
    """A supplier's profile: the company's contacts (a leaf: its catalogue is not walked)."""
    root = f.load(html)
    info = f.labelled(root)
    page = Page()
    vendor_id = _supplier_id(url)
    name = f.first_line(root, "//h1") or f.first(root, "//title")
    if vendor_id and name:
        contact = " \n ".join(f"{k}: {v}" for k, v in info.items())
        page.vendors.append(
            Vendor(
                platform=PLATFORM,
                vendor_id=vendor_id,
                name=name,
                profile_url=url,
                country=f.pick(info, "nationality", "country"),
                address=f.pick(info, "address"),
                website=_website(url, root) or f.pick(info, "website"),
                phones=f.labelled_phones(info, "tel", "phone", "mobile", "fax"),
                emails=f.emails(f.pick(info, "email", "e-mail") or contact),
                handles=f.handles(contact),
                years_on_platform=f.pick(info, "member since", "years"),
            )
        )
    return common.finish(page, root, url, html, PLATFORM)


def _cb_number(url: str) -> str | None:
    parts = urlsplit(url)
    m = _PRODUCT.search(parts.path)
    if m:
        return m.group(1) or m.group(2)
    values = parse_qs(parts.query).get("CBNumber")
    return values[0] if values else None


def _supplier_id(url: str | None) -> str | None:
    if not url or not f.same_host(url, "chemicalbook.com"):
        return None
    m = _SUPPLIER.search(urlsplit(url).path)
    return m.group(1) if m else None


def _website(url: str, scope) -> str | None:
    return common.website(url, scope, "chemicalbook.com")

