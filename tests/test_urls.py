"""Canonical product URLs and the real URL shapes each site parser routes (saved pages)."""

import pytest
from saved_pages import saved_page

from scrapers.parsers import chemicalbook, goldsupplier, mic, post, vendorsite
from scrapers.parsers.base import Follow, Page
from scrapers.parsers.urls import canonical

CANONICAL = [
    # OpenCart product links carry the search, sort and paging of the page that linked them
    ("https://www.loudwolf.com//storefront/index.php?limit=10&order=ASC&page=1&product_id=754"
     "&route=product%2Fproduct&search=acid&sort=p.price",
     "https://www.loudwolf.com/storefront/index.php?product_id=754&route=product%2Fproduct"),
    # Shopify search-position parameters
    ("https://3schemicalsllc.com//products/composite-deck-cleaner-enhancer?_pos=1&_psq=clean"
     "&_ss=e&_v=1.0", "https://3schemicalsllc.com/products/composite-deck-cleaner-enhancer"),
    # session ids, tracking, fragments, default ports, dot segments, host case
    ("https://Shop.Example.com:443/a/./b/../c/?utm_source=x&PHPSESSID=1&id=3#reviews",
     "https://shop.example.com/a/c/?id=3"),
    ("http://www.x.com/p;jsessionid=ABC?sid=9&gclid=1", "http://www.x.com/p"),
    # a port that is not a number (a typo in a scraped link) is kept as written, not a crash
    ("https://Shop.Example.com:ab/x?utm_source=y", "https://shop.example.com:ab/x"),
    ("https://Shop.Example.com:8080/x", "https://shop.example.com:8080/x"),
]


@pytest.mark.parametrize(("url", "expected"), CANONICAL)
def test_canonical_product_urls(url, expected):
    assert canonical(url) == expected
    assert canonical(expected) == expected


def test_result_pages_keep_their_search_and_paging():
    url = "https://x.com/search?q=acid&page=2&sort=price&utm_medium=mail"
    assert canonical(url, paging=True, search=True) == "https://x.com/search?page=2&q=acid"


def test_one_product_linked_three_ways_is_followed_once():
    page = Page(follow=[Follow(u, "page") for u in (
        "https://v.com/p/1?sort=price", "https://v.com//p/1?utm_source=a", "https://v.com/p/1#x")])
    assert [f.url for f in post.process(page, "https://v.com/").follow] == ["https://v.com/p/1"]


ROUTES = [
    (goldsupplier, "https://www.goldsupplier.com/provide/p173085127.html", "product"),
    (chemicalbook, "https://www.chemicalbook.com/ProductChemicalPropertiesCB1467934_EN.htm",
     "product"),
    (chemicalbook, "https://www.chemicalbook.com/ChemicalProductProperty_CN_CB7854064.htm",
     "product"),
    (chemicalbook, "https://www.chemicalbook.com/ProductList_En.aspx?kwd=79099-07-3", "search"),
    (mic, "https://www.made-in-china.com/products-search/hot-china-products/"
          "1-boc-4-piperidone.html", "search"),
]


@pytest.mark.parametrize(("parser", "url", "kind"), ROUTES, ids=[u for _, u, _ in ROUTES])
def test_real_url_shapes_are_routed(parser, url, kind):
    assert parser.page_kind(url) == kind


# Saved pages of each site read at the URL shapes above (same markup, the other address).
def test_goldsupplier_provide_offer_page():
    url = "https://www.goldsupplier.com/provide/p173085127.html"
    page = goldsupplier.parse_product(*saved_page("goldsupplier", "product_boc.html", url))
    assert page.listings[0].listing_id == "p173085127"
    assert page.listings[0].cas


def test_chemicalbook_chinese_and_properties_pages_keep_the_cb_number():
    for url in ("https://www.chemicalbook.com/ChemicalProductProperty_CN_CB7854064.htm",
                "https://www.chemicalbook.com/ProductChemicalPropertiesCB7854064_EN.htm"):
        page = chemicalbook.parse_product(*saved_page("chemicalbook", "product_npp.html", url))
        assert page.listings and all(x.listing_id.startswith("CB7854064:") for x in page.listings)


def test_chemicalbook_product_list_and_mic_landing_pages_follow_their_products():
    url = "https://www.chemicalbook.com/ProductList_En.aspx?kwd=39742-60-4"
    page = chemicalbook.parse_search(*saved_page("chemicalbook", "search_p1.html", url))
    assert {f.kind for f in page.follow} >= {"product"}
    url = "https://www.made-in-china.com/products-search/hot-china-products/npp.html"
    page = mic.parse_search(*saved_page("mic", "search_p1.html", url))
    assert {"product", "supplier"} <= {f.kind for f in page.follow}


def test_vendor_id_is_the_registered_domain_of_real_hosts():
    assert vendorsite.vendor_id("https://shop.es-drei.de/search?sSearch=x") == "es-drei.de"
    assert vendorsite.vendor_id("https://www.warchem.pl/p.html") == "warchem.pl"


def test_a_real_result_page_follows_each_product_once_without_its_search_and_paging():
    from realpages import REAL
    from scrapy.http import HtmlResponse

    url = ("https://www.loudwolf.com//storefront/index.php?limit=10&order=ASC&page=1"
           "&route=product%2Fsearch&search=acid&sort=p.price")
    text = HtmlResponse(url=url, body=(REAL / "loudwolf/search-acid.html").read_bytes()).text
    page = post.process(vendorsite.parse_page(url, text), url)
    products = [f.url for f in page.follow if "product_id=" in f.url]
    assert len(products) == len(set(products)) == 10
    assert "https://www.loudwolf.com/storefront/index.php?product_id=754&route=product%2Fproduct" \
        in products
    assert {x.url for x in page.listings} == set(products)
