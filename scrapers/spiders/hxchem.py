"""Hxchem (hxchem.net): product directory -> order pages -> company pages."""

from scrapers.sites import SITES
from scrapers.spiders.base import MarketplaceSpider


class HxchemSpider(MarketplaceSpider):
    name = "hxchem"
    allowed_domains = list(SITES["hxchem"].allowed_domains)
    parser = SITES["hxchem"].parser
