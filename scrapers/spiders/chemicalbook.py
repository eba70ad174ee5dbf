"""ChemicalBook (chemicalbook.com): CAS search -> product page supplier table -> supplier pages."""

from scrapers.parsers import chemicalbook
from scrapers.spiders.base import MarketplaceSpider


class ChemicalbookSpider(MarketplaceSpider):
    name = "chemicalbook"
    allowed_domains = ["chemicalbook.com"]
    parser = chemicalbook
