"""ECHEMI parser on saved pages (samples named in files/sample_pages.tsv)."""

import pytest
from saved_pages import saved_page

from scrapers.parsers import echemi

BASE = "https://www.echemi.com"
SEARCH_URL = f"{BASE}/search.html?keyword=39742-60-4"
NPP_URL = f"{BASE}/produce/pr2211181023-n-phenethyl-4-piperidone.html"
WIDE_URL = f"{BASE}/produce/pr2211181077-1-phenethyl-4-piperidinone.html"
SUPPLIER_URL = f"{BASE}/supplier/wuhan-ruixiang.html"


def _parse(name, url, parse):
    return parse(*saved_page("echemi", name, url))


@pytest.fixture(scope="module")
def search():
    return _parse("search_39742-60-4.html", SEARCH_URL, echemi.parse_search)


@pytest.fixture(scope="module")
def npp():
    return _parse("product_npp.html", NPP_URL, echemi.parse_product)


@pytest.fixture(scope="module")
def listing(npp):
    return npp.listings[0]


@pytest.fixture(scope="module")
def supplier():
    return _parse("supplier_ruixiang.html", SUPPLIER_URL, echemi.parse_supplier).vendors[0]


def test_search_follows_products_suppliers_and_next_page(search):
    kinds = {(f.kind, f.url) for f in search.follow}
    assert ("product", NPP_URL) in kinds
    assert ("supplier", SUPPLIER_URL) in kinds
    assert ("search", f"{BASE}/search.html?keyword=39742-60-4&page=2") in kinds
    assert search.not_fetched is None


def test_challenge_page_is_not_fetched_not_empty():
    page = _parse("challenge.html", f"{BASE}/search.html?keyword=79099-07-3",
                  echemi.parse_search)
    assert page.not_fetched and "challenge" in page.not_fetched
    assert page.listings == [] and page.follow == []


def test_search_urls_and_page_kinds():
    assert echemi.search_urls("39742-60-4") == [SEARCH_URL]
    assert echemi.page_kind(NPP_URL) == "product"
    assert echemi.page_kind(SUPPLIER_URL) == "supplier"
    assert echemi.page_kind(SEARCH_URL) == "search"


def test_title(listing):
    assert listing.title == "N-Phenethyl-4-piperidone 99% (NPP)"


def test_listing_id(listing):
    assert listing.listing_id == "pr2211181023-n-phenethyl-4-piperidone"


def test_cas(listing):
    assert listing.cas == "39742-60-4"


def test_product_name(listing):
    assert listing.product_name == "N-Phenethyl-4-piperidone"


def test_formula_and_purity(listing):
    assert (listing.formula, listing.purity) == ("C13H17NO", "99%")


def test_price(listing):
    assert (listing.price_text, listing.price_amount, listing.price_currency) == (
        "USD 120-180 / kg", 120.0, "USD")


def test_order_and_stock(listing):
    assert (listing.min_order, listing.quantity, listing.stock) == (
        "1 kg", "1kg/foil bag, 25kg/drum", "200 kg in stock")


def test_claims(listing):
    assert "reship if seized" in listing.shipping_claims
    assert any("Mexico" in c for c in listing.shipping_claims)
    assert {"BTC", "USDT"} <= set(listing.payment_claims)


def test_vendor_link(listing, npp):
    assert listing.vendor_id == "wuhan-ruixiang"
    assert listing.vendor_name == "Wuhan Ruixiang Chemical Trading Co., Ltd."
    assert npp.vendors[0].handles["whatsapp"] == ["+44 7700 900123"]


def test_full_width_cas_is_kept_as_written():
    page = _parse("product_fullwidth.html", WIDE_URL, echemi.parse_product)
    assert page.listings[0].cas == "３９７４２－６０－４"


def test_supplier_fields(supplier):
    assert supplier.name == "Wuhan Ruixiang Chemical Trading Co., Ltd."
    assert supplier.country == "China"
    assert supplier.city == "Hubei / Wuhan"
    assert "+86-27-5555-0102" in supplier.phones
    assert supplier.emails == ["ruixiang.trade@example.net"]
    assert supplier.handles["skype"] == ["ruixiang.kevin"]
    assert supplier.years_on_platform == "5 years"
    assert supplier.badges == ["Verified Supplier"]


def test_malformed_page_yields_nothing_without_raising():
    assert echemi.parse_product(NPP_URL, "<html><body><h1></h1><table><tr><td>") .listings == []
    assert echemi.parse_supplier(SUPPLIER_URL, "").vendors == []
