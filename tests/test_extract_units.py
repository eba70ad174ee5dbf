"""The generic extractor's pieces as tables: prices, purities, pack sizes, labels in eight
languages, company names and phones, block pages."""

import re

import pytest

from scrapers.parsers import challenge, company, fields, offers, regions, vocab

AMOUNTS = [
    ("$20.00 – $170.00", [(20.0, 170.0, "USD")]),
    ("Cena brutto: 9,00 zł", [(9.0, 9.0, "PLN")]),
    ("摩贝参考价：￥429.00/kg", [(429.0, 429.0, "CNY")]),
    ("US $12-50 / kg", [(12.0, 50.0, "USD")]),
    ("0.5 L (17,77 € * / 1 L) 8,89 € *", [(8.89, 8.89, "EUR")]),  # unit reference left out
    ("1.234,50 €", [(1234.5, 1234.5, "EUR")]),
    ("€ 1,234.50", [(1234.5, 1234.5, "EUR")]),
    ("Цена: 1 500 руб.", [(1500.0, 1500.0, "RUB")]),
    ("R$ 45,90", [(45.9, 45.9, "BRL")]),
    ("Preis 12,50 EUR", [(12.5, 12.5, "EUR")]),
    ("CAS 39742-60-4, 99%", []),
]


@pytest.mark.parametrize(("text", "expected"), AMOUNTS)
def test_amounts(text, expected):
    assert [(m.low, m.high, m.currency) for m in offers.amounts(text)] == expected


@pytest.mark.parametrize(("title", "expected"), [
    ("Sulfuric Acid, ACS Reagent, 95.0 – 98.0%", ("Sulfuric Acid, ACS Reagent", "95.0 – 98.0%")),
    ("Hydrochloric Acid 22 BE (36.25%)", ("Hydrochloric Acid 22 BE", "36.25%")),
    ("Nitric Acid 42BE 67.2%", ("Nitric Acid 42BE 67.2%", "67.2%")),
    ("Rhodium (sponge) 99,99% - 1g", ("Rhodium (sponge) 99,99% - 1g", "99,99%")),
    ("KWAS AZOTOWY 5% - czysty", ("KWAS AZOTOWY 5% - czysty", None)),  # a strength
    ("Methanol Lösung (9,5% in Wasser)", ("Methanol Lösung (9,5% in Wasser)", None)),
    ("Trichloroacetic Acid, 100% w/v", ("Trichloroacetic Acid, 100% w/v", None)),
    ("Bromophenol Blue 0.1%", ("Bromophenol Blue 0.1%", None)),
])
def test_a_purity_appended_to_the_name(title, expected):
    assert offers.split_title(title) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("500ML", "500ML"), ("4 X 950ML", "4 X 950ML"), ("950MLX4", "950MLX4"), ("0.5 L", "0.5 L"),
    ("TOTAL WEIGHT: 4 Ounces", "4 Ounces"), ("25 kg/drum", "25 kg"), ("包装：25千克", "25千克"),
    ("C6H10O4", None), ("8.00cm * 5.00cm", None),
])
def test_pack_sizes(text, expected):
    assert offers.quantity(text) == expected


@pytest.mark.parametrize(("label", "field"), [
    ("CAS No.:", "cas"), ("CAS-Nummer", "cas"), ("Numer CAS:", "cas"), ("CAS号：", "cas"),
    ("Nº CAS", "cas"), ("Номер CAS", "cas"), ("纯度", "purity"), ("Reinheit", "purity"),
    ("Czystość", "purity"), ("Pureza", "purity"), ("Pureté", "purity"), ("Чистота", "purity"),
    ("规格", "quantity"), ("Opakowanie:", "quantity"), ("Inhalt", "quantity"),
    ("起订量", "min_order"), ("Pedido mínimo", "min_order"), ("价格", "price"),
    ("Цена", "price"), ("Preço", "price"), ("分子式", "formula"), ("品名", "name"),
    ("别名", "synonyms"), ("Package Gross Weight", None), ("Description", None),
])
def test_labels_in_eight_languages(label, field):
    assert vocab.field_of(label) == field


