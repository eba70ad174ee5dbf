"""Downloader middlewares: loopback sample sites, retries with backoff and Retry-After (up to a
cap: beyond it the URL is deferred, not fetched), robots.txt Crawl-delay, and redirects that stay
on the site unless the spider allows the other domain (the rule of `scrapers.scope`)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import quote, urljoin, urlsplit

from scrapy import signals
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from twisted.internet.task import deferLater

from scrapers.scope import in_scope

logger = logging.getLogger(__name__)


def sample_path(url: str) -> str:
    """Where a real URL's saved page lives under the sample root: `<host>/<path>[__<query>]`.

    >>> sample_path("https://www.echemi.com/search.html?keyword=39742-60-4")
    'www.echemi.com/search.html__keyword%3D39742-60-4'
    >>> sample_path("https://hubei-x.en.made-in-china.com/")
    'hubei-x.en.made-in-china.com/index.html'
    """
    parts = urlsplit(url)
    path = parts.path or "/"
    if path.endswith("/"):
        path += "index.html"
    out = f"{parts.hostname}{path}"
    if parts.query:
        out += "__" + quote(parts.query, safe="")
    return out


class SampleSiteMiddleware:
    """With PRECURSOR_WATCH_SAMPLES set, fetch every real-site URL from the loopback sample server.

    The request goes to `<samples>/<host>/<path>[__<query>]`; the response comes back under the
    real URL, so parsers, robots.txt handling and evidence all see the site's own addresses.
    """

    def __init__(self, base: str):
        self.base = base.rstrip("/")
        self.netloc = urlsplit(self.base).netloc

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.get("PRECURSOR_WATCH_SAMPLES", ""))

    def process_request(self, request: Request):
        if not self.base or urlsplit(request.url).netloc == self.netloc:
            return None  # already addressed to this sample server
        if "sample_original" in request.meta:  # addressed to an earlier server (resumed JOBDIR)
            request = request.replace(url=request.meta["sample_original"])
        meta = {
            **request.meta,
            "sample_original": request.url,
            "download_slot": urlsplit(request.url).hostname,
            "allow_offsite": True,
        }
        target = f"{self.base}/{sample_path(request.url)}"
        return request.replace(url=target, meta=meta, dont_filter=True)

    def process_response(self, request: Request, response: Response):
        original = request.meta.get("sample_original")
        if original and response.url != original:
            return response.replace(url=original)
        return response


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry, waiting longer before each new try. A Retry-After header is honoured up
    to RETRY_AFTER_MAX seconds; a server asking for longer gets no retry: the URL is recorded as
    deferred (IgnoreRequest with the reason, so the spider's errback records it not fetched)."""

    def __init__(self, settings):
        super().__init__(settings)
        self.backoff = settings.getfloat("RETRY_BACKOFF_BASE", 2.0)
        self.backoff_max = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)
        self.retry_after_max = settings.getfloat("RETRY_AFTER_MAX", 300.0)

    def process_response(self, request: Request, response: Response):
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response  # the common path stays synchronous (no coroutine per response)
        tries = request.meta.get("retry_times", 0)
        delay = min(self.backoff * (2**tries), self.backoff_max)
        wanted = retry_after_seconds(response.headers.get(b"Retry-After"))
        if wanted is not None:
            if wanted > self.retry_after_max:
                crawler = getattr(self, "crawler", None)
                if crawler is not None and crawler.stats is not None:
                    crawler.stats.inc_value("precursor_watch/deferred")
                raise IgnoreRequest(
                    f"deferred: HTTP {response.status} with Retry-After {wanted:.0f} s, over "
                    f"the {self.retry_after_max:.0f} s cap (RETRY_AFTER_MAX); not fetched")
            delay = max(delay, wanted)
        retry = self._retry(request, f"HTTP {response.status}")
        if retry is None:
            return response  # given up: the spider's errback records it as not fetched
        if delay <= 0:
            return retry
        from twisted.internet import reactor

        return deferLater(reactor, delay, lambda: retry)


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds a Retry-After header asks for (delta-seconds or an HTTP date), None if absent.

    >>> retry_after_seconds(b"3600")
    3600.0
    >>> now = datetime(2015, 10, 21, 7, 27, tzinfo=UTC)
    >>> retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now)
    60.0
    """
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class CrawlDelayRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt handling plus the `Crawl-delay` directive: the site's download slot
    waits at least that long between requests (no random jitter below it, AutoThrottle cannot
    lower it), up to CRAWL_DELAY_MAX seconds."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self.max_delay = crawler.settings.getfloat("CRAWL_DELAY_MAX", 60.0)
        self.delays: dict[str, float] = {}  # download slot -> crawl delay
        crawler.signals.connect(self._enforce_after_response, signal=signals.response_received)

    def process_request_2(self, rp, request: Request) -> None:
        super().process_request_2(rp, request)
        if rp is None:
            return
        agent = self._robotstxt_useragent or request.headers.get(
            b"User-Agent", self._default_useragent)
        delay = rp.crawl_delay(agent)
        if delay:
            downloader = self.crawler.engine.downloader
            key = downloader.get_slot_key(request)
            self.delays[key] = min(float(delay), self.max_delay)
            self._enforce(key)

    def _enforce(self, key: str) -> None:
        downloader = self.crawler.engine.downloader
        delay = self.delays.get(key)
        slot = downloader.slots.get(key)
        if delay is None:
            return
        if slot is None:
            request = Request(f"http://{key}/", meta={"download_slot": key})
            _, slot = downloader._get_slot(request)
        if slot.delay < delay or slot.jitter:
            slot.delay = max(slot.delay, delay)
            slot.jitter = 0.0

    def _enforce_after_response(self, response, request, spider=None) -> None:
        if self.delays:
            self._enforce(self.crawler.engine.downloader.get_slot_key(request))


class OffsiteRedirectMiddleware:
    """A redirect to another registered domain is followed only when the spider's
    `allowed_domains` include it; otherwise the page is recorded as not fetched (IgnoreRequest
    with the reason reaches the spider's errback). Runs before Scrapy's RedirectMiddleware."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request: Request, response: Response):
        location = response.headers.get(b"Location")
        if response.status not in (301, 302, 303, 307, 308) or not location:
            return response
        source = request.meta.get("sample_original", request.url)
        target = urljoin(source, location.decode("latin-1").strip())
        if in_scope(source, target, getattr(self.crawler.spider, "allowed_domains", None)):
            return response
        self.crawler.stats.inc_value("precursor_watch/offsite_redirects")
        raise IgnoreRequest(f"redirect off the site to {target[:200]} not followed")
