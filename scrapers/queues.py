"""The JOBDIR request queue: requests in memory first, Scrapy's pickled LIFO disk queue (callback
names looked up once) beyond a bound and when the spider closes.

Before pickling a request Scrapy turns it into a dict that names its callback and errback, each
found by searching every member of the spider (`inspect.getmembers`, properties included): two
searches per request, on a crawl of small pages as costly as archiving the page (bench_crawl).
Here the spider is searched once per function; `Request.to_dict` then looks only at the names
found, so the dict, the file format and resuming are Scrapy's own (a JOBDIR written with Scrapy's
queue resumes with this one and back). A callback that is not a method of the spider is still
refused as Scrapy refuses it (ValueError: the scheduler keeps that request in memory).

`MemoryFirstScheduler` keeps up to `SCHEDULER_MEMORY_REQUESTS` waiting requests in memory and
writes to the disk queue only beyond that and, for what still waits, when the spider closes: a
crawl stopped gracefully leaves the same JOBDIR as with every request pickled on arrival, and
the requests of a short crawl are never pickled at all. What a killed crawl loses is what it
lost before: Scrapy writes the disk queue's index (`active.json`) only when the spider closes,
so a queue left by a killed process was never read back (`scrapers.crawl` crawls such a spider
again from its start).
"""

from __future__ import annotations

import inspect

from scrapy.core.scheduler import Scheduler
from scrapy.http import Request
from scrapy.squeues import PickleLifoDiskQueue


class Named:
    """The spider as `Request.to_dict` searches it for a method's name: only the given names."""

    def __init__(self, spider, names: list[str]):
        self._spider = spider
        self._names = names

    def __dir__(self) -> list[str]:
        return self._names

    def __getattr__(self, name: str):
        return getattr(self._spider, name)


class LifoDiskQueue(PickleLifoDiskQueue):
    """`scrapy.squeues.PickleLifoDiskQueue` (Scrapy's default), with the spider's method names
    remembered per function."""

    def __init__(self, crawler, key: str):
        super().__init__(crawler, key)
        self.names: dict = {}  # function -> the first (sorted) name it has on the spider

    def method_name(self, func) -> str | None:
        function = getattr(func, "__func__", None)
        if function is None or self.spider is None:
            return None
        if function not in self.names:
            for name, method in inspect.getmembers(self.spider, inspect.ismethod):
                self.names.setdefault(method.__func__, name)
        return self.names.get(function)

    def push(self, request: Request) -> None:
        names = [self.method_name(f) for f in (request.callback, request.errback) if callable(f)]
        try:
            if None in names:
                raise ValueError("not a method of the spider")
            as_dict = request.to_dict(spider=Named(self.spider, names))
        except ValueError:  # a renamed method, or none at all: Scrapy's own search decides
            as_dict = request.to_dict(spider=self.spider)
        super(PickleLifoDiskQueue, self).push(as_dict)  # pickled and written by Scrapy's queue


class MemoryFirstScheduler(Scheduler):
    """Scrapy's scheduler holding up to `SCHEDULER_MEMORY_REQUESTS` (default 10,000; 0: every
    request to disk on arrival, Scrapy's own way) waiting requests in memory when it has a
    JOBDIR; beyond that, and for whatever still waits when the spider closes, the disk queue.

    Stats: `scheduler/enqueued/memory` counts the requests held in memory (as Scrapy counts
    those it could not pickle), `scheduler/enqueued/disk` those written on arrival, and
    `scheduler/saved/disk` those written to the JOBDIR at close (`scheduler/unserializable`
    those of them that could not be)."""

    def __init__(self, *args, memory_requests: int = 10_000, **kwargs):
        super().__init__(*args, **kwargs)
        self.memory_requests = memory_requests

    @classmethod
    def from_crawler(cls, crawler):
        scheduler = super().from_crawler(crawler)
        scheduler.memory_requests = crawler.settings.getint("SCHEDULER_MEMORY_REQUESTS", 10_000)
        return scheduler

    def _dqpush(self, request: Request) -> bool:
        if self.dqs is not None and len(self.mqs) < self.memory_requests:
            return False  # held in memory (`close` writes it to disk if it is still waiting)
        return super()._dqpush(request)

    def close(self, reason: str):
        if self.dqs is not None:
            self._save_waiting()
        return super().close(reason)

    def _save_waiting(self) -> None:
        """Move what waits in memory to the disk queue, in an order that pops the same: each
        priority's requests oldest first, so the newest (LIFO) comes out first on resume."""
        waiting = []
        while (request := self.mqs.pop()) is not None:
            waiting.append(request)
        saved = 0
        for request in reversed(waiting):
            if super()._dqpush(request):
                saved += 1
        if saved and self.stats is not None:
            self.stats.inc_value("scheduler/saved/disk", saved)
