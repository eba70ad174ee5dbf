"""Goldsupplier parser on saved pages (samples named in files/sample_pages.tsv)."""


import pytest
from saved_pages import saved_page

from scrapers.parsers import goldsupplier as gs

BASE = "https://www.goldsupplier.com"
SEARCH_URL = f"{BASE}/search.html?keyword=79099-07-3"
BOC_URL = f"{BASE}/product/8812345.html"
OFFER_URL = f"{BASE}/offer/553201.html"
JSONLD_URL = f"{BASE}/supply/990021.html"
MALFORMED_URL = f"{BASE}/product/8812377.html"
COMPANY_URL = f"{BASE}/company/hubei-kangyuan/"
SUPPLIER_URL = f"{BASE}/supplier/hebei-lanbo.html"


def _parse(name, url, parse):
    return parse(*saved_page("goldsupplier", name, url))


@pytest.fixture(scope="module")
def search():
    return _parse("search_p1.html", SEARCH_URL, gs.parse_search)


@pytest.fixture(scope="module")
def boc():
    return _parse("product_boc.html", BOC_URL, gs.parse_product)


@pytest.fixture(scope="module")
def listing(boc):
    return boc.listings[0]


@pytest.fixture(scope="module")
def company():
    return _parse("company_hubei_kangyuan.html", COMPANY_URL, gs.parse_supplier).vendors[0]


def test_search_urls():
    assert gs.search_urls("79099-07-3") == [SEARCH_URL]
    assert gs.search_urls("1-boc-4-piperidone powder") == [
        f"{BASE}/search.html?keyword=1-boc-4-piperidone+powder"
    ]


def test_search_follows_products_of_every_link_kind(search):
    assert [x.url for x in search.follow if x.kind == "product"] == [
        BOC_URL, OFFER_URL, f"{BASE}/goods/77120.html"
    ]


def test_search_follows_companies_of_every_link_kind(search):
    assert [x.url for x in search.follow if x.kind == "supplier"] == [
        COMPANY_URL, SUPPLIER_URL, f"{BASE}/shop/hengda-fine/"
    ]


def test_search_follows_next_page(search):
    assert [x.url for x in search.follow if x.kind == "search"] == [SEARCH_URL + "&page=2"]


def test_last_page_has_no_next():
    page = _parse("search_p2.html", SEARCH_URL + "&page=2", gs.parse_search)
    assert "search" not in [x.kind for x in page.follow]
    assert len([x for x in page.follow if x.kind == "product"]) == 2


def test_empty_search_is_empty_not_an_error():
    page = _parse("search_empty.html", f"{BASE}/search.html?keyword=23056-29-3", gs.parse_search)
    assert (page.listings, page.follow, page.not_fetched) == ([], [], None)


def test_listing_id(listing):
    assert listing.listing_id == "8812345"


def test_listing_title(listing):
    assert listing.title == "Factory supply CAS 79099-07-3 1-Boc-4-Piperidone"


def test_listing_product_name(listing):
    assert listing.product_name == "1-Boc-4-Piperidone"


def test_listing_cas(listing):
    assert listing.cas == "79099-07-3"


def test_listing_purity(listing):
    assert listing.purity == "99.5%"


def test_listing_price(listing):
    assert (listing.price_text, listing.price_amount, listing.price_currency) == (
        "US $ 10-25 / kg", 10.0, "USD"
    )


def test_listing_quantity(listing):
    assert listing.quantity == "1kg/bag; 25kg/drum"


def test_listing_min_order(listing):
    assert listing.min_order == "1 kg"


def test_listing_stock(listing):
    assert listing.stock == "800 kg in stock"


def test_listing_description(listing):
    assert "100% customs clearance, safe delivery to USA, Mexico" in listing.description


def test_listing_vendor(listing):
    assert (listing.vendor_id, listing.vendor_name) == (
        "hubei-kangyuan", "Hubei Kangyuan New Material Co., Ltd."
    )


def test_product_seller_card(boc):
    vendor = boc.vendors[0]
    assert vendor.emails == ["jinghong.sales@example.com"]  # shared with the chemnet front
    assert vendor.handles == {"whatsapp": ["+44 7700 900123"]}
    assert (vendor.years_on_platform, vendor.badges) == ("3 Years", ["Gold Supplier"])


