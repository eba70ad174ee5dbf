"""ChemNet Chinese mirror (china.chemnet.com): search results, product supplier lists, companies.

Site facts (recorded in the project's research notes from public scrapers of the site):
- search: `https://china.chemnet.com/product/search.cgi?f=plist&terms=<CAS or name>`;
- pages are GBK-encoded (the spider decodes by the declared charset; parsers get `str`);
- each result line reads `<name> [<CAS>] ( <N> 家 )` (N suppliers) and links to
  `/product/pd_<slug>.html`, the product's supplier list. The count alone is not a listing:
  every supplier row on the product page is one;
- supplier (company) pages live under `/company/<id>/`.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

from scrapers.items import Listing, Vendor
from scrapers.parsers import claims, common
from scrapers.parsers import fields as f
from scrapers.parsers.base import Follow, Page

PLATFORM = "chemnet"
HOST = "china.chemnet.com"
BASE = f"https://{HOST}"

_RESULT_LINE = re.compile(
    r"^(?P<name>.+?)\s*[\[［【]\s*(?P<cas>[^\]］】]+?)\s*[\]］】]\s*[（(]\s*(?P<count>\d+)\s*家\s*[)）]"
)
_PRODUCT_HREF = re.compile(r"/product/pd_[^/?#]+\.html?$")
_COMPANY_HREF = re.compile(r"/company/([A-Za-z0-9_-]+)/?(?:index\.html?)?$")

# Supplier-table columns, recognised by words in the header cell.
_COLUMNS = {
    "company": ("供应商", "公司", "企业"),
    "product": ("产品名称", "产品", "名称"),
    "purity": ("纯度", "含量", "规格"),
    "price": ("价格", "报价", "单价"),
    "phone": ("电话", "联系"),
    "location": ("所在地", "地区", "地址"),
    "remark": ("备注", "说明", "描述"),
}


def search_urls(query: str) -> list[str]:
    """The site's product search for a CAS number or a name (GBK-encoded, as the site expects)."""
    terms = quote(query.strip(), safe="-", encoding="gbk", errors="ignore")
    return [f"{BASE}/product/search.cgi?f=plist&terms={terms}"]


def page_kind(url: str) -> str | None:
    """Which parser a ChemNet URL needs: "search", "product", "supplier" (None: not ours)."""
    path = urlsplit(url).path
    if path.endswith("/search.cgi"):
        return "search"
    if _PRODUCT_HREF.search(path):
        return "product"
    return "supplier" if _COMPANY_HREF.search(path) else None


def _classify(link: str, path: str, label: str) -> str | None:
    if _PRODUCT_HREF.search(path):
        return "product"
    return "search" if "search.cgi" in link and common.is_next(label) else None


def parse_search(url: str, html: str) -> Page:
    """Result lines -> follow each product's supplier list, and the next result page."""
    return common.search_page(url, html, HOST, _classify, PLATFORM)


def result_lines(html: str) -> list[dict[str, str]]:
    """The `name [CAS] ( N 家 )` lines of a search page, as written (for reports and debugging)."""
    root = f.load(html)
    out = []
    for node in root.xpath("//li|//tr|//p|//div[not(.//li) and not(.//div)]"):
        m = _RESULT_LINE.match(f.text(node) or "")
        if m:
            out.append({k: v.strip() for k, v in m.groupdict().items()})
    return out


