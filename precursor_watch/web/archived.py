"""An archived page as an inert copy: read the WARC record, parse it as a browser does (html5lib,
the WHATWG algorithm: a stray <body> in <head>, text after </html>, misnested tables keep their
text), remove everything that could run or load (scripts, frames, objects, event handlers,
javascript: URLs, remote styles, refreshes), disable links, and put a banner saying what it is.
Served with a Content-Security-Policy that forbids script and remote loads (see `ARCHIVE_CSP`)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup
from w3lib.encoding import html_to_unicode
from warcio.archiveiterator import ArchiveIterator

from scrapers.evidence import SERVED_FROM_HEADER, SHA_HEADER

ARCHIVE_CSP = ("sandbox; default-src 'none'; script-src 'none'; object-src 'none';"
               " style-src 'unsafe-inline'; img-src data:; font-src 'none'; connect-src 'none';"
               " frame-src 'none'; form-action 'none'; base-uri 'none'; frame-ancestors 'self'")
DROP_TAGS = ("script", "noscript", "iframe", "frame", "frameset", "object", "embed", "applet",
             "base", "link", "portal", "template", "meta")
URL_ATTRS = ("href", "src", "srcset", "action", "formaction", "xlink:href", "poster",
             "background", "data", "ping", "lowsrc")

# Chromium stops nesting elements at this depth (deeper ones become siblings); html5lib's time
# grows with the square of the depth, so a deeper page is parsed by the lenient parser instead.
MAX_BROWSER_DEPTH = 512
VOID_TAGS = frozenset(("area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                       "meta", "source", "track", "wbr", "param", "keygen"))
_TAG = re.compile(r"<(/?)([a-zA-Z][\w:-]*)[^>]*?(/?)>")


def nesting_depth(text: str) -> int:
    """The deepest element nesting the tags of `text` ask for (a linear scan, no tree); 0 for a
    page with too few tags to nest deeper than a browser does (not scanned).

    >>> nesting_depth("<div><br>" * 600 + "</div>" * 600), nesting_depth("<div><p>a</p></div>")
    (600, 0)
    """
    depth = deepest = 0
    if text.count("<") <= MAX_BROWSER_DEPTH:
        return 0
    for m in _TAG.finditer(text):
        if m.group(2).lower() in VOID_TAGS or m.group(3):
            continue
        depth = max(0, depth - 1) if m.group(1) else depth + 1
        deepest = max(deepest, depth)
    return deepest


def parse_as_browser(text: str) -> BeautifulSoup:
    """The page's tree as a browser builds it (html5lib), unless it nests deeper than a browser
    does (then Python's lenient parser: such a page is hostile, and its text is kept)."""
    if nesting_depth(text) > MAX_BROWSER_DEPTH:
        return BeautifulSoup(text, "html.parser")
    return BeautifulSoup(text, "html5lib")


@dataclass
class Capture:
    url: str
    fetched_at: str
    sha256: str
    status: str
    record_id: str
    warc_file: str
    served_from: str
    content_type: str
    body: bytes


class CaptureNotFound(LookupError):
    pass


def locate_warc(warc_file: str, roots: list[Path]) -> Path:
    """The WARC file as recorded (relative to where the crawl ran), tried under each root."""
    p = Path(warc_file)
    candidates = [p] if p.is_absolute() else [root / p for root in roots]
    if not p.is_absolute() and p.parts and p.parts[0] == "crawls":
        candidates += [root / Path(*p.parts[1:]) for root in roots]
    for c in candidates:
        if c.is_file():
            return c
    raise CaptureNotFound(f"WARC file {warc_file} not found (looked under "
                          f"{', '.join(str(r) for r in roots)})")


def read_capture(path: Path, record_id: str) -> Capture:
    with path.open("rb") as fh:
        for rec in ArchiveIterator(fh):
            if rec.rec_type != "response" or rec.rec_headers.get_header(
                    "WARC-Record-ID") != record_id:
                continue
            h = rec.rec_headers
            return Capture(
                url=h.get_header("WARC-Target-URI") or "", fetched_at=h.get_header("WARC-Date")
                or "", sha256=h.get_header(SHA_HEADER) or "",
                status=rec.http_headers.get_statuscode() if rec.http_headers else "",
                record_id=record_id, warc_file=str(path),
                served_from=h.get_header(SERVED_FROM_HEADER) or "",
                content_type=(rec.http_headers.get_header("Content-Type") or "")
                if rec.http_headers else "",
                body=rec.content_stream().read())
    raise CaptureNotFound(f"record {record_id} is not in {path}")


def inert_html(cap: Capture) -> str:
    """The capture as a standalone inert HTML page with the archive banner first."""
    _, text = html_to_unicode(cap.content_type or None, cap.body)
    soup = parse_as_browser(text)
    for tag in soup.find_all(DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        for attr in list(tag.attrs):
            low = attr.lower()
            if low.startswith("on") or low in ("style",) and "url(" in str(tag[attr]).lower():
                del tag[attr]
            elif low in URL_ATTRS:
                tag[f"data-archived-{low.replace(':', '-')}"] = tag[attr]
                del tag[attr]
    for style in soup.find_all("style"):
        if "@import" in style.get_text() or "url(" in style.get_text():
            style.decompose()
    styles = "".join(str(s) for s in soup.find_all("style"))
    body = soup.body.decode_contents() if soup.body else soup.decode()
    title = soup.title.get_text() if soup.title else cap.url
    return ARCHIVE_PAGE.format(
        title=html.escape(f"Archived copy: {title}"), banner=banner(cap), styles=styles,
        body=body)


def banner(cap: Capture) -> str:
    e = html.escape
    sample = (f"<br><strong>SAMPLE</strong>: served from the bundled sample server "
              f"{e(cap.served_from)}, not a live capture") if cap.served_from else ""
    return (f'<div id="pw-archive-banner" style="font:14px sans-serif;background:#fff3cd;'
            f'color:#000;border:2px solid #c90;padding:8px;margin:0 0 12px">'
            f"Archived copy of <code>{e(cap.url)}</code>, fetched at {e(cap.fetched_at)}, "
            f"SHA-256 <code>{e(cap.sha256)}</code><br>HTTP {e(str(cap.status))}; WARC "
            f"<code>{e(Path(cap.warc_file).name)}</code> record <code>{e(cap.record_id)}</code>."
            f" Scripts and remote content removed; links disabled.{sample}</div>")


ARCHIVE_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{title}</title>{styles}</head>
<body>{banner}{body}</body></html>"""
