"""ChemNet Chinese mirror (china.chemnet.com): search -> product supplier lists -> companies."""

from scrapers.sites import SITES
from scrapers.spiders.base import MarketplaceSpider


class ChemnetSpider(MarketplaceSpider):
    name = "chemnet"
    allowed_domains = list(SITES["chemnet"].allowed_domains)
    parser = SITES["chemnet"].parser
