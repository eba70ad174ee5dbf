"""Downloader middlewares: loopback sample sites, and retries with backoff."""

from __future__ import annotations

import logging
from urllib.parse import quote, urlsplit

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Request, Response
from twisted.internet.task import deferLater

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
    """Scrapy's retry, waiting longer before each new try (and honouring Retry-After)."""

    def __init__(self, settings):
        super().__init__(settings)
        self.backoff = settings.getfloat("RETRY_BACKOFF_BASE", 2.0)
        self.backoff_max = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)

    def process_response(self, request: Request, response: Response):
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response  # the common path stays synchronous (no coroutine per response)
        tries = request.meta.get("retry_times", 0)
        delay = min(self.backoff * (2**tries), self.backoff_max)
        retry_after = response.headers.get(b"Retry-After")
        if retry_after and retry_after.strip().isdigit():
            delay = min(max(delay, float(retry_after)), self.backoff_max)
        retry = self._retry(request, f"HTTP {response.status}")
        if retry is None:
            return response  # given up: the spider's errback records it as not fetched
        if delay <= 0:
            return retry
        from twisted.internet import reactor

        return deferLater(reactor, delay, lambda: retry)
