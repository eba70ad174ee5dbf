"""Crawl cost: our spider (parsing + WARC archiving) against a bare Scrapy spider, same pages.

    python benchmarks/bench_crawl.py [--pages 5000] [--catalog]

Generates a loopback copy of an Hxchem-style product directory with PAGES product pages (from the
bundled sample's layout), serves it on 127.0.0.1, then crawls it twice with throttling off:
the `hxchem` spider with the full downloader stack (robots.txt, retries, WARC evidence) and a bare
spider that only yields each page's <title>. Prints pages/second for both and the ratio (target:
at least 0.5; with `--catalog`, 0.7), on the wall clock and per CPU-second (each crawl's process
and its children, i.e. the chemistry workers), beside the load average: the machine may be
shared, and the CPU figures do not depend on what else runs. Each crawl runs in its own process
(Twisted reactors do not restart).

The ratio measures what parsing and archiving cost, so our crawl writes its items as JSON Lines
only; `--catalog` adds the catalog pipelines (validation, chemistry, SQLite writer; their own
benchmark is bench_ingest.py). Chemistry then resolves in `--chem-workers` forked processes
(default 1, the crawl's default) while the reactor keeps fetching.

Measured figures and where the crawling process's CPU goes: README, Benchmarks.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scrapers.sample_server import start_in_thread  # noqa: E402

HOST = "www.hxchem.net"
TEMPLATE = ROOT / "scrapers/samples" / HOST / "productse/orderproduct2208311-ruixiangchem.html"
# Links per directory page: the hxchem parser walks at most DIRECTORY_PAGES (30) directory pages,
# so 200 per page keeps a 5,000-page site (25 directory pages) wholly inside both crawls.
PER_PAGE = 200
FAST = {
    "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16, "LOG_LEVEL": "WARNING", "RETRY_BACKOFF_BASE": 0.05,
}

# CPU time of the crawling process from spider_opened to spider_closed: the crawl loop's own
# cost, without start-up (imports, the matcher's indexes) that a long crawl pays once.
CLOCK_MODULE = """
import time


class CrawlClock:
    def __init__(self, crawler):
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        from scrapy import signals

        ext = cls(crawler)
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def opened(self, spider):
        self.start = time.process_time()

    def closed(self, spider, reason):
        self.stats.set_value("bench/crawl_cpu", time.process_time() - self.start)
"""

OURS = """
import json
from scrapers.crawl import run_crawl
stats = run_crawl(["hxchem"], {samples!r}, None, {out!r}, {{"query": "all"}},
                  extra_settings={settings!r}).stats
s = stats["hxchem"]
print(json.dumps({{"pages": s.get("response_received_count", 0),
                  "seconds": s["elapsed_time_seconds"], "items": s.get("item_scraped_count", 0),
                  "crawl_cpu": s["bench/crawl_cpu"]}}))
"""

BARE_MODULE = """
import scrapy

class BareSpider(scrapy.Spider):
    name = "bare"
    start_urls = ["https://www.hxchem.net/productse/"]

    def parse(self, response):
        yield {"title": response.css("title::text").get()}
        for href in response.css("a::attr(href)").getall():
            if "orderproduct" in href or "/productse/index" in href:
                yield response.follow(href, self.parse)
"""

BARE = """
import json, sys
sys.path.insert(0, {here!r})
from scrapy.crawler import CrawlerProcess
from bare_spider import BareSpider

settings = {{"ROBOTSTXT_OBEY": False, "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False,
            "CONCURRENT_REQUESTS": 16, "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
            "LOG_LEVEL": "WARNING", "TELNETCONSOLE_ENABLED": False,
            "PRECURSOR_WATCH_SAMPLES": {samples!r},
            "EXTENSIONS": {{"crawl_clock.CrawlClock": 0}},
            "DOWNLOADER_MIDDLEWARES": {{"scrapers.middlewares.SampleSiteMiddleware": 950}}}}
process = CrawlerProcess(settings)
crawler = process.create_crawler(BareSpider)
process.crawl(crawler)
process.start()
s = crawler.stats.get_stats()
print(json.dumps({{"pages": s.get("response_received_count", 0),
                  "seconds": s["elapsed_time_seconds"], "items": s.get("item_scraped_count", 0),
                  "crawl_cpu": s["bench/crawl_cpu"]}}))
