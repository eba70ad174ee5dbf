"""Crawl scope in one place: which URL a page or a server may send the crawler to.

`in_scope` is the one off-site rule: a target is followed only when its host is within the
source page's registered domain or one of the spider's `allowed_domains`. It is applied to HTTP
redirects (`middlewares.OffsiteRedirectMiddleware`) and to the targets a page itself names
(`page_targets`): a `<meta http-equiv="refresh">`, a JavaScript `location` assignment in an inline
script, and a `<link rel="canonical">`. Scrapy's own meta-refresh middleware is off: it replaced
the page by its target, so the page that carried the tag was never parsed.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from scrapy.utils.response import get_meta_refresh

_JS_LOCATION = re.compile(
    r"""(?:\b(?:window|document|self|top|parent)\s*\.\s*)?\blocation\s*"""
    r"""(?:\.\s*href\s*=|=(?!=)|\.\s*(?:replace|assign)\s*\()\s*(['"])([^'"\\\s]{1,2000})\1""")
_CANONICAL = re.compile(r"""<link\b[^>]*\brel\s*=\s*["']?canonical\b[^>]*>""", re.I)
_HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.I | re.S)


def registered_domain(url: str) -> str:
    from scrapers.parsers.vendorsite import vendor_id

    return vendor_id(url)


def _within(host: str, domain: str) -> bool:
    return bool(domain) and (host == domain or host.endswith("." + domain))


def in_scope(source: str, target: str, allowed_domains=()) -> bool:
    """True when `target` (absolute) stays on the site of `source` or an allowed domain.

    >>> in_scope("https://www.shop.example/p/1", "https://shop.example/p/2")
    True
    >>> in_scope("http://127.0.0.1:8000/p/1", "http://127.0.0.2:8000/internal")
    False
    >>> in_scope("https://www.shop.example/", "https://cdn.other.example/x", ["other.example"])
    True
    >>> in_scope("https://www.shop.example/", "javascript:alert(1)")
    False
    """
    parts = urlsplit(target)
    if parts.scheme not in ("http", "https"):
        return False
    host = (parts.hostname or "").lower()
    if _within(host, registered_domain(source)):
        return True
    return any(_within(host, str(d).lower().lstrip(".")) for d in allowed_domains or ())


def page_targets(url: str, html: str, response=None) -> list[tuple[str, str]]:
    """(how, absolute URL) of every place the page itself sends a browser or names as its
    address: `refresh`, `script` (location assignments in inline scripts), `canonical`."""
    out: list[tuple[str, str]] = []
    if response is not None:
        _, refresh = get_meta_refresh(response)
        if refresh:
            out.append(("refresh", refresh))
    for attrs, body in _SCRIPT.findall(html):
        if "src=" in attrs.lower():
            continue
        out.extend(("script", urljoin(url, m.group(2))) for m in _JS_LOCATION.finditer(body))
    for tag in _CANONICAL.findall(html):
        m = _HREF.search(tag)
        href = next((g for g in m.groups() if g), "") if m else ""
        if href.strip():
            out.append(("canonical", urljoin(url, href.strip())))
    return list(dict.fromkeys(out))
