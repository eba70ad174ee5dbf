"""Generic vendor-website parser on saved pages (tests/files/vendorsite, copies of the sample)."""

import pytest
from saved_pages import saved_page

from scrapers.parsers import vendorsite

BASE = "https://www.jinghong-pharmtech.example"
PAGES = {
    "home.html": f"{BASE}/",
    "category.html": f"{BASE}/product-category/intermediates/",
    "product_jsonld.html": f"{BASE}/product/npp-powder/",
    "product_microdata.html": f"{BASE}/product/1-boc-4-piperidone/",
    "product_table.html": f"{BASE}/product/new-bmk-glycidate/",
    "product_instructions.html": f"{BASE}/product/pmk-oil/",
    "contact.html": f"{BASE}/contact-us/",
}


def parse(name):
    return vendorsite.parse_page(*saved_page("vendorsite", name, PAGES[name]))


def test_jsonld_product():
    listing = parse("product_jsonld.html").listings[0]
    assert listing.title == "NPP powder 99% (N-Phenethyl-4-piperidone)"
    assert listing.listing_id == "JH-NPP-001"
    assert listing.cas == "39742-60-4"
    assert listing.purity == "99%"
    assert (listing.price_amount, listing.price_currency) == (150.0, "USD")
    assert listing.vendor_id == "jinghong-pharmtech.example"
    assert {"USDT", "Bitcoin"} <= set(listing.payment_claims)


def test_microdata_product_with_cas_in_the_description():
    listing = parse("product_microdata.html").listings[0]
    assert listing.title == "1-Boc-4-piperidone"
    assert listing.listing_id == "JH-BOC-014"
    assert listing.cas == "79099 07 3"
    assert "hermetically sealed" in listing.shipping_claims


def test_single_product_page_from_its_spec_table():
    listing = parse("product_table.html").listings[0]
    assert listing.title == "New BMK glycidate powder"
    assert listing.cas == "5449-12-7"
    assert listing.min_order == "1 kg"


def test_category_table_one_listing_per_row_with_its_own_link_and_follows_product_pages():
    page = parse("category.html")
    assert [(x.title, x.cas, x.url) for x in page.listings] == [
        ("N-Phenethyl-4-piperidone", "39742-60-4", f"{BASE}/product/npp-powder/"),
        ("1-Boc-4-piperidone", "79099-07-3", f"{BASE}/product/1-boc-4-piperidone/"),
        ("New BMK glycidate (sodium salt)", "5449-12-7", f"{BASE}/product/new-bmk-glycidate/"),
        ("PMK ethyl glycidate oil", "28578-16-7", f"{BASE}/product/pmk-oil/"),
        ("Piperonyl butoxide", "51-03-6", f"{BASE}/product-category/intermediates/"),
    ]
    assert [x.price_amount for x in page.listings[:2]] == [150.0, 40.0]
    follows = {f.url for f in page.follow}
    assert f"{BASE}/product/npp-powder/" in follows


def test_instructions_are_flagged_and_never_kept():
    listing = parse("product_instructions.html").listings[0]
    assert listing.instructions_offered is True
    assert "reflux" not in listing.description and "Dissolve" not in listing.description
    assert "Reship if seized" in listing.shipping_claims


def test_company_contacts_from_the_contact_page():
    vendor = parse("contact.html").vendors[0]
    assert vendor.vendor_id == "jinghong-pharmtech.example"
    assert vendor.name == "Jinghong Pharmtech Ltd"
    assert (vendor.country, vendor.city) == ("CN", "Wuhan")
    assert "+86-27-5555-0102" in vendor.phones and "+44 7700 900123" in vendor.phones
    assert vendor.emails == ["jh.pharmtech@example.com"]
    assert vendor.handles["wechat"] == ["jinghong_jenny"]
    assert vendor.handles["telegram"] == ["@jh_pharmtech"]


def test_product_pages_name_the_company_from_what_they_show():
    vendor = parse("product_jsonld.html").vendors[0]
    assert vendor.vendor_id == "jinghong-pharmtech.example"
    assert vendor.name == "Jinghong Pharmtech Ltd"
    assert vendor.phones == ["+44 7700 900123"] and vendor.emails == ["jh.pharmtech@example.com"]


def test_follows_stay_on_site_and_skip_admin_and_cart():
    follows = {f.url for f in parse("home.html").follow}
    assert f"{BASE}/contact-us/" in follows
    assert not any("/cart/" in u or "/wp-admin/" in u for u in follows)
    assert all(u.startswith(BASE) for u in follows)


def test_hostile_markup_does_not_raise():
    html = "<html><script type='application/ld+json'>{broken</script><h1>x" + "<div>" * 3000
    assert vendorsite.parse_page(f"{BASE}/x", html).listings == []


@pytest.mark.parametrize(("url", "expected"), [
    ("https://www.jinghong-pharmtech.example/contact-us/", "jinghong-pharmtech.example"),
    ("https://shop.vantor-chemicals.co.uk/product/x/", "vantor-chemicals.co.uk"),
    ("http://127.0.0.1:8080/", "127.0.0.1"),
])
def test_vendor_id_is_the_registered_domain(url, expected):
    assert vendorsite.vendor_id(url) == expected
