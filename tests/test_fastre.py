"""`fastre.guarded` adds a look-ahead on a pattern's first characters and changes no match:
first-character classes as a table, then every guarded pattern of the parsers compared with its
original on the lines of the saved real pages and on case-folding corner cases."""

import re
from pathlib import Path

import pytest

from scrapers.parsers import card_links, cards, claims, fastre, fields, generic, offers, regions

FIRST = [
    (r"\bsafe(?:ly)?\s+ship", re.I, "s"),
    (r"(?:100\s*%\s*)?\bcustoms", re.I, "1c"),  # an optional start: its followers count too
    (r"US\s?\$|[¥￥]|\d+", re.I, r"U¥￥\d"),
    (r"^(?:view|buy)\b", re.I, "vb"),  # anchors and look-arounds take no character
    (r"(?<=[.!?;])\s+", re.I, r"\s"),
    (r"[a-c\]-]x", re.I, r"a-c\]\-"),
    (r"x?", re.I, None),  # may match the empty string
    (r".x", re.I, None),  # any character
    (r"[^a]x", re.I, None),  # a negated class
    (r"(\w)\1", re.I, r"\w"),
    (r"(?-i:a)b", re.I, None),  # scoped flags differ from the look-ahead's
    (r"(?i)ab", 0, None),  # global inline flags must stay first
    (r"a b # comment", re.I | re.X, None),  # a verbose comment would swallow the wrapper
]


@pytest.mark.parametrize(("pattern", "flags", "first"), FIRST)
def test_first_class(pattern, flags, first):
    assert fastre.first_class(re.compile(pattern, flags)) == first


def test_case_sensitive_patterns_are_left_as_they_are():
    rx = re.compile(r"\bsafe\b")
    assert fastre.guarded(rx) is rx


GUARDED = {
    "offers.MONEY": offers.MONEY, "offers._ANY_CURRENCY": offers._ANY_CURRENCY,
    "generic._MICRODATA": generic._MICRODATA, "generic._RDFA": generic._RDFA,
    "card_links.NOT_PRODUCT": card_links.NOT_PRODUCT,
    **{f"cards.{name}": getattr(cards, name) for name in (
        "_RAIL", "_COUNTER_TITLE", "_CALL_TO_ACTION", "_NET", "_GROSS", "_OLD",
        "_NOT_ITEM", "_SHIPPING_NOTE", "_LIST_PRICE", "_DELIVERY_HEADER")},
    **{f"regions.{name}": getattr(regions, name) for name in (
        "_CHROME", "_RELATED", "_RELATED_HEADINGS", "_CHROME_BLOCK", "_SEGMENT")},
    **{f"claims.{group}[{i}]": rx for group, patterns in claims._GROUPS.items()
       for i, rx in enumerate(patterns)},
}
CORNERS = [
    "ſafe delivery to USA", "US$ 12", "uſd 5", "İNR 400", "ınr 400", "KČ 200", "1 200 kč",
    "Цена 1 500 РУБ.", "１２ €", "￥429.00/kg", "price: $", "ITEMSCOPE", "itemſcope", "TypeOf =",
    "WESTERN UNION", "Bitcoin / USDT (TRC-20)", "", "$", "12", "door-to-door", "HOW TO MAKE",
]


def _texts() -> list[str]:
    real = Path(__file__).parent / "files" / "real"
    out = list(CORNERS)
    for page in sorted(real.rglob("*.htm*"))[::3]:  # every third page: 27 of 80
        root = fields.load(page.read_text("utf-8", errors="replace"))
        out += [line for line in root.text_content().split("\n") if line.strip()][:400]
    return out


TEXTS = _texts()


def test_the_parsers_guard_their_slow_patterns():
    assert all(fastre.original(rx) is not rx for name, rx in GUARDED.items()
               if name.startswith(("offers", "generic")))


@pytest.mark.parametrize("name", sorted(GUARDED))
def test_guarded_patterns_find_what_the_originals_find(name):
    fast = GUARDED[name]
    slow = fastre.original(fast)
    for text in TEXTS:
        got = [(m.span(), m.groups()) for m in fast.finditer(text)]
        assert got == [(m.span(), m.groups()) for m in slow.finditer(text)], text


