"""Block detection by what is missing: real interstitials are blocks, real full pages that also
load a bot-management script are content (pages in tests/files/real, see PROVENANCE.md)."""

from __future__ import annotations

import pytest
from realpages import REAL, labels

from scrapers.parsers import challenge


def _html(file: str) -> str:
    return (REAL / file).read_bytes().decode("utf-8", "replace")


@pytest.mark.parametrize(("file", "script"), [
    # LabChem's 60-card search page ends with Cloudflare's passive loader
    ("labchem/search-acid-full-page.html", "/cdn-cgi/challenge-platform/scripts/jsd/main.js"),
    # Takeaway.com's shop pages load Incapsula's beacon at the end of every page
    ("takeaway/home-bg.html", "_Incapsula_Resource"),
    ("takeaway/home-be-nl.html", "_Incapsula_Resource"),
])
def test_full_pages_carrying_bot_management_scripts_are_not_blocks(file, script):
    html = _html(file)
    assert script in html  # the page does carry the script...
    assert challenge.reason(html, 200, {}) is None  # ...and is read as the content it is


@pytest.mark.parametrize("file", [x["file"] for x in labels() if x.get("not_fetched")])
def test_real_challenge_pages_are_still_blocks(file):
    assert challenge.reason(_html(file)) is not None


@pytest.mark.parametrize(("file", "who"), [
    ("researchgate/cloudflare-captcha-branded.html", "Cloudflare"),  # 40 KB, site-branded
    ("gusto/cloudflare-captcha-branded-app.html", "Cloudflare"),  # 352 KB, markup past 300 KB
    ("fanduel/perimeterx-block-api.html", "PerimeterX"),
    ("udemy/cloudflare-captcha-affiliatesupport.html", "Cloudflare"),  # title "Security check"
])
def test_who_answered_is_named(file, who):
    assert who in challenge.reason(_html(file))


def test_a_passive_script_on_a_small_product_page_is_not_a_block():
    """The script alone never makes a block, however early it sits in a short page."""
    page = ("<html><head><title>Acetone 99.5% 1L</title><script src='/cdn-cgi/challenge-platform/"
            "scripts/jsd/main.js'></script></head><body><h1>Acetone 99.5%</h1>"
            + "".join(f"<a href='/p/{i}'>related {i}</a>" for i in range(20))
            + "<p>CAS 67-64-1, $12.00 / 1L</p></body></html>")
    assert challenge.reason(page, 200, {}) is None
