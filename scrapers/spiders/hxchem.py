"""Hxchem (hxchem.net): product directory -> order pages -> company pages."""

from scrapers.parsers import hxchem
from scrapers.spiders.base import MarketplaceSpider


class HxchemSpider(MarketplaceSpider):
    name = "hxchem"
    allowed_domains = ["hxchem.net"]
    parser = hxchem