@pytest.mark.parametrize(("pattern", "foldable"), [
    (r"captcha|just a moment\.\.\.", True),
    (r"<title>\s*access denied\s*</title>[\s\S]{0,800}reference\s*#", True),
    (r"[a-z]+-\d", True),
    (r"(?<!\w)geo\.(\w)\1", True),
    (r"[A-Z]x", False),  # an upper-case literal: the lowered text never holds it
    (r"Kelvin", False),
    ("\u212aelvin", False),  # KELVIN SIGN folds to an ASCII "k"
    ("\u017fafe", False),  # LONG S folds to an ASCII "s"
    ("\u0131tem", False),  # DOTLESS I folds to an ASCII "i"
    (r"(?-i:a)b", False),
    ("滑动验证|请按住滑块", True),
])
def test_folded_only_where_lower_casing_keeps_every_match(pattern, foldable):
    assert (fastre.folded(re.compile(pattern, re.I)) is not None) is foldable


def test_folded_needs_ignorecase():
    assert fastre.folded(re.compile("captcha")) is None


def _raw_pages() -> list[str]:
    real = Path(__file__).parent / "files" / "real"
    return [p.read_text("utf-8", errors="replace") for p in sorted(real.rglob("*.htm*"))]


def test_challenge_patterns_find_the_same_spans_lower_cased():
    from scrapers.parsers import challenge

    patterns = [rx for rx, _ in challenge._MARKUP_RX] + [challenge._WORDS]
    assert all(fastre.folded(rx) is not None for rx in patterns)
    texts = [t for t in _raw_pages() + TEXTS if t.isascii()]
    texts += ["<TITLE>Just a Moment...</TITLE>", "Are You A Robot?",
              "ACCESS DENIED ... Reference #18"]
    for rx in patterns:
        for text in texts:
            m = rx.search(text)
            span = m.span() if m else None
            assert fastre.search_span(rx, text) == span, (rx.pattern, text[:80])


def test_search_span_reads_non_ascii_texts_with_the_pattern_itself():
    rx = re.compile(r"safe", re.I)
    assert fastre.search_span(rx, "\u017fafe delivery") == (0, 4)  # LONG S: no lower-casing
    assert fastre.search_span(rx, "SAFE delivery") == (0, 4)


# Case-sensitive twins (`unfolded`): every guarded pattern above is one where it can be told.
@pytest.mark.parametrize(("pattern", "flags", "twinned"), [
    (r"US\s?\$|usd|[¥￥]", re.I, True),
    (r"(?:a|b)|(?:c|(?:d|e))x", re.I, True),  # groups of alternatives spliced: same order
    ("\u017fafe|\u212aelvin|\u0131tem", re.I, True),
    (r"[^A-Z]x|[A-Za-z]{2}(?<=a[bc])", re.I, True),
    (r"(\w)\1", re.I, False),  # a back-reference compares ignoring case
    (r"abc", 0, False),  # not IGNORECASE: nothing to gain
    (r"(?-i:a)b", re.I, False),  # scoped flags
    (r"(a)?(?(1)b|c)", re.I, False),  # a conditional
    (r"abc", re.I | re.A, False),
])
def test_unfolded_twin_where_it_can_be_told(pattern, flags, twinned):
    rx = re.compile(pattern, flags)
    twin = fastre.unfolded(rx)
    assert (twin is not rx) is twinned
    assert not twinned or not twin.flags & re.I


CASE_CORNERS = [
    "\u017fafe delivery to USA", "ſAFE ſhipping", "\u212aelvin", "KELVIN", "İtem ıtem ITEM item",
    "US $12.50 - US$ 14 / KG", "Door-To-Door, SAFE DELIVERY to USA and Canada", "EUR 9,00",
    "Ships via Western Union or BTC", "Rs. 400 – 500", "HOW TO MAKE", "12 CHF", "ItemScope",
    "ΣΑΣ σας", "ǅ ǆ Ǆ", "µ μ Μ", "ẞ ß", "Ω ω Ω", "Å å Å",
]


@pytest.mark.parametrize(("pattern", "text"), [
    ("safe|kelvin|item", t) for t in CASE_CORNERS] + [
    (r"[a-z]+|[^a-z]+", t) for t in CASE_CORNERS] + [
    ("σας|ǆ|μ|ß|ω|å|[α-ω]+", t) for t in CASE_CORNERS])
def test_unfolded_twin_folds_cases_as_the_engine_does(pattern, text):
    rx = re.compile(pattern, re.I)
    twin = fastre.unfolded(rx)
    assert twin is not rx
    assert [m.span() for m in twin.finditer(text)] == [m.span() for m in rx.finditer(text)]


@pytest.mark.parametrize("name", sorted(GUARDED))
def test_guarded_patterns_are_case_sensitive_twins_on_case_corners(name):
    fast, slow = GUARDED[name], fastre.original(GUARDED[name])
    for text in CASE_CORNERS:
        got = [(m.span(), m.groups()) for m in fast.finditer(text)]
        assert got == [(m.span(), m.groups()) for m in slow.finditer(text)], text


