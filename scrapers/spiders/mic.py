"""Made-in-China (made-in-china.com): multi-search -> product pages -> supplier showrooms."""

from scrapers.sites import SITES
from scrapers.spiders.base import MarketplaceSpider


class MicSpider(MarketplaceSpider):
    name = "mic"
    allowed_domains = list(SITES["mic"].allowed_domains)
    parser = SITES["mic"].parser
