"""ChemicalBook parser on saved pages (samples named in files/sample_pages.tsv)."""


import pytest
from saved_pages import saved_page

from scrapers.parsers import chemicalbook as cb

BASE = "https://www.chemicalbook.com"
SEARCH_URL = f"{BASE}/Search_EN.aspx?keyword=23056-29-3"
NPP_URL = f"{BASE}/ChemicalProductProperty_EN_CB1234560.htm"
MORE_URL = f"{BASE}/ProdSupplierGN_EN.aspx?CBNumber=CB1234560&ProvID=1001&start=3"
SUPPLIER_URL = f"{BASE}/ShowSupplierProductsList90011/0.htm"


def _parse(name, url, parse):
    return parse(*saved_page("chemicalbook", name, url))


@pytest.fixture(scope="module")
def search():
    return _parse("search_p1.html", SEARCH_URL, cb.parse_search)


@pytest.fixture(scope="module")
def npp():
    return _parse("product_npp.html", NPP_URL, cb.parse_product)


@pytest.fixture(scope="module")
def listing(npp):
    return npp.listings[0]


@pytest.fixture(scope="module")
def row_vendor(npp):
    return npp.vendors[0]


@pytest.fixture(scope="module")
def supplier():
    return _parse("supplier_90011.html", SUPPLIER_URL, cb.parse_supplier).vendors[0]


def test_search_urls():
    assert cb.search_urls("39742-60-4") == [f"{BASE}/Search_EN.aspx?keyword=39742-60-4"]


def test_search_follows_products(search):
    assert [x.url for x in search.follow if x.kind == "product"] == [
        f"{BASE}/ChemicalProductProperty_EN_CB6700001.htm",
        f"{BASE}/ChemicalProductProperty_EN_CB5400003.htm",
    ]


def test_search_follows_next_page(search):
    assert [x.url for x in search.follow if x.kind == "search"] == [SEARCH_URL + "&start=10"]


def test_search_yields_no_items(search):
    assert search.listings == [] and search.vendors == []


def test_last_search_page_has_no_next():
    page = _parse("search_p2.html", SEARCH_URL + "&start=10", cb.parse_search)
    assert [x.kind for x in page.follow] == ["product", "product"]


def test_one_listing_per_supplier_row(npp):
    assert [x.vendor_id for x in npp.listings] == ["90011", "90022", "90033"]


def test_listing_id(listing):
    assert listing.listing_id == "CB1234560:90011"


def test_listing_title(listing):
    assert listing.title == "N-Phenethyl-4-piperidinone"


def test_listing_product_name(listing):
    assert listing.product_name == "1-Phenethyl-4-piperidone"


def test_listing_cas(listing):
    assert listing.cas == "39742-60-4"


def test_listing_formula(listing):
    assert listing.formula == "C13H17NO"


def test_listing_vendor(listing):
    assert (listing.vendor_id, listing.vendor_name) == ("90011", "Jinghong Pharmtech Ltd")


def test_listing_has_no_price_on_this_site(listing):
    assert (listing.price_text, listing.price_amount) == (None, None)


def test_row_vendor_name(row_vendor):
    assert row_vendor.name == "Jinghong Pharmtech Ltd"


def test_row_vendor_profile(row_vendor):
    assert row_vendor.profile_url == SUPPLIER_URL


def test_row_vendor_country(row_vendor):
    assert row_vendor.country == "China"


def test_row_vendor_phone(row_vendor):
    assert row_vendor.phones == ["+44 7700 900123"]


def test_row_vendor_email(row_vendor):
    assert row_vendor.emails == ["jh.pharmtech@example.com"]


def test_row_vendor_website(row_vendor):
    assert row_vendor.website == "http://www.jinghong-chem.example"


def test_product_follows_suppliers_and_more_suppliers(npp):
    assert [(x.url, x.kind) for x in npp.follow] == [
        (SUPPLIER_URL, "supplier"),
        (f"{BASE}/ShowSupplierProductsList90022/0.htm", "supplier"),
        (f"{BASE}/ShowSupplierProductsList90033/0.htm", "supplier"),
        (MORE_URL, "product"),
    ]


