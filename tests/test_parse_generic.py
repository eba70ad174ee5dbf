"""The shared fallback extractor (scrapers/parsers/generic.py) on saved synthetic pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from scrapers.parsers import echemi, fields, generic, mic

FILES = Path(__file__).parent / "files" / "generic"
URL = "https://www.vantor-chemicals.example/catalog/"
SCRIPT_MARKERS = ("<script", "document.write", "function(", "@context")


def read(name: str) -> str:
    return (FILES / name).read_text(encoding="utf-8")


def listings(name: str, **kw):
    return generic.listings(URL, read(name), "vendorsite", "vantor-chemicals.example", **kw)


@pytest.fixture(scope="module")
def anpp():
    return listings("jsonld_graph.html")[0]


@pytest.fixture(scope="module")
def bmk():
    return listings("spec_claims.html")[0]


@pytest.fixture(scope="module")
def table():
    return listings("cas_table.html")


# JSON-LD: a Product inside @graph, more inside an ItemList, one broken block beside them.
def test_jsonld_products_survive_a_broken_block():
    assert [x.title for x in listings("jsonld_graph.html")] == [
        "4-ANPP powder", "4-Aminopyridine 504-24-5"]


def test_jsonld_url_is_made_absolute(anpp):
    assert anpp.url == "https://www.vantor-chemicals.example/product/4-anpp-powder/"


def test_jsonld_sku_is_the_listing_id(anpp):
    assert anpp.listing_id == "VT-4ANPP"


def test_jsonld_cas_from_additional_property(anpp):
    assert anpp.cas == "21409-26-7"


def test_jsonld_purity_from_additional_property(anpp):
    assert anpp.purity == "99.6%"


def test_jsonld_price(anpp):
    assert (anpp.price_text, anpp.price_amount, anpp.price_currency) == ("USD 850", 850.0, "USD")


def test_jsonld_availability(anpp):
    assert anpp.stock == "https://schema.org/InStock"


def test_jsonld_claims(anpp):
    assert anpp.shipping_claims == ["safe delivery to Mexico and USA"]
    assert anpp.payment_claims == ["USDT", "BTC"]


def test_jsonld_vendor_id(anpp):
    assert anpp.vendor_id == "vantor-chemicals.example"


def test_jsonld_cas_from_the_name_of_a_decoy():
    assert listings("jsonld_graph.html")[1].cas == "504-24-5"


# Microdata
def test_microdata_product():
    item = listings("microdata.html")[0]
    assert item.title == "Strawberry aldehyde (ethyl methylphenylglycidate)"
    assert item.cas == "77-83-8"
    assert (item.price_amount, item.price_currency) == (45.0, "EUR")
    assert item.shipping_claims == ["door to door"]


def test_script_text_never_becomes_a_product():
    assert [x.cas for x in listings("microdata.html")] == ["77-83-8"]


# CAS tables
def test_table_rows_with_a_cas_become_listings(table):
    assert [x.title for x in table] == ["1-Boc-4-piperidone", "4-AP (4-anilinopiperidine)",
                                        "Piperine"]


def test_table_cas_kept_as_written_full_width_and_en_dash(table):
    assert [x.cas for x in table] == ["７９０９９－０７－３", "23056–29–3", "94-62-2"]


def test_table_purity_price_package(table):
    boc = table[0]
    assert boc.purity == "99%"
    assert (boc.price_text, boc.price_amount, boc.price_currency) == ("US $120 / kg", 120.0,
                                                                      "USD")
    assert boc.quantity == "25 kg/drum"


def test_table_rows_linking_elsewhere_are_skipped_on_request():
    html = read("cas_table.html").replace(
        "<td>1-Boc-4-piperidone</td>", '<td><a href="/product/boc/">1-Boc-4-piperidone</a></td>')
    titles = [x.title for x in generic.listings(URL, html, "vendorsite", skip_linked_rows=True)]
    assert "1-Boc-4-piperidone" not in titles and "Piperine" in titles


# Spec page, claims and instructions
def test_spec_page_fields(bmk):
    assert bmk.title == "New BMK Glycidate powder"
    assert bmk.product_name == "BMK methyl glycidate"
    assert bmk.cas == "5449-12-7"
    assert bmk.purity == "99%"
    assert bmk.min_order == "100 g"
    assert (bmk.price_amount, bmk.price_currency) == (8.0, "USD")


def test_shipping_claims(bmk):
    assert bmk.shipping_claims == [
        "Safe delivery to Mexico, Canada and USA", "100% customs clearance", "door to door",
        "reship if seized", "change the name of the goods"]


def test_payment_claims(bmk):
    assert bmk.payment_claims == ["BTC", "USDT", "Western Union"]


def test_instructions_flagged_and_procedure_not_kept(bmk):
    assert bmk.instructions_offered is True
    assert "stir" not in bmk.description and "Step 1" not in bmk.description
    assert "customs clearance" in bmk.description  # the rest of the description stays


# Loose mode: a product page in an unknown layout
def test_loose_reads_the_page_title_and_first_cas():
    item = listings("loose.html", loose=True)[0]
    assert (item.title, item.cas) == ("PMK ethyl glycidate oil", "28578-16-7")


def test_strict_mode_needs_a_heading():
    assert listings("loose.html") == []


def test_cas_mentions_as_written():
    assert generic.cas_mentions("NPP ３９７４２－６０－４ and 4-ANPP 21409–26–7") == [
        "３９７４２－６０－４", "21409–26–7"]
    assert generic.cas_mentions("CAS79099 powder") == ["CAS79099"]
    assert generic.cas_mentions(None) == []


# Contacts
@pytest.fixture(scope="module")
def contacts():
    return generic.contacts(fields.load(read("spec_claims.html")))


def test_contact_phones_from_text_and_tel_links(contacts):
    assert contacts.phones == ["+44 7700 900123", "+86-311-5555-0188"]


def test_contact_emails_from_text_and_mailto(contacts):
    assert contacts.emails == ["yc.export@example.org", "orders@vantor-chemicals.example"]


def test_contact_whatsapp_from_text_and_wa_me(contacts):
    assert contacts.handles["whatsapp"] == ["+44 7700 900123", "447700900999"]


def test_contact_other_handles(contacts):
    assert contacts.handles["wechat"] == ["yc_export88"]
    assert contacts.handles["telegram"] == ["@yuanchen_chem"]
    assert contacts.handles["skype"] == ["live:hengda.sales"]
    assert contacts.handles["qq"] == ["2855501234"]


# Site parsers fall back to it for a product page they do not recognise
def test_mic_product_page_of_unknown_layout_falls_back():
    url = "https://hubei-kangyuan.en.made-in-china.com/product/ZzZz99/China-PMK.html"
    item = mic.parse_product(url, read("loose.html")).listings[0]
    assert (item.platform, item.vendor_id, item.cas) == ("mic", "hubei-kangyuan", "28578-16-7")


def test_echemi_product_page_of_unknown_layout_falls_back():
    url = "https://www.echemi.com/produce/pr2302059999-pmk.html"
    item = echemi.parse_product(url, read("loose.html")).listings[0]
    assert (item.platform, item.cas) == ("echemi", "28578-16-7")


# Invariants over every page
@pytest.mark.parametrize("name", sorted(p.name for p in FILES.glob("*.html")))
def test_invariants(name):
    for item in listings(name, loose=True):
        assert item.platform == "vendorsite"
        assert item.url.startswith("https://www.vantor-chemicals.example/")
        assert item.title and item.cas
        for value in (item.title, item.description, item.product_name):
            assert not value or not any(m in value for m in SCRIPT_MARKERS)


@pytest.mark.parametrize("html", ["", "<html>", "<h1>x</h1><table><tr><th>CAS", "\x00\ufffd",
                                  '<script type="application/ld+json">[1, {"@type": 5}]</script>'])
def test_malformed_input_never_raises(html):
    assert generic.extract(URL, html, "vendorsite").listings == []
    assert generic.contacts(fields.load(html)).phones == []
