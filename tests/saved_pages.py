"""Load a saved page the way Scrapy would see it (City Scrapers' `file_response`, for pure parsers).

The body is read as bytes and decoded by Scrapy's own rules (HTTP header, then `<meta charset>`),
so a GBK page reaches the parser exactly as it would in a crawl.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from scrapy.http import HtmlResponse

FILES = Path(__file__).parent / "files"


def saved_page(slug: str, name: str, url: str) -> tuple[str, str]:
    """(url, decoded html) for `tests/files/<slug>/<name>` as if fetched from `url`."""
    response = HtmlResponse(url=url, body=(FILES / slug / name).read_bytes())
    return url, response.text


def text_fields(item) -> list[str]:
    """Every string an item carries (nested lists/dicts included), for leak checks."""
    out: list[str] = []

    def walk(value) -> None:
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(k)
                walk(v)
        elif isinstance(value, list | tuple):
            for v in value:
                walk(v)

    walk(dataclasses.asdict(item))
    return out


# Markers planted in the hostile sample pages inside <script>, <noscript>, <iframe>, event handlers.
SCRIPT_MARKERS = ("alert(", "document.write", "<script", "INJECTED", "NOSCRIPT-TEXT", "IFRAME-TEXT",
                  "steal()", "onerror")