"""


def build_site(root: Path, pages: int) -> None:
    site = root / HOST / "productse"
    site.mkdir(parents=True)
    (root / HOST / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    template = TEMPLATE.read_text("utf-8")
    directories = (pages + PER_PAGE - 1) // PER_PAGE
    for d in range(directories):
        links = []
        for i in range(d * PER_PAGE, min(pages, (d + 1) * PER_PAGE)):
            name = f"orderproduct{3000000 + i}-benchchem.html"
            links.append(f'<li><a href="{name}">Product {i}</a></li>')
            (site / name).write_text(template.replace("1-Boc-4-Piperidone", f"Compound {i}"))
        nxt = f'<a href="/productse/index{d + 2}.html">next</a>' if d + 1 < directories else ""
        page = f"<html><head><title>Products {d}</title></head><body><ul>{''.join(links)}</ul>{nxt}"
        name = "index.html" if d == 0 else f"index{d + 1}.html"
        (site / name).write_text(page + "</body></html>")


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def run(code: str, cwd: Path, env: dict | None = None) -> dict:
    """Run one crawl in a fresh process; its stats plus `cpu`: CPU seconds of that process and
    of the processes it waited for (the chemistry workers)."""
    c0 = children_cpu()
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=cwd, timeout=1800, env={**os.environ, **(env or {})})
    if proc.returncode != 0:
        sys.exit(proc.stderr[-3000:])
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["cpu"] = children_cpu() - c0
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=5000)
    ap.add_argument("--catalog", action="store_true",
                    help="also run the catalog pipelines (chemistry + SQLite) in our crawl")
    ap.add_argument("--chem-workers", type=int, default=1,
                    help="with --catalog: chemistry worker processes (0: on the reactor)")
    a = ap.parse_args()
    print(f"load average before: {load()} ({os.cpu_count()} cores)")
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        build_site(tmp_path / "site", a.pages)
        server, samples = start_in_thread(root=tmp_path / "site")
        try:
            (tmp_path / "crawl_clock.py").write_text(CLOCK_MODULE)
            from scrapers.settings import EXTENSIONS

            settings = {**FAST, "PRECURSOR_WATCH_EVIDENCE_DIR": str(tmp_path / "crawls"),
                        "EXTENSIONS": {**EXTENSIONS, "crawl_clock.CrawlClock": 0}}
            if not a.catalog:
                settings["ITEM_PIPELINES"] = {"scrapers.export.JsonLinesExportPipeline": 900}
            t0 = time.time()
            ours = run(OURS.format(samples=samples, out=str(tmp_path / "items.jsonl"),
                                   settings=settings), tmp_path,
                       {"PRECURSOR_WATCH_CHEM_WORKERS": str(a.chem_workers),
                        "PRECURSOR_WATCH_DB": str(tmp_path / "catalog.db")})
            load_ours = load()
            (tmp_path / "bare_spider.py").write_text(BARE_MODULE)
            bare = run(BARE.format(here=str(tmp_path), samples=samples), tmp_path)
            elapsed = time.time() - t0
        finally:
            server.shutdown()
        warc = sum(p.stat().st_size for p in (tmp_path / "crawls").rglob("*.warc.gz"))
    ours_rate = ours["pages"] / ours["seconds"]
    bare_rate = bare["pages"] / bare["seconds"]
    ours_cpu, bare_cpu = ours["pages"] / ours["cpu"], bare["pages"] / bare["cpu"]
    target = 0.7 if a.catalog else 0.5
    print(f"site                    {a.pages} product pages (+ directory pages), loopback")
    stack = (f"parse + WARC + catalog, {a.chem_workers} chemistry worker(s)" if a.catalog
             else "parse + WARC")
    print(f"precursor-watch spider  {ours_rate:8.1f} pages/s wall, {ours_cpu:8.1f} pages per "
          f"CPU-second ({ours['pages']} pages, {ours['items']} items, {ours['seconds']:.0f} s, "
          f"{ours['cpu']:.0f} CPU-s, WARC {warc / 1e6:.1f} MB; {stack}); load after: {load_ours}")
    print(f"bare Scrapy spider      {bare_rate:8.1f} pages/s wall, {bare_cpu:8.1f} pages per "
          f"CPU-second ({bare['pages']} pages, {bare['seconds']:.0f} s, {bare['cpu']:.0f} CPU-s)"
          f"; load after: {load()}")
    verdict = lambda x: "met" if x >= target else "NOT met"  # noqa: E731
    print(f"ratio (wall clock)      {ours_rate / bare_rate:8.2f}  (target >= {target}: "
          f"{verdict(ours_rate / bare_rate)})")
    print(f"ratio (per CPU-second)  {ours_cpu / bare_cpu:8.2f}  (whole processes with start-up;"
          " chemistry workers count in full)")
    loop_ours, loop_bare = ours["pages"] / ours["crawl_cpu"], bare["pages"] / bare["crawl_cpu"]
    print(f"crawl loop, per CPU-s   {loop_ours:8.1f} vs {loop_bare:.1f} pages per CPU-second of "
          f"the crawling process from spider open to close = ratio {loop_ours / loop_bare:.2f}"
          " (what the reactor pays per page; the wall ratio on free cores)")
    if abs(ours["pages"] - bare["pages"]) > 0.02 * bare["pages"]:
        print(f"warning: the two crawls fetched different page counts "
              f"({ours['pages']} vs {bare['pages']}); the ratio compares unequal work")
    print(f"total                   {elapsed:8.1f} s")


if __name__ == "__main__":
    main()
