"""Which links of a result page lead to a product, and which of them lead to the same one.

`product_links(block, base)` maps each anchor to the canonical URL of a same-site page that may
be a product (not a cart, a login, a category or a search; not a CAS number linked to its
substance page; not a URL every card links to); `keyed(links, site_origin(base))` maps each
anchor to a product key, one per product however a card links to it (its page, its reviews, its
other sellers' offers, a tracking redirect). Plain site-absolute paths, most links of a long
list, are read without splitting and joining URLs. `cards` groups the anchors into cards.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urljoin, urlsplit

from scrapers.parsers import cardtext, fastre, urls
from scrapers.parsers import fields as f

NOT_PRODUCT = re.compile(
    r"(?:^|/)(?:cart|basket|checkout|wishlist|compare|login|account|register|my-account|"
    r"note|merkzettel|warenkorb|koszyk|(?:contact|kontakt|about)(?:[-_]?us)?|blog|news|faq|tag|"
    r"author|[\w-]*quote|inquiry|enquiry|rfq|login|signin|sign-in|terms|privacy|shipping|"
    r"returns|sitemap|site-map|index\.php\?route=information|search|fulltextsearch|suche|"
    r"szukaj|buscar|recherche|поиск|purchase[\w-]*|buy(?:ing)?[-_]?(?:leads?|offers?|requests?)|"
    r"buyinfo|cas_[\d-]+|best-?sellers?|top-?sellers?|new-releases|product-category|"
    r"categor(?:y|ies)|kategorien?|kategoria|categorie|categoria)(?:/|$|\?|\.)|"
    r"[?&](?:add[-_]to[-_]\w+|action)=|route=(?:checkout|account|"
    r"information|product/(?:compare|search|category|manufacturer))", re.I)
# A CAS, EC ("244-168-5") or MDL number linked to its substance page is not an offer's name.
_IDENTIFIER = re.compile(r"\d{2,7}-\d{2}-\d|\d{3}-\d{3}-\d|MFCD\d{8}", re.I)


def product_links(block, base: str) -> dict:
    """anchor element -> canonical product URL, for same-site links that may be products."""
    host = (urlsplit(base).hostname or "").removeprefix("www.")
    base_canon = urls.canonical(base).rstrip("/")
    origin = site_origin(base)
    out = {}
    seen: dict = {}  # href -> canonical product link or None: cards repeat their hrefs
    sellers: set[str] = set()
    for a in block.iter("a"):
        href = a.get("href")
        if href not in seen:
            seen[href] = _site_path_link(origin, href, base_canon) if origin and href and \
                _site_path(href.strip()) else _product_link(base, href, host, base_canon)
        canon = seen[href]
        if canon is None:
            continue
        label = f.text(a)
        if not (label or a.get("title") or a.find(".//img") is not None):
            continue  # an icon-only button (quote, compare, wishlist) names no product
        if _IDENTIFIER.fullmatch(label or ""):
            continue  # a CAS or MDL number linked to its substance page, not to this offer
        if cardtext.seller_link(a):  # "Agent: DNG Stack", "Sold by Acme": the seller's page,
            sellers.add(canon)  # not the offer (its logo, linked the same way, neither)
            continue
        out[a] = canon
    out = {a: link for a, link in out.items() if link not in sellers} if sellers else out
    # A URL linked from every card (the brand, a category) is not one card's product.
    counts: dict[str, int] = {}
    for link in out.values():
        counts[link] = counts.get(link, 0) + 1
    ordered = sorted(counts.values())
    median = ordered[len(ordered) // 2] if ordered else 0
    limit = max(4, 3 * median)
    return {a: link for a, link in out.items() if counts[link] <= limit}


def site_origin(base: str) -> str | None:
    """"scheme://host" of the canonical URLs of `base`'s site-absolute paths (what
    `urls.canonical` writes before the path), or None when `fields.absolute` would not join
    such a path on its own (a base that is not http(s) or has no host)."""
    parts = urls.split(base)
    netloc = urls.canonical_netloc(parts)
    if parts.scheme not in ("http", "https") or not parts.netloc or not netloc:
        return None
    return f"{parts.scheme}://{netloc}"


def _site_path_link(origin: str, href: str, base_canon: str) -> str | None:
    """`_product_link` for a plain site-absolute path ("/item/00000001X", most links of a
    long list), without splitting and joining URLs: the path joins the base's own host (so
    the host test holds), `fields.absolute` takes it as it is and `urls.canonical` keeps it
    (no query, no "//", "/." or ";" in it: `_SITE_PATH`)."""
    path = href.strip()
    if NOT_PRODUCT.search(path) or path == "/":
        return None
    canon = origin + path
    return None if canon.rstrip("/") == base_canon else canon


def _site_path(href: str) -> bool:
    """A site-absolute path that `fields.absolute` joins as it is and `urls.canonical` keeps."""
    return bool(f.PLAIN_PATH.fullmatch(href)) and "/." not in href and "//" not in href \
        and ";" not in href


def _product_link(base: str, href: str | None, host: str, base_canon: str) -> str | None:
    """The canonical URL of a same-site link that may be a product page, else None (what
    `product_links` decides from the href alone, once per distinct href)."""
    link = f.absolute(base, href)
    if not link:
        return None
    parts = urls.split(link)
    other = (parts.hostname or "").removeprefix("www.")
    if other != host and not other.endswith("." + host):
        return None
    if NOT_PRODUCT.search(parts.path + ("?" + parts.query if parts.query else "")):
        return None
    canon = urls.canonical(link)
    if canon.rstrip("/") == base_canon or parts.path in ("", "/"):
        return None
    return canon


# A product id as a path segment: "B07JMDGDYL" (letters and digits), "2504587" (a long number).
_ID_SEGMENT = re.compile(r"(?=[A-Za-z0-9]*\d)(?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]{8,16}|\d{6,16}")
_REDIRECT_PARAMS = ("url", "u", "target", "dest", "destination", "redirect", "redirect_url")


def product_key(link: str, depth: int = 0) -> str:
    """One product however a card links to it: a tracking redirect stands for the URL it carries
    ("/ad/click?url=%2Fitem%2FX7K2M9Q4PL"), and the product page, its reviews and its other
    sellers' offers share the product id written as a path segment ("/item/X7K2M9Q4PL",
    "/offers/X7K2M9Q4PL"). Other links are their own key."""
    parts = urls.split(link)
    if depth < 2:
        for k, v in parse_qsl(parts.query):
            if k.lower() in _REDIRECT_PARAMS and v.startswith(("/", "http")):
                target = urljoin(link, v)
                if urlsplit(target).hostname == parts.hostname:
                    return product_key(urls.canonical(target), depth + 1)
    return _path_key(link, parts.hostname, parts.path)


def _path_key(link: str, hostname: str | None, path: str) -> str:
    """The key of a link without a redirect: its host and the one product id in its path."""
    ids = {s for s in path.split("/") if _ID_SEGMENT.fullmatch(s)}
    return f"{hostname}|{ids.pop()}" if len(ids) == 1 else link


def keyed(links: dict, origin: str | None = None) -> tuple[dict, dict]:
    """(anchor -> product key, product key -> the URL to report: a direct link, not a redirect).
    A link that is `origin` (`site_origin(base)`) and a path without a query, fragment or the
    characters urlsplit drops is keyed from that path, without splitting it again."""
    keys, url_of = {}, {}
    known: dict[str, tuple[str, bool]] = {}  # link -> (key, direct): cards repeat their links
    prefix = origin + "/" if origin else None
    hostname = urls.split(origin).hostname if origin else None
    for a, link in links.items():
        if link not in known:
            if prefix and link.startswith(prefix) and not any(c in link for c in "?#\t\r\n"):
                known[link] = (_path_key(link, hostname, link[len(origin):]), True)
            else:
                known[link] = (product_key(link), not any(
                    k.lower() in _REDIRECT_PARAMS for k, _ in parse_qsl(urls.split(link).query)))
        key, direct = known[link]
        keys[a] = key
        if key not in url_of or (direct and url_of[key][1] is False):
            url_of[key] = (link, direct)
    return keys, {k: v[0] for k, v in url_of.items()}


NOT_PRODUCT = fastre.guarded(NOT_PRODUCT)  # same matches, skipping ahead by first characters
