"""ECHEMI (echemi.com): CAS/name search -> supplier offers -> supplier pages; 202 = not fetched."""

from scrapers.parsers import echemi
from scrapers.spiders.base import MarketplaceSpider


class EchemiSpider(MarketplaceSpider):
    name = "echemi"
    allowed_domains = ["echemi.com"]
    parser = echemi
