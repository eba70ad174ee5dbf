"""Distributed crawls on Redis: scrapy-redis frontier and duplicate filter, items to a queue.

`crawl --redis redis://host:port/db` runs the spiders with scrapy-redis's scheduler: every
crawler process (on any machine) started with the same run id (`--run-id`) shares one request
queue and one set of request fingerprints per spider, so each page is fetched once between them.
Items are not written to SQLite by the crawlers: `RedisItemPipeline` appends each one (JSON) to
the list `precursor-watch:items`, which one `precursor-watch ingest --redis URL` process drains
into the catalog (see `pipelines.ingest.redis_drain`).
"""

from __future__ import annotations

import json
import uuid
import warnings

from scrapers.export import item_to_dict

ITEMS_KEY = "precursor-watch:items"
PIPELINE = "scrapers.redis_queue.RedisItemPipeline"


def quiet_scrapy_redis() -> None:
    """scrapy-redis 0.9 still passes `spider=` to the stats collector: one warning per request."""
    from scrapy.exceptions import ScrapyDeprecationWarning

    warnings.filterwarnings("ignore", category=ScrapyDeprecationWarning, module="scrapy_redis")


def redis_settings(url: str, run_id: str) -> dict:
    """Scrapy settings for a crawler process sharing run `run_id` on Redis `url`."""
    prefix = f"precursor-watch:{run_id}:%(spider)s"
    return {
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_PERSIST": True,  # a crawler that ends early must not clear the others' state
        "SCHEDULER_QUEUE_KEY": f"{prefix}:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{prefix}:dupefilter",
        "SCHEDULER_IDLE_BEFORE_CLOSE": 1,
        "REDIS_URL": url,
        "JOBDIR": None,
        "PRECURSOR_WATCH_REDIS_ITEMS": ITEMS_KEY,
    }


def connect(url: str):
    import redis

    return redis.Redis.from_url(url)


def encode(item, run_id: str, spider: str) -> bytes:
    data = item_to_dict(item)
    data["_queue"] = {"run_id": run_id, "spider": spider, "id": uuid.uuid4().hex}
    return json.dumps(data, ensure_ascii=False, default=str).encode("utf-8")


class RedisItemPipeline:
    """Appends every item to the Redis item queue (the catalog writer drains it)."""

    def __init__(self, url: str, key: str, run_id: str):
        self.url, self.key, self.run_id = url, key, run_id
        self.server = None
        self.spider = ""

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        pipeline = cls(s.get("REDIS_URL"), s.get("PRECURSOR_WATCH_REDIS_ITEMS", ITEMS_KEY),
                       s.get("PRECURSOR_WATCH_RUN_ID", ""))
        pipeline.crawler = crawler
        return pipeline

    def open_spider(self, spider=None) -> None:
        self.server = connect(self.url)
        self.spider = self.crawler.spider.name

    def process_item(self, item):
        self.server.rpush(self.key, encode(item, self.run_id, self.spider))
        self.crawler.stats.inc_value("precursor_watch/redis_items")
        return item

    def close_spider(self, spider=None) -> None:
        if self.server is not None:
            self.server.close()
