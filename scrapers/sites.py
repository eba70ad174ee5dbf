"""The registry of sites: each site declares here, once, its slug, hosts, URL rules and parser.

A site is registered by adding one `Site` to `SITES`. Its spider (`scrapers/spiders/<slug>.py`)
reads its `allowed_domains` and parser from here; the invariant, robustness, hostile-input and
block tests, the bundled-sample checks and the README's site table all iterate over `SITES`, so
a newly registered site is covered by every one of them without editing a test.

The URL rules live in the parser module (`page_kind(url)` says which `parse_<kind>` a URL needs;
`search_urls(query)` gives the starts); the registry names the kinds the site has, so tests and
`precursor-watch parse` know every parser function without guessing.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType
from urllib.parse import urlsplit

from scrapers.parsers import chemicalbook, chemnet, echemi, goldsupplier, hxchem, mic, vendorsite


@dataclass(frozen=True)
class Site:
    slug: str  # one name across spider, parser module, sample folders, test fixtures
    label: str  # the site as the README's table names it
    parser: ModuleType  # scrapers.parsers.<slug>: search_urls, page_kind, parse_<kind>
    kinds: tuple[str, ...]  # page kinds the parser reads (each has parse_<kind>)
    allowed_domains: tuple[str, ...]  # registered domains the spider stays on ((): any site)
    samples: tuple[str, ...]  # host folders under scrapers/samples/ written to its structure
    example_url: str  # a page URL on the site, for tests that feed it arbitrary markup
    leaf_kinds: tuple[str, ...] = ()  # pages that are never walked further (supplier pages)
    cas_on_every_listing: bool = True  # a marketplace listing always states a CAS number

    @property
    def platform(self) -> str:
        return self.parser.PLATFORM

    @property
    def spider_class(self) -> type:
        """The site's spider (imported on demand: spiders import this registry)."""
        module = importlib.import_module(f"scrapers.spiders.{self.slug}")
        return next(v for v in vars(module).values()
                    if isinstance(v, type) and getattr(v, "name", None) == self.slug)

    def parse_functions(self) -> dict[str, object]:
        """kind -> parse_<kind> function, for every kind the site has."""
        return {kind: getattr(self.parser, f"parse_{kind}") for kind in self.kinds}

    def owns(self, url: str) -> bool:
        """Whether a URL is on this site (any host of its registered domains)."""
        host = urlsplit(url).hostname or ""
        if not self.allowed_domains:
            return bool(host)
        return any(host == d or host.endswith(f".{d}") for d in self.allowed_domains)


_MARKETPLACE = ("search", "product", "supplier")

SITES: dict[str, Site] = {site.slug: site for site in (
    Site("chemnet", "china.chemnet.com", chemnet, _MARKETPLACE, ("chemnet.com",),
         ("china.chemnet.com",), f"https://{chemnet.HOST}/product/x.html",
         leaf_kinds=("supplier",)),
    Site("hxchem", "www.hxchem.net", hxchem, _MARKETPLACE, ("hxchem.net",),
         ("www.hxchem.net",), f"https://{hxchem.HOST}/product/x.html",
         leaf_kinds=("supplier",)),
    Site("goldsupplier", "www.goldsupplier.com", goldsupplier, _MARKETPLACE,
         ("goldsupplier.com",), ("www.goldsupplier.com",),
         f"https://{goldsupplier.HOST}/product/x.html", leaf_kinds=("supplier",)),
    Site("chemicalbook", "www.chemicalbook.com", chemicalbook, _MARKETPLACE,
         ("chemicalbook.com",), ("www.chemicalbook.com",),
         f"https://{chemicalbook.HOST}/product/x.html", leaf_kinds=("supplier",)),
    Site("mic", "www.made-in-china.com", mic, _MARKETPLACE, ("made-in-china.com",),
         ("www.made-in-china.com", "hubei-kangyuan.en.made-in-china.com",
          "shijiazhuang-yuanchen.en.made-in-china.com"),
         "https://hubei-kangyuan.en.made-in-china.com/product/x/y.html"),
    Site("echemi", "www.echemi.com", echemi, _MARKETPLACE, ("echemi.com",),
         ("www.echemi.com",), f"https://{echemi.HOST}/product/x.html"),
    Site("vendorsite", "vendors' own websites", vendorsite, ("page",), (),
         ("www.jinghong-pharmtech.example", "www.jinghong-chem.example"),
         "https://www.jinghong-pharmtech.example/product/x/", cas_on_every_listing=False),
)}