def test_no_character_from_the_unscanned_planes_has_a_case():
    import _sre

    assert not any(_sre.unicode_iscased(c) for c in range(fastre._CASED_BELOW, 0x110000))


def test_the_price_pattern_finds_what_its_plain_form_finds():
    """offers.MONEY carries look-aheads of its own (a currency's first character, a digit
    after the currency): the same matches as the pattern without them."""
    plain = re.compile(offers.MONEY_PLAIN, re.I)
    corners = ["U.S. $ 12", "USD $5", "ر. س. 12", "د. إ.40", "EUR\n12", "12\nEUR", "12 - 14 €",
               "€ 10 – € 12", "1,234,5 zł", "Rs. 400", "руб. 5", "12 kr", "12 krona", "5 Fr. ",
               "тенге 7", "人民币 42元", "NT$ 9", "$", "12 %", "€12-15 %"]
    for text in [*TEXTS, *corners]:
        got = [(m.span(), m.groups()) for m in offers.MONEY.finditer(text)]
        assert got == [(m.span(), m.groups()) for m in plain.finditer(text)], text


@pytest.mark.parametrize("base", ["https://market.example/search?q=x", "HTTP://Shop.Example:8080/a/b;p?q#f",
                                  "https://user@shop.example/", "ftp://shop.example/x", "https:///x"])
def test_site_absolute_paths_join_as_urljoin_joins_them(base):
    """fields.absolute takes a plain site-absolute path without urljoin's walk: same URL."""
    from urllib.parse import urljoin, urlsplit

    hrefs = ["/", "/item/00000001X", " /a/b.html ", "/a//b", "/a/./b", "/a/../b", "/a/b/.",
             "/a/.hidden", "/a;p", "/a?q=1", "/a#f", "//other.example/x", "/a b", "/ä",
             "/a\tb", "/a/%2e%2e/b", "/x:y@z", "/a..b/c.", "/~u/(1)!$&'*+,="]
    for href in hrefs:
        url = urljoin(base, href.strip())
        want = url if urlsplit(url).scheme in ("http", "https") else None
        assert fields.absolute.__wrapped__(base, href) == want, href


def test_clean_collapses_what_the_whitespace_class_matches():
    """fields.clean splits with str.split(): the characters `\\s` matches are exactly those."""
    ws = re.compile(r"\s")
    assert all(bool(ws.match(chr(c))) == chr(c).isspace() for c in range(0x110000)
               if not 0xD800 <= c <= 0xDFFF)
    for text in [" a\u3000\u00a0b \n", "\u2028x\u202fy\t", "", " \u3000 ", "a  b"]:
        want = re.sub(r"\s+", " ", text).strip() or None
        assert fields.clean(text) == want


@pytest.mark.parametrize("group", sorted(claims._GROUPS))
def test_a_group_without_any_match_is_skipped_only_when_none_of_its_patterns_match(group):
    """claims._ANY tests a whole group in one scan per flag set: it says no only when every
    pattern of the group finds nothing."""
    for text in [*TEXTS, "Ships safely to USA and Canada", "Paid by Western Union or BTC",
                 "USA warehouse", "how to make it", "包清关 门到门"]:
        want = any(rx.search(text) for rx in claims._GROUPS[group])
        assert claims._ANY[group](text) == want, text


def test_canonical_urls_without_a_query_come_out_as_the_general_walk_gives_them():
    """urls.canonical returns a plain path's URL directly: the same as the full normalisation."""
    import posixpath
    from urllib.parse import urlencode, urlsplit, urlunsplit

    from scrapers.parsers import urls

    def walk(url: str) -> str:
        parts = urlsplit(url.strip())
        path = re.sub(r"/{2,}", "/", parts.path or "/")
        if path != "/":
            trailing = path.endswith("/")
            path = posixpath.normpath(path) + ("/" if trailing else "")
            path = path.replace(";jsessionid=", ";").split(";")[0]
        return urlunsplit((parts.scheme.lower() or "https", urls.canonical_netloc(parts), path,
                           urlencode([]), ""))

    for url in ["https://Shop.Example/item/1X", "HTTP://shop.example:80/a/b/", "https://x.example",
                "https://x.example/a//b", "https://x.example/a/./b", "https://x.example/a/../b",
                "https://x.example/a;jsessionid=1", "https://x.example/a#f",
                " https://x.example/a ", "//x.example/a", "https://x.example:8080/a.html", "https://u@x.example/a"]:
        assert urls.canonical(url) == walk(url), url


