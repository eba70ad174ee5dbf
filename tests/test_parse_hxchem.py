"""Hxchem parser on saved pages (samples named in files/sample_pages.tsv)."""


import pytest
from saved_pages import saved_page

from scrapers.parsers import hxchem

BASE = "https://www.hxchem.net"
DIR_URL = f"{BASE}/productse/"
PRODUCT = hxchem.parse_product
BOC_URL = f"{BASE}/productse/orderproduct2208311-ruixiangchem.html"
COMPANY_URL = f"{BASE}/companydetailruixiangchem.html"


def _parse(name, url, parse):
    return parse(*saved_page("hxchem", name, url))


@pytest.fixture(scope="module")
def directory():
    return _parse("directory_p1.html", DIR_URL, hxchem.parse_search)


@pytest.fixture(scope="module")
def boc():
    return _parse("product_boc.html", BOC_URL, hxchem.parse_product)


@pytest.fixture(scope="module")
def listing(boc):
    return boc.listings[0]


@pytest.fixture(scope="module")
def company():
    return _parse("company_ruixiangchem.html", COMPANY_URL, hxchem.parse_supplier).vendors[0]


def test_search_urls_walk_the_directory():
    assert hxchem.search_urls("79099-07-3") == [DIR_URL]


def test_directory_follows_products(directory):
    products = [x.url for x in directory.follow if x.kind == "product"]
    assert len(products) == 5
    assert products[0] == BOC_URL


def test_directory_follows_next_page(directory):
    assert [x.url for x in directory.follow if x.kind == "search"] == [f"{DIR_URL}index2.html"]


def test_directory_yields_no_items(directory):
    assert directory.listings == [] and directory.vendors == []


def test_last_directory_page_dedupes_and_stops():
    page = _parse("directory_p2.html", f"{DIR_URL}index2.html", hxchem.parse_search)
    assert [x.url for x in page.follow] == [
        f"{DIR_URL}orderproduct2209355-xiangyuanflavor.html",
        f"{DIR_URL}orderproduct2209402-ruixiangchem.html",
    ]


def test_listing_id(listing):
    assert listing.listing_id == "2208311"


def test_listing_title(listing):
    assert listing.title == "1-Boc-4-Piperidone CAS 79099-07-3 with safe delivery"


def test_listing_product_name(listing):
    assert listing.product_name == "1-Boc-4-Piperidone"


def test_listing_cas(listing):
    assert listing.cas == "79099-07-3"


def test_listing_purity(listing):
    assert listing.purity == "99%"


def test_listing_price(listing):
    assert (listing.price_text, listing.price_amount, listing.price_currency) == (
        "USD 15-30 / kg", 15.0, "USD"
    )


def test_listing_quantity(listing):
    assert listing.quantity == "1kg/bag, 25kg/drum"


def test_listing_min_order(listing):
    assert listing.min_order == "1 kg"


def test_listing_stock(listing):
    assert listing.stock == "500 kg/month, in stock"


def test_listing_description(listing):
    assert "Safe delivery to Mexico" in listing.description
    assert "BTC/USDT" in listing.description


def test_listing_vendor_from_file_name(listing):
    assert (listing.vendor_id, listing.vendor_name) == (
        "ruixiangchem", "Wuhan Ruixiang Chemical Trading Co., Ltd."
    )


def test_product_page_vendor_contacts(boc):
    vendor = boc.vendors[0]
    assert vendor.handles == {"whatsapp": ["+44 7700 900123"]}
    assert vendor.emails == ["ruixiang.trade@example.net"]


def test_product_follows_company(boc):
    assert [(x.url, x.kind) for x in boc.follow] == [(COMPANY_URL, "supplier")]


def test_salt_cas_as_written():
    page = _parse("product_4ap_2hcl.html", f"{DIR_URL}orderproduct2208456-lanbotrade.html",
                  hxchem.parse_product)
    assert page.listings[0].cas == "99918-43-1"
    assert page.listings[0].product_name == "4-Anilinopiperidine 2HCl (4-AP)"


