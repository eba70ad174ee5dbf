"""The marketplace spider every site spider subclasses: it crawls, its parser module parses.

A site spider sets `name` (the site's slug), `allowed_domains` and `parser` (the module
`scrapers.parsers.<slug>`, with `search_urls(query)` and `parse_<kind>(url, html) -> Page` for the
kinds its pages have). Starts come from the watchlist by default (CAS numbers and names of the
precursor and pre-precursor entries); `-a cas=...`, `-a query=...` and `-a entries=...` narrow it.

Done here once for every spider: challenge, CAPTCHA, login and ban pages (by status, headers and
content, `parsers.challenge`) become `NotFetched` with the reason; every parser's page goes
through `parsers.post` (claims, canonical URLs); search answers are counted, and a search
endpoint that answered 404/405/410 to every query of the run is recorded as broken; a page's meta
refresh, script `location` and canonical link are followed only within the crawl's scope.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterator
from types import ModuleType

import scrapy
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from pipelines.catalog.clock import utcnow_seconds
from scrapers.items import Listing, NotFetched, Vendor
from scrapers.parsers import challenge, post
from scrapers.parsers.base import Page
from scrapers.scope import in_scope, page_targets

KINDS = ("search", "product", "supplier", "page")
DEFAULT_TIERS = ("precursor", "pre-precursor")
DEAD_STATUSES = (404, 405, 410)  # a search endpoint answering these to every query is broken
BROKEN = "precursor_watch/broken_endpoint"
REPEATED = "precursor_watch/follows_repeated"
REPEAT_MEMORY = 100_000  # links remembered by `MarketplaceSpider.repeated` (oldest forgotten)


def _headers(response: Response) -> dict[str, str]:
    return {k.decode("latin-1"): (v[0] if v else b"").decode("latin-1")
            for k, v in response.headers.items()}


def _filters_duplicates(settings) -> bool:
    """Whether the crawl's scheduler drops a request for an address it already saw (Scrapy's
    fingerprint filter or scrapy-redis's; not `BaseDupeFilter`, which keeps everything)."""
    from scrapy.dupefilters import BaseDupeFilter
    from scrapy.utils.misc import load_object

    cls = load_object(settings.get("DUPEFILTER_CLASS"))
    return cls is not BaseDupeFilter


