"""Made-in-China parser on saved pages (samples named in files/sample_pages.tsv)."""

import pytest
from saved_pages import saved_page

from scrapers.parsers import mic

SEARCH_URL = "https://www.made-in-china.com/multi-search/79099-07-3/F1/1.html"
SHOWROOM = "https://hubei-kangyuan.en.made-in-china.com/"
BOC_URL = (f"{SHOWROOM}product/aBcD12345xyz/"
           "China-1-Boc-4-Piperidone-CAS-79099-07-3-Safe-Delivery.html")
PARTIAL_URL = ("https://shijiazhuang-yuanchen.en.made-in-china.com/product/QwErT67890uv/"
               "China-CAS-79099-Powder-in-USA-Warehouse.html")


def _parse(name, url, parse):
    return parse(*saved_page("mic", name, url))


@pytest.fixture(scope="module")
def boc():
    return _parse("product_boc.html", BOC_URL, mic.parse_product)


@pytest.fixture(scope="module")
def listing(boc):
    return boc.listings[0]


def test_search_urls_and_page_kinds():
    assert mic.search_urls("79099-07-3") == [SEARCH_URL]
    assert mic.page_kind(SEARCH_URL) == "search"
    assert mic.page_kind(BOC_URL) == "product"
    assert mic.page_kind(SHOWROOM) == "supplier"


def test_search_follows_products_showrooms_and_next_page():
    page = _parse("search_p1.html", SEARCH_URL, mic.parse_search)
    follows = {(f.kind, f.url) for f in page.follow}
    assert ("product", BOC_URL) in follows
    assert ("supplier", SHOWROOM) in follows
    assert ("search", "https://www.made-in-china.com/multi-search/79099-07-3/F1/2.html") in follows


def test_title(listing):
    assert listing.title == "1-Boc-4-Piperidone CAS 79099-07-3 Safe Delivery"


def test_ids(listing):
    assert (listing.listing_id, listing.vendor_id) == ("aBcD12345xyz", "hubei-kangyuan")


def test_cas_formula_purity(listing):
    assert (listing.cas, listing.formula, listing.purity) == ("79099-07-3", "C10H17NO3", "99%")


def test_price(listing):
    assert (listing.price_text, listing.price_amount, listing.price_currency) == (
        "US $12-50 / kg", 12.0, "USD")


def test_order_package_supply(listing):
    assert (listing.min_order, listing.quantity, listing.stock) == (
        "1 kg", "Foil Bag, Drum", "500 kg/Month")


def test_claims(listing):
    assert "reship if seized" in listing.shipping_claims
    assert {"USDT", "Western Union"} <= set(listing.payment_claims)


def test_vendor_name_and_showroom_follow(listing, boc):
    assert listing.vendor_name == "Hubei Kangyuan New Material Co., Ltd."
    assert [(f.kind, f.url) for f in boc.follow] == [("supplier", SHOWROOM)]


def test_partial_cas_is_kept_as_written():
    item = _parse("product_partial_cas.html", PARTIAL_URL, mic.parse_product).listings[0]
    assert item.cas == "CAS79099"
    assert any("change the name" in c for c in item.shipping_claims)


def test_showroom():
    vendor = _parse("showroom_kangyuan.html", SHOWROOM, mic.parse_supplier).vendors[0]
    assert vendor.vendor_id == "hubei-kangyuan"
    assert vendor.name == "Hubei Kangyuan New Material Co., Ltd."
    assert (vendor.country, vendor.city) == ("China", "Hubei, Wuhan")
    assert vendor.phones == ["+44 7700 900123"]
    assert vendor.emails == ["jinghong.sales@example.com"]
    assert vendor.years_on_platform == "2019"
    assert vendor.badges == ["Audited Supplier"]


def test_empty_and_broken_pages():
    empty = "<html><body>No matches were found</body></html>"
    assert mic.parse_search(SEARCH_URL, empty).follow == []
    assert mic.parse_product(BOC_URL, "<html><h1>").listings == []


def test_no_matches_page_is_an_empty_result_not_a_failure():
    url = "https://www.made-in-china.com/multi-search/21409-26-7/F1/1.html"
    page = _parse("search_empty.html", url, mic.parse_search)
    assert page.follow == []  # "Hot searches" links are other queries, not this one's pages
    assert page.not_fetched is None


def test_block_page_is_not_fetched():
    html = ("<html><title>Security check</title><body>Please slide to verify you are human"
            "</body></html>")
    assert mic.parse_search(SEARCH_URL, html).not_fetched.startswith("anti-bot")


def test_showroom_without_company_name_yields_no_vendor():
    assert mic.parse_supplier(SHOWROOM, "<html><body><p>Moved</p></body></html>").vendors == []
