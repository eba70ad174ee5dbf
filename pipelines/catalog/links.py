"""Whether a URL that came from outside (a scraped page, a feed, a queue) may become a link.

URLs from outside are data, never behaviour: every page, report and export that turns a stored
URL into something clickable asks `safe_link` first, and shows the text otherwise. A link is
allowed only for an absolute http(s) URL with a host, no credentials (`https://bank@evil`), no
backslash (browsers read it as `/`), no whitespace or control/format character anywhere
(`java\\tscript:`, zero-width tricks), and at most `MAX_LINK_CHARS` characters.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

MAX_LINK_CHARS = 4096
_SCHEMES = ("http://", "https://")
_BAD_CATEGORIES = ("Cc", "Cf", "Zs", "Zl", "Zp", "Cs", "Co", "Cn")
_ASCII_BAD = re.compile("[\x00-\x20\x7f]")  # ASCII characters of those categories


def safe_link(url: object) -> str | None:
    """`url` unchanged when it may be a link, else None.

    >>> safe_link("https://www.example.com/p?id=1")
    'https://www.example.com/p?id=1'
    >>> [safe_link(u) for u in ("javascript:alert(1)", " https://x.example/", "https://a@x.example/",
    ...  "https:\\\\\\\\x.example", "//x.example/", "https://", "data:text/html,x", "HTTP://X.EXAMPLE/")]
    [None, None, None, None, None, None, None, 'HTTP://X.EXAMPLE/']
    """
    if not isinstance(url, str) or not url or len(url) > MAX_LINK_CHARS:
        return None
    if not url[:8].lower().startswith(_SCHEMES) or "\\" in url:
        return None
    if url.isascii():  # the common case, checked at C speed: an ASCII control or space
        if _ASCII_BAD.search(url):
            return None
    elif any(unicodedata.category(ch) in _BAD_CATEGORIES for ch in url if not ch.isascii()
             or ch <= " " or ch == "\x7f"):
        return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return None
    if not parts.hostname or "@" in parts.netloc:
        return None
    return url
