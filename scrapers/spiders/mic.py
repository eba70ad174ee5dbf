"""Made-in-China (made-in-china.com): multi-search -> product pages -> supplier showrooms."""

from scrapers.parsers import mic
from scrapers.spiders.base import MarketplaceSpider


class MicSpider(MarketplaceSpider):
    name = "mic"
    allowed_domains = ["made-in-china.com"]
    parser = mic
