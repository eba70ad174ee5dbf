"""Canonical product URLs: one product, one URL, however a page linked to it.

Session ids, sort orders, search terms, paging and tracking parameters are dropped; the host is
lower-cased, default ports, fragments, repeated slashes and `/./` segments are normalised and
the remaining parameters sorted. Result pages keep their paging (`canonical(url, paging=True)`).
"""

from __future__ import annotations

import functools
import posixpath
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_SESSION = {"sid", "sessionid", "session_id", "phpsessid", "jsessionid", "oscsid", "zenid",
            "osCsid", "s", "sessid", "cid_session", "__cf_chl_tk", "__cf_chl_rt_tk"}
_SORT = {"sort", "order", "orderby", "dir", "sortby", "sort_by", "sort_order", "ssort", "o",
         "limit", "n", "view", "mode", "display", "per_page", "perpage", "pagesize"}
_SEARCH = {"search", "q", "query", "keyword", "keywords", "ssearch", "text", "terms", "kwd",
           "_psq", "_pos", "_ss", "_v", "filter_name", "searchterm", "srsltid"}
_PAGING = {"page", "p", "pg", "start", "offset", "spage", "pagenum", "page_no"}
_TRACKING = re.compile(r"^(?:utm_\w+|gclid|fbclid|msclkid|yclid|mc_\w+|_ga|_gl|ref|ref_src|"
                       r"spm|scm|acc|cpn|tgt|net|dev|gid|kwd|from|source|trk|tracking\w*|"
                       r"affiliate|aff\w*|variant)$", re.I)
# Lower-cased names dropped, for each (paging, search) choice: built once, not on every call.
_DROP = {(paging, search): frozenset(d.lower() for d in _SESSION | _SORT | (
    set() if search else _SEARCH) | (set() if paging else _PAGING))
    for paging in (False, True) for search in (False, True)}


@functools.lru_cache(maxsize=65536)  # a long list's links are split by several readers
def split(url: str):
    """`urlsplit(url)`, each distinct URL once (the result is an immutable named tuple)."""
    return urlsplit(url)


def canonical_netloc(parts) -> str:
    """Lower-cased host with its port unless default; a port that is not a number (a typo in a
    scraped link, `host:ab`) is kept as written rather than failing the page."""
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        return parts.netloc.rpartition("@")[2].lower()
    return f"{host}:{port}" if port not in (None, 80, 443) else host


def canonical(url: str, paging: bool = False, search: bool = False) -> str:
    """`url` without session, sort, search (unless `search`), paging (unless `paging`) and
    tracking parameters."""
    parts = split(url.strip())
    netloc = canonical_netloc(parts)
    path = parts.path
    if not parts.query and netloc and path[:1] == "/" and "//" not in path and "/." not in path \
            and ";" not in path:  # nothing to drop or normalise: what the general walk gives
        return f"{parts.scheme.lower() or 'https'}://{netloc}{path}"
    path = re.sub(r"/{2,}", "/", parts.path or "/")
    if path != "/":
        trailing = path.endswith("/")
        path = posixpath.normpath(path) + ("/" if trailing else "")
        path = path.replace(";jsessionid=", ";").split(";")[0]
    drop = _DROP[bool(paging), bool(search)]
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if k.lower() not in drop and not _TRACKING.match(k)]
    return urlunsplit((parts.scheme.lower() or "https", netloc, path,
                       urlencode(sorted(query)), ""))
