"""Site parsers never raise: every saved page cut short at several points, through every parser."""

import pytest
from saved_pages import FILES

from scrapers.parsers import chemicalbook, chemnet, goldsupplier, hxchem
from scrapers.parsers.base import Page

PARSERS = {"chemnet": chemnet, "hxchem": hxchem, "goldsupplier": goldsupplier,
           "chemicalbook": chemicalbook}
PAGES = [(slug, path) for slug in PARSERS for path in sorted((FILES / slug).iterdir())]


@pytest.mark.parametrize(("slug", "path"), PAGES, ids=[f"{s}/{p.name}" for s, p in PAGES])
def test_truncated_pages_never_raise(slug, path):
    module = PARSERS[slug]
    url = f"https://{module.HOST}/product/x.html"
    html = path.read_bytes().decode("utf-8", errors="replace")  # even the wrong codec for GBK
    for cut in range(0, len(html) + 1, max(1, len(html) // 6)):
        for func in (module.parse_search, module.parse_product, module.parse_supplier):
            page = func(url, html[:cut])
            assert isinstance(page, Page)
            assert all(item.platform == module.PLATFORM for item in page.listings + page.vendors)
