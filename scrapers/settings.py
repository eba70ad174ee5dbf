"""Scrapy settings: polite by default, every knob from the environment with a typed default."""

from __future__ import annotations

import os

from pipelines.catalog.location import db_path


def _env_bool(name: str, default: bool) -> bool:
    value = os.getenv(name)
    return default if value is None else value.strip().lower() in ("1", "true", "yes", "on")


BOT_NAME = "precursor-watch"
SPIDER_MODULES = ["scrapers.spiders"]
NEWSPIDER_MODULE = "scrapers.spiders"

CONTACT = os.getenv("PRECURSOR_WATCH_CONTACT", "https://github.com/precursor-watch/precursor-watch")
USER_AGENT = os.getenv(
    "PRECURSOR_WATCH_USER_AGENT",
    f"precursor-watch/0.1 (open-source precursor-monitoring research crawler; +{CONTACT})",
)

# Good citizenship
ROBOTSTXT_OBEY = _env_bool("PRECURSOR_WATCH_ROBOTSTXT_OBEY", True)
CONCURRENT_REQUESTS = int(os.getenv("PRECURSOR_WATCH_CONCURRENT_REQUESTS", 8))
CONCURRENT_REQUESTS_PER_DOMAIN = int(os.getenv("PRECURSOR_WATCH_CONCURRENCY_PER_DOMAIN", 1))
DOWNLOAD_DELAY = float(os.getenv("PRECURSOR_WATCH_DOWNLOAD_DELAY", 1.0))
AUTOTHROTTLE_ENABLED = _env_bool("PRECURSOR_WATCH_AUTOTHROTTLE", True)
AUTOTHROTTLE_START_DELAY = float(os.getenv("AUTOTHROTTLE_START_DELAY", 2.0))
AUTOTHROTTLE_MAX_DELAY = float(os.getenv("AUTOTHROTTLE_MAX_DELAY", 30.0))
AUTOTHROTTLE_TARGET_CONCURRENCY = float(os.getenv("AUTOTHROTTLE_TARGET_CONCURRENCY", 1.0))
# Items in flight per response. Scrapy starts this many worker tasks for every response; our
# pipelines are synchronous, so 100 (the default) only adds task overhead (~1/3 of crawl CPU).
CONCURRENT_ITEMS = int(os.getenv("PRECURSOR_WATCH_CONCURRENT_ITEMS", 8))
# Chemistry matching in forked processes beside the crawl's reactor (pipelines.chemistry);
# 0 = on the reactor (the crawl waits while a batch resolves).
CATALOG_CHEM_WORKERS = int(os.getenv("PRECURSOR_WATCH_CHEM_WORKERS", 1))
DOWNLOAD_TIMEOUT = int(os.getenv("PRECURSOR_WATCH_DOWNLOAD_TIMEOUT", 30))
DOWNLOAD_MAXSIZE = int(os.getenv("PRECURSOR_WATCH_DOWNLOAD_MAXSIZE", 5 * 1024 * 1024))
DOWNLOAD_WARNSIZE = int(os.getenv("PRECURSOR_WATCH_DOWNLOAD_WARNSIZE", 2 * 1024 * 1024))

# Retries with backoff: 429/503 and friends are retried, then given up on and recorded.
RETRY_ENABLED = True
RETRY_TIMES = int(os.getenv("PRECURSOR_WATCH_RETRY_TIMES", 3))
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
RETRY_BACKOFF_BASE = float(os.getenv("PRECURSOR_WATCH_RETRY_BACKOFF", 2.0))
# A Retry-After up to this many seconds is waited out; a longer one defers the URL (not fetched).
RETRY_AFTER_MAX = float(os.getenv("PRECURSOR_WATCH_RETRY_AFTER_MAX", 300))
# robots.txt Crawl-delay is honoured up to this many seconds between requests to a site.
CRAWL_DELAY_MAX = float(os.getenv("PRECURSOR_WATCH_CRAWL_DELAY_MAX", 60))

# HTTP cache for development only; never caches refusals or server errors.
HTTPCACHE_ENABLED = _env_bool("PRECURSOR_WATCH_HTTPCACHE", False)
HTTPCACHE_DIR = os.getenv("PRECURSOR_WATCH_HTTPCACHE_DIR", "httpcache")
HTTPCACHE_IGNORE_HTTP_CODES = [202, 403, 429, *range(500, 600)]
HTTPCACHE_EXPIRATION_SECS = int(os.getenv("PRECURSOR_WATCH_HTTPCACHE_EXPIRATION", 86400))

