"""Per-spider health checks after every run, on Scrapy's stats and the items the spider yielded.

`HealthMonitor` (a Scrapy extension) counts what each spider yields (listings without a name or
CAS number, vendors without a name, refusals, search pages by status) and, when the spider
closes, runs the checks below. The verdict goes into the crawl stats before the catalog writer
closes its run, so a failed spider never marks listings `gone`:

- `fetched`: nothing fetched at all -> failed;
- `listings_floor`: fewer listings than the floor (`PRECURSOR_WATCH_MIN_LISTINGS`, else half the
  median of the spider's last good runs in the catalog) -> failed;
- `coverage`: share of listings with a name / CAS number and vendors with a name dropped by more
  than `PRECURSOR_WATCH_COVERAGE_DROP` against the last good run -> failed;
- `bans`: 403/429/challenge answers on most pages -> failed, on some -> degraded;
- `errors`: errors (exceptions, parser failures, download errors) on most requests -> failed,
  any -> degraded;
- `robots`: every request denied by robots.txt -> failed (some denials are reported only);
- `search_endpoint`: search pages requested, none answered 200 -> failed (dead endpoint);
- `fill_rate`: per site, the share of product-page listings (a listing whose URL is the page it
  was read from) that carry each field (title, CAS, price, pack, purity, vendor) is recorded in
  every run (`fill` in the run's monitors, the `site_fill_rates` view, `stats`, the run report);
  a field that the site's last good run filled on at least half of its product pages and that
  now falls by more than `PRECURSOR_WATCH_FILL_DROP` (0.5) -> degraded, and a field under a
  floor set in `PRECURSOR_WATCH_FILL_FLOORS` ("price=0.5,cas=0.8") -> degraded; the reason names
  the site and the fields. This is how a site that changed its layout, or that the extractor
  does not read, shows up instead of an empty column.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import statistics
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from scrapy import signals

from pipelines.catalog.runs import recent_monitors, segment_monitors
from scrapers.items import NotFetched

log = logging.getLogger(__name__)

BAN_STATUSES = (202, 403, 429)
BAN_WORDS = ("challenge", "captcha", "rate limit", "rate-limit", "blocked", "anti-bot")
STATUS_KEY = "precursor_watch/health/status"
CHECKS_KEY = "precursor_watch/health/checks"
ORDER = {"ok": 0, "degraded": 1, "failed": 2}


@dataclass
class Check:
    check: str
    result: str  # ok | degraded | failed
    value: float | int | None
    limit: float | int | None
    detail: str


@dataclass
class Counts:
    listings: int = 0
    listings_named: int = 0
    listings_cas: int = 0
    vendors: int = 0
    vendors_named: int = 0
    hits: int = 0
    not_fetched: int = 0
    bans: int = 0
    searches: int = 0
    searches_ok: int = 0
    pages: int = 0  # earlier segments of a resumed run only (this segment's are in the stats)
    # site -> {"pages": product-page listings, field: how many of them carry it}
    fill: dict = field(default_factory=dict)

    def __add__(self, other: Counts) -> Counts:
        out = {k: v + getattr(other, k) for k, v in asdict(self).items() if k != "fill"}
        fill = {s: dict(c) for s, c in self.fill.items()}
        for site, counts in other.fill.items():
            mine = fill.setdefault(site, {})
            for k, v in counts.items():
                mine[k] = mine.get(k, 0) + v
        return Counts(**out, fill=fill)

    def fill_rates(self) -> dict[str, dict]:
        """site -> {"pages": n, field: share of the site's product-page listings carrying it}."""
        return {site: {"pages": c.get("pages", 0), **{
            f: round(c.get(f, 0) / c["pages"], 3) for f in FILL_FIELDS}}
            for site, c in sorted(self.fill.items()) if c.get("pages")}

    def coverage(self) -> dict[str, float]:
        out = {}
        if self.listings:
            out["listing_name"] = self.listings_named / self.listings
            out["listing_cas"] = self.listings_cas / self.listings
        if self.vendors:
            out["vendor_name"] = self.vendors_named / self.vendors
        return out


FILL_FIELDS = {"title": ("title", "product_name"), "cas": ("cas",), "price": ("price_amount",),
               "pack": ("quantity",), "purity": ("purity",), "vendor": ("vendor_id", "vendor_name")}
FILL_MIN_PAGES = 3  # a site with fewer product pages in a run says nothing about its fill rate


def _page_key(url: str | None) -> str:
    parts = urlsplit(url or "")
    return f"{(parts.hostname or '').removeprefix('www.')}{parts.path.rstrip('/')}?{parts.query}"


def count_fill(counts: Counts, data: dict, page_url: str | None) -> None:
    """One listing into its site's fill counts, when it was read from its own product page."""
    if not page_url or _page_key(data.get("url")) != _page_key(page_url):
        return  # a result card or catalog row, not a product page
    site = (urlsplit(page_url).hostname or "").removeprefix("www.")
    tally = counts.fill.setdefault(site, {})
    tally["pages"] = tally.get("pages", 0) + 1
    for name, keys in FILL_FIELDS.items():
        tally[name] = tally.get(name, 0) + any(data.get(k) not in (None, "") for k in keys)


def fill_check(now: dict, before: dict, *, drop: float = 0.5,
               floors: dict | None = None) -> Check:
    """`fill_rate`: degraded when a site's field falls far below the site's last good run or
    under a floor; the detail names each site and field."""
    notes = []
    for site, rates in now.items():
        if rates.get("pages", 0) < FILL_MIN_PAGES:
            continue
        past = before.get(site) if (before.get(site) or {}).get("pages", 0) >= FILL_MIN_PAGES \
            else {}
        low = []
        for name in FILL_FIELDS:
            rate, was = rates.get(name, 0.0), past.get(name)
            if was is not None and was >= 0.5 and was - rate > drop:
                low.append(f"{name} {was:.0%} -> {rate:.0%}")
            elif floors and name in floors and rate < floors[name]:
                low.append(f"{name} {rate:.0%} < floor {floors[name]:.0%}")
        if low:
            notes.append(f"{site}: {', '.join(low)} (product pages {rates['pages']})")
    sites = ", ".join(f"{s} {r['pages']}" for s, r in now.items()) or "no product pages"
    return Check("fill_rate", "degraded" if notes else "ok", len(notes), drop,
                 "; ".join(notes) if notes else f"fill rates recorded ({sites})")


def parse_floors(text: str | None) -> dict[str, float]:
    """"price=0.5,cas=0.8" -> {"price": 0.5, "cas": 0.8}; unknown fields are an error."""
    out = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        name, _, value = part.partition("=")
        if name.strip() not in FILL_FIELDS:
            raise ValueError(f"PRECURSOR_WATCH_FILL_FLOORS: unknown field {name.strip()!r}"
                             f" (known: {', '.join(FILL_FIELDS)})")
        out[name.strip()] = float(value)
    return out


def is_ban(item: NotFetched) -> bool:
    reason = (item.reason or "").lower()
    return item.status in BAN_STATUSES or any(w in reason for w in BAN_WORDS)


def count_item(counts: Counts, item) -> None:
    """Add one yielded item (a record dict after the pipelines, or an item object)."""
    if isinstance(item, NotFetched):
        counts.not_fetched += 1
        counts.bans += is_ban(item)
        return
    data = item if isinstance(item, dict) else getattr(item, "__dict__", {})
    kind = data.get("item_type") or type(item).__name__.lower()
    if kind == "listing":
        counts.listings += 1
        counts.listings_named += bool(data.get("title") or data.get("product_name"))
        counts.listings_cas += bool(data.get("cas"))
        counts.hits += len((data.get("chemistry") or {}).get("hits") or [])
    elif kind == "vendor":
        counts.vendors += 1
        counts.vendors_named += bool(data.get("name"))


def baseline(db_path: str | Path | None, spider: str, runs: int = 5) -> dict | None:
    """Listings and coverage of the spider's last good runs in the catalog (None: no history)."""
    if not db_path or not Path(db_path).exists():
        return None
    try:
        raw = recent_monitors(db_path, spider, runs)
    except sqlite3.Error as exc:  # a catalog without the column yet, or locked: no baseline
        log.warning("health baseline for %s unavailable: %s", spider, exc)
        return None
    past = [json.loads(r) for r in raw]
    past = [p for p in past if isinstance(p, dict) and "counts" in p]
    if not past:
        return None
    return {"listings": statistics.median(p["counts"].get("listings", 0) for p in past),
            "coverage": past[0].get("coverage", {}), "fill": past[0].get("fill", {})}


def earlier_counts(db_path: str | Path | None, crawl_id: str, spider: str) -> Counts:
    """What the earlier segments of a resumed run (same run id and spider) counted."""
    total = Counts()
    if not db_path or not crawl_id or not Path(db_path).exists():
        return total
    try:
        rows = segment_monitors(db_path, crawl_id, spider)
    except sqlite3.Error as exc:
        log.warning("earlier segments of %s %s unavailable: %s", crawl_id, spider, exc)
        return total
    for raw in rows:
        report = json.loads(raw)
        part = report.get("segment") or {}
        total = total + Counts(**{k: v for k, v in part.items()
                                  if k in Counts.__annotations__ and (k == "fill") ==
                                  isinstance(v, dict)})
    return total


def evaluate(stats: dict, counts: Counts, base: dict | None, *, min_listings: int = 0,
             coverage_drop: float = 0.2, fail_rate: float = 0.5,
             shared_frontier: bool = False, fill_drop: float = 0.5,
             fill_floors: dict | None = None) -> list[Check]:
    """The health checks of one spider run (pure: stats and counts in, checks out).

    `shared_frontier`: other crawler processes share the requests (Redis); a process whose
    requests were all taken by the others fetched nothing and is not failed for it."""
    pages = int(stats.get("response_received_count", 0)) + counts.pages
    requests = int(stats.get("scheduler/dequeued", 0)) + counts.pages or pages
    taken = shared_frontier and not pages  # failed requests still fail the `errors` check
    checks = [Check("fetched", "ok" if pages or taken else "failed", pages, 1,
                    f"{pages} pages fetched"
                    + (" (shared frontier: the other crawlers took the requests)" if taken
                       else ""))]
    floor = min_listings or (int(base["listings"] * 0.5) if base else 0)
    checks.append(Check(
        "listings_floor", "failed" if counts.listings < floor else "ok", counts.listings, floor,
        f"{counts.listings} listings (floor {floor}"
        + (", half the median of the last good runs)" if not min_listings and base else ")")))
    coverage = counts.coverage()
    before = (base or {}).get("coverage", {})
    drops = {k: before[k] - v for k, v in coverage.items() if k in before}
    worst = max(drops.items(), key=lambda kv: kv[1], default=(None, 0.0))
    checks.append(Check(
        "coverage", "failed" if worst[1] > coverage_drop else "ok", round(worst[1], 3),
        coverage_drop, ", ".join(f"{k} {v:.0%}" for k, v in sorted(coverage.items()))
        + (f"; {worst[0]} dropped {worst[1]:.0%}" if worst[0] and worst[1] > 0 else "")))
    seen = max(pages, counts.bans)
    ban_rate = counts.bans / seen if seen else 0.0
    checks.append(Check("bans", _rate_result(ban_rate, counts.bans, fail_rate), counts.bans,
                        fail_rate, f"{counts.bans} refusals/challenges of {seen} pages"))
    ignored = int(stats.get("downloader/exception_type_count/scrapy.exceptions.IgnoreRequest", 0))
    exceptions = (int(stats.get("spider_exceptions/count", 0))
                  + int(stats.get("downloader/exception_count", 0)) - ignored)
    errors = max(int(stats.get("log_count/ERROR", 0)), exceptions)  # most errors are logged
    error_rate = errors / max(requests, 1)
    checks.append(Check("errors", _rate_result(error_rate, errors, fail_rate), errors,
                        fail_rate, f"{errors} errors over {requests} requests"))
    denied = int(stats.get("robotstxt/forbidden", 0))
    checks.append(Check("robots", "failed" if denied and not pages - _robots_pages(stats)
                        else "ok", denied, None, f"{denied} requests denied by robots.txt"))
    if counts.searches:
        # With a shared frontier this process saw only its share of the searches: degraded.
        dead = "degraded" if shared_frontier else "failed"
        checks.append(Check(
            "search_endpoint", dead if not counts.searches_ok else "ok", counts.searches_ok,
            1, f"{counts.searches_ok} of {counts.searches} search pages answered 200"
            + (" (this crawler's share)" if shared_frontier else "")))
    checks.append(fill_check(counts.fill_rates(), (base or {}).get("fill", {}), drop=fill_drop,
                             floors=fill_floors))
    return checks


def _robots_pages(stats: dict) -> int:
    return int(stats.get("robotstxt/response_count", 0))


def _rate_result(rate: float, n: int, fail_rate: float) -> str:
    return "failed" if rate > fail_rate else "degraded" if n else "ok"


def verdict(checks: list[Check]) -> str:
    """finished | degraded | failed: the worst check."""
    worst = max((ORDER[c.result] for c in checks), default=0)
    return {0: "finished", 1: "degraded", 2: "failed"}[worst]


class HealthMonitor:
    """Scrapy extension: counts items and search answers, runs the checks at spider close."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.counts = Counts()
        s = crawler.settings
        self.min_listings = s.getint("PRECURSOR_WATCH_MIN_LISTINGS", 0)
        self.coverage_drop = s.getfloat("PRECURSOR_WATCH_COVERAGE_DROP", 0.2)
        self.fail_rate = s.getfloat("PRECURSOR_WATCH_FAIL_RATE", 0.5)
        self.fill_drop = s.getfloat("PRECURSOR_WATCH_FILL_DROP", 0.5)
        self.fill_floors = parse_floors(s.get("PRECURSOR_WATCH_FILL_FLOORS"))
        self.db_path = s.get("PRECURSOR_WATCH_DB")
        self.run_id = s.get("PRECURSOR_WATCH_RUN_ID")
        self.shared = "scrapy_redis" in str(s.get("SCHEDULER"))
        if self.shared:  # the crawlers of a Redis run have no catalog: floors must be set
            self.db_path = None

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler)
        crawler.signals.connect(ext.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(ext.response_received, signal=signals.response_received)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def item_scraped(self, item, response=None, spider=None) -> None:
        count_item(self.counts, item)
        data = item if isinstance(item, dict) else getattr(item, "__dict__", {})
        if (data.get("item_type") or type(item).__name__.lower()) == "listing":
            count_fill(self.counts, data, getattr(response, "url", None))

    def response_received(self, response, request, spider=None) -> None:
        if request.cb_kwargs.get("kind") == "search":
            self.counts.searches += 1
            self.counts.searches_ok += response.status == 200

    def spider_closed(self, spider, reason: str) -> None:
        stats = self.crawler.stats
        values = stats.get_stats()
        earlier = earlier_counts(self.db_path, self.run_id, spider.name)
        counts = self.counts + earlier  # a resumed run is judged as a whole
        checks = evaluate(values, counts, baseline(self.db_path, spider.name),
                          min_listings=self.min_listings, coverage_drop=self.coverage_drop,
                          fail_rate=self.fail_rate, shared_frontier=self.shared,
                          fill_drop=self.fill_drop, fill_floors=self.fill_floors)
        status = verdict(checks) if reason == "finished" else "interrupted"
        segment = {**asdict(self.counts), "pages": int(values.get("response_received_count", 0))}
        whole = {**asdict(counts), "pages": segment["pages"] + earlier.pages}
        # counts: the whole run (all segments of a resumed run); segment: this process's part
        report = {"status": status, "reason": reason, "counts": whole, "segment": segment,
                  "coverage": counts.coverage(), "fill": counts.fill_rates(),
                  "checks": [asdict(c) for c in checks]}
        stats.set_value(STATUS_KEY, status)
        stats.set_value(CHECKS_KEY, json.dumps(report, sort_keys=True))
        for c in checks:
            if c.result != "ok":
                log.warning("%s health: %s %s: %s", spider.name, c.check, c.result, c.detail)
