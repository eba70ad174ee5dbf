"""Goldsupplier (goldsupplier.com): keyword search -> product/offer pages -> company pages."""

from scrapers.sites import SITES
from scrapers.spiders.base import MarketplaceSpider


class GoldsupplierSpider(MarketplaceSpider):
    name = "goldsupplier"
    allowed_domains = list(SITES["goldsupplier"].allowed_domains)
    parser = SITES["goldsupplier"].parser