# Where loopback sample sites are served (set by `precursor-watch crawl --samples/--offline`).
PRECURSOR_WATCH_SAMPLES = os.getenv("PRECURSOR_WATCH_SAMPLES", "")
PRECURSOR_WATCH_EVIDENCE_DIR = os.getenv("PRECURSOR_WATCH_EVIDENCE_DIR", "crawls")
PRECURSOR_WATCH_DB = str(db_path())  # PRECURSOR_WATCH_DB, else catalog.db
PRECURSOR_WATCH_RUN_ID = os.getenv("PRECURSOR_WATCH_RUN_ID", "")

# Generic vendor-website spider limits (applied by that spider only)
VENDORSITE_MAX_PAGES = int(os.getenv("PRECURSOR_WATCH_VENDORSITE_MAX_PAGES", 200))
VENDORSITE_MAX_DEPTH = int(os.getenv("PRECURSOR_WATCH_VENDORSITE_MAX_DEPTH", 4))
VENDORSITE_DOMAINS_FILE = os.getenv("PRECURSOR_WATCH_VENDOR_DOMAINS", "")

# Meta refreshes are not followed by Scrapy (it dropped the page carrying one and ignored the
# off-site rule): the spiders parse the page and follow its refresh within scope (scrapers.scope).
METAREFRESH_ENABLED = False
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "scrapers.middlewares.CrawlDelayRobotsTxtMiddleware": 100,
    "scrapers.middlewares.BackoffRetryMiddleware": 550,
    "scrapers.middlewares.OffsiteRedirectMiddleware": 610,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "scrapers.evidence.EvidenceMiddleware": 890,
    "scrapers.middlewares.SampleSiteMiddleware": 950,
}
# Health checks after every spider run (verdict read by the catalog writer); progress display.
EXTENSIONS = {
    "scrapers.monitor.HealthMonitor": 500,
    "scrapers.progress.Progress": 510,
}
PRECURSOR_WATCH_MIN_LISTINGS = int(os.getenv("PRECURSOR_WATCH_MIN_LISTINGS", 0))
PRECURSOR_WATCH_COVERAGE_DROP = float(os.getenv("PRECURSOR_WATCH_COVERAGE_DROP", 0.2))
# fill_rate check: largest allowed fall of a field's fill rate on a site's product pages against
# its last good run, and optional per-field floors ("price=0.5,cas=0.8")
PRECURSOR_WATCH_FILL_DROP = float(os.getenv("PRECURSOR_WATCH_FILL_DROP", 0.5))
PRECURSOR_WATCH_FILL_FLOORS = os.getenv("PRECURSOR_WATCH_FILL_FLOORS", "")
PRECURSOR_WATCH_FAIL_RATE = float(os.getenv("PRECURSOR_WATCH_FAIL_RATE", 0.5))

# validate -> chemistry -> catalog writer (the `pipelines` package), so `scrapy crawl SLUG`
# fills the catalog at PRECURSOR_WATCH_DB just as `precursor-watch crawl` does.
ITEM_PIPELINES: dict[str, int] = {
    "pipelines.validate.ValidatePipeline": 100,
    "pipelines.chemistry.ChemistryPipeline": 200,
    "pipelines.store.CatalogWriterPipeline": 300,
}

JOBDIR = os.getenv("PRECURSOR_WATCH_JOBDIR") or None
# With a JOBDIR, up to this many waiting requests stay in memory; more, and whatever still waits
# when the spider closes, go to Scrapy's pickled LIFO disk queue (callbacks named faster).
SCHEDULER = "scrapers.queues.MemoryFirstScheduler"
SCHEDULER_MEMORY_REQUESTS = int(os.getenv("PRECURSOR_WATCH_QUEUE_MEMORY", 10_000))
SCHEDULER_DISK_QUEUE = "scrapers.queues.LifoDiskQueue"
LOG_LEVEL = os.getenv("PRECURSOR_WATCH_LOG_LEVEL", "INFO")
FEED_EXPORT_ENCODING = "utf-8"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
