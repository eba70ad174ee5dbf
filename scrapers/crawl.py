"""Crawl orchestration: one run id per invocation, its folder, per-spider JOBDIRs, the verdict.

`run_crawl` runs spiders in one Scrapy process. Everything a run leaves behind lives in
`<evidence dir>/<run id>/`: `pages.warc.gz` (evidence), `items.jsonl`, `jobs/<spider>/` (each
spider's own JOBDIR), `crawl.log`, `run.json` (the invocation, for `--resume`) and `report.json`
(the summary). Each spider's `crawl_runs` row carries the run id as `crawl_id`.

Status of a spider: the health verdict (scrapers.monitor): finished, degraded or failed;
`interrupted` when stopped before the end; `failed` when it could not start. The run's status is
the worst of its spiders' (`EXIT_CODES` gives the process exit status).

Resume (`scrapers.crawl_resume`): a spider stopped gracefully keeps its queue, one killed outright
is crawled again from its start, spiders that completed are not rerun. The process, its log and
its clean stops on SIGINT/SIGTERM: `scrapers.crawl_process`.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
from dataclasses import dataclass, field
from pathlib import Path

from scrapers.crawl_process import LOG_FORMAT as LOG_FORMAT  # re-exported
from scrapers.crawl_process import QUIET_FORMAT as QUIET_FORMAT  # re-exported
from scrapers.crawl_process import logged_process
from scrapers.crawl_resume import COMPLETE as COMPLETE  # re-exported
from scrapers.crawl_resume import load_invocation as load_invocation  # re-exported
from scrapers.crawl_resume import record_failures, save_invocation
from scrapers.crawl_resume import resume_plan as resume_plan  # re-exported

log = logging.getLogger(__name__)

SAMPLE_SETTINGS = {
    # Loopback sample sites: nobody to be polite to, so no delays (robots.txt is still obeyed).
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "RETRY_BACKOFF_BASE": 0.05,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 4,
}
SAMPLE_VENDOR_DOMAINS = Path(__file__).resolve().parent / "samples/vendor-domains.txt"
ORDER = ("finished", "degraded", "interrupted", "failed")
EXIT_CODES = {"finished": 0, "failed": 1, "degraded": 3, "interrupted": 4}


def worst(statuses) -> str:
    return max(statuses, key=ORDER.index, default="failed")


@dataclass
class SpiderRun:
    name: str
    status: str
    stats: dict = field(default_factory=dict)
    health: dict = field(default_factory=dict)
    error: str | None = None

    def summary(self) -> dict:
        s = self.stats
        counts = self.health.get("counts", {})
        return {
            "spider": self.name, "status": self.status, "error": self.error,
            "pages": s.get("response_received_count", 0),
            "items": s.get("item_scraped_count", 0),
            "listings": counts.get("listings", s.get("precursor_watch/listings", 0)),
            "hits": counts.get("hits", 0),
            "not_fetched": s.get("precursor_watch/not_fetched", 0),
            "errors": s.get("log_count/ERROR", 0),
            "bans": counts.get("bans", 0),
            "failed_checks": [c["check"] for c in self.health.get("checks", [])
                              if c["result"] != "ok"],
        }


@dataclass
class CrawlResult:
    run_id: str
    run_dir: Path
    spiders: dict[str, SpiderRun]
    earlier: dict[str, str] = field(default_factory=dict)  # resumed: spider -> status

    @property
    def status(self) -> str:
        return worst([*(s.status for s in self.spiders.values()), *self.earlier.values()])

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.status]

    @property
    def stats(self) -> dict[str, dict]:
        return {name: run.stats for name, run in self.spiders.items()}

    def summary(self) -> dict:
        return {"run_id": self.run_id, "status": self.status, "run_dir": str(self.run_dir),
                "spiders": [s.summary() for s in self.spiders.values()],
                "earlier_segments": self.earlier}


def spider_names(settings=None) -> list[str]:
    """Every spider slug of the project."""
    from scrapy.spiderloader import SpiderLoader

    return sorted(SpiderLoader.from_settings(settings or project_settings()).list())


def project_settings():
    from scrapy.utils.project import get_project_settings

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "scrapers.settings")
    return get_project_settings()


def crawl_settings(run_id: str, *, samples: str | None = None, db: str | None = None,
                   out: str | None = None, redis_url: str | None = None,
                   extra: dict | None = None):
    """The settings of one crawl invocation (shared by its spiders)."""
    settings = project_settings()
    put = lambda k, v: settings.set(k, v, priority="cmdline")  # noqa: E731
    put("PRECURSOR_WATCH_RUN_ID", run_id)
    if samples:
        put("PRECURSOR_WATCH_SAMPLES", samples)
        for key, value in SAMPLE_SETTINGS.items():
            put(key, value)
        if not settings.get("VENDORSITE_DOMAINS_FILE"):
            put("VENDORSITE_DOMAINS_FILE", str(SAMPLE_VENDOR_DOMAINS))
    if db:
        put("PRECURSOR_WATCH_DB", str(db))
    folder = Path(settings.get("PRECURSOR_WATCH_EVIDENCE_DIR")) / run_id
    put("PRECURSOR_WATCH_OUT", out or str(folder / "items.jsonl"))
    pipelines = dict(settings.getdict("ITEM_PIPELINES"))
    if redis_url:
        from scrapers.redis_queue import PIPELINE, quiet_scrapy_redis, redis_settings

        quiet_scrapy_redis()
        # Items go to the Redis queue; one `ingest --redis` writer fills the catalog.
        pipelines = {PIPELINE: 800}
        for key, value in redis_settings(redis_url, run_id).items():
            put(key, value)
    # Exported just before the catalog writer: an item the catalog could not take is still in
    # items.jsonl (and can be loaded later with `ingest`).
    pipelines["scrapers.export.JsonLinesExportPipeline"] = 290
    put("ITEM_PIPELINES", pipelines)
    for key, value in (extra or {}).items():
        put(key, value)
    return settings


def run_folder(settings, run_id: str) -> Path:
    return Path(settings.get("PRECURSOR_WATCH_EVIDENCE_DIR")) / run_id


def _prepare_jobdir(folder: Path, name: str, resume: bool) -> Path:
    """The spider's JOBDIR: kept when it was left consistent, else started afresh."""
    jobdir = folder / "jobs" / name
    clean = jobdir / ".clean"
    if resume and clean.exists():
        clean.unlink()  # consistent only until this process is killed
        log.info("%s: resuming its queue from %s", name, jobdir)
    elif jobdir.exists():
        log.warning("%s: %s was not closed cleanly; crawling this spider again from its start",
                    name, jobdir)
        shutil.rmtree(jobdir)
    return jobdir


