"""General reading rules found on first contact with the sixth batch of unseen sites (Estonian
tool shops, IKEA Egypt, Seeds of Change, Daft.ie; tests/files/real, 2026-12-08), each asserted
on a real page of another site than the one that showed it where the corpus has one, and on the
one that showed it."""

import pytest
from realpages import labels, parse

from scrapers.parsers import cardtext, offers

LABELS = {x["file"]: x for x in labels()}


def _listings(file: str) -> list[dict]:
    return [i for i in parse(LABELS[file]) if i["type"] == "listing"]


def _vendor(file: str) -> dict:
    return next(i for i in parse(LABELS[file]) if i["type"] == "vendor")


@pytest.mark.parametrize("text, badge", [
    ("-37%", True), ("−5%", True), ("- 12 %", True), ("-50,00 €", True), ("SALE", True),
    ("Soodus!", True), ("UUS", True), ("30% off", True),
    ("Ketassaag Makita SP6000J1", False), ("100% cotton", False), ("95%", False),
    ("3.46€ - 4.15€", False), ("Laos", False),
])
def test_discount_and_novelty_badges(text, badge):
    assert cardtext.is_badge(text) is badge


def test_a_badge_first_in_a_card_that_is_one_link_is_not_the_name():
    """Tööriistamaailm's cards are single links that start with '-37%': the card's heading
    names the product (both of its pages: brand list and home page offers)."""
    for file in ("tooriistamaailm/brand-makita.html", "tooriistamaailm/home.html"):
        titles = [x["title"] for x in _listings(file)]
        assert titles and not any(cardtext.is_badge(t) for t in titles), titles
    assert "Festool sukelsaag TS 55 FEBQ-Plus" in [
        x["title"] for x in _listings("tooriistamaailm/home.html")]


def test_a_price_struck_through_by_a_class_is_no_range_end():
    """'375.90€595.20€' with the second figure in a `line-through` span and no element
    classed as a price: 375.90, no range; a real range ('3.46€ - 4.15€') stays one."""
    rows = {x["title"]: x for x in _listings("tooriistamaailm/brand-makita.html")}
    saw = rows["Ketassaag Makita SP6000J1"]
    assert (saw["price_amount"], saw["price_max"]) == (375.90, None)
    paper = rows["Lihvpaber Makita 114x140 mm - 10 tk"]
    assert (paper["price_amount"], paper["price_max"], paper["quantity"]) == (3.46, 4.15, "10 tk")


@pytest.mark.parametrize("text, pack", [
    ("Lihvpaber Makita 114x140 mm - 10 tk", "10 tk"), ("Noatera 18mm (10tk) PROFF", "10tk"),
    ("Kertakäyttökäsineet 100 kpl", "100 kpl"), ("Rukavice nitrilové 50 ks", "50 ks"),
    ("Перчатки 100 шт", "100 шт"), ("Guanti 20 pz", "20 pz"), ("Handschoenen 12 stuks", "12 stuks"),
    ("Schrauben 200 Stk", "200 Stk"), ("Kabel 3 kpl.", "3 kpl"),
])
def test_piece_counts_in_more_languages_are_pack_sizes(text, pack):
    assert offers.quantity(text) == pack


def test_piece_count_of_another_site_read_as_the_pack():
    """Shown by Tööriistamaailm ('- 10 tk'); Imper24's '(10tk)' and '1 tk' read the same way."""
    packs = {x["title"]: x["quantity"] for x in _listings("imper24/home.html")}
    assert packs["Noatera 18mm (10tk) PROFF ERIHIND"] == "10tk"
    assert packs["Signaalkaabli liitmik 3M scotch 1 tk"] == "1 tk"


@pytest.mark.parametrize("text, found", [
    ("Makita Puurvasar HR2670FT", []), ("Kaabel X100USD", []), ("Mudel ABC12EUR", []),
    ("Ár: 2670Ft", [2670.0]), ("2670 Ft", [2670.0]), ("12,99 €", [12.99]), ("US$12", [12.0]),
    ("约120元", [120.0]), ("No.5 12 EUR", [12.0]),
])
def test_a_model_code_is_not_a_price(text, found):
    """Letters glued before the figure make it a model code, not '2670 Ft' (forint)."""
    assert [m.low for m in offers.amounts(text)] == found


def test_a_model_code_in_a_name_keeps_the_name():
    """'Makita Puurvasar HR2670FT' was skipped as a name (it 'held' 2670 Ft), and the card's
    description link named the product instead."""
    titles = [x["title"] for x in _listings("imper24/home.html")]
    assert "Makita Puurvasar HR2670FT" in titles
    assert not any(t.startswith("800W") for t in titles)


@pytest.mark.parametrize("url, home", [
    ("https://imper24.ee/et/", True), ("https://www.takeaway.com/", True),
    ("https://shop.example.com/en-gb/", True), ("https://example.com/index.php", True),
    ("https://imper24.ee/et/kelgud/3549-kelk.html", False), ("https://example.com/?q=acid", False),
    ("https://example.com/search/", False),
])
def test_home_page_addresses(url, home):
    assert cardtext.home_page(url) is home


