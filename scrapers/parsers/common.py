"""What the site parsers share: the search-link loop, next-page links, a company's own website,
page titles, and the generic fallback for a page the site parser does not recognise.

A site parser states only what is particular to its site (which links are products, suppliers
or result pages); `search_page` walks the links, `finish` de-duplicates follows, falls back to
the generic extractor (`generic.listings`) when the site parser found nothing, and turns an
item-less block page into "not fetched".
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from scrapers.parsers import challenge, generic, product
from scrapers.parsers import fields as f
from scrapers.parsers.base import Follow, Page

NEXT_WORDS = ("next", "more", "»", "›", "下一页", "下页", "后页", "weiter", "nächste",
              "następna", "dalej", "siguiente", "suivant", "далее", "следующая", "próxima",
              "próximo")


def is_next(label: str | None) -> bool:
    """Whether a link's text names the next result page."""
    label = (label or "").strip().lower()
    return bool(label) and any(word in label for word in NEXT_WORDS)


Classify = Callable[[str, str, str], "str | None"]  # (link, path, label) -> kind or None


def search_follows(url: str, root, host: str, classify: Classify) -> list[Follow]:
    """Every link on `host` (or its subdomains) that `classify` names a page kind for."""
    out = []
    for anchor in root.xpath("//a[@href]"):
        link = f.absolute(url, anchor.get("href"))
        if not link or not f.same_host(link, host):
            continue
        kind = classify(link, urlsplit(link).path, (f.text(anchor) or "").lower())
        if kind:
            out.append(Follow(link, kind))
    return out


def search_page(url: str, html: str, host: str, classify: Classify, platform: str) -> Page:
    """A result page: the links `classify` picks, and the generic fallback when none."""
    root = f.load(html)
    page = Page(follow=search_follows(url, root, host, classify))
    return finish(page, root, url, html, platform)


def finish(page: Page, root, url: str, html: str, platform: str,
           vendor_id: str | None = None) -> Page:
    """Follows de-duplicated; a page the site parser got nothing from is read by the generic
    extractor (result cards or one product); still nothing and a block page: "not fetched"."""
    page.follow = f.unique_follows(page.follow)
    if not (page.listings or page.vendors or page.follow or page.not_fetched):
        page.listings = generic.listings(url, html, platform, vendor_id, root=root)
    if not (page.listings or page.vendors or page.follow or page.not_fetched):
        page.not_fetched = f.blocked(root) or challenge.reason(html)
    return page


def website(url: str, scope, platform_host: str) -> str | None:
    """The first nofollow link in `scope` that leaves the platform: a company's own site."""
    if scope is None:
        return None
    for anchor in scope.xpath(".//a[@href][contains(@rel,'nofollow')]"):
        link = f.absolute(url, anchor.get("href"))
        if link and not f.same_host(link, platform_host):
            return link
    return None


def title(root) -> str | None:
    """The page's heading, else its `<title>` without the site's name."""
    return f.first_line(root, "//h1") or product.strip_site(f.first(root, "//title"),
                                                            product.site_name(root))
