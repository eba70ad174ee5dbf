"""A link the spider already requested is not requested again (the company page linked from every
product page of the company): no request is built, the skip is counted, and the result is what
Scrapy's duplicate filter would have made of it. Shown on hxchem (the crawl benchmark's site);
tested on echemi's saved product page."""

from pathlib import Path

import scrapy
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from scrapers.spiders.base import REPEATED
from scrapers.spiders.echemi import EchemiSpider
from scrapers.spiders.vendorsite import VendorsiteSpider

SAMPLES = Path(__file__).resolve().parents[1] / "scrapers/samples"
PAGE = SAMPLES / "www.echemi.com/produce/pr2211181023-n-phenethyl-4-piperidone.html"
COMPANY = "https://www.echemi.com/supplier/wuhan-ruixiang.html"


def _spider(settings: dict | None = None, cls=EchemiSpider):
    crawler = get_crawler(cls, {"VENDORSITE_DOMAINS_FILE": "", **(settings or {})})
    spider = cls.from_crawler(crawler, **({"cas": "79099-07-3"} if cls is EchemiSpider else {}))
    crawler.spider = spider
    return spider


def _product(url: str, depth: int = 1) -> HtmlResponse:
    request = Request(url, meta={"depth": depth})
    return HtmlResponse(url, body=PAGE.read_bytes(), encoding="utf-8", request=request)


def _requests(spider, response, kind: str = "product") -> list[str]:
    return [r.url for r in spider.handle(response, kind) if isinstance(r, scrapy.Request)]


def test_a_company_link_repeated_on_every_product_page_is_requested_once():
    spider = _spider()
    first = _requests(spider, _product("https://www.echemi.com/produce/pr2211181023-a.html"))
    again = _requests(spider, _product("https://www.echemi.com/produce/pr2211181023-b.html"))
    assert COMPANY in first
    assert COMPANY not in again
    assert spider.crawler.stats.get_value(REPEATED) == again.count(COMPANY) + 1 >= 1
    # the items of the second page are all still there
    items = [x for x in spider.handle(_product("https://www.echemi.com/produce/pr-c.html"),
                                      "product") if not isinstance(x, scrapy.Request)]
    assert items and any(getattr(x, "url", None) for x in items)


def test_a_link_seen_only_deeper_is_requested_again_from_a_shallower_page():
    """A depth limit may have dropped the deeper request; the shallower one may pass it."""
    spider = _spider()
    assert COMPANY in _requests(spider, _product("https://www.echemi.com/produce/pr-a.html", 3))
    assert COMPANY in _requests(spider, _product("https://www.echemi.com/produce/pr-b.html", 1))
    assert COMPANY not in _requests(spider, _product("https://www.echemi.com/produce/pr-c.html", 2))


def test_without_a_duplicate_filter_every_link_is_requested():
    spider = _spider({"DUPEFILTER_CLASS": "scrapy.dupefilters.BaseDupeFilter"})
    for name in ("a", "b", "c"):
        assert COMPANY in _requests(spider, _product(f"https://www.echemi.com/produce/pr-{name}.html"))
    assert spider.crawler.stats.get_value(REPEATED) is None


def test_a_page_budget_spent_does_not_count_as_requested():
    """vendorsite stops following a site whose budget is spent; a link skipped there is not
    remembered as requested, so another site's page may still request it."""
    spider = _spider({"VENDORSITE_MAX_PAGES": 1}, VendorsiteSpider)
    html = (b"<html><head><title>Acme Chemicals</title></head><body><h1>Acme</h1>"
            b"<a href='https://b.example/products.html'>Products</a></body></html>")
    spent = HtmlResponse("https://a.example/", body=html, encoding="utf-8",
                         request=Request("https://a.example/", meta={"depth": 1}))
    assert _requests(spider, spent, "page") == []
    fresh = HtmlResponse("https://b.example/", body=html, encoding="utf-8",
                         request=Request("https://b.example/", meta={"depth": 1}))
    spider.pages_per_site["b.example"] = -5  # plenty of budget left on b.example
    assert "https://b.example/products.html" in _requests(spider, fresh, "page")