def run_crawl(spiders: list, samples: str | None = None, db: str | None = None,
              out: str | None = None, spider_args: dict[str, str] | None = None,
              run_id: str | None = None, extra_settings: dict | None = None, *,
              resume: bool = False, redis_url: str | None = None) -> CrawlResult:
    """Run the spiders (slugs or classes) in one Scrapy process; returns their verdicts."""
    from scrapy import signals
    from scrapy.crawler import Crawler
    from scrapy.utils.ossignal import install_shutdown_handlers

    from scrapers.evidence import new_run_id

    run_id = run_id or new_run_id()
    settings = crawl_settings(run_id, samples=samples, db=db, out=out, redis_url=redis_url,
                              extra=extra_settings)
    folder = run_folder(settings, run_id)
    folder.mkdir(parents=True, exist_ok=True)
    if not resume:
        save_invocation(folder, spiders, spider_args or {}, samples, redis_url)
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")  # ours: file + console
    process, handlers, scrapy_level = logged_process(folder, settings)
    before = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    install_shutdown_handlers(process._signal_shutdown)  # from now on, not only once running
    crawlers: dict[str, Crawler] = {}
    failures: dict[str, str] = {}
    keep: list = []
    try:
        for spider in spiders:
            cls = process.spider_loader.load(spider) if isinstance(spider, str) else spider
            crawler = process.create_crawler(cls)  # its settings are its own copy until crawl()
            if not redis_url:
                jobdir = _prepare_jobdir(folder, cls.name, resume)
                crawler.settings.set("JOBDIR", str(jobdir), priority="cmdline")
                keep.append(_mark_clean(jobdir))  # signal receivers are weak references
                crawler.signals.connect(keep[-1], signal=signals.spider_closed)
            crawlers[cls.name] = crawler
            d = process.crawl(crawler, **(spider_args or {}))
            d.addErrback(_record_failure(failures, cls.name))
        process.start()
    finally:
        for sig, handler in before.items():  # the caller's handlers again (e.g. its summary)
            signal.signal(sig, handler)
        for handler in handlers:
            logging.getLogger().removeHandler(handler)
            handler.close()
        logging.getLogger("scrapy").setLevel(scrapy_level)
    runs = {name: _verdict(name, c, failures.get(name), process.interrupted)
            for name, c in crawlers.items()}
    missing = [name for name in spider_list(spiders) if name not in runs]
    for name in missing:  # stopped before its crawler was made
        runs[name] = SpiderRun(name, "interrupted" if process.interrupted else "failed",
                               error=None if process.interrupted else "never started")
    if db and not redis_url:
        record_failures(db, run_id, [r for r in runs.values()
                                     if r.error or r.status == "interrupted"])
    result = CrawlResult(run_id, folder, runs)
    (folder / "report.json").write_text(json.dumps(result.summary(), indent=2, default=str),
                                        encoding="utf-8")
    return result


def _mark_clean(jobdir: Path):
    def closed(spider, reason):  # the scheduler has saved its queue by now
        jobdir.mkdir(parents=True, exist_ok=True)
        (jobdir / ".clean").write_text(reason, encoding="utf-8")
    return closed


def _record_failure(failures: dict, name: str):
    def errback(failure):
        failures[name] = f"{failure.type.__name__}: {failure.value}"
        log.error("spider %s could not run: %s", name, failures[name])
    return errback


def spider_list(spiders: list) -> list[str]:
    return [s if isinstance(s, str) else s.name for s in spiders]


def _verdict(name: str, crawler, error: str | None, interrupted: bool = False) -> SpiderRun:
    stats = crawler.stats.get_stats() if crawler.crawling or crawler.spider else {}
    health = json.loads(stats.get("precursor_watch/health/checks") or "{}")
    status = stats.get("precursor_watch/health/status")
    if interrupted and not status:  # stopped before it could judge itself: not a failure
        return SpiderRun(name, "interrupted", stats, health, None)
    if error or not status:
        status = "failed"
        error = error or f"spider closed without a verdict ({stats.get('finish_reason')})"
    return SpiderRun(name, status, stats, health, error)
