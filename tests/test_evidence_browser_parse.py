"""The inert evidence copy shows every text a browser shows on malformed and hostile pages: each
page is rendered by headless Chromium as the original and as the inert copy (built by
`archived.inert_html`, html5lib), and every line of the original's visible text must be on the
copy. The old lenient parser lost the offer after a stray <body> inside <head>."""

from __future__ import annotations

import pytest
from webkit import CHROMIUM, CHROMIUM_FLAGS

from precursor_watch.web.archived import Capture, inert_html

# Each: a pattern a browser repairs in its own way, with the offer's text placed where a
# parser that does not follow the HTML5 algorithm drops or misplaces it.
PAGES = {
    "stray <body> inside <head>": "<html><head><title>Shop</title><body><h1>NPP 99% powder</h1>"
        "</head><p>CAS 39742-60-4, USD 150/kg</p><p>WhatsApp +86 131 0000 0001</p></html>",
    "text after </html>": "<html><body><p>Catalogue</p></body></html><p>N-Boc-4-piperidone"
        " USD 90/kg</p>",
    "div inside <head>": "<html><head><meta charset=utf-8><div>1-Boc-4-AP in stock</div></head>"
        "<body><p>Contact sales</p></body></html>",
    "text fostered out of a table": "<table><tr><td>4-ANPP</td></tr>fostered price USD 300"
        "<tr><td>99%</td></tr></table>",
    "second <html> and <body> tags": "<html><body><p>first</p><html lang=x><body class=y>"
        "<p>second offer 4-piperidone</p></body></html>",
    "comment ended by --!>": "<p>before</p><!-- hidden --!><p>shown after comment</p>",
    "unclosed formatting across blocks": "<p><b>bold start<p>still bold NPP</b> plain"
        "<p>last line</p>",
    "tags inside <textarea> and <title>": "<title>T <b>x</b></title><textarea><p>typed offer"
        "</p></textarea><p>after textarea</p>",
    "nested <a> and <form>": "<a href=/a>one<a href=/b>two</a></a><form><form><p>in form"
        "</p></form>",
}


def capture(html: str) -> Capture:
    return Capture(url="https://shop.example/p/1", fetched_at="2026-12-07T00:00:00Z",
                   sha256="0" * 64, status="200", record_id="<urn:uuid:1>",
                   warc_file="pages.warc.gz", served_from="", content_type="text/html",
                   body=html.encode())


def lines(text: str) -> list[str]:
    return [" ".join(t.split()) for t in text.splitlines() if t.strip()]


@pytest.mark.browser
def test_the_inert_copy_shows_every_text_the_browser_shows():
    from playwright.sync_api import sync_playwright

    if CHROMIUM is None:
        pytest.skip("chromium not installed")
    missing = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS,
                                     headless=True)
        page = browser.new_context(java_script_enabled=False).new_page()
        for name, html in PAGES.items():
            page.set_content(html)
            shown = lines(page.inner_text("body"))
            page.set_content(inert_html(capture(html)))
            copy = " ".join(lines(page.inner_text("body")))
            lost = [t for t in shown if t not in copy]
            if lost or not shown:
                missing[name] = lost or "browser showed nothing"
        browser.close()
    assert missing == {}


def test_a_stray_body_in_head_keeps_the_offer_without_a_browser():
    out = inert_html(capture(PAGES["stray <body> inside <head>"]))
    for text in ("NPP 99% powder", "CAS 39742-60-4, USD 150/kg", "+86 131 0000 0001"):
        assert text in out


def test_a_page_nested_deeper_than_a_browser_nests_keeps_its_text():
    # html5lib's time grows with the square of the depth: such a page takes the lenient parser
    # (its cost is in benchmarks/bench_hostile.py).
    out = inert_html(capture("<div>" * 20_000 + "NPP deep" + "</div>" * 20_000))
    assert "NPP deep" in out
