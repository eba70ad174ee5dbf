"""The JOBDIR scheduler: requests wait in memory up to a bound, beyond it and at close on disk;
a JOBDIR left by a closed spider resumes the same requests in the same order as Scrapy's own
disk-first scheduler would have left them."""

from __future__ import annotations

import scrapy
from scrapy.core.engine import ExecutionEngine
from scrapy.utils.test import get_crawler

from scrapers.queues import MemoryFirstScheduler


class Pages(scrapy.Spider):
    name = "pages"

    def parse_page(self, response):
        pass

    def on_error(self, failure):
        pass


def _scheduler(jobdir, memory: int, scheduler: str = "scrapers.queues.MemoryFirstScheduler"):
    crawler = get_crawler(Pages, {
        "JOBDIR": str(jobdir), "SCHEDULER": scheduler, "SCHEDULER_MEMORY_REQUESTS": memory,
        "SCHEDULER_DISK_QUEUE": "scrapers.queues.LifoDiskQueue"})
    spider = Pages.from_crawler(crawler)
    crawler.spider = spider
    crawler.engine = ExecutionEngine(crawler, lambda _: None)  # its downloader: the slots
    crawler.stats.open_spider()
    from scrapy.utils.misc import load_object

    sched = load_object(scheduler).from_crawler(crawler)
    sched.open(spider)
    return sched, spider, crawler.stats


def _fill(sched, spider, n: int = 30) -> None:
    for i in range(n):  # two priorities, as depth and search pages give
        assert sched.enqueue_request(scrapy.Request(
            f"https://example.com/p{i}", callback=spider.parse_page, errback=spider.on_error,
            priority=i % 2, cb_kwargs={"kind": "page"}))
    # a duplicate is still filtered
    assert not sched.enqueue_request(scrapy.Request("https://example.com/p0",
                                                    callback=spider.parse_page))


def _drain(sched) -> list[tuple[str, int, dict]]:
    out = []
    while (request := sched.next_request()) is not None:
        out.append((request.url, request.priority, request.cb_kwargs))
    return out


def _resumed(jobdir, take: int, memory: int, scheduler: str) -> tuple[list, list]:
    """Fill, take `take` requests, close (a graceful stop), reopen on the same JOBDIR:
    (the requests taken, the rest in the order the resumed scheduler gives them)."""
    sched, spider, _ = _scheduler(jobdir, memory, scheduler)
    _fill(sched, spider)
    taken = [sched.next_request().url for _ in range(take)]
    sched.close("shutdown")
    again, _, _ = _scheduler(jobdir, memory, scheduler)
    rest = _drain(again)
    again.close("finished")
    return taken, rest


def test_a_short_crawl_keeps_its_requests_in_memory(tmp_path):
    sched, spider, stats = _scheduler(tmp_path / "job", 100)
    _fill(sched, spider)
    assert stats.get_value("scheduler/enqueued/memory") == 30
    assert stats.get_value("scheduler/enqueued/disk") is None
    assert len(_drain(sched)) == 30


def test_beyond_the_bound_requests_go_to_disk(tmp_path):
    sched, spider, stats = _scheduler(tmp_path / "job", 10)
    _fill(sched, spider)
    assert stats.get_value("scheduler/enqueued/memory") == 10
    assert stats.get_value("scheduler/enqueued/disk") == 20
    assert sorted(u for u, _, _ in _drain(sched)) == sorted(f"https://example.com/p{i}"
                                                            for i in range(30))


def test_a_graceful_stop_leaves_the_jobdir_scrapys_own_scheduler_leaves(tmp_path):
    scrapy_way = _resumed(tmp_path / "a", 7, 0, "scrapy.core.scheduler.Scheduler")
    assert len(scrapy_way[1]) == 23
    # all in memory, or all on disk: the same requests (callbacks, arguments) in the same order
    for memory in (0, 10_000):
        ours = _resumed(tmp_path / f"m{memory}", 7, memory, "scrapers.queues.MemoryFirstScheduler")
        assert ours == scrapy_way, memory
    # part in memory, part on disk: none lost, none twice
    taken, rest = _resumed(tmp_path / "m10", 7, 10, "scrapers.queues.MemoryFirstScheduler")
    assert sorted([*taken, *(u for u, _, _ in rest)]) == sorted(
        [*scrapy_way[0], *(u for u, _, _ in scrapy_way[1])])
    assert all(kwargs == {"kind": "page"} for _, _, kwargs in rest)


def test_requests_saved_at_close_are_counted(tmp_path):
    sched, spider, stats = _scheduler(tmp_path / "job", 10_000)
    _fill(sched, spider)
    sched.next_request()
    sched.close("shutdown")
    assert stats.get_value("scheduler/saved/disk") == 29
    assert (tmp_path / "job" / "requests.queue" / "active.json").exists()


def test_the_crawl_uses_it():
    from scrapers.settings import SCHEDULER

    assert f"{MemoryFirstScheduler.__module__}.{MemoryFirstScheduler.__name__}" == SCHEDULER
