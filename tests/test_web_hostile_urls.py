"""URLs from outside are data, never behaviour: a served catalog whose vendor and listing URL
fields are all hostile (`javascript:`, `data:`, credentials, whitespace and control tricks),
rendered through every analyst page and table page in headless Chromium; every link points at
this server, clicking each runs no script and no request leaves the server. Also: a CSP on every
page, no off-site redirect (`//evil.example/x.csv`, `/\\evil.example/...`), and the Host check
(DNS rebinding guard) of a server bound to loopback."""

from __future__ import annotations

import http.client
import sqlite3
from urllib.parse import urlsplit

import pytest
from webkit import CHROMIUM, CHROMIUM_FLAGS, serving

HOSTILE_URLS = [
    "javascript:alert(document.domain)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(2)",
    "java\tscript:alert(3)",
    "data:text/html,<script>alert(4)</script>",
    "vbscript:msgbox(5)",
    "https://analyst:secret@127.0.0.2:9/steal",
    "https://127.0.0.2:9/a b",
    "https://127.0.0.2:9/\u200bzero-width",
    "https:\\\\127.0.0.2:9/backslash",
    "//127.0.0.2:9/protocol-relative",
]
# Links the app itself puts on its pages (Datasette's footer, the metadata's sources): fixed
# addresses, not scraped ones; checked, never clicked (tests stay on loopback).
APP_LINKS = {"https://datasette.io/"}
PAGES = ["/", "/-/vendors", "/-/vendor/{vendor}", "/-/who-sells?q=NPP", "/-/search?q=NPP",
         "/-/new-since", "/-/network", "/catalog/vendor_profiles", "/catalog/listings",
         "/catalog/evidence", "/catalog/vendors/{vendor}"]

pytestmark = [pytest.mark.subprocess,
              pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed")]


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory, matcher):
    from pipelines.catalog.connection import open_db
    from pipelines.catalog.writer import CatalogWriter
    from pipelines.chemistry import Chemistry
    from pipelines.validate import check

    path = tmp_path_factory.mktemp("hostile-urls") / "catalog.db"
    db = open_db(path)
    writer = CatalogWriter(db, kind="crawl", spider="shop", platform="shop",
                           watchlist=matcher.watchlist)
    writer.open()
    listings = []
    for i, url in enumerate(HOSTILE_URLS):
        vendor, reason = check({
            "item_type": "vendor", "platform": "shop", "vendor_id": f"v{i}",
            "name": f"Vendor {i}", "profile_url": url, "website": url, "page_url": url,
            "emails": [f"v{i}@shop.example"]})
        assert vendor is not None, reason
        writer.add(vendor)
        rec, reason = check({"platform": "shop", "listing_id": f"l{i}", "title": "NPP 99%",
                             "cas": "39742-60-4", "url": f"https://shop.example/p/{i}",
                             "vendor_id": f"v{i}", "vendor_name": f"Vendor {i}",
                             "page_url": url, "warc_record_id": f"<urn:uuid:{i}>"})
        assert rec is not None, reason
        listings.append(rec)
    Chemistry(matcher).resolve_many(listings)
    for rec in listings:
        writer.add(rec)
    writer.close()
    db.conn.close()
    con = sqlite3.connect(path)  # a listing URL stored before validation refused such URLs
    for i, url in enumerate(HOSTILE_URLS):
        con.execute("update listings set url = ? where listing_id = ?", [url, f"l{i}"])
    con.commit()
    vendor = con.execute("select vendor from vendor_profiles where vendor is not null"
                         " limit 1").fetchone()[0]
    con.close()
    with serving(path) as base:
        yield base, vendor


@pytest.mark.browser
def _reopen(page, url: str) -> None:
    """Back to the page under test. The previous click's navigation may start late on a busy
    machine and abort this one (net::ERR_ABORTED); then open the page again once it settled."""
    from playwright.sync_api import Error

    for attempt in range(3):
        try:
            page.goto(url)
            return
        except Error as error:
            if "ERR_ABORTED" not in str(error) or attempt == 2:
                raise
            page.wait_for_load_state()


def test_hostile_urls_never_become_links_nor_run_script(hostile_server):
    from playwright.sync_api import sync_playwright

    base, vendor = hostile_server
    origin = urlsplit(base).netloc
    dialogs, offsite = [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS,
                                     headless=True)
        context = browser.new_context()

        def route(r):
            if urlsplit(r.request.url).netloc != origin:
                offsite.append(r.request.url)
                r.abort()
            else:
                r.continue_()

        context.route("**/*", route)
        page = context.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("popup", lambda p: (offsite.append(p.url), p.close()))
        seen: set[str] = set()
        for path in PAGES:
            url = base + path.format(vendor=vendor)
            response = page.goto(url)
            assert response.status == 200, url
            assert "script-src" in response.headers.get("content-security-policy", ""), url
            hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
            assert hrefs, url
            for href in hrefs:
                assert href in APP_LINKS or (urlsplit(href).netloc == origin
                                             and href.startswith("http://")), (url, href)
            body = page.inner_text("body")
            if path.startswith("/-/vendor/"):
                assert "javascript:alert(document.domain)" in body  # shown, as text
            # Click every link of the page (each from the page itself, as an analyst would).
            count = page.locator("a[href]").count()
            for n in range(count):
                _reopen(page, url)
                link = page.locator("a[href]").nth(n)
                href = link.get_attribute("href") or ""
                if href in seen or href in APP_LINKS or not link.is_visible():
                    continue
                seen.add(href)
                link.click(modifiers=[], no_wait_after=True, timeout=5000)
                page.wait_for_load_state()
                assert urlsplit(page.url).netloc == origin, (url, href, page.url)
        browser.close()
    assert dialogs == [] and offsite == []
    assert len(seen) > 20


def raw_get(base: str, path: str, host: str | None = None) -> http.client.HTTPResponse:
    parts = urlsplit(base)
    con = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    con.putrequest("GET", path, skip_host=True)
    con.putheader("Host", host or parts.netloc)
    con.endheaders()
    resp = con.getresponse()
    resp.read()
    con.close()
    return resp


@pytest.mark.parametrize("path", ["//evil.example/x.csv", "/\\evil.example/x.csv",
                                  "//evil.example/catalog/listings", "/\\evil.example/listings",
                                  "/\\evil.example/catalog/listings", "//evil.example/"])
def test_no_redirect_leaves_the_server(hostile_server, path):
    base, _ = hostile_server
    resp = raw_get(base, path)
    location = resp.getheader("Location") or ""
    if location:
        assert location.startswith("/") and not location.startswith(("//", "/\\")), location
        assert "evil.example" not in urlsplit(location).netloc


def test_a_request_for_another_host_name_is_refused_on_loopback(hostile_server):
    base, _ = hostile_server
    port = urlsplit(base).port
    assert raw_get(base, "/catalog/listings.json", host=f"evil.example:{port}").status == 421
    assert raw_get(base, "/", host="evil.example").status == 421
    for ok in (f"127.0.0.1:{port}", f"localhost:{port}", "localhost"):
        assert raw_get(base, "/", host=ok).status == 200, ok


def test_csv_redirect_of_a_table_stays_a_local_path(hostile_server):
    base, _ = hostile_server
    resp = raw_get(base, "/catalog/listings.csv")
    assert resp.status == 302 and resp.getheader("Location") == "/catalog/listings.safecsv"
