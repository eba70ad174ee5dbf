"""A chemical vendor's own website: products and the company behind them, on any layout.

Vendor sites are WordPress/WooCommerce templates and hand-made catalogs. Products come from
schema.org Product data (JSON-LD and microdata, via extruct), from product tables with a CAS
column, and from single-product pages that quote a CAS number; the company's contact details
(phones, emails, messaging handles, address) come from whatever page shows them; products and
contacts are read by the shared fallback in `generic.py`. The vendor id
is the site's registered domain.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import tldextract

from scrapers.items import Vendor
from scrapers.parsers import challenge, company, generic, urls
from scrapers.parsers import fields as f
from scrapers.parsers.base import Follow, Page

PLATFORM = "vendorsite"
_SKIP_LINK = re.compile(
    r"/(?:wp-admin|wp-login|cart|checkout|my-account|login|register|feed)\b|\.(?:jpe?g|png|gif|"
    r"webp|svg|pdf|zip|rar|docx?|xlsx?|css|js)$|[?&](?:add-to-cart|replytocom)=", re.I)


# The bundled public-suffix snapshot only: never fetched from the network, nothing cached on disk.
_SUFFIXES = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def vendor_id(url: str) -> str:
    """The site's registered domain (shop.example.co.uk -> example.co.uk); hosts outside the
    public-suffix list (IPs, `.example` sample domains) lose only a leading `www.`."""
    host = (urlsplit(url).hostname or "").lower()
    ext = _SUFFIXES(host)
    if ext.domain and ext.suffix:
        return f"{ext.domain}.{ext.suffix}"
    return host[4:] if host.startswith("www.") else host


def search_urls(query: str) -> list[str]:
    """A vendor site is crawled from its home page; `query` is a domain or URL."""
    query = query.strip()
    return [query if "://" in query else f"https://{query}/"]


def page_kind(url: str) -> str:
    return "page"


def _company(url: str, html: str, root, vid: str) -> Vendor | None:
    """The company behind the site, from whatever this page shows of it (None: nothing)."""
    objects = f.jsonld(html) + generic.microdata(html, url)
    name = company.name(root, objects, vid.split('.')[0])
    found = company.contacts(root)
    if not (name or found["phones"] or found["emails"] or found["handles"]):
        return None
    org = next((o for o in objects if isinstance(o.get("address"), dict)), {})
    address = org.get("address") or {}
    return Vendor(
        platform=PLATFORM, vendor_id=vid, profile_url=url, name=name,
        country=generic.value(address.get("addressCountry")),
        city=generic.value(address.get("addressLocality")),
        address=found["address"] or generic.value(address.get("streetAddress")),
        website=f"https://{urlsplit(url).hostname}/",
        phones=found["phones"], emails=found["emails"], handles=found["handles"],
    )


def parse_page(url: str, html: str) -> Page:
    """Products, the company's contacts and same-site links from one page of a vendor site."""
    blocked = challenge.reason(html)
    if blocked:
        return Page(not_fetched=blocked)
    root = f.load(html)
    vid = vendor_id(url)
    page = Page()
    page.listings = generic.listings(url, html, PLATFORM, vid, root=root, skip_linked_rows=True)
    company = _company(url, html, root, vid)
    if company:
        page.vendors.append(company)
    page.follow = [Follow(link, "page") for link in _same_site_links(url, root)]
    return page


def _same_site_links(url: str, root) -> list[str]:
    """Links to other pages of the same site, in page order, each once (fragments cut)."""
    host = urlsplit(url).hostname
    decided: dict = {}  # href -> link or None: a long list repeats each card's hrefs
    out: dict[str, None] = {}
    parts = urls.split(url)
    origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") \
        and parts.netloc else None
    # iter(), not XPath: an attribute predicate over a long list's 40,000 links costs seconds
    for href in (a.get("href") for a in root.iter("a")):
        if href in decided:
            pass
        elif origin and href and f.PLAIN_PATH.fullmatch(path := href.strip()) and "/." not in path:
            link = origin + path  # a site-absolute path: on this host, as `absolute` joins it
            decided[href] = None if _SKIP_LINK.search(link) else link
        else:
            link = f.absolute(url, href) if href is not None else None
            decided[href] = None if not link or urls.split(link).hostname != host or \
                _SKIP_LINK.search(link) else link.split("#")[0]
        link = decided[href]
        if link is not None and link != url:
            out.setdefault(link, None)
    return list(out)