def test_partial_cas_offer():
    listing = _parse("offer_cas79099.html", OFFER_URL, gs.parse_product).listings[0]
    assert (listing.listing_id, listing.cas, listing.vendor_id) == (
        "553201", "CAS 79099", "hebei-lanbo"
    )
    assert "BTC/USDT/XMR" in listing.description


def test_jsonld_fallback():
    listing = _parse("supply_sesamol_jsonld.html", JSONLD_URL, gs.parse_product).listings[0]
    assert listing.title == "Sesamol 533-31-3 natural antioxidant"
    assert listing.cas == "533-31-3"
    assert (listing.price_text, listing.price_amount, listing.price_currency) == (
        "45.00 USD", 45.0, "USD"
    )
    assert listing.stock == "InStock"
    assert listing.vendor_id == "hengda-fine"


def test_malformed_page_yields_what_it_can():
    page = _parse("product_malformed.html", MALFORMED_URL, gs.parse_product)
    listing = page.listings[0]
    assert listing.title == "N-Boc-4-piperidone ７９０９９－０７－３ 99% white powder"
    assert listing.cas == "７９０９９－０７－３"
    assert (listing.purity, listing.min_order, listing.quantity) == ("99%", "1 kg", "1kg/bag")
    assert listing.price_text == "US $ 18 / kg"
    assert listing.vendor_id == "hubei-kangyuan"


def test_company_name(company):
    assert company.name == "Hubei Kangyuan New Material Co., Ltd."


def test_company_id(company):
    assert (company.vendor_id, company.profile_url) == ("hubei-kangyuan", COMPANY_URL)


def test_company_location(company):
    assert (company.country, company.city) == ("China", "Wuhan")


def test_company_address(company):
    assert company.address == "Hongshan District, Wuhan, Hubei (fictional)"


def test_company_website(company):
    assert company.website == "http://www.kangyuan-material.example"


def test_company_phones(company):
    assert company.phones == ["+86-27-5555-0110", "+44 7700 900123"]


def test_company_emails(company):
    assert company.emails == ["jinghong.sales@example.com"]


def test_company_handles(company):
    assert company.handles == {"whatsapp": ["+44 7700 900123"]}


def test_company_years_and_badges(company):
    assert (company.years_on_platform, company.badges) == ("3 Years", ["Gold Supplier", "Audited"])


def test_supplier_link_kind_page():
    vendor = _parse("supplier_hebei_lanbo.html", SUPPLIER_URL, gs.parse_supplier).vendors[0]
    assert vendor.vendor_id == "hebei-lanbo"
    assert vendor.name == "Hebei Lanbo Import & Export Co., Ltd."
    assert vendor.phones == ["+1 202-555-0188"]
    assert vendor.handles == {"telegram": ["@yuanchen_chem"], "skype": ["lanbo.mike"]}


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        (SEARCH_URL, "search"),
        (BOC_URL, "product"),
        (OFFER_URL, "product"),
        (JSONLD_URL, "product"),
        (COMPANY_URL, "supplier"),
        (SUPPLIER_URL, "supplier"),
        (f"{BASE}/shop/hengda-fine/", "supplier"),
        (f"{BASE}/about.html", None),
    ],
)
def test_page_kind(url, kind):
    assert gs.page_kind(url) == kind


def test_listing_shipping_claims(listing):
    assert listing.shipping_claims == [
        "safe delivery to USA, Mexico, Canada", "100% customs clearance", "Re-send if seized",
        "door to door",  # from the Delivery attribute
    ]


def test_listing_payment_claims_include_payment_attribute(listing):
    assert listing.payment_claims == ["Bitcoin", "USDT", "T/T"]


def test_offer_claims():
    listing = _parse("offer_cas79099.html", OFFER_URL, gs.parse_product).listings[0]
    assert listing.shipping_claims == ["pass customs 100%", "in USA warehouse",
                                       "hermetically sealed"]
    assert listing.payment_claims == ["BTC", "USDT", "XMR"]
