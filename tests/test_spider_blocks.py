"""Blocks and dead endpoints, once in the spider base, for every spider: challenge, CAPTCHA and
ban pages become NotFetched with a reason; a search endpoint that answers 404 to every query is
recorded as broken on the run and the crawl's exit status says so."""

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from scrapers.crawl import EXIT_CODES
from scrapers.items import NotFetched
from scrapers.sites import SITES
from scrapers.spiders import mic

REAL = Path(__file__).parent / "files" / "real"
SPIDERS = [site.spider_class for site in SITES.values()]
CLOUDFLARE = (REAL / "labchem/cloudflare-challenge.html").read_bytes()
BLOCKS = {  # name -> (status, headers, body)
    "cloudflare 403 + cf-mitigated": (403, {"cf-mitigated": "challenge", "server": "cloudflare"},
                                      CLOUDFLARE),
    "cloudflare page served with 200": (200, {}, CLOUDFLARE),
    "cloudflare 403 on a sparse page": (403, {"server": "cloudflare"}, b"<html>Sorry</html>"),
    "datadome header": (403, {"x-datadome": "protected"}, b"<html><body></body></html>"),
    "marketplace slider": (200, {}, "<html><body><div id='nc_1_n1z'></div>请按住滑块，拖动到最右边"
                                    "</body></html>".encode()),
    "unusual traffic": (200, {}, b"<html><body>Our systems have detected unusual traffic from "
                                 b"your computer network.</body></html>"),
    "login wall": (200, {}, b"<html><body><h2>Please log in to view prices</h2></body></html>"),
}


def _spider(cls):
    crawler = get_crawler(cls, {"VENDORSITE_DOMAINS_FILE": ""})
    marketplace = SITES[cls.name].allowed_domains  # vendorsite starts from domains, not queries
    spider = cls.from_crawler(crawler, **({"cas": "79099-07-3"} if marketplace else {}))
    crawler.spider = spider
    return spider


@pytest.mark.parametrize("cls", SPIDERS, ids=[c.name for c in SPIDERS])
@pytest.mark.parametrize("block", BLOCKS, ids=list(BLOCKS))
def test_block_pages_are_not_fetched_in_every_spider(cls, block):
    status, headers, body = BLOCKS[block]
    spider = _spider(cls)
    url = "https://www.example-site.com/search?q=79099-07-3"
    response = HtmlResponse(url=url, status=status, headers=headers, body=body,
                            request=Request(url, cb_kwargs={"kind": "search"}))
    for callback in (spider.parse_search, spider.parse_product, spider.parse_page):
        items = list(callback(response))
        assert len(items) == 1 and isinstance(items[0], NotFetched), (block, items)
        assert items[0].reason and items[0].status == status


@pytest.mark.parametrize("cls", SPIDERS, ids=[c.name for c in SPIDERS])
def test_refused_challenge_in_the_errback_keeps_its_reason(cls):
    spider = _spider(cls)
    url = "https://www.example-site.com/p/1.html"
    response = HtmlResponse(url=url, status=403, body=CLOUDFLARE,
                            headers={"cf-mitigated": "challenge"})
    failure = Failure(HttpError(response))
    failure.request = Request(url, cb_kwargs={"kind": "product"})
    items = list(spider.on_error(failure))
    assert isinstance(items[0], NotFetched) and "Cloudflare" in items[0].reason


@pytest.mark.crawl
@pytest.mark.subprocess
def test_a_search_answering_404_to_every_query_is_a_broken_endpoint(tmp_path):
    db = tmp_path / "catalog.db"
    proc = subprocess.run(
        [sys.executable, "-m", "precursor_watch", "crawl", "mic", "--offline", "--db", str(db),
         "-a", "query=no-such-substance-a,no-such-substance-b"],
        capture_output=True, text=True, timeout=180, cwd=tmp_path,
        env={**__import__("os").environ, "PRECURSOR_WATCH_EVIDENCE_DIR": str(tmp_path / "c")})
    # the health monitor fails the run: a dead endpoint is not a market with nothing for sale
    assert proc.returncode == EXIT_CODES["failed"], proc.stderr[-2000:]
    assert "broken endpoint: mic: search answered HTTP 404 to all 2 queries" in proc.stderr
    status, stats = sqlite3.connect(db).execute(
        "select status, stats from crawl_runs where spider = 'mic'").fetchone()
    assert status == "failed"
    stats = json.loads(stats)
    assert stats["precursor_watch/broken_endpoint"] == (
        "mic: search answered HTTP 404 to all 2 queries")
    assert stats["precursor_watch/search_dead"] == 2


@pytest.mark.parametrize(("answers", "broken"), [
    ([404, 404], "mic: search answered HTTP 404 to all 2 queries"),
    ([405], "mic: search answered HTTP 405 to all 1 queries"),
    ([404, 200, 410], None),  # one live answer: the endpoint works, those queries found nothing
    ([], None),
])
def test_broken_endpoint_is_judged_on_the_whole_run(answers, broken):
    spider = _spider(mic.MicSpider)
    for status in answers:
        spider.search_answered(status)
    spider.closed("finished")
    assert spider.crawler.stats.get_value("precursor_watch/broken_endpoint") == broken
