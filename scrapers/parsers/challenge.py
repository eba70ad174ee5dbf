"""Pages that are not content: anti-bot challenges, CAPTCHAs, bans, rate limits and login walls.

`reason(html, status, headers)` names what answered instead of the site: Cloudflare (by its
`cf-mitigated` header, by `server: cloudflare` with a refusal status, or by its challenge
markup, including the text inside `<noscript>`), Akamai, Imperva/Incapsula, DataDome,
PerimeterX, marketplace slider CAPTCHAs, "unusual traffic" and rate-limit pages, and login walls.
Markup that only a challenge carries counts on any page; generic words ("captcha", "access
denied", "log in") count only on a page with little else on it.
"""

from __future__ import annotations

import re

_MARKUP = [  # (pattern on the raw HTML, who answered)
    (r"window\._cf_chl_opt|/cdn-cgi/challenge-platform/|cf-browser-verification|"
     r"id=\"challenge-form\"|cf_chl_prog|<title>\s*just a moment\.\.\.\s*</title>|"
     r"<title>\s*attention required! \| cloudflare|cf-error-details|"
     r"cf-im-under-attack|cf-captcha-container", "Cloudflare challenge"),
    (r"captcha-delivery\.com|geo\.captcha-delivery|datadome", "DataDome challenge"),
    (r"_incapsula_resource|incapsula incident id|/_incapsula_", "Imperva/Incapsula block"),
    (r"errors\.edgesuite\.net|akamai.{0,40}reference\s*#|<title>\s*access denied\s*</title>"
     r"[\s\S]{0,800}reference\s*#", "Akamai block"),
    (r"px-captcha|_pxhd|perimeterx|human challenge", "PerimeterX challenge"),
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
_THIN_PAGE = 1500  # visible characters: a challenge or ban page says little else


def _visible(html: str) -> str:
    """Text a reader sees, plus what <noscript> says (loading a page in Python drops it)."""
    text = re.sub(r"<(script|style|template)\b[\s\S]*?</\1\s*>", " ", html, flags=re.I)
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def reason(html: str | None, status: int | None = None, headers: dict | None = None) -> str | None:
    """Why this answer is not the page asked for, or None for a content page."""
    headers = {str(k).lower(): str(v).lower() for k, v in (headers or {}).items()}
    if headers.get("cf-mitigated"):
        return f"Cloudflare challenge (cf-mitigated: {headers['cf-mitigated']}, HTTP {status})"
    if "x-datadome" in headers or headers.get("server", "").startswith("datadome"):
        return f"DataDome challenge (HTTP {status})"
    html = html or ""
    head = html[:200_000]
    for rx, who in _MARKUP_RX:
        if rx.search(head):
            return f"{who}" + (f" (HTTP {status})" if status else "")
    server = headers.get("server", "")
    visible = _visible(head)
    thin = len(visible) < _THIN_PAGE
    if status in (401, 403, 429, 503) and (server in ("cloudflare", "akamaighost") or thin):
        return f"refused by {server or 'the site'} (HTTP {status})"
    unlinked = _visible(re.sub(r"<a\b[\s\S]*?</a\s*>", " ", head, flags=re.I)) if thin else ""
    m = _WORDS.search(unlinked)
    if m:
        return f"anti-bot or rate-limit page ({m.group(0)})"
    return None
