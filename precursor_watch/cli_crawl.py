"""`precursor-watch crawl | samples serve | parse | evidence`: the collection side."""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import sys
import time
from pathlib import Path

import click

SAMPLE_SETTINGS = {
    # Loopback sample sites: nobody to be polite to, so no delays (robots.txt is still obeyed).
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "RETRY_BACKOFF_BASE": 0.05,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 4,
}
BROKEN_ENDPOINT_EXIT = 3  # a search endpoint answered 404/405/410 to every query of the run
SAMPLE_VENDOR_DOMAINS = Path(__file__).resolve().parents[1] / "scrapers/samples/vendor-domains.txt"


def _parse_args(pairs: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise click.BadParameter(f"expected key=value, got {pair!r}", param_hint="-a")
        out[key.strip()] = value
    return out


def spider_names(settings=None) -> list[str]:
    """Every spider slug of the project."""
    from scrapy.spiderloader import SpiderLoader
    from scrapy.utils.project import get_project_settings

    if settings is None:
        os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "scrapers.settings")
        settings = get_project_settings()
    return sorted(SpiderLoader.from_settings(settings).list())


def run_crawl(spiders: list, samples: str | None, db: str | None, out: str | None,
              spider_args: dict[str, str], run_id: str | None = None,
              extra_settings: dict | None = None) -> dict:
    """Run the spiders in one Scrapy process; returns {spider: stats}."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    from scrapers.evidence import new_run_id

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "scrapers.settings")
    settings = get_project_settings()
    run_id = run_id or new_run_id()
    settings.set("PRECURSOR_WATCH_RUN_ID", run_id, priority="cmdline")
    if samples:
        settings.set("PRECURSOR_WATCH_SAMPLES", samples, priority="cmdline")
        for key, value in SAMPLE_SETTINGS.items():
            settings.set(key, value, priority="cmdline")
        if not settings.get("VENDORSITE_DOMAINS_FILE"):
            settings.set("VENDORSITE_DOMAINS_FILE", str(SAMPLE_VENDOR_DOMAINS), priority="cmdline")
    if db:
        settings.set("PRECURSOR_WATCH_DB", db, priority="cmdline")
    pipelines = dict(settings.getdict("ITEM_PIPELINES"))
    try:
        catalog = importlib.import_module("pipelines")
        pipelines.update(getattr(catalog, "CATALOG_PIPELINES", {}))
    except ImportError:
        pass
    evidence_dir = Path(settings.get("PRECURSOR_WATCH_EVIDENCE_DIR"))
    settings.set("PRECURSOR_WATCH_OUT", out or str(evidence_dir / run_id / "items.jsonl"),
                 priority="cmdline")
    pipelines["scrapers.export.JsonLinesExportPipeline"] = 900
    settings.set("ITEM_PIPELINES", pipelines, priority="cmdline")
    for key, value in (extra_settings or {}).items():
        settings.set(key, value, priority="cmdline")
    process = CrawlerProcess(settings)
    crawlers = []
    for name in spiders:  # slugs, or spider classes (tests)
        crawler = process.create_crawler(name)
        crawlers.append(crawler)
        process.crawl(crawler, **spider_args)
    process.start()
    return {c.spider.name: c.stats.get_stats() for c in crawlers if c.spider}


@click.command()
@click.argument("spiders", nargs=-1)
@click.option("--all", "all_spiders", is_flag=True, help="Run every spider.")
@click.option("--samples", metavar="URL", help="Point every spider at a sample server.")
@click.option("--offline", is_flag=True, help="Serve the bundled samples in-process; crawl them.")
@click.option("--db", type=click.Path(dir_okay=False), envvar="PRECURSOR_WATCH_DB",
              default="catalog.db", show_default=True, help="Catalog database.")
@click.option("--out", type=click.Path(dir_okay=False), help="Also write items as JSON Lines.")
@click.option("-a", "args", multiple=True, metavar="KEY=VALUE", help="Spider argument.")
@click.option("--log-level", default="WARNING", show_default=True,
              type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"]))
@click.option("--from-catalog", is_flag=True,
              help="vendorsite: crawl the websites of vendors already in the catalog (--db).")
@click.option("--with-hits", is_flag=True,
              help="With --from-catalog: only vendors with a watchlist hit.")
def crawl(spiders, all_spiders, samples, offline, db, out, args, log_level, from_catalog,
          with_hits) -> None:
    """Crawl marketplaces (SPIDER slugs, or --all) into the catalog, archiving every page."""
    known = spider_names()
    names = known if all_spiders else list(spiders)
    if not names:
        raise click.UsageError(f"name spiders or use --all (known: {', '.join(known)})")
    unknown = [n for n in names if n not in known]
    if unknown:
        raise click.UsageError(f"unknown spider(s) {', '.join(unknown)}; known: {', '.join(known)}")
    if samples and offline:
        raise click.UsageError("--samples and --offline exclude each other")
    spider_args = _parse_args(args)
    if with_hits and not from_catalog:
        raise click.UsageError("--with-hits needs --from-catalog")
    if from_catalog:
        spider_args["domains"] = str(_catalog_domains(db, names, with_hits, spider_args))
    from scrapers.sample_server import serving

    t0 = time.time()
    with serving() if offline else contextlib.nullcontext(samples) as samples:
        if offline:
            click.echo(f"serving bundled samples on {samples}", err=True)
        stats = run_crawl(names, samples, db, out, spider_args,
                          extra_settings={"LOG_LEVEL": log_level})
    for name, s in stats.items():
        click.echo(
            f"{name:<14} pages {s.get('response_received_count', 0):>4}  "
            f"listings {s.get('precursor_watch/listings', 0):>4}  "
            f"vendors {s.get('precursor_watch/vendors', 0):>4}  "
            f"not fetched {s.get('precursor_watch/not_fetched', 0):>3}",
            err=True,
        )
    click.echo(f"crawl finished in {time.time() - t0:.1f} s", err=True)
    broken = [s["precursor_watch/broken_endpoint"] for s in stats.values()
              if s.get("precursor_watch/broken_endpoint")]
    for message in broken:
        click.echo(f"broken endpoint: {message} (recorded on the run, not as 'no results')",
                   err=True)
    if broken:
        sys.exit(BROKEN_ENDPOINT_EXIT)


def _catalog_domains(db: str, names: list[str], with_hits: bool, spider_args: dict) -> Path:
    """The domains file for `vendorsite --from-catalog` (websites of catalogued vendors)."""
    from scrapers.discovery import catalog_websites, write_domains
    from scrapers.evidence import new_run_id

    if names != ["vendorsite"] or "domains" in spider_args:
        raise click.UsageError("--from-catalog crawls vendor websites: use it with `vendorsite`"
                               " alone and without -a domains=")
    try:
        websites = catalog_websites(db, with_hits)
    except (FileNotFoundError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    if not websites:
        raise click.ClickException(f"no vendor websites in {db}"
                                   + (" for vendors with hits" if with_hits else ""))
    base = Path(os.getenv("PRECURSOR_WATCH_EVIDENCE_DIR", "crawls"))
    path = write_domains(websites, base / f"discovery-{new_run_id()}" / "domains.txt")
    click.echo(f"{len(websites)} vendor websites from the catalog ({path})", err=True)
    return path


@click.group()
def samples() -> None:
    """The bundled sample sites (realistic pages written to each site's real structure)."""


@samples.command("serve")
@click.option("--port", type=int, default=8765, show_default=True)
def samples_serve(port: int) -> None:
    """Serve the samples on 127.0.0.1:PORT until stopped."""
    from scrapers.sample_server import make_server

    server = make_server(port)
    click.echo(f"serving sample sites on http://127.0.0.1:{server.server_address[1]}")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@click.command()
@click.argument("slug")
@click.argument("page", type=click.Path(exists=True, dir_okay=False))
@click.option("--url", required=True, help="The URL the page was fetched from.")
@click.option("--kind", type=click.Choice(["search", "product", "supplier", "page"]),
              help="Which parser function (default: from the URL).")
def parse(slug: str, page: str, url: str, kind: str | None) -> None:
    """Print the items and follow-up URLs a spider's parser extracts from one saved page."""
    from scrapy.http import HtmlResponse

    from scrapers.export import item_to_dict

    try:
        parser = importlib.import_module(f"scrapers.parsers.{slug}")
    except ImportError as exc:
        raise click.UsageError(f"no parser for {slug!r}") from exc
    kind = kind or getattr(parser, "page_kind", lambda u: None)(url) or "search"
    func = getattr(parser, f"parse_{kind}", None)
    if func is None:
        raise click.UsageError(f"{slug} has no parse_{kind}")
    from scrapers.parsers import post

    text = HtmlResponse(url=url, body=Path(page).read_bytes()).text  # decode by declared charset
    result = post.process(func(url, text), url)
    for item in (*result.listings, *result.vendors):
        click.echo(json.dumps(item_to_dict(item), ensure_ascii=False))
    for follow in result.follow:
        click.echo(json.dumps({"type": "follow", "url": follow.url, "kind": follow.kind}))
    if result.not_fetched:
        click.echo(json.dumps({"type": "not_fetched", "reason": result.not_fetched}))


@click.command()
@click.argument("key")
@click.option("--dir", "directory", type=click.Path(file_okay=False),
              default=lambda: os.getenv("PRECURSOR_WATCH_EVIDENCE_DIR", "crawls"),
              show_default="crawls or $PRECURSOR_WATCH_EVIDENCE_DIR")
@click.option("--out", type=click.Path(dir_okay=False), help="Write the archived body here.")
def evidence(key: str, directory: str, out: str | None) -> None:
    """Print or extract an archived page by URL, SHA-256 of its body, or WARC record id."""
    from scrapers.evidence import find_records

    records = find_records(directory, key)
    if not records:
        raise click.ClickException(f"no archived page for {key!r} under {directory}")
    for r in records:
        click.echo(f"{r.fetched_at}  HTTP {r.status}  sha256 {r.sha256}  {r.url}", err=True)
        click.echo(f"  {r.warc_file} {r.record_id}", err=True)
        if r.served_from:
            click.echo(f"  SAMPLE: served from {r.served_from}, not the live site", err=True)
    latest = records[-1]
    if out:
        Path(out).write_bytes(latest.body)
        click.echo(f"wrote {len(latest.body)} bytes to {out}", err=True)
    else:
        sys.stdout.buffer.write(latest.body)
