"""What every page's items go through once, whichever parser read them (spider base, `parse`).

Listings get their shipping and payment claims and lose procedural (synthesis) text
(`claims.apply`, which is idempotent). A listing with its own product link gets that link's
canonical URL (one product, one listing, however it was linked); a listing that lives on the
page itself keeps the page's address with only session and tracking parameters dropped. Links to
follow lose session, sort and tracking parameters; a link to a product the page lists loses its
search and paging too (one product, one request), other links keep paging (they are pages).
A price is read as a buyer in the site's country reads it (`offers.local_reading`).
"""

from __future__ import annotations

import dataclasses
from urllib.parse import urlsplit

from scrapers.parsers import claims, offers, urls
from scrapers.parsers.base import Follow, Page


def process(page: Page, url: str | None = None) -> Page:
    """`page` with claims applied and canonical URLs (`url`: the page's own address)."""
    own = urls.canonical(url, paging=True, search=True) if url else None
    listings = []
    for x in page.listings:
        if x.url:
            light = urls.canonical(x.url, paging=True, search=True)
            x = dataclasses.replace(x, url=light if light == own else urls.canonical(x.url))
        listings.append(claims.apply(_local_price(x, url)))
    page.listings = listings
    products = {x.url for x in listings if x.url and x.url != own}
    page.follow = [f if f.kind == "search" else Follow(_follow_url(f.url, products), f.kind)
                   for f in page.follow]
    seen: set[str] = set()
    page.follow = [f for f in page.follow if not (f.url in seen or seen.add(f.url))]
    return page


def _local_price(listing, url: str | None):
    """The price as a buyer in the site's country reads it ('$24.990' on a .cl shop is 24 990
    Chilean pesos, 'Rs 23,450' on a .pk site Pakistani rupees)."""
    host = urlsplit(listing.url or url or "").hostname or ""
    country = host.rsplit(".", 1)[-1] if "." in host else None
    if not country or len(country) != 2 or listing.price_amount is None:
        return listing
    local = offers.local_reading(listing.price_text, country, listing.price_amount)
    if local is None:
        return listing
    high = local.high if local.high > local.low else (
        listing.price_max if listing.price_max is not None and listing.price_max > local.low
        else None)
    return dataclasses.replace(listing, price_amount=local.low, price_currency=local.currency,
                               price_max=high)


def _follow_url(url: str, products: set[str]) -> str:
    full = urls.canonical(url)
    return full if full in products else urls.canonical(url, paging=True)

