"""ChemicalBook (chemicalbook.com): CAS search -> product page supplier table -> supplier pages."""

from scrapers.sites import SITES
from scrapers.spiders.base import MarketplaceSpider


class ChemicalbookSpider(MarketplaceSpider):
    name = "chemicalbook"
    allowed_domains = list(SITES["chemicalbook"].allowed_domains)
    parser = SITES["chemicalbook"].parser