def parse_product(url: str, html: str) -> Page:
    """A product's supplier list: one listing per supplier row, plus a vendor stub per company."""
    root = f.load(html)
    info = f.labelled(root)
    product_name = f.first(root, "//h1") or f.first(root, "//title")
    page_cas = f.cas_as_written(f.pick(info, "cas号", "cas no", "cas")) or f.cas_as_written(
        f.first(root, "//title")
    )
    formula = f.pick(info, "分子式", "molecular formula", "formula")
    slug = urlsplit(url).path.rsplit("/", 1)[-1].removesuffix(".html").removesuffix(".htm")

    page = Page()
    for row in _supplier_rows(root):
        cells = row["cells"]
        company = row["anchors"].get("company")
        vendor_name = f.text(company) if company is not None else cells.get("company")
        profile = f.absolute(url, company.get("href")) if company is not None else None
        vendor_id = _company_id(profile)
        title = cells.get("product") or product_name
        if not (title or vendor_name):
            continue
        price_text = cells.get("price")
        amount, currency = f.price(price_text)
        remark = cells.get("remark")
        page.listings.append(
            Listing(
                platform=PLATFORM,
                url=url,
                # One page lists many suppliers: the row's company keeps their listings apart.
                listing_id=f"{slug}:{vendor_id or 'name:' + (vendor_name or title or '')}",
                title=title,
                product_name=product_name,
                cas=f.cas_as_written(title) or page_cas,
                formula=formula,
                purity=cells.get("purity"),
                price_text=price_text,
                price_amount=amount,
                price_currency=currency,
                description=remark,
                vendor_id=vendor_id,
                vendor_name=vendor_name,
            )
        )
        if vendor_id:
            page.vendors.append(
                Vendor(
                    platform=PLATFORM,
                    vendor_id=vendor_id,
                    name=vendor_name,
                    profile_url=profile,
                    city=cells.get("location"),
                    phones=f.phones(cells.get("phone")),
                    handles=f.handles(remark),
                    badges=_badges(row["elements"].get("company")),
                )
            )
            page.follow.append(Follow(profile, "supplier"))
    page.listings = [claims.apply(x) for x in page.listings]
    page.vendors = f.with_details(page.vendors)
    return common.finish(page, root, url, html, PLATFORM)


def parse_supplier(url: str, html: str) -> Page:
    """A company page: name, membership, contact table (a leaf: its catalogue is not walked)."""
    root = f.load(html)
    info = f.labelled(root)
    name = f.first(root, "//h1") or f.first(root, "//title")
    if name and " - " in name and not f.first(root, "//h1"):
        name = name.split(" - ")[0].strip()
    contact_text = " \n ".join(f"{k}: {v}" for k, v in info.items())
    page = Page()
    vendor_id = _company_id(url)
    if vendor_id and name:
        handles = f.handles(contact_text)
        for service, label in (("whatsapp", "whatsapp"), ("wechat", "微信"), ("qq", "qq"),
                               ("telegram", "telegram"), ("skype", "skype")):
            value = f.pick(info, label)
            if value and value not in handles.get(service, []):
                handles.setdefault(service, []).append(value)
        page.vendors.append(
            Vendor(
                platform=PLATFORM,
                vendor_id=vendor_id,
                name=name,
                profile_url=url,
                country=f.pick(info, "国家/地区", "国家", "country"),
                city=f.pick(info, "所在地", "城市", "city"),
                address=f.pick(info, "地址", "address"),
                website=_website(url, root, f.pick(info, "网址", "website", "主页")),
                phones=f.labelled_phones(info, "电话", "tel", "手机", "mobile", "传真"),
                emails=f.emails(f.pick(info, "邮箱", "email", "e-mail") or contact_text),
                handles=handles,
                years_on_platform=f.first(root, "//*[contains(@class,'years')]"),
                badges=f.texts(root, f"//*[{f.has_class('badge')}]"),
            )
        )
    return common.finish(page, root, url, html, PLATFORM)


def _supplier_rows(root) -> list[dict]:
    """Rows of the supplier table; falls back to any row with a company link when no header
    is recognised (a changed layout)."""
    rows = f.role_rows(root, _COLUMNS, "company")
    if rows:
        return rows
    fallback = ("company", "product")
    for tr in root.xpath("//tr[td and .//a[contains(@href,'/company/')]]"):
        cells = tr.xpath("./td")
        anchor = cells[0].xpath(".//a[@href]") if cells else []
        rows.append({
            "cells": {r: f.text(c) for r, c in zip(fallback, cells, strict=False) if f.text(c)},
            "anchors": {"company": anchor[0] if anchor else None},
            "elements": {"company": cells[0]} if cells else {},
        })
    return rows


def _badges(cell) -> list[str]:
    return f.texts(cell, f".//*[{f.has_class('badge')}]") if cell is not None else []


def _company_id(url: str | None) -> str | None:
    if not url or not f.same_host(url, HOST):
        return None
    m = _COMPANY_HREF.search(urlsplit(url).path)
    return m.group(1) if m else None


def _website(url: str, root, written: str | None) -> str | None:
    return common.website(url, root, "chemnet.com") or written
