"""The small field helpers every site parser shares (scrapers/parsers/fields.py)."""

import pytest

from scrapers.parsers import fields as f


def test_load_drops_scripts_styles_and_comments():
    root = f.load("<p>a<script>alert(1)</script><style>x{}</style><!-- c -->b</p>")
    assert f.text(root) == "ab"
    assert "alert" not in root.text_content()


def test_load_keeps_blocks_apart():
    root = f.load("<div><p>Tel: +1 202-555-0188</p><p>Telegram: @yuanchen_chem</p></div>")
    assert f.text(root) == "Tel: +1 202-555-0188 Telegram: @yuanchen_chem"


@pytest.mark.parametrize("html", [None, "", "   ", "\x00", "<", "<?xml version='1.0'?>"])
def test_load_never_raises(html):
    root = f.load(html)
    assert f.first(root, "//h1") is None and f.labelled(root) == {}


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("CAS No.: 39742-60-4", "39742-60-4"),
        ("[21409–26–7]", "21409–26–7"),
        ("３９７４２－６０－４", "３９７４２－６０－４"),
        ("CAS 79099 powder", "CAS 79099"),
        ("no number here", None),
        ("1609-66-5", None),  # fails the check digit
    ],
)
def test_cas_as_written(written, expected):
    assert f.cas_as_written(written) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("US $ 10-25 / kg", (10.0, "USD")),
        ("￥800/千克", (800.0, "CNY")),
        ("USD 95/kg", (95.0, "USD")),
        ("面议", (None, None)),
        (None, (None, None)),
    ],
)
def test_price(text, expected):
    assert f.price(text) == expected


def test_phones_skip_cas_numbers_dates_and_emails():
    text = "CAS 39742-60-4, 2026-11-02, a1234567@example.com, tel +86-27-5555-0101"
    assert f.phones(text) == ["+86-27-5555-0101"]


@pytest.mark.parametrize("text, expected", [
    ("Cod produs: 5099873388655", []), ("Artikel-Nr. 2800395267", []), ("ISBN: 9780552173742", []),
    ("Order No. 12345678", []), ("Anzeige: 200532255", []), ("CUI: 14399840", []),
    ("등록번호 : 02-006-00043", []), ("浙B2-20120091", []), ("von Markus 01.07.2020", []),
    ("dia 2-12-2020.", []), ("2020/11/21", []), ("76-80 3000-164 Coimbra", []),
    ("Rating 4.757894736842105", []),
    # still phones: after a contact label, a domain, an 'order' that is no number label
    ("Tel. No.: 0571-87562588", ["0571-87562588"]), ("www.example.com 0571-87562588",
                                                     ["0571-87562588"]),
    ("To order call 0800 123 456", ["0800 123 456"]), ("Holiday Inn 555-1234", ["555-1234"]),
    ("Telefon: 040 - 3603 3603", ["040 - 3603 3603"]),
])
def test_dates_postal_codes_and_labelled_identifiers_are_not_phones(text, expected):
    assert f.phones(text) == expected


def test_handles_by_service():
    text = "WhatsApp: +44 7700 900123 微信：jh_chem2026 QQ: 800012345 Telegram: @yuanchen_chem"
    assert f.handles(text) == {
        "whatsapp": ["+44 7700 900123"],
        "wechat": ["jh_chem2026"],
        "telegram": ["@yuanchen_chem"],
        "qq": ["800012345"],
    }


def test_handles_need_a_word_boundary():
    assert f.handles("Ottawa: +1 613 555 0100") == {}


def test_labelled_reads_rows_definition_lists_and_lines():
    root = f.load(
        "<table><tr><th>CAS号：</th><td>39742-60-4</td></tr></table>"
        "<dl><dt>Purity</dt><dd>99%</dd></dl><ul><li>Min. Order: 1 kg</li></ul>"
    )
    pairs = f.labelled(root)
    assert (pairs["cas号"], pairs["purity"], pairs["min. order"]) == ("39742-60-4", "99%", "1 kg")
    assert f.pick(pairs, "moq", "min. order") == "1 kg"


def test_absolute_rejects_script_links():
    assert f.absolute("https://a.example/x/", "javascript:alert(1)") is None
    assert f.absolute("https://a.example/x/", "../y.html") == "https://a.example/y.html"


def test_jsonld_product_ignores_broken_blocks():
    html = (
        '<script type="application/ld+json">{broken</script>'
        '<script type="application/ld+json">{"@graph": [{"@type": "Product", "name": "X"}]}'
        "</script>"
    )
    assert f.jsonld_product(html) == {"@type": "Product", "name": "X"}


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("<title>Just a moment</title><p>Checking your browser</p>",
         "anti-bot or rate-limit page (Checking your browser)"),
        ("<p>Please verify you are human</p>",
         "anti-bot or rate-limit page (verify you are human)"),
        ("<p>No products matched your search.</p>", None),
        ("<script>var captcha = 1</script><p>No results</p>", None),  # script text is not read
    ],
)
def test_blocked(html, reason):
    assert f.blocked(f.load(html)) == reason
