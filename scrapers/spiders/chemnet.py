"""ChemNet Chinese mirror (china.chemnet.com): search -> product supplier lists -> companies."""

from scrapers.parsers import chemnet
from scrapers.spiders.base import MarketplaceSpider


class ChemnetSpider(MarketplaceSpider):
    name = "chemnet"
    allowed_domains = ["chemnet.com"]
    parser = chemnet
