"""Pages that are not content: anti-bot challenges, CAPTCHAs, bans, rate limits and login walls.

A challenge is an interstitial *instead of* the page: it is recognised by what is missing as much
as by what is there. `reason(html, status, headers)` names what answered instead of the site:
- a header only a challenge answer carries (Cloudflare's `cf-mitigated`, DataDome's), or a refusal
  status from Cloudflare/Akamai, or a refusal status on a page with no content;
- the markup of a challenge or block (Cloudflare, Akamai, Imperva/Incapsula, DataDome,
  PerimeterX, marketplace slider CAPTCHAs, "unusual traffic" pages), but only on a page that holds
  no content of its own: little visible text and next to no links. Bot-management vendors also
  inject passive scripts into ordinary pages (Cloudflare's `/cdn-cgi/challenge-platform/scripts/`
  loader, Incapsula's `_Incapsula_Resource` beacon, PerimeterX's client): a full product or result
  page that carries one is content, never a block;
- generic words ("captcha", "access denied", "log in") on such a content-less page.
The whole document is looked at (a branded challenge can carry hundreds of KB of inline styles
and fonts before its markup); links are counted first, so a large content page costs one scan.
"""

from __future__ import annotations

import re

from scrapers.parsers import fastre

_MARKUP = [  # (pattern on the raw HTML, who answered)
    (r"window\._cf_chl_opt|/cdn-cgi/challenge-platform/|cf-browser-verification|"
     r"id=\"challenge-form\"|cf_chl_prog|<title>\s*just a moment\.\.\.\s*</title>|"
     r"<title>\s*attention required! \| cloudflare|cf-error-details|"
     r"cf-im-under-attack|cf-captcha-container", "Cloudflare challenge"),
    (r"captcha-delivery\.com|geo\.captcha-delivery|datadome", "DataDome challenge"),
    (r"_incapsula_resource|incapsula incident id|/_incapsula_", "Imperva/Incapsula block"),
    (r"errors\.edgesuite\.net|akamai.{0,40}reference\s*#|<title>\s*access denied\s*</title>"
     r"[\s\S]{0,800}reference\s*#", "Akamai block"),
    (r"px-captcha|_pxhd|perimeterx|human challenge|"
     r"<title>\s*access to this page has been denied", "PerimeterX challenge"),
    (r"nc_1_n1z|baxia-dialog|_____tmd_____|x5secdata|punish\?x5|aliyun_captcha|"
     r"geetest_|tcaptcha|滑动验证|拖动滑块|向右滑动|请按住滑块", "slider CAPTCHA"),
    (r"our systems have detected unusual traffic|unusual traffic from your computer",
     "unusual-traffic block"),
]
_MARKUP_RX = [(re.compile(p, re.I), who) for p, who in _MARKUP]
_WORDS = re.compile(
    r"verify (?:that )?you are (?:a )?human|are you a robot|captcha|access denied|"
    r"too many requests|rate limit exceeded|unusual traffic|checking your browser|"
    r"enable javascript and cookies|request blocked|you have been blocked|403 forbidden|"
    r"please log ?in|sign in to continue|"
    r"login required|请输入验证码|访问过于频繁|访问频率过快|安全验证|人机验证|请先登录|登录后查看|"
    r"доступ запрещ|bitte melden sie sich an|zaloguj się",
    re.I,
)
_LINK = re.compile(r"<a\b[^>]*\bhref\s*=", re.I)
# An interstitial says one thing and links to little (a help page, the vendor, a log-in): the
# real challenge pages of the corpus show <= 1,400 visible characters and <= 5 links, while the
# thinnest real content page shows 23 links (a product page 60 links and ~940 characters).
_FEW_LINKS = 12
_THIN_TEXT = 2000
_THIN_PAGE = 1500  # visible characters without link text, for the generic words


def _visible(html: str) -> str:
    """Text a reader sees, plus what <noscript> says (loading a page in Python drops it)."""
    text = re.sub(r"<(script|style|template)\b[\s\S]*?</\1\s*>", " ", html, flags=re.I)
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _links(html: str, limit: int) -> int:
    """Links on the page, counted up to `limit` (a content page stops the count early)."""
    n = 0
    for _ in _LINK.finditer(html):
        n += 1
        if n >= limit:
            break
    return n


def content_less(html: str) -> bool:
    """True when the page holds no content of its own: next to no links and little text."""
    return _links(html, _FEW_LINKS) < _FEW_LINKS and len(_visible(html)) < _THIN_TEXT


def reason(html: str | None, status: int | None = None, headers: dict | None = None) -> str | None:
    """Why this answer is not the page asked for, or None for a content page."""
    headers = {str(k).lower(): str(v).lower() for k, v in (headers or {}).items()}
    if headers.get("cf-mitigated"):
        return f"Cloudflare challenge (cf-mitigated: {headers['cf-mitigated']}, HTTP {status})"
    if "x-datadome" in headers or headers.get("server", "").startswith("datadome"):
        return f"DataDome challenge (HTTP {status})"
    html = html or ""
    server = headers.get("server", "")
    if status in (401, 403, 429, 503) and server in ("cloudflare", "akamaighost"):
        return f"refused by {server} (HTTP {status})"
    if not content_less(html):
        return None  # a page with content is content, whatever scripts it also loads
    lowered = html.lower() if html.isascii() else None  # (fastre: same spans, faster search)
    for rx, who in _MARKUP_RX:
        if fastre.search_span(rx, html, lowered):
            return f"{who}" + (f" (HTTP {status})" if status else "")
    if status in (401, 403, 429, 503):
        return f"refused by {server or 'the site'} (HTTP {status})"
    unlinked = _visible(re.sub(r"<a\b[\s\S]*?</a\s*>", " ", html, flags=re.I))
    if len(unlinked) < _THIN_PAGE and (span := fastre.search_span(_WORDS, unlinked)):
        return f"anti-bot or rate-limit page ({unlinked[span[0]:span[1]]})"
    return None
