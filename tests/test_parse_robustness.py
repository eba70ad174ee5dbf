"""Site parsers never raise: every saved page cut short at several points, through every parser."""

import pytest
from saved_pages import FILES

from scrapers.parsers import (
    chemicalbook,
    chemnet,
    echemi,
    generic,
    goldsupplier,
    hxchem,
    mic,
    vendorsite,
)
from scrapers.parsers.base import Page

_MARKETPLACES = {"chemnet": chemnet, "hxchem": hxchem, "goldsupplier": goldsupplier,
                 "chemicalbook": chemicalbook, "echemi": echemi}
# slug -> (platform, page URL, parse functions)
PARSERS = {
    **{slug: (m.PLATFORM, f"https://{m.HOST}/product/x.html",
              (m.parse_search, m.parse_product, m.parse_supplier))
       for slug, m in _MARKETPLACES.items()},
    "mic": (mic.PLATFORM, "https://hubei-kangyuan.en.made-in-china.com/product/x/y.html",
            (mic.parse_search, mic.parse_product, mic.parse_supplier)),
    "vendorsite": (vendorsite.PLATFORM, "https://www.jinghong-pharmtech.example/product/x/",
                   (vendorsite.parse_page,)),
    "generic": ("vendorsite", "https://www.vantor-chemicals.example/x/",
                (lambda url, html: generic.extract(url, html, "vendorsite"),)),
}
PAGES = [(slug, path) for slug in PARSERS for path in sorted((FILES / slug).iterdir())]


@pytest.mark.parametrize(("slug", "path"), PAGES, ids=[f"{s}/{p.name}" for s, p in PAGES])
def test_truncated_pages_never_raise(slug, path):
    platform, url, funcs = PARSERS[slug]
    html = path.read_bytes().decode("utf-8", errors="replace")  # even the wrong codec for GBK
    for cut in range(0, len(html) + 1, max(1, len(html) // 6)):
        for func in funcs:
            page = func(url, html[:cut])
            assert isinstance(page, Page)
            assert all(item.platform == platform for item in page.listings + page.vendors)
