"""What every site parser guarantees on every page of its site, for every registered site.

The sites and their pages come from the registry (`scrapers.sites.SITES`) and the bundled samples
(`scrapers/samples/<host>/`, the hosts each site declares) plus the site's own test fixtures
(`tests/files/<slug>/`): a site registered tomorrow is held to all of this with no test edited.
Each page goes through the parser function its URL calls for (the site's `page_kind`), as in a
crawl. Site-specific values (titles, prices, contacts) are in the site's test_parse_<slug>.py.
"""

from __future__ import annotations

import pytest
from saved_pages import (
    SCRIPT_MARKERS,
    fixture_pages,
    host_of,
    sample_pages,
    sample_url,
    saved_page,
    text_fields,
)

from scrapers.parsers.base import Page
from scrapers.sites import SITES, Site
from scrapers.spiders.base import KINDS

PROCEDURAL = ("Step 1", "第一步", "stir at", "搅拌")  # planted in the samples' instruction text
GARBAGE = ["", "<html", "\x00\x01garbage", "<table><tr><th>Supplier", "<table><tr><td>公司",
           "<table><tr><td>Price", "<h1>", "<div class='price-box'>"]


def _pages() -> list[tuple[Site, str, str]]:
    """(site, page url, file name for saved_page) for every sample page of every site."""
    out = []
    for site in SITES.values():
        for path in sample_pages(site):
            out.append((site, sample_url(path), path))
    return out


PAGES = _pages()


def _parsed(site: Site, url: str, path) -> Page:
    from scrapy.http import HtmlResponse

    text = HtmlResponse(url=url, body=path.read_bytes()).text
    kind = site.parser.page_kind(url)
    return site.parse_functions()[kind](url, text)


PARSED = {(site.slug, url): (site, url, _parsed(site, url, path)) for site, url, path in PAGES}
IDS = [f"{slug}:{url.split('//', 1)[1]}" for slug, url in PARSED]


def test_every_registered_site_has_sample_pages_of_every_kind():
    for site in SITES.values():
        kinds = {site.parser.page_kind(sample_url(p)) for p in sample_pages(site)}
        assert kinds == set(site.kinds), site.slug


def test_every_sample_host_belongs_to_one_registered_site():
    from scrapers.sample_server import SAMPLES_DIR

    hosts = [h for s in SITES.values() for h in s.samples]
    assert len(hosts) == len(set(hosts))
    assert {p.name for p in SAMPLES_DIR.iterdir() if p.is_dir()} == set(hosts)


@pytest.mark.parametrize("key", list(PARSED), ids=IDS)
def test_items_carry_the_site_platform_and_stay_on_the_site(key):
    site, url, page = PARSED[key]
    for item in (*page.listings, *page.vendors):
        assert item.platform == site.platform
    for listing in page.listings:
        assert listing.title and listing.title.strip(), listing
        assert not site.cas_on_every_listing or listing.cas, listing
        assert site.owns(listing.url) if site.allowed_domains else (
            host_of(listing.url) == host_of(url)), listing.url
    for vendor in page.vendors:
        assert vendor.vendor_id and vendor.name, vendor
        if site.allowed_domains:  # a marketplace profile page, on the marketplace
            assert vendor.profile_url and site.owns(vendor.profile_url), vendor


@pytest.mark.parametrize("key", list(PARSED), ids=IDS)
def test_follows_are_known_kinds_on_the_site(key):
    site, url, page = PARSED[key]
    for link in page.follow:
        assert link.kind in KINDS and link.kind in site.kinds, link
        assert site.owns(link.url) if site.allowed_domains else (
            host_of(link.url) == host_of(url)), link.url
    if site.parser.page_kind(url) in site.leaf_kinds:
        assert page.follow == []  # supplier pages are leaves: no walking a whole catalogue


@pytest.mark.parametrize("key", list(PARSED), ids=IDS)
def test_no_script_or_procedural_text_reaches_an_item(key):
    _, _, page = PARSED[key]
    for item in (*page.listings, *page.vendors):
        for value in text_fields(item):
            assert not any(marker in value for marker in SCRIPT_MARKERS), value
            assert not any(marker in value for marker in PROCEDURAL), value


@pytest.mark.parametrize("html", GARBAGE)
@pytest.mark.parametrize("slug", list(SITES))
def test_garbage_never_raises_and_yields_nothing(slug, html):
    site = SITES[slug]
    for func in site.parse_functions().values():
        page = func(site.example_url, html)
        assert isinstance(page, Page)
        assert page.listings == [] and page.vendors == []


@pytest.mark.parametrize("slug", list(SITES))
def test_own_fixtures_parse_on_the_site(slug):
    """A site's own test pages (hostile, truncated) keep the same guarantees."""
    site = SITES[slug]
    for path in fixture_pages(site):
        url, html = saved_page(slug, path.name, site.example_url)
        for func in site.parse_functions().values():
            page = func(url, html)
            assert all(i.platform == site.platform for i in (*page.listings, *page.vendors))
            for item in (*page.listings, *page.vendors):
                assert not any(m in v for v in text_fields(item) for m in SCRIPT_MARKERS)


def test_every_spider_scrapy_knows_is_a_registered_site():
    from scrapers.crawl import spider_names

    assert sorted(spider_names()) == sorted(SITES)
    for site in SITES.values():
        spider = site.spider_class
        assert spider.name == site.slug and spider.parser is site.parser
        assert tuple(getattr(spider, "allowed_domains", ())) == site.allowed_domains
