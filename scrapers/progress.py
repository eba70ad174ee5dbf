"""Live progress on a terminal: one line per spider (pages, items, hits, errors, a bar).

Enabled by the setting `PRECURSOR_WATCH_PROGRESS` (the crawl command sets it when standard error
is a terminal; cron and systemd get quiet logs instead). All spiders of a process share one
`Board`, redrawn in place once a second. The bar is pages fetched over pages fetched plus requests
still queued (the total grows as a crawl discovers pages).
"""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass

from scrapy import signals


@dataclass
class Row:
    spider: str
    pages: int = 0
    scheduled: int = 0
    items: int = 0
    hits: int = 0
    errors: int = 0
    done: str = ""

    def line(self, width: int = 20) -> str:
        share = min(self.pages / self.scheduled, 1.0) if self.scheduled else 0.0
        bar = "#" * int(share * width)
        state = self.done or f"[{bar:<{width}}]"
        return (f"{self.spider:<14} {state:<{width + 2}} pages {self.pages:>5}/{self.scheduled:<5}"
                f" items {self.items:>5}  hits {self.hits:>4}  errors {self.errors:>3}")


class Board:
    """The rows of every spider in this process, drawn on a stream."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.rows: dict[str, Row] = {}
        self.drawn = 0
        self.lock = threading.Lock()

    def draw(self) -> None:
        with self.lock:
            out = "\x1b[F" * self.drawn if self.drawn else ""
            lines = [r.line() for r in self.rows.values()]
            out += "".join(f"\x1b[2K{line}\n" for line in lines)
            self.stream.write(out)
            self.stream.flush()
            self.drawn = len(lines)


BOARD = Board()


class Progress:
    """Scrapy extension feeding `BOARD` from one crawler's stats and items."""

    def __init__(self, crawler, board: Board = BOARD, interval: float = 1.0):
        self.crawler = crawler
        self.board = board
        self.interval = interval
        self.row: Row | None = None
        self._task = None
        self._last = 0.0

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler)
        if crawler.settings.getbool("PRECURSOR_WATCH_PROGRESS"):
            crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
            crawler.signals.connect(ext.item_scraped, signal=signals.item_scraped)
            crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider) -> None:
        from twisted.internet import task

        self.row = self.board.rows.setdefault(spider.name, Row(spider.name))
        self._task = task.LoopingCall(self.update)
        self._task.start(self.interval, now=True)

    def item_scraped(self, item, response=None, spider=None) -> None:
        if self.row is not None and isinstance(item, dict):
            self.row.hits += len((item.get("chemistry") or {}).get("hits") or [])

    def update(self) -> None:
        stats = self.crawler.stats.get_stats()
        row = self.row
        if row is None:
            return
        row.pages = int(stats.get("response_received_count", 0))
        waiting = int(stats.get("scheduler/enqueued", 0)) - int(stats.get("scheduler/dequeued", 0))
        row.scheduled = row.pages + max(waiting, 0)  # fetched + still queued
        row.items = int(stats.get("item_scraped_count", 0))
        row.errors = (int(stats.get("log_count/ERROR", 0))
                      + int(stats.get("precursor_watch/not_fetched", 0)))
        if time.monotonic() - self._last >= self.interval * 0.5 or row.done:
            self._last = time.monotonic()
            self.board.draw()

    def spider_closed(self, spider, reason: str) -> None:
        if self._task is not None and self._task.running:
            self._task.stop()
        if self.row is not None:
            self.row.done = self.crawler.stats.get_value(
                "precursor_watch/health/status") or reason
            self.update()