def test_label_and_value_one_row_under_the_other_are_paired():
    root = fields.load("<table><tr><th>CAS Nr</th></tr><tr><td>124-04-9</td></tr>"
                       "<tr><td>Price</td><td>2.50€</td></tr></table><p>Reinheit: min. 99%</p>")
    found = regions.pairs(root)
    assert regions.pick(found, "cas") == "124-04-9"
    assert regions.pick(found, "price") == "2.50€"
    assert regions.pick(found, "purity") == "min. 99%"


def test_registration_numbers_hours_and_accounts_are_never_phones():
    root = fields.load(
        "<footer><p>Tel: +86 27 5555 0102</p><p>沪ICP备14038167号</p><p>营业执照 91310000123456789X"
        "</p><p>NIP:</p><p>1132980823</p><p>VAT DE 123456789</p><p>08.00 - 16.00</p>"
        "<p>Konto 68 1600 1462 1719 7119 6000 0001</p></footer>")
    assert company.contacts(root)["phones"] == ["+86 27 5555 0102"]


def test_contacts_from_links():
    root = fields.load('<a href="tel:+1-800-555-0100">call</a> <a href="mailto:Sales@X.com?s=1">'
                       'mail</a> <a href="https://wa.me/447700900123">wa</a> '
                       '<a href="https://t.me/chem_sales">tg</a> '
                       '<a href="skype:jh.chem?chat">s</a>')
    found = company.contacts(root)
    assert found["phones"] == ["+1-800-555-0100"] and found["emails"] == ["sales@x.com"]
    assert found["handles"] == {"whatsapp": ["447700900123"], "telegram": ["chem_sales"],
                                "skype": ["jh.chem"]}


def test_company_name_by_agreement_and_marketplace_seller():
    page = ("<html><head><title>Adipic acid - 20g</title></head><body><header><img class='logo' "
            "alt='Onyxmet'></header><h3>Adipic acid - 20g</h3><footer>Onyxmet © 2025</footer>"
            "</body></html>")
    assert company.name(fields.load(page), [], "onyxmet") == "Onyxmet"
    market = ("<html><head><meta property='og:site_name' content='Made-in-China.com'></head><body>"
              "<h1>Grating</h1><div class='company'>Shandong Lurun Plastic Industry Co., Ltd."
              "</div></body></html>")
    assert company.name(fields.load(market), []) == "Shandong Lurun Plastic Industry Co., Ltd."


@pytest.mark.parametrize(("html", "status", "headers", "who"), [
    ("<html><body>ok, a product page with a price $5</body></html>", 200, {}, None),
    ("<title>Just a moment...</title><noscript>Enable JavaScript and cookies to continue"
     "</noscript>", 403, {}, "Cloudflare"),
    ("<html></html>", 403, {"cf-mitigated": "challenge"}, "Cloudflare"),
    ("<iframe src='/_Incapsula_Resource?x'>Request unsuccessful.</iframe>", 200, {}, "Imperva"),
    ("<html><body>Access Denied. Reference #18.1</body></html>", 403,
     {"Server": "AkamaiGHost"}, "refused by akamaighost"),
    ("<script src='https://ct.captcha-delivery.com/c.js'></script>", 403, {}, "DataDome"),
    ("<html><body><a href='/captcha'>captcha help</a> and a long page " + "x" * 3000
     + "</body></html>", 200, {}, None),  # the word alone on a content page is not a block
])
def test_block_pages(html, status, headers, who):
    reason = challenge.reason(html, status, headers)
    assert (reason is None) if who is None else (who in reason)


@pytest.mark.parametrize("label", [
    "", " CAS No.: ", "..", ". abc", "* Purity ·", "Price (incl. VAT):", "—Pack—\n", "abc.\n",
    "\u3000纯度：", "\xa0 Size \x85", "a  b\tc", "...", ":：-–—", " * ", "MOQ.. ", "x.y.",
])
def test_norm_label_strips_as_the_trim_pattern(label):
    trim = re.compile(r"^[\s*•·:：\-–—]+|[\s*•·:：\-–—.]+$")  # the written rule
    assert vocab.norm_label(label) == re.sub(r"\s+", " ", trim.sub("", label.lower()))


def test_no_whitespace_past_the_strip_characters_range():
    assert not any(chr(c).isspace() for c in range(0x3001, 0x110000))
