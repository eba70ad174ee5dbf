"""A fixture spider for the catalog's end-to-end test: reads JSON pages from a loopback server.

index.json lists page paths; each page is one Listing, Vendor (`"type": "vendor"`) or
NotFetched (`"type": "not_fetched"`).
"""

import scrapy

from scrapers.items import Listing, NotFetched, Vendor
from scrapers.settings import ITEM_PIPELINES as CATALOG_PIPELINES


class LoopbackSpider(scrapy.Spider):
    name = "loopback"
    custom_settings = {
        "ITEM_PIPELINES": CATALOG_PIPELINES,
        "ROBOTSTXT_OBEY": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "INFO",
        "CATALOG_BATCH_SIZE": 2,
    }

    async def start(self):
        yield scrapy.Request(self.base + "/index.json")

    def parse(self, response):
        for path in response.json()["pages"]:
            yield response.follow(path, self.parse_page)

    def parse_page(self, response):
        data = response.json()
        kind = data.pop("type", None)
        if kind == "not_fetched":
            yield NotFetched(platform="loop", url=response.url, reason=data["reason"])
        elif kind == "vendor":
            yield Vendor(**data)
        else:
            yield Listing(**data)