def test_has_amount_says_what_amounts_says():
    for text in [*TEXTS, "$", "12", "(3 new offers) from $9.00", "€ 1,20 / 100 g)", "1,234,5 zł"]:
        assert offers.has_amount(text) == bool(offers.amounts(text)), text


@pytest.mark.parametrize("html", [
    "<!-- saved --><html><head><script>x</script><title>T</title></head><body><p>a<!-- c -->b"
    "<noscript><script>y</script>n</noscript><svg><text>s</text></svg>tail</p></body></html>",
    "<title>T</title><p>x<style>s</style>y</p>", "<p>x<!-- c -->y</p>", "<template>t</template>",
])
def test_load_drops_what_the_invisible_xpath_selects(html):
    """fields.load walks the document once for invisible nodes: the same ones as the XPath."""
    import lxml.html

    want = lxml.html.fromstring(html)
    for el in want.xpath("//" + " | //".join(fields._INVISIBLE) + " | //comment()"):
        if el.getparent() is not None:
            el.drop_tree()
    got = fields.load(html)
    assert lxml.html.tostring(got.getroottree()).replace(b"\n", b"") == \
        lxml.html.tostring(want.getroottree()).replace(b"\n", b"")


@pytest.mark.parametrize("base", ["https://market.example/search?q=x", "HTTP://Shop.Example:8080/a/b;p?q#f",
                                  "https://www.shop.example/", "https://shop.example/item/00000001X"])
def test_site_paths_become_the_product_links_the_general_path_gives(base):
    """card_links reads a plain site-absolute href as origin + path and keys it from that path:
    the product link and the key the general path (absolute, urlsplit, canonical) gives."""
    from urllib.parse import urlsplit

    from scrapers.parsers import urls

    host = (urlsplit(base).hostname or "").removeprefix("www.")
    base_canon = urls.canonical(base).rstrip("/")
    origin = card_links.site_origin(base)
    hrefs = ["/", "/item/00000001X", " /item/00000001X ", "/offers/B07JMDGDYL", "/cart",
             "/search/x", "/a/b.html", "/a/", "/item/00000001X/", "/ä", "/x:y@z", "/~u/(1)!$&'*+,=",
             "/product-category/acids", "/item/2504587-acid", "/a..b/c.", "/item/00000001X."]
    links = {}
    for href in hrefs:
        if not card_links._site_path(href.strip()):
            assert href in ("/ä",)  # (not a plain path: the general path reads it)
            continue
        fast = card_links._site_path_link(origin, href, base_canon)
        assert fast == card_links._product_link(base, href, host, base_canon), href
        if fast:
            links[href] = fast
    fast_keys, fast_urls = card_links.keyed(links, origin)
    assert (fast_keys, fast_urls) == card_links.keyed(links)


def test_card_ancestor_tests_say_what_their_xpaths_say():
    """cards._in_heading and cards._struck walk up by tag: the XPaths' answers, on every
    element of every third saved real page."""
    import lxml.etree

    in_heading = lxml.etree.XPath("ancestor::h1|ancestor::h2|ancestor::h3|ancestor::h4|"
                                  "ancestor::h5")
    struck = lxml.etree.XPath("ancestor-or-self::del|ancestor-or-self::s|ancestor-or-self::strike")
    pages = _raw_pages()[::3] + ["<h2><a><del><b>x</b></del></a></h2>", "<s><p>y</p></s>"]
    for page in pages:
        for el in fields.load(page).iter():
            if isinstance(el.tag, str):
                assert cards._in_heading(el) == bool(in_heading(el))
                assert cards._struck(el) == bool(struck(el))


def test_site_name_reads_what_the_meta_xpath_reads():
    from scrapers.parsers import product

    pages = _raw_pages() + [
        '<head><meta property="og:site_name" content=" "><meta property="og:site_name" '
        'content=" Acme  Shop "></head>', '<body><meta property="og:site_name"></body>', "<p>x</p>"]
    for page in pages:
        root = fields.load(page)
        assert product.site_name(root) == fields.first(
            root, "//meta[@property='og:site_name']/@content")


def test_one_claim_search_says_no_only_when_no_group_matches():
    """claims.apply returns a listing as it is when _ANY_CLAIM finds nothing in its fields."""
    for text in [*TEXTS, "Ships safely to USA and Canada", "Paid by Western Union or BTC",
                 "USA warehouse", "how to make it", "包清关 门到门", "Compound 12 hydrochloride"]:
        assert claims._ANY_CLAIM(text) == any(claims._ANY[g](text) for g in claims._GROUPS), text
