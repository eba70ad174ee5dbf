"""What an analyst sees, in headless Chromium (Debian's `chromium`, driven by Playwright): the
index, who-sells, a vendor dossier, the network graph, a structure drawing as an image, and an
archived evidence page that runs no script. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import sqlite3
from urllib.parse import quote

import pytest
from webkit import ARTIFACTS, CHROMIUM, browser_page

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed "
                                "(.ci/run installs it)")


@pytest.fixture(scope="module")
def page():
    with browser_page() as page:
        yield page


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.crawl
@pytest.mark.subprocess
def test_index_links_the_analyst_pages(page, sample_server):
    page.goto(sample_server + "/")
    for label in ("Who sells X?", "Vendor dossiers", "Networks", "New since", "Search"):
        assert page.get_by_role("link", name=label).first.is_visible()
    shot(page, "index")
    page.get_by_role("link", name="Who sells X?").first.click()
    assert page.url.endswith("/-/who-sells")


@pytest.mark.browser
@pytest.mark.crawl
@pytest.mark.subprocess
def test_who_sells_from_a_chinese_name_shows_vendors_and_a_structure(page, sample_server):
    page.goto(sample_server + "/-/who-sells")
    page.fill("form.pw-form input[name=q]", "N-Boc-4-哌啶酮")
    page.click("form.pw-form button[type=submit]")
    page.wait_for_selector("table.pw-vendors")
    assert page.locator("table.pw-vendors tbody tr").count() >= 3
    img = page.locator("img.pw-structure").first
    img.wait_for()
    # The drawing loaded as an image (an SVG decoded by the browser), not a broken icon.
    assert page.evaluate("(el) => el.complete && el.naturalWidth > 0", img.element_handle())
    assert page.locator("a.pw-evidence").count() >= 3
    shot(page, "who-sells")


@pytest.mark.browser
@pytest.mark.crawl
@pytest.mark.subprocess
def test_vendor_dossier(page, sample_server, sample_catalog):
    vendor, = sqlite3.connect(sample_catalog).execute(
        "select vendor from vendor_networks order by size desc limit 1").fetchone()
    page.goto(f"{sample_server}/-/vendor/{vendor}")
    for heading in ("Profiles", "Contacts", "Claims", "Network", "Hits over time"):
        assert page.get_by_role("heading", name=heading).is_visible()
    assert page.locator("text=archived copy").count() > 0
    shot(page, "vendor-dossier")


@pytest.mark.browser
@pytest.mark.crawl
@pytest.mark.subprocess
def test_network_graph_is_drawn_by_the_bundled_script(page, sample_server):
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(sample_server + "/-/network")
    page.wait_for_selector("#pw-graph[data-drawn=true]")
    assert page.locator("#pw-graph circle").count() >= 3
    assert page.locator("#pw-graph line").count() >= 3
    assert all(u.startswith(sample_server) for u in requests)  # no CDN
    assert not page.errors
    shot(page, "network")


@pytest.mark.browser
@pytest.mark.crawl
@pytest.mark.subprocess
def test_archived_evidence_page_runs_no_script(page, sample_server, sample_catalog):
    conn = sqlite3.connect(sample_catalog)
    eid, url = conn.execute("select e.id, e.url from evidence e join listings l"
                            " on l.evidence = e.id limit 1").fetchone()
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{sample_server}/-/evidence?id={quote(eid)}")
    banner = page.locator("#pw-archive-banner")
    assert "Archived copy of" in banner.inner_text() and url in banner.inner_text()
    assert page.locator("script").count() == 0
    # The CSP forbids scripts: one added to the page does not run either.
    page.evaluate("""() => { const s = document.createElement('script');
        s.textContent = 'document.title = "script ran"'; document.body.appendChild(s); }""")
    assert page.title() != "script ran"
    assert all(u.startswith(sample_server) for u in requests)
    shot(page, "evidence")


@pytest.mark.browser
def test_hostile_listing_text_is_shown_not_run(page, tmp_path_factory, matcher):
    from webkit import HOSTILE_TITLE, known_catalog, serving

    db = known_catalog(tmp_path_factory.mktemp("hostile") / "known.db", matcher)
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    with serving(db) as base:
        for path in ("/-/who-sells?q=NPP", "/-/search?q=NPP", "/-/vendor/1",
                     "/known/analyst_hits", "/known/listings"):
            page.goto(base + path)
            assert page.get_by_text(HOSTILE_TITLE).first.is_visible(), path
        shot(page, "hostile-listings")
    assert dialogs == []
