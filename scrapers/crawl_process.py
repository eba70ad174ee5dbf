"""The Scrapy process of a crawl: its log (the run's crawl.log with tracebacks, a brief console)
and a CrawlerProcess that SIGINT/SIGTERM stop cleanly at any moment, start-up included."""

from __future__ import annotations

import logging
from pathlib import Path

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
QUIET_FORMAT = "ts=%(asctime)s level=%(levelname)s logger=%(name)s msg=%(message)r"


class BriefFormatter(logging.Formatter):
    """One line per record on the console: an exception is named, its traceback is in the log
    file of the run."""

    def format(self, record: logging.LogRecord) -> str:
        if not record.exc_info:
            return super().format(record)
        exc = record.exc_info[1]
        brief = logging.makeLogRecord({**record.__dict__, "exc_info": None, "exc_text": None})
        return f"{super().format(brief)} [{type(exc).__name__}; traceback in crawl.log]"


def install_logging(folder: Path, settings) -> list[logging.Handler]:
    """The run's log file (INFO, with tracebacks) and the console (LOG_LEVEL, brief)."""
    folder.mkdir(parents=True, exist_ok=True)
    to_file = logging.FileHandler(folder / "crawl.log", encoding="utf-8")
    to_file.setLevel(logging.INFO)
    to_file.setFormatter(logging.Formatter(LOG_FORMAT))
    console = logging.StreamHandler()
    console.setLevel(settings.get("LOG_LEVEL"))
    console.setFormatter(BriefFormatter(settings.get("LOG_FORMAT") or LOG_FORMAT))
    root = logging.getLogger()
    root.setLevel(logging.NOTSET)
    for handler in (to_file, console):
        root.addHandler(handler)
    return [to_file, console]


def logged_process(folder: Path, settings):
    """(the crawl process, our log handlers, the `scrapy` logger's level to restore).

    Scrapy's logging set-up (run when the process is made) puts its own logger at DEBUG, so every
    response and every item built a DEBUG record ("Crawled ...", "Scraped from ...") that each
    handler then dropped: the logger now stops at the lowest level any handler takes (the same
    lines are written; a DEBUG console or a test's capture handler keeps DEBUG)."""
    handlers = install_logging(folder, settings)
    process = stoppable_process()(settings)
    scrapy_log = logging.getLogger("scrapy")
    before = scrapy_log.level
    levels = [h.level for h in (*logging.getLogger().handlers, *scrapy_log.handlers)]
    scrapy_log.setLevel(max(before, min(levels, default=logging.WARNING)))
    return process, handlers, before


def stoppable_process():
    """Scrapy's CrawlerProcess, stopped cleanly by SIGINT/SIGTERM at any moment.

    Scrapy installs its handlers only once the reactor runs, and its graceful stop skips a
    crawler whose engine is still opening (pipelines loading): a signal during start-up either
    raised KeyboardInterrupt inside a spider's start or let the reactor stop under spiders that
    never closed (rows left `running`, spiders `failed`). Here the handler is installed when the
    process is made; it only records the request, and each crawler is stopped as soon as its
    engine runs, so every spider closes `interrupted` through its own pipelines."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.defer import deferred_from_coro
    from scrapy.utils.ossignal import install_shutdown_handlers

    class StoppableProcess(CrawlerProcess):
        interrupted = False

        def _signal_shutdown(self, signum, _frame) -> None:
            from twisted.internet import reactor

            self.interrupted = True
            install_shutdown_handlers(self._signal_kill)  # a second signal forces the stop
            if reactor.running:
                reactor.callFromThread(self._log_shutdown, signum)
                reactor.callFromThread(self.stop_each)

        def stop_each(self) -> None:
            from twisted.internet import reactor

            opening = False
            for crawler in list(self.crawlers):
                if crawler.crawling and crawler.engine is not None and crawler.engine.running:
                    deferred_from_coro(crawler.stop_async())
                elif crawler.crawling:
                    opening = True
            if opening:
                reactor.callLater(0.1, self.stop_each)

        def start(self, stop_after_crawl: bool = True, install_signal_handlers: bool = True):
            from twisted.internet import reactor

            reactor.callWhenRunning(lambda: self.interrupted and self.stop_each())
            super().start(stop_after_crawl, install_signal_handlers)

    return StoppableProcess
