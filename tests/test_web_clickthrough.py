"""An analyst's path in headless Chromium (Debian's `chromium` through Playwright) on the sample
catalog, by clicks: who-sells -> a vendor's dossier -> its archived evidence -> its network ->
the network's hand-over report; and every entry link of every hit table (who-sells, new-since,
each dossier) opens a who-sells page that resolves the entry. Screenshots for the README go to
tests/artifacts/ (copied to docs/ by hand when they change)."""

from __future__ import annotations

import pytest
from webkit import ARTIFACTS, CHROMIUM, browser_page

pytestmark = [pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed"),
              pytest.mark.browser, pytest.mark.crawl, pytest.mark.subprocess]


@pytest.fixture(scope="module")
def page():
    with browser_page() as page:
        yield page


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def test_who_sells_to_dossier_to_evidence_to_network_to_report(page, sample_server):
    page.goto(f"{sample_server}/-/who-sells")
    page.fill("form.pw-form input[name=q]", "npp")
    page.click("form.pw-form button[type=submit]")
    page.wait_for_selector("table.pw-operations")
    heading = page.inner_text("h2")
    assert "operations" in heading and "vendors" in heading, heading
    shot(page, "clickthrough-who-sells")
    # The operation rows hold their vendors; open the first vendor of a network.
    link = page.locator("tr.pw-op-members a[href*='/-/vendor/']").first
    name = link.inner_text()
    link.click()
    page.wait_for_selector("h1")
    assert page.inner_text("h1") == name
    assert "/-/vendor/" in page.url
    shot(page, "clickthrough-dossier")
    dossier = page.url
    # Archived evidence: the inert copy with its banner.
    page.locator("a.pw-evidence").first.click()
    page.wait_for_load_state()
    body = page.inner_text("body")
    assert "Archived copy of" in body and "SHA-256" in body
    assert page.evaluate("document.querySelectorAll('script').length") == 0
    shot(page, "clickthrough-evidence")
    # Back to the dossier, then its network (or, for a lone vendor, the largest network).
    page.goto(dossier)
    net = page.locator("a[href*='/-/network?network=']")
    if net.count() == 0:
        page.goto(f"{sample_server}/-/network")
        net = page.locator("a[href*='/-/network?network=']")
    net.first.click()
    page.wait_for_selector("#pw-graph circle")
    assert page.locator("#pw-graph circle").count() >= 2
    shot(page, "clickthrough-network")
    page.locator("a.pw-report").first.click()
    page.wait_for_load_state()
    text = page.inner_text("body")
    for part in ("Watchlist hits: precursor-watch report", "Crawl runs covered", "Method",
                 "Legend of regime codes", "Operations"):
        assert part in text, part
    shot(page, "clickthrough-report")
    assert page.errors == []


def entry_links(page) -> list[tuple[str, str]]:
    """(href, text) of every entry link in the page's hit tables."""
    return page.eval_on_selector_all(
        "table.pw-rows a[href*='/-/who-sells?q=']",
        "els => els.map(a => [a.getAttribute('href'), a.textContent])")


def test_every_entry_link_of_every_hit_table_resolves(page, sample_server, sample_catalog):
    import sqlite3

    conn = sqlite3.connect(sample_catalog)
    vendors = [v for (v,) in conn.execute(
        "select distinct p.vendor from hits h join listings l on l.id = h.listing join"
        " vendor_profiles p on p.id = l.vendor_profile where p.vendor is not null")]
    pages = [f"{sample_server}/-/new-since?since=2000-01-01",
             f"{sample_server}/-/who-sells?q=npp"] + [
        f"{sample_server}/-/vendor/{v}" for v in vendors]
    links: dict[str, str] = {}
    for url in pages:
        page.goto(url)
        for href, text in entry_links(page):
            links.setdefault(href, text)
    entries = {e for (e,) in conn.execute("select distinct entry from hits where current = 1")}
    assert len(links) >= len(entries)  # every entry with a hit is linked somewhere
    first = True
    for href, text in sorted(links.items()):
        if first:  # one by a real click, the rest by address
            page.goto(pages[0])
            page.locator(f"table.pw-rows a[href='{href}']").first.click()
            first = False
        else:
            page.goto(sample_server + href)
        page.wait_for_selector("h1")
        body = page.inner_text("body")
        assert "resolved to" in body and "Nothing in the watchlist" not in body, href
        assert text.strip() in page.inner_text(".pw-resolved"), (href, text)
        assert page.locator("table.pw-operations tr.pw-op").count() >= 1, href
    assert page.errors == []
