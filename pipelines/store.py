"""Last pipeline: hand each record to the catalog writer
(`pipelines.catalog.writer.CatalogWriter`), flush on a timer, and close the run with the crawl's
health verdict. Everything it stores goes through the `pipelines.catalog` package; this module
only connects Scrapy's signals to it."""

from __future__ import annotations

import logging

from scrapy import signals

from pipelines.catalog.location import db_path
from pipelines.catalog.records import as_record
from pipelines.catalog.writer import CatalogWriter
from scrapers.items import NotFetched

log = logging.getLogger(__name__)


class CatalogWriterPipeline:
    """Scrapy pipeline around `CatalogWriter`; the DB path is the PRECURSOR_WATCH_DB setting."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.writer: CatalogWriter | None = None
        self._timer = None
        self.not_fetched = 0

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(pipeline.item_dropped, signal=signals.item_dropped)
        return pipeline

    def item_dropped(self, item, response, exception, spider=None) -> None:
        """An item an earlier pipeline dropped (e.g. invalid) is recorded in `rejected`."""
        if self.writer is not None:
            url = getattr(response, "url", None) if response is not None else None
            record = item if isinstance(item, dict) else as_record(item)
            self.writer.reject(record, str(exception), source=url)

    def open_spider(self) -> None:
        from chem.watchlist import default_watchlist

        s = self.crawler.settings
        spider = self.crawler.spider
        self.writer = CatalogWriter(
            db_path(s.get("PRECURSOR_WATCH_DB")), kind="crawl", spider=spider.name,
            platform=getattr(spider, "platform", None) or spider.name,
            watchlist=default_watchlist(),
            batch_size=s.getint("CATALOG_BATCH_SIZE", 1000),
            flush_seconds=s.getfloat("CATALOG_FLUSH_SECONDS", 5.0),
            crawl_id=s.get("PRECURSOR_WATCH_RUN_ID") or None,
        )
        self.writer.open()
        from twisted.internet import task

        # Items may trickle in: flush on a timer too, so a crash loses at most a few seconds.
        self._timer = task.LoopingCall(self._tick)
        self._timer.start(max(self.writer.flush_seconds, 0.5), now=False)

    def _tick(self) -> None:
        if self.writer is not None:
            try:
                self.writer.flush()
            except Exception:  # keep the crawl alive; the next flush retries the writes
                log.exception("catalog flush failed")

    def process_item(self, item):
        if isinstance(item, dict) and item.get("item_type") in ("listing", "vendor"):
            self.writer.add(item)
        elif isinstance(item, NotFetched):
            self.not_fetched += 1  # that page's listings were not seen: no `gone` this run
        return item

    def close_spider(self) -> None:
        # The finish reason is only known at spider_closed (after pipelines close): flush now,
        # finish the run there.
        if self._timer is not None and self._timer.running:
            self._timer.stop()
        self.writer.flush()

    def spider_closed(self, spider, reason: str) -> None:
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        # The verdict of scrapers.monitor.HealthMonitor (it closes first): a degraded or failed
        # run never marks listings gone.
        health = stats.get("precursor_watch/health/status")
        result = self.writer.close(
            status=health or ("finished" if reason == "finished" else "interrupted"),
            monitors=stats.get("precursor_watch/health/checks"),
            finish_reason=reason,
            errors=int(stats.get("log_count/ERROR", 0)),
            dropped=int(stats.get("item_dropped_count", 0)),
            not_fetched=self.not_fetched,
            stats=stats,
        )
        log.info("catalog: %s", result)
        self.writer.db.close()
