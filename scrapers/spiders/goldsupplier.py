"""Goldsupplier (goldsupplier.com): keyword search -> product/offer pages -> company pages."""

from scrapers.parsers import goldsupplier
from scrapers.spiders.base import MarketplaceSpider


class GoldsupplierSpider(MarketplaceSpider):
    name = "goldsupplier"
    allowed_domains = ["goldsupplier.com"]
    parser = goldsupplier
