"""General reading rules found on first contact with the fifth batch of unseen sites (Middle-East
and Asian shops, tests/files/real, 2026-12-07), each asserted on a real page of another site than
the one that showed it, and on the one that showed it."""

import pytest
from realpages import REAL, labels, parse
from scrapy.http import HtmlResponse

from scrapers.parsers import cards, generic, offers, product, regions
from scrapers.parsers import fields as f

LABELS = {x["file"]: x for x in labels()}


def _listings(file: str) -> list[dict]:
    return [i for i in parse(LABELS[file]) if i["type"] == "listing"]


def _one(file: str) -> dict:
    listings = _listings(file)
    assert len(listings) == 1, [(x["title"], x.get("price_amount")) for x in listings]
    return listings[0]


@pytest.mark.parametrize("text, low, currency", [
    ("EGP 13,499", 13499.0, "EGP"), ("جنيه 265", 265.0, "EGP"), ("L.E 12.00", 12.0, "EGP"),
    ("LE 34", 34.0, "EGP"), ("6,385.0 EGP", 6385.0, "EGP"), ("ج.م 120", 120.0, "EGP"),
    ("SR1,550", 1550.0, "SAR"),
])
def test_egyptian_pound_and_saudi_riyal_as_egyptian_and_gulf_shops_write_them(text, low, currency):
    assert offers.amounts(text)[0].low == low and offers.amounts(text)[0].currency == currency


@pytest.mark.parametrize("text", ["le 3 mars", "TABLE 2", "Stile 3", "12 le", "3 LED", "SRX 2"])
def test_the_latin_abbreviations_are_no_currency_in_words_or_lower_case(text):
    assert offers.amounts(text) == []


@pytest.mark.parametrize("text, low, currency", [
    ("Article 12,99 €", 12.99, "EUR"), ("TABLE 2 x 5 €", 5.0, "EUR"), ("12 le 5 €", 5.0, "EUR"),
])
def test_a_figure_after_a_words_last_letters_is_still_read_with_its_own_currency(text, low,
                                                                                  currency):
    assert [(m.low, m.currency) for m in offers.amounts(text)] == [(low, currency)]


@pytest.mark.parametrize("file, title, price", [
    # Jumia Egypt's 'EGP 13,499' showed it; RadioShack Egypt's '290.0 EGP' and Oriflame's
    # 'LE 34' (beside the old price 'LE 64') are the same currency written two other ways
    ("radioshack-eg/casio-analoge-clock-tq-218.html", "CASIO ANALOGE CLOCK TQ-218", 290.0),
    ("radioshack-eg/airwheel-z3-scooter.html", "Airwheel Z3 AWZ3W WHT", 6385.0),
    ("oriflame-eg/activelle-extreme-deodorant.html", "Activelle Extreme Protection", 34.0),
])
def test_egyptian_shops_prices_are_read_in_pounds(file, title, price):
    listing = _one(file)
    assert listing["title"].startswith(title)
    assert (listing["price_amount"], listing["price_currency"]) == (price, "EGP")


def _block(file: str):
    label = LABELS[file]
    html = HtmlResponse(url=label["url"], body=(REAL / file).read_bytes()).text
    root = f.load(html)
    return root, regions.main_block(root)


@pytest.mark.parametrize("file, title, price", [
    # Jumia Egypt's 'details-footer' (price, old price and 'Buy now' under the product's
    # details) showed it, in English and in Arabic
    ("jumia-eg/nezya-jojoba-beard-oil.html", "Nezya Natural Jojoba Beard Oil - 25 ml", 130.0),
    ("jumia-eg/ldnio-se3631-sockets-ar.html", "LDNIO SE3631 - 3 Power Sockets", 265.0),
])
def test_a_buy_box_named_like_a_page_bar_is_the_products_own(file, title, price):
    listing = _one(file)
    assert listing["title"].startswith(title)
    assert (listing["price_amount"], listing["price_max"]) == (price, None)


def test_a_sticky_product_bar_with_price_and_buy_button_stays_content_on_another_site():
    """Nay's 'navbar-holder' (the product's name, '13,40 €', the 'Do košíka' button of form
    'buy-box2') is the same kind of box: kept as content (its button, as every button, left
    out); the site's header and footer around it still go."""
    _, block = _block("nay/viking-4v1-card-reader.html")
    bars = block.xpath(".//*[@id='navbar-holder']")
    assert bars and "13,40 €" in (f.text(bars[0]) or "")
    assert not block.xpath(".//header | .//footer")
    assert _one("nay/viking-4v1-card-reader.html")["price_amount"] == 13.4


def test_a_price_box_holding_the_old_price_as_a_child_gives_the_current_price_only():
    """Jumia's '<div class=price-box>جنيه 265 <span class="price -old">جنيه 500</span>'
    showed it (read as 265 to 500); Oriflame's 'price-wrap' ('LE 34', old-price 'LE 64') is
    the same box on another site."""
    root, _ = _block("oriflame-eg/activelle-extreme-deodorant.html")
    box = root.xpath("//*[contains(@class,'price-wrap')]")[0]
    assert f.text(box) == "LE 34 LE 64"
    assert cards._price_parts(box) == ["LE 34"]
    assert _one("jumia-eg/ldnio-se3631-sockets-ar.html")["price_max"] is None


