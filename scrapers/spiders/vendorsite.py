"""Generic vendor-website spider: each listed company site's catalog, within page/depth limits.

    scrapy crawl vendorsite -a domains=domains.txt     (one domain or URL per line)

Without `-a domains`, the file named by the VENDORSITE_DOMAINS_FILE setting
(env PRECURSOR_WATCH_VENDOR_DOMAINS) is read; the sample-site crawl points it at the bundled list.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import scrapy

from scrapers.parsers import vendorsite
from scrapers.sites import SITES
from scrapers.spiders.base import MarketplaceSpider


class VendorsiteSpider(MarketplaceSpider):
    name = "vendorsite"
    parser = SITES["vendorsite"].parser

    @classmethod
    def update_settings(cls, settings):
        super().update_settings(settings)
        settings.set("DEPTH_LIMIT", settings.getint("VENDORSITE_MAX_DEPTH", 4), priority="spider")

    def __init__(self, domains: str | None = None, **kwargs):
        super().__init__(query="-", **kwargs)  # starts are sites, not watchlist queries
        self.domains_arg = domains
        self.queries = []
        self.pages_per_site: dict[str, int] = {}

    def _sites(self) -> list[str]:
        source = self.domains_arg or self.settings.get("VENDORSITE_DOMAINS_FILE")
        if not source:
            self.logger.warning("vendorsite: no -a domains=FILE given; nothing to crawl")
            return []
        path = Path(source)
        lines = path.read_text("utf-8").splitlines() if path.exists() else source.split(",")
        return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]

    def start_requests(self):
        sites = self._sites()
        for site in sites:
            for url in vendorsite.search_urls(site):
                yield scrapy.Request(url, callback=self.parse_page, errback=self.on_error,
                                     cb_kwargs={"kind": "page"})

    def handle(self, response, kind):
        site = urlsplit(response.url).hostname or ""
        self.pages_per_site[site] = self.pages_per_site.get(site, 0) + 1
        yield from super().handle(response, kind)

    def following(self, response) -> bool:
        """Page budget for this site spent: keep its items, stop following."""
        site = urlsplit(response.url).hostname or ""
        return self.pages_per_site.get(site, 0) < self.settings.getint("VENDORSITE_MAX_PAGES", 200)