def test_a_home_page_lists_every_carousel():
    """Imper24's home page shows four product carousels: all their 52 products are the
    page's offers (a carousel beside a result list is a rail; on a home page it is the list)."""
    assert len(_listings("imper24/home.html")) == 52


def test_layout_classes_do_not_make_the_whole_page_chrome():
    """`<body class="... desktop-header-style-w-1">` and Elementor's 'elementor-hidden-phone'
    made every product reference and EAN on Imper24's home page a phone of the shop."""
    assert [p for p in _vendor("imper24/home.html")["phones"]] == [
        "+372) 6 60 66 22", "+372) 50 89 480"]


def test_a_cookie_dialog_names_no_seller():
    """Cookiebot's dialog lists 'Meta Platforms, Inc.' among the cookies' providers; the shop
    is Ehituskaup24 (named by its domain standing alone in the header)."""
    for file in ("ehituskaup24/search-makita.html", "ehituskaup24/page-not-found.html"):
        assert _vendor(file)["name"] == "Ehituskaup24"


def test_seller_links_and_save_links_are_not_products():
    """Daft.ie's ads link the agent ('Agent: <a>DNG Stack</a>', and its logo) and 'Add to saved
    ads' (?add_to_mydaft=1): each ad is still one card, ten ads, ten listings."""
    rows = _listings("daft/houses-for-sale-ireland.html")
    assert [(x["title"], x["price_amount"]) for x in rows][:2] == [
        ("17 Portland Drive, Newcastle West, Co. Limerick", 139000.0),
        ("Templeathea, Athea, Co. Limerick", 224000.0)]
    assert len(rows) == 10 and {x["price_currency"] for x in rows} == {"EUR"}


def test_a_classified_ads_heading_gives_its_price_and_its_name():
    """UsedVictoria (fifth batch, open until now): h1 '♥ Log In needed $15 · Casio ...' and
    schema.org `price` content '$15' (the sign written in): the ad is $15, named after the
    separator; the site is 'UsedVictoria.com' (og:site_name), not 'Victoria' (the city in the
    <title>, a part of that name)."""
    row, = _listings("usedvictoria/casio-fx-991es-calculator.html")
    assert (row["title"], row["price_amount"], row["price_currency"]) == (
        "Casio FX-991ES PLUS C Scientific Calculator", 15.0, "CAD")
    assert _vendor("usedvictoria/casio-fx-991es-calculator.html")["name"] == "UsedVictoria.com"


def test_a_price_in_an_old_price_box_is_no_range_end():
    """Magento's discounted card: 'Special Price 138,47 €' and, one box deeper in the same
    price block, '<p class="old-price">Tavahind: 173,60 €': 138.47, no range."""
    rows = _listings("ehituskaup24/search-makita.html")
    assert [(x["price_amount"], x["price_max"]) for x in rows][:2] == [(138.47, None),
                                                                      (112.63, None)]


def test_a_struck_list_price_of_another_site_is_no_range_end():
    """GOMAJI (third batch) shows '$410' crossed out by a class beside its '$210 起': 410 was
    read as the range's high end; it is the list price."""
    row, = _listings("gomaji/dominos-pizza-coupon.html")
    assert row["price_amount"] == 210.0 and row["price_max"] != 410.0


def test_an_address_the_page_asks_to_write_to_is_the_sites():
    """MediaMarkt Portugal shows its address only in the review form's note ('Para outros
    assuntos envia um email para: clientes@mediamarkt.pt'): read there, as a number the page
    asks to call is (it had been read only while the <body>'s classes made the page chrome)."""
    assert "clientes@mediamarkt.pt" in _vendor("mediamarkt-pt/roborock-s6-pure.html")["emails"]


@pytest.mark.parametrize("text, email", [
    ("Para outros assuntos envia um email para: clientes@mediamarkt.pt)", "clientes@mediamarkt.pt"),
    ("Questions? Email us at help@shop.example", "help@shop.example"),
    ("Écrivez-nous à contact@boutique.fr", "contact@boutique.fr"),
    ("Schreiben Sie uns an info@laden.de", "info@laden.de"),
    ("Reviewed by jane@doe.example", None),
])
def test_write_to_phrases(text, email):
    from scrapers.parsers import company
    m = company._WRITE.search(text)
    assert (m.group(1) if m else None) == email


def test_a_sign_after_a_model_code_still_opens_a_price():
    """'MFCD00000001 $1.00': the figure glued to 'MFCD' is no price in '$', the '$1.00' after
    it is (the model-code rule must not swallow the sign)."""
    assert [(m.low, m.currency) for m in offers.amounts("MFCD00000001 $1.00")] == [(1.0, "USD")]
