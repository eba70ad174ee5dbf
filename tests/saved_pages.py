"""Load a saved page the way Scrapy would see it (City Scrapers' `file_response`, for pure parsers).

The body is read as bytes and decoded by Scrapy's own rules (HTTP header, then `<meta charset>`),
so a GBK page reaches the parser exactly as it would in a crawl.

A page is either a test fixture of its own (`tests/files/<slug>/<name>`, for pages that exist
only for a test: truncated, hostile, generic layouts) or one of the bundled sample pages
(`scrapers/samples/<host>/<path>[__<query>]`), found from the URL it stands for; a sample is never
copied into tests/files.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from urllib.parse import unquote, urlsplit

from scrapy.http import HtmlResponse

from scrapers.sample_server import SAMPLES_DIR
from scrapers.sites import Site

FILES = Path(__file__).parent / "files"
NOT_PAGES = (".json", ".txt", ".md")
# Test page names that are bundled sample pages: <slug>/<name> -> path under scrapers/samples/.
SAMPLE_PAGES = dict(line.split("\t") for line in (FILES / "sample_pages.tsv").read_text(
    "utf-8").splitlines() if line.strip() and not line.startswith("#"))


def page_file(slug: str, name: str) -> Path:
    """The file for page `name` of site `slug`: `tests/files/<slug>/<name>` if the test has its
    own, else the bundled sample page it names (SAMPLE_PAGES). Unknown names are an error."""
    own = FILES / slug / name
    if own.exists():
        return own
    key = f"{slug}/{name}"
    if key not in SAMPLE_PAGES:
        raise FileNotFoundError(f"{key}: neither a fixture in {FILES} nor a named sample page")
    return SAMPLES_DIR / SAMPLE_PAGES[key]


def saved_page(slug: str, name: str, url: str) -> tuple[str, str]:
    """(url, decoded html) for page `name` of site `slug` as if fetched from `url`."""
    response = HtmlResponse(url=url, body=page_file(slug, name).read_bytes())
    return url, response.text


def sample_url(path: Path) -> str:
    """The real URL a bundled sample page stands for (the inverse of `sample_path`)."""
    rel = path.relative_to(SAMPLES_DIR).as_posix()
    rel, _, query = rel.partition("__")
    if rel.endswith("/index.html"):
        rel = rel[: -len("index.html")]
    host, _, rest = rel.partition("/")
    return f"https://{host}/{rest}" + (f"?{unquote(query)}" if query else "")


def sample_pages(site: Site) -> list[Path]:
    """Every bundled sample page of a site (sidecars, robots.txt and notes left out)."""
    return sorted(p for host in site.samples for p in (SAMPLES_DIR / host).rglob("*")
                  if p.is_file() and p.suffix not in NOT_PAGES and p.name != "robots.txt")


def fixture_pages(site: Site) -> list[Path]:
    """The test's own pages for a site (tests/files/<slug>/)."""
    folder = FILES / site.slug
    return sorted(folder.iterdir()) if folder.is_dir() else []


def host_of(url: str) -> str:
    return urlsplit(url).hostname or ""


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