def test_en_dash_and_fullwidth_colon_cas_kept_as_written():
    page = _parse("product_boc4ap.html", f"{DIR_URL}orderproduct2209402-ruixiangchem.html",
                  hxchem.parse_product)
    assert page.listings[0].cas == "125541–22–2"


def test_company_name(company):
    assert company.name == "Wuhan Ruixiang Chemical Trading Co., Ltd."


def test_company_id(company):
    assert (company.vendor_id, company.profile_url) == ("ruixiangchem", COMPANY_URL)


def test_company_location(company):
    assert (company.country, company.city) == ("China", "Wuhan")


def test_company_address(company):
    assert company.address == "No. 18 Hanzheng Street, Qiaokou District, Wuhan (fictional)"


def test_company_website_shared_with_chemnet_front(company):
    assert company.website == "http://www.jinghong-chem.example"


def test_company_phones(company):
    assert company.phones == ["+86-27-5555-0102", "+44 7700 900123"]


def test_company_emails(company):
    assert company.emails == ["ruixiang.trade@example.net"]


def test_company_handles(company):
    assert company.handles == {"whatsapp": ["+44 7700 900123"], "skype": ["ruixiang.kevin"]}


def test_company_years_and_badges(company):
    assert company.years_on_platform == "Member since 2024 (Year 2)"
    assert company.badges == ["Verified Supplier"]


def test_hostile_page_fields_are_clean():
    page = _parse("product_pmk_hostile.html", f"{DIR_URL}orderproduct2209120-ruixiangchem.html",
                  hxchem.parse_product)
    listing = page.listings[0]
    assert listing.title == "PMK ethyl glycidate oil 28578-16-7"
    assert listing.product_name == "PMK ethyl glycidate"
    assert listing.purity == "99%"
    assert listing.price_text == "USD 300 / kg"
    assert listing.description == "Oil, in stock in Netherlands and Canada warehouse. BTC accepted."


def test_truncated_page_yields_what_it_can():
    page = _parse("product_bmk_truncated.html", f"{DIR_URL}orderproduct2208533-lanbotrade.html",
                  hxchem.parse_product)
    listing = page.listings[0]
    assert (listing.cas, listing.purity, listing.price_text) == ("5449-12-7", "99.6%", None)
    assert listing.vendor_id == "lanbotrade"  # from the URL even though the company box is cut off
    assert page.follow == []


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        (DIR_URL, "search"),
        (f"{DIR_URL}index2.html", "search"),
        (BOC_URL, "product"),
        (COMPANY_URL, "supplier"),
        (f"{BASE}/about.html", None),
    ],
)
def test_page_kind(url, kind):
    assert hxchem.page_kind(url) == kind


def test_listing_shipping_claims(listing):
    assert listing.shipping_claims == [
        "Safe delivery to Mexico and USA", "100% pass customs", "door to door"
    ]


def test_listing_payment_claims(listing):
    assert listing.payment_claims == ["BTC", "USDT", "Western Union"]


def test_listing_without_instructions(listing):
    assert listing.instructions_offered is False


def test_decoy_listing_has_no_claims():
    page = _parse("product_piperine.html", f"{DIR_URL}orderproduct2209001-hengdafine.html",
                  PRODUCT)
    assert (page.listings[0].shipping_claims, page.listings[0].payment_claims) == ([], [])


def test_offered_instructions_are_flagged_and_cut():
    page = _parse("product_bmk.html", f"{DIR_URL}orderproduct2208533-lanbotrade.html", PRODUCT)
    listing = page.listings[0]
    assert listing.instructions_offered
    assert listing.description == (
        "New BMK powder, 3-oxo-2-phenylbutanoic acid glycidate sodium, purity 99.6%. "
        "Technical support for conversion provided. [procedural text removed] "
        "Reship if seized. USDT accepted."
    )
    assert (listing.shipping_claims, listing.payment_claims) == (["Reship if seized"], ["USDT"])


def test_directory_walk_stops_after_its_page_limit():
    html = '<a href="/productse/index31.html">Next</a><a href="/productse/index30.html">next</a>'
    page = hxchem.parse_search(f"{DIR_URL}index29.html", html)
    assert [x.url for x in page.follow] == [f"{DIR_URL}index30.html"]
    assert hxchem.DIRECTORY_PAGES == 30
