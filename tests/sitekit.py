"""A tiny test site and its parser/spider for end-to-end crawl tests (loopback only)."""

from __future__ import annotations

import json
from pathlib import Path

import lxml.html

from scrapers.items import Listing
from scrapers.parsers.base import Follow, Page
from scrapers.spiders.base import MarketplaceSpider

HOST = "www.testsite.example"
PLATFORM = "testsite"


def search_urls(query: str) -> list[str]:
    return [f"https://{HOST}/search?q={query}"]


def parse_search(url: str, html: str) -> Page:
    root = lxml.html.fromstring(html)
    root.make_links_absolute(url)
    return Page(follow=[Follow(a.get("href"), "product") for a in root.iter("a")])


def parse_product(url: str, html: str) -> Page:
    root = lxml.html.fromstring(html or "<html/>")
    title = " ".join(root.xpath("//h1//text()")).strip() or None
    cas = " ".join(root.xpath("//*[@class='cas']//text()")).strip() or None
    return Page(listings=[Listing(platform=PLATFORM, url=url, title=title, cas=cas)])


class TestsiteSpider(MarketplaceSpider):
    name = "testsite"
    allowed_domains = ["testsite.example"]
    parser = __import__(__name__)


PRODUCT = "<html><body><h1>{title}</h1><span class='cas'>{cas}</span></body></html>"


def build_site(root: Path, huge_mb: float = 2.0) -> Path:
    """Write the test site under root/<HOST>/ and return root."""
    site = root / HOST
    site.mkdir(parents=True)
    (site / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n")
    links = ["/p/npp.html", "/p/anpp.html", "/private/secret.html", "/p/huge.html",
             "/p/truncated.html", "/p/busy.html", "/p/down.html", "/p/binary.bin",
             "/p/gbk.html", "/p/hostile.html", "/p/missing.html", "/p/forbidden.html",
             "/p/challenge.html"]
    body = "".join(f'<a href="{u}">{u}</a>' for u in links)
    (site / "search__q%3Dnpp").write_text(f"<html><body>{body}</body></html>")
    (site / "p").mkdir()
    (site / "private").mkdir()
    (site / "p/npp.html").write_text(PRODUCT.format(title="N-Phenethyl-4-piperidone",
                                                    cas="39742-60-4"))
    (site / "p/anpp.html").write_text(PRODUCT.format(title="4-ANPP", cas="21409-26-7"))
    (site / "private/secret.html").write_text(PRODUCT.format(title="SECRET", cas="1-1-1"))
    (site / "p/huge.html").write_bytes(b"<html><body>" + b"<p>x</p>" * int(huge_mb * 131072))
    (site / "p/truncated.html").write_text(PRODUCT.format(title="Truncated", cas="79099-07-3")
                                           + " " * 500)
    (site / "p/truncated.html.headers.json").write_text(json.dumps({"truncate_to": 40}))
    for name, status in (("busy", 429), ("down", 503), ("forbidden", 403), ("challenge", 202)):
        (site / f"p/{name}.html").write_text("<html><body>try later</body></html>")
        (site / f"p/{name}.html.headers.json").write_text(json.dumps({"status": status}))
    (site / "p/binary.bin").write_bytes(bytes(range(256)) * 64)
    gbk = ("<html><head><meta charset='gbk'></head><body><h1>N-苯乙基-4-哌啶酮</h1>"
           "<span class='cas'>39742-60-4</span></body></html>")
    (site / "p/gbk.html").write_bytes(gbk.encode("gbk"))
    hostile = ("<html><body><script>document.write('<h1>fake</h1>')</script>"
               "<h1>Piperidine <img src=x onerror=alert(1)></h1><span class='cas'>110-89-4"
               "</span><div>" + "<div>" * 5000 + "deep" + "</div>" * 5000 + "</div></body></html>")
    (site / "p/hostile.html").write_text(hostile)
    return root