def _split_arg(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def watchlist_queries(entries: str | None = None, tiers: str | None = None) -> list[str]:
    """Search terms from the watchlist: each entry's CAS numbers and its preferred name."""
    from chem.watchlist import default_watchlist

    wanted = {w.lower() for w in _split_arg(entries)}
    tier_set = set(_split_arg(tiers)) or set(DEFAULT_TIERS)
    out: list[str] = []
    for e in default_watchlist().entries:
        if wanted and not (e.id.lower() in wanted or wanted & {f.lower() for f in e.family}):
            continue
        if not wanted and e.tier not in tier_set:
            continue
        out.extend((*e.cas, e.name))
    return list(dict.fromkeys(out))


class MarketplaceSpider(scrapy.Spider):
    parser: ModuleType
    custom_settings: dict = {}

    def __init__(self, cas: str | None = None, query: str | None = None,
                 entries: str | None = None, tiers: str | None = None,
                 max_queries: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.queries = _split_arg(cas) + _split_arg(query)
        if not self.queries or entries:
            self.queries += watchlist_queries(entries, tiers)
        if max_queries:
            self.queries = self.queries[: int(max_queries)]
        self._requested: dict[str, int] = {}  # link -> depth it was requested at (`repeated`)

    @functools.cached_property
    def _skips_repeats(self) -> bool:
        """Whether `repeated` skips links at all: only when the crawl's scheduler filters
        duplicates (read from the crawler's settings when the first link is judged)."""
        return _filters_duplicates(self.crawler.settings)

    @property
    def platform(self) -> str:
        return getattr(self.parser, "PLATFORM", self.name)

    async def start(self):
        for request in self.start_requests():
            yield request

    def start_requests(self) -> Iterator[scrapy.Request]:
        for query in self.queries:
            for url in self.parser.search_urls(query):
                yield scrapy.Request(url, callback=self.parse_search, errback=self.on_error,
                                     cb_kwargs={"kind": "search"})

    # Callbacks are spider methods so that JOBDIR can pickle requests.
    def parse_search(self, response: Response, kind: str = "search"):
        yield from self.handle(response, "search")

    def parse_product(self, response: Response, kind: str = "product"):
        yield from self.handle(response, "product")

    def parse_supplier(self, response: Response, kind: str = "supplier"):
        yield from self.handle(response, "supplier")

    def parse_page(self, response: Response, kind: str = "page"):
        yield from self.handle(response, "page")

    def parse(self, response: Response, **kwargs):
        kind = getattr(self.parser, "page_kind", lambda url: None)(response.url) or "search"
        yield from self.handle(response, kind)

    def handle(self, response: Response, kind: str):
        stats = self.crawler.stats
        evidence = response.meta.get("evidence", {})
        if not isinstance(response, TextResponse):
            stats.inc_value("precursor_watch/not_fetched")
            yield self.not_fetched(response.url, "not a text page", response.status, evidence)
            return
        blocked = challenge.reason(response.text, response.status, _headers(response))
        if blocked or response.status == 202:
            stats.inc_value("precursor_watch/not_fetched")
            reason = blocked or "HTTP 202 (challenge, no content)"
            yield self.not_fetched(response.url, reason, response.status, evidence)
            return
        if kind == "search":
            self.search_answered(response.status)
        func = getattr(self.parser, f"parse_{kind}", None)
        if func is None:
            self.logger.warning("no parse_%s in %s for %s", kind, self.parser.__name__,
                                response.url)
            return
        try:
            page: Page = post.process(func(response.url, response.text), response.url)
        except Exception as exc:  # parsers should not raise; one bad page never stops the crawl
            stats.inc_value("precursor_watch/parse_errors")
            self.logger.error("parser %s.parse_%s failed on %s: %r", self.parser.__name__,
                              kind, response.url, exc)
            return
        if page.not_fetched:
            stats.inc_value("precursor_watch/not_fetched")
            yield self.not_fetched(response.url, page.not_fetched, response.status, evidence)
            return
        for item in (*page.listings, *page.vendors):
            yield self.stamp(item, evidence)
        stats.inc_value("precursor_watch/listings", len(page.listings))
        stats.inc_value("precursor_watch/vendors", len(page.vendors))
        following = self.following(response)
        for follow in page.follow:
            callback = getattr(self, f"parse_{follow.kind}", None)
            if (callback is None or follow.kind not in KINDS or not following
                    or self.repeated(response, follow.url)):
                continue
            yield response.follow(follow.url, callback=callback, errback=self.on_error,
                                  cb_kwargs={"kind": follow.kind})
        yield from self.page_redirects(response, following=following)

    def following(self, response: Response) -> bool:
        """Whether this page's links are followed (a spider with a page budget says no once it
        is spent); its items are kept, and off-site targets still counted, either way."""
        return True

    def repeated(self, response: Response, url: str) -> bool:
        """True for a link this spider already requested at the same depth or shallower (a
        product page's link to its company page, repeated on every product of the company):
        Scrapy's duplicate filter would drop it, so no request is built for it at all. Counted
        in `precursor_watch/follows_repeated` (these never reach `dupefilter/filtered`). The
        duplicate filter stays the judge (it persists in JOBDIR; this memory of the last
        REPEAT_MEMORY links does not), and with no duplicate filter nothing is skipped."""
        if not self._skips_repeats:
            return False
        if not url.startswith(("http://", "https://")):
            url = response.urljoin(url)  # a relative link means what it means on this page
        depth = response.meta.get("depth", 0) + 1
        earlier = self._requested.get(url)
        if earlier is not None and earlier <= depth:
            self.crawler.stats.inc_value(REPEATED)
            return True
        if earlier is None and len(self._requested) >= REPEAT_MEMORY:
            del self._requested[next(iter(self._requested))]
        self._requested[url] = depth
        return False

    def page_redirects(self, response: TextResponse, *, following: bool):
        """Where the page itself sends a browser (meta refresh, a script's `location`) or names
        as its address (canonical link), after the page was parsed: a refresh or script target
        is followed when in scope (the rule of HTTP redirects, `scrapers.scope`) and when the
        page's links are followed at all (`following`, decided once per page by `handle`);
        anything off the site is counted and logged, never fetched; a canonical link is never
        fetched."""
        own = response.url
        for how, target in page_targets(own, response.text, response):
            if target.split("#")[0] == own.split("#")[0]:
                continue
            if not in_scope(own, target, getattr(self, "allowed_domains", None)):
                self.crawler.stats.inc_value("precursor_watch/offsite_refused")
                self.crawler.stats.inc_value(f"precursor_watch/offsite_refused/{how}")
                self.logger.info("%s off the site to %s not followed (on %s)", how,
                                 target[:200], own[:200])
                continue
            if how == "canonical":
                continue  # the page itself, already parsed: checked, never fetched again
            kind = getattr(self.parser, "page_kind", lambda url: None)(target) or "page"
            if not hasattr(self.parser, f"parse_{kind}") or kind not in KINDS:
                continue
            if not following or self.repeated(response, target):
                continue
            yield response.follow(target, callback=getattr(self, f"parse_{kind}"),
                                  errback=self.on_error, cb_kwargs={"kind": kind})

    def stamp(self, item: Listing | Vendor, evidence: dict):
        changes = {"platform": item.platform or self.platform}
        for key in ("fetched_at", "body_sha256", "warc_file", "warc_record_id", "page_url"):
            if evidence.get(key) and not getattr(item, key, None):
                changes[key] = evidence[key]
        return dataclasses.replace(item, **changes)

    def not_fetched(self, url: str, reason: str, status: int | None, evidence: dict):
        fetched = evidence.get("fetched_at") or utcnow_seconds()
        return NotFetched(self.platform, url, reason, status, fetched)

    def on_error(self, failure: Failure):
        """Refusals, give-ups after retries, timeouts, oversize pages: recorded, never silent."""
        request = failure.request
        url = request.meta.get("sample_original", request.url)
        response = getattr(failure.value, "response", None)
        status = response.status if response is not None else None
        if request.cb_kwargs.get("kind") == "search" and status is not None:
            self.search_answered(status)
        if status in DEAD_STATUSES:
            self.crawler.stats.inc_value("precursor_watch/no_results")
            return  # this page does not exist; a dead search endpoint is judged on the run
        reason = f"HTTP {status}" if status else f"{failure.type.__name__}: {failure.value}"
        if response is not None and isinstance(response, TextResponse):
            blocked = challenge.reason(response.text, status, _headers(response))
            reason = blocked or reason
        self.crawler.stats.inc_value("precursor_watch/not_fetched")
        self.logger.info("not fetched %s: %s", url, reason)
        yield NotFetched(self.platform, url, reason[:300], status,
                         utcnow_seconds())

    def search_answered(self, status: int) -> None:
        """Count search answers: 404/405/410 as dead, any other answer as a live endpoint."""
        stats = self.crawler.stats
        if status in DEAD_STATUSES:
            stats.inc_value("precursor_watch/search_dead")
            stats.set_value("precursor_watch/search_dead_status", status)
        else:
            stats.inc_value("precursor_watch/search_ok")

    def closed(self, reason: str) -> None:
        """A search endpoint that answered 404/405/410 to every query of the run is broken:
        recorded in the run's stats (so crawl_runs keeps it) and logged as an error, never
        taken for a market with nothing for sale."""
        stats = self.crawler.stats
        dead = stats.get_value("precursor_watch/search_dead", 0)
        if dead and not stats.get_value("precursor_watch/search_ok", 0):
            status = stats.get_value("precursor_watch/search_dead_status")
            message = f"{self.name}: search answered HTTP {status} to all {dead} queries"
            stats.set_value(BROKEN, message)
            self.logger.error("broken search endpoint: %s", message)
