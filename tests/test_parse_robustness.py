"""Site parsers never raise: every saved page cut short at several points, through every parser
function of its site (sites from the registry, pages from the bundled samples and the site's own
fixtures); pages of no registered site (tests/files/generic) go through every site's parsers."""

import pytest
from saved_pages import FILES, fixture_pages, sample_pages

from scrapers.parsers.base import Page
from scrapers.sites import SITES


def every_parser() -> list[tuple[str, str, tuple]]:
    """(platform, a page URL on the site, parse functions) for every registered site."""
    return [(s.platform, s.example_url, tuple(s.parse_functions().values()))
            for s in SITES.values()]


GENERIC = sorted((FILES / "generic").glob("*.html"))
PAGES = [(slug, path) for slug, site in SITES.items()
         for path in (*sample_pages(site), *fixture_pages(site))]
PAGES += [(slug, path) for slug in SITES for path in GENERIC]


def assert_never_raises(platform: str, url: str, funcs: tuple, html: str) -> None:
    for func in funcs:
        page = func(url, html)
        assert isinstance(page, Page)
        assert all(item.platform == platform for item in page.listings + page.vendors)


@pytest.mark.parametrize(("slug", "path"), PAGES,
                         ids=[f"{s}/{p.relative_to(p.parents[1]).as_posix()}" for s, p in PAGES])
def test_truncated_pages_never_raise(slug, path):
    site = SITES[slug]
    funcs = tuple(site.parse_functions().values())
    html = path.read_bytes().decode("utf-8", errors="replace")  # even the wrong codec for GBK
    for cut in range(0, len(html) + 1, max(1, len(html) // 6)):
        assert_never_raises(site.platform, site.example_url, funcs, html[:cut])
