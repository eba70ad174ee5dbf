"""ECHEMI (echemi.com): CAS/name search -> supplier offers -> supplier pages; 202 = not fetched."""

from scrapers.sites import SITES
from scrapers.spiders.base import MarketplaceSpider


class EchemiSpider(MarketplaceSpider):
    name = "echemi"
    allowed_domains = list(SITES["echemi"].allowed_domains)
    parser = SITES["echemi"].parser