def test_other_sellers_offers_below_a_key_features_list_are_not_listings():
    """Jumia's iPhone: eleven lines of key features between the h1 and 'EGP 13,499', then
    four other sellers' offers (EGP 13,930 to 17,999): one listing, the page's own."""
    listing = _one("jumia-eg/iphone-7-32gb-silver.html")
    assert (listing["title"], listing["price_amount"]) == ("Apple iPhone 7 - 32GB - Silver",
                                                           13499.0)


@pytest.mark.parametrize("file, title", [
    # Hero's baby-food shop showed it (no h1; a review headline marked up as a name came
    # first, the product's name is an h2 the <title> names); VMzona (category menus as h1s,
    # 'Sale', 'Mens', the product named only in its <title>) is another site
    ("herobabystore/3-fruits-jar.html", "3 Fruits / برطمان 3 فواكه"),
    ("vmzona/womens-sneakers-amx1.html", "Дамски маратонки с ефектен дизайн amx1"),
])
def test_the_products_name_is_the_heading_or_title_the_pages_title_names(file, title):
    assert _one(file)["title"] == title


@pytest.mark.parametrize("file, title, price", [
    # BESTSELLER showed it: '€ 49,99' under 'ZIPPED THROUGH CARDIGAN', ten 'trending' tiles
    # further down, two of them also at € 49,99; Jumia's iPhone (another site) has its four
    # other sellers' offers after its heading and price as well
    ("bestseller-ie/jack-jones-zipped-cardigan.html", "ZIPPED THROUGH CARDIGAN", 49.99),
    ("jumia-eg/iphone-7-32gb-silver.html", "Apple iPhone 7 - 32GB - Silver", 13499.0),
])
def test_a_price_under_the_heading_before_any_card_is_the_products_even_at_a_cards_price(
        file, title, price):
    listing = _one(file)
    assert (listing["title"], listing["price_amount"]) == (title, price)


def _cards(file: str) -> list[dict]:
    _, block = _block(file)
    return cards.find_cards(block, LABELS[file]["url"])


@pytest.mark.parametrize("file, count", [
    # TMON showed it: its deal /deal/3454863898 among 35 other deals' cards linking to
    # /deal/<number> (and one campaign tile); Argos's product /product/4667999 with four
    # 'customers also bought' cards linking to /product/<number> is the same on another site
    ("tmon/bigsize-bra-set.html", 36), ("argos/tp-link-tapo-c200.html", 4),
])
def test_cards_linking_to_pages_shaped_like_this_one_are_other_products_around_it(file, count):
    many = _cards(file)
    assert len(many) == count
    assert generic._sibling_pages(LABELS[file]["url"], many)
    assert len(_listings(file)) == 1


@pytest.mark.parametrize("url, links, siblings", [
    ("https://shop.example/deal/123456", ["https://shop.example/deal/234567",
                                          "https://shop.example/deal/345678"], True),
    # a result list: its cards link to product pages, it is none of them
    ("https://shop.example/search?q=acid", ["https://shop.example/p/234567",
                                            "https://shop.example/p/345678"], False),
    ("https://shop.example/category/1234/", ["https://shop.example/category/2345/"], False),
    # a card linking to this very page: the page lists itself among others
    ("https://shop.example/deal/123456", ["https://shop.example/deal/123456?x=1",
                                          "https://shop.example/deal/345678"], False),
])
def test_sibling_pages_need_this_pages_own_numbered_shape(url, links, siblings):
    assert generic._sibling_pages(url, [{"url": x} for x in links]) is siblings


@pytest.mark.parametrize("file, title", [
    # TMON showed it (its deal title an h2, 'deal_title_main', the <title> word for word; the
    # h1s before it are other deals'); Hero's '3 Fruits / برطمان 3 فواكه' h2 is the same on
    # another site (a review's headline marked up as a name came first)
    ("tmon/bigsize-bra-set.html",
     "빅사이즈 브라 팬티 75~120까지 D컵 E컵 F컵 G컵 77/88/99사이즈도 편하게"),
    ("herobabystore/3-fruits-jar.html", "3 Fruits / برطمان 3 فواكه"),
])
def test_a_heading_that_is_the_pages_title_word_for_word_names_the_product(file, title):
    root, block = _block(file)
    assert product.heading(root, block) == title
    assert _one(file)["title"] == title


def test_boxes_linking_to_the_shops_service_pages_are_no_product_cards():
    """John Lewis's 'Delivery & returns' (£3.50, linking to /customer-services/delivery-
    information) and 'Write a review' boxes showed it (read as two cards instead of the
    product); eBay France's 'En savoir plus' linking to /help/buy/shipping-globally.html is
    the same kind of link on another site."""
    found = _cards("ebay-fr/duracell-cr2032.html")
    helpers = [c for c in found if generic._service_card(c)]
    assert [c["url"] for c in helpers] == ["https://pages.ebay.fr/help/buy/shipping-globally.html"]
    assert len(found) - len(helpers) >= 2  # the rail's product cards stay cards
    listing = _one("johnlewis/google-nest-mini.html")
    assert (listing["title"], listing["price_amount"]) == (
        "Google Nest Mini Hands-Free Smart Speaker, 2nd Gen, Chalk", 49.0)
    assert not generic._service_card({"url": "https://shop.example/p/helpful-gadget-123"})
