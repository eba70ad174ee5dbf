"""The JOBDIR request queue: Scrapy's pickled LIFO disk queue, callback names looked up once.

Before pickling a request Scrapy turns it into a dict that names its callback and errback, each
found by searching every member of the spider (`inspect.getmembers`, properties included): two
searches per request, on a crawl of small pages as costly as archiving the page (bench_crawl).
Here the spider is searched once per function; `Request.to_dict` then looks only at the names
found, so the dict, the file format and resuming are Scrapy's own (a JOBDIR written with Scrapy's
queue resumes with this one and back). A callback that is not a method of the spider is still
refused as Scrapy refuses it (ValueError: the scheduler keeps that request in memory).
"""

from __future__ import annotations

import inspect

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