def test_more_suppliers_page():
    page = _parse("more_suppliers_npp.html", MORE_URL, cb.parse_product)
    listing = page.listings[0]
    assert (listing.listing_id, listing.title, listing.cas) == (
        "CB1234560:90044", "N-Phenethyl-4-piperidinone", "39742-60-4"
    )
    assert page.vendors[0].country == "Germany"
    assert MORE_URL.replace("start=3", "start=0") not in [x.url for x in page.follow]


def test_salt_cas_with_en_dashes_as_written():
    page = _parse("product_4ap_2hcl.html", f"{BASE}/ChemicalProductProperty_EN_CB0700002.htm",
                  cb.parse_product)
    assert page.listings[0].cas == "99918–43–1"


def test_hostile_page_keeps_real_rows_and_raw_names():
    page = _parse("product_anpp_hostile.html", f"{BASE}/ChemicalProductProperty_EN_CB8800004.htm",
                  cb.parse_product)
    assert [x.title for x in page.listings] == ["4-Anilino-N-phenethylpiperidine"] * 2
    assert page.listings[0].product_name == "4-ANPP"
    assert page.listings[0].formula == "C19H24N2"
    # A spreadsheet-formula company name is kept as written (exports neutralize it), with no id.
    assert page.listings[1].vendor_name.startswith("@SUM(")
    assert page.listings[1].vendor_id is None
    assert [v.vendor_id for v in page.vendors] == ["90022"]


def test_truncated_page_yields_what_it_can():
    page = _parse("product_boc4ap_truncated.html",
                  f"{BASE}/ChemicalProductProperty_EN_CB5400003.htm", cb.parse_product)
    assert [x.vendor_id for x in page.listings] == ["90011", "90022"]
    assert page.listings[0].cas == "125541-22-2"
    # The second row is cut off before any contact detail: no empty vendor record stands in for
    # the supplier's profile (the listing still names it).
    assert [v.vendor_id for v in page.vendors] == ["90011"]


def test_supplier_name(supplier):
    assert supplier.name == "Jinghong Pharmtech Ltd"


def test_supplier_id(supplier):
    assert (supplier.vendor_id, supplier.profile_url) == ("90011", SUPPLIER_URL)


def test_supplier_country_and_address(supplier):
    assert supplier.country == "China"
    assert supplier.address == "Donghu Hi-tech Zone, Wuhan, Hubei (fictional)"


def test_supplier_website(supplier):
    assert supplier.website == "http://www.jinghong-chem.example"


def test_supplier_phones(supplier):
    assert supplier.phones == ["+44 7700 900123"]


def test_supplier_emails(supplier):
    assert supplier.emails == ["jh.pharmtech@example.com"]


def test_supplier_handles(supplier):
    assert supplier.handles == {"whatsapp": ["+44 7700 900123"], "wechat": ["jh_chem2026"]}


def test_supplier_years(supplier):
    assert supplier.years_on_platform == "2022 (4 years)"


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        (SEARCH_URL, "search"),
        (NPP_URL, "product"),
        (MORE_URL, "product"),
        (SUPPLIER_URL, "supplier"),
        (f"{BASE}/CAS_EN.htm", None),
    ],
)
def test_page_kind(url, kind):
    assert cb.page_kind(url) == kind


def test_supplier_table_rows_carry_no_claims(listing):
    assert (listing.shipping_claims, listing.payment_claims, listing.instructions_offered) == (
        [], [], False
    )


def test_row_without_supplier_link_keeps_its_own_listing_id():
    page = _parse("product_anpp_hostile.html", f"{BASE}/ChemicalProductProperty_EN_CB8800004.htm",
                  cb.parse_product)
    assert page.listings[0].listing_id == "CB8800004:90022"
    assert page.listings[1].listing_id == "CB8800004:name:@SUM(1+1)*cmd|' /C calc'!A0"
