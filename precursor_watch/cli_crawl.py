"""`precursor-watch crawl | samples serve | parse | evidence`: the collection side."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from pathlib import Path

import click

from precursor_watch.config import DB_OPTION, announce_new, db_source
from precursor_watch.outcome import stopping
from scrapers.crawl import EXIT_CODES, worst
from scrapers.crawl_process import QUIET_FORMAT


def _parse_args(pairs: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise click.BadParameter(f"expected key=value, got {pair!r}", param_hint="-a")
        out[key.strip()] = value
    return out


def _choose_spiders(spiders, all_spiders: bool) -> list[str]:
    from scrapers.crawl import spider_names

    known = spider_names()
    names = known if all_spiders else list(spiders)
    if not names:
        raise click.UsageError(f"name spiders or use --all (known: {', '.join(known)})")
    unknown = [n for n in names if n not in known]
    if unknown:
        raise click.UsageError(f"unknown spider(s) {', '.join(unknown)}; known: {', '.join(known)}")
    return names


@click.command()
@click.argument("spiders", nargs=-1)
@click.option("--all", "all_spiders", is_flag=True, help="Run every spider.")
@click.option("--samples", metavar="URL", help="Point every spider at a sample server.")
@click.option("--offline", is_flag=True, help="Serve the bundled samples in-process; crawl them.")
@DB_OPTION
@click.option("--out", type=click.Path(dir_okay=False), help="Also write items as JSON Lines.")
@click.option("-a", "args", multiple=True, metavar="KEY=VALUE", help="Spider argument.")
@click.option("--log-level", default="WARNING", show_default=True,
              type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"]))
@click.option("--resume", metavar="RUN", help="Continue the interrupted run RUN.")
@click.option("--redis", "redis_url", metavar="URL",
              help="Share the frontier on Redis; items go to its queue (see `ingest --redis`).")
@click.option("--run-id", metavar="RUN", help="Join run RUN (other crawlers of a --redis run).")
@click.option("--report-dir", type=click.Path(file_okay=False),
              help="Write the new-hits report of this run here (JSON and CSV).")
@click.option("--notify-cmd", metavar="CMD",
              help="Run CMD with the run summary on stdin when there are new hits or a failure.")
@click.option("--from-catalog", is_flag=True,
              help="vendorsite: crawl the websites of vendors already in the catalog (--db).")
@click.option("--with-hits", is_flag=True,
              help="With --from-catalog: only vendors with a watchlist hit.")
def crawl(spiders, all_spiders, samples, offline, db_path, out, args, log_level, resume,
          redis_url, run_id, report_dir, notify_cmd, from_catalog, with_hits) -> None:
    """Crawl marketplaces (SPIDER slugs, or --all) into the catalog, archiving every page."""
    from scrapers.crawl import project_settings
    from scrapers.crawl_resume import load_invocation

    if samples and offline:
        raise click.UsageError("--samples and --offline exclude each other")
    if run_id and not redis_url:
        raise click.UsageError("--run-id joins a --redis run (a new crawl gets a new run id)")
    if redis_url and report_dir:
        raise click.UsageError("--report-dir needs the catalog, and crawlers of a --redis run"
                               " do not write it")
    spider_args = _parse_args(args)
    if with_hits and not from_catalog:
        raise click.UsageError("--with-hits needs --from-catalog")
    if resume:
        if spiders or all_spiders or run_id:
            raise click.UsageError("--resume RUN takes the spiders and arguments of RUN")
        try:
            saved = load_invocation(project_settings().get("PRECURSOR_WATCH_EVIDENCE_DIR"),
                                    resume)
        except FileNotFoundError as exc:
            raise click.ClickException(str(exc)) from exc
        names, spider_args, redis_url = saved["spiders"], saved["spider_args"], saved["redis"]
        samples = samples or (None if offline else saved.get("samples"))
        run_id = resume
    else:
        names = _choose_spiders(spiders, all_spiders)
        if from_catalog:
            spider_args["domains"] = str(_catalog_domains(db_path, names, with_hits,
                                                          spider_args))
    db, source = db_path, db_source()
    with stopping():  # SIGTERM like SIGINT until the crawl installs its own handlers
        try:
            lock = _lock(db, source, redis_url)
        except KeyboardInterrupt:
            click.echo("crawl interrupted before it started; nothing recorded", err=True)
            sys.exit(EXIT_CODES["interrupted"])
        try:
            status = _crawl_run(names, samples, offline, db, out, spider_args, log_level,
                                resume, redis_url, run_id, report_dir, notify_cmd)
        finally:
            if lock is not None:
                lock.release()
    sys.exit(EXIT_CODES[status])


def _lock(db: str, source: str, redis_url: str | None):
    from pipelines.catalog.runs import CatalogLock, CatalogLocked

    if redis_url:  # with Redis the crawlers do not write the catalog
        return None
    announce_new(db, source)
    try:
        return CatalogLock(db, "crawl").acquire()
    except CatalogLocked as exc:
        raise click.ClickException(f"{exc}; not starting a second crawl") from exc


def _crawl_run(names, samples, offline, db, out, spider_args, log_level, resume, redis_url,
               run_id, report_dir, notify_cmd) -> str:
    """Run (or resume) the crawl and its summary; the run's status as stored in the catalog."""
    from scrapers.crawl import SpiderRun, crawl_settings, run_crawl, run_folder
    from scrapers.crawl_resume import record_failures, resume_plan, save_invocation
    from scrapers.evidence import new_run_id
    from scrapers.sample_server import serving

    earlier: dict[str, str] = {}
    run_id = run_id or resume or new_run_id()
    try:
        if resume and not redis_url:
            names, earlier = resume_plan(db, resume, names)
            click.echo(f"resuming {resume}: {', '.join(names) or 'nothing left to run'}"
                       + (f" (complete: {', '.join(earlier)})" if earlier else ""), err=True)
            if not names:
                return _summary_only(db, resume, earlier, report_dir, notify_cmd)
        t0 = time.time()
        tty = sys.stderr.isatty()
        extra = {"LOG_LEVEL": log_level, "PRECURSOR_WATCH_PROGRESS": tty}
        if not tty:
            extra["LOG_FORMAT"] = QUIET_FORMAT
        with serving() if offline else contextlib.nullcontext(samples) as samples:
            if offline:
                click.echo(f"serving bundled samples on {samples}", err=True)
            result = run_crawl(names, samples, db, out, spider_args, run_id=run_id,
                               extra_settings=extra, resume=bool(resume), redis_url=redis_url)
    except KeyboardInterrupt:  # stopped before the crawl's own handlers were in place
        if not resume:
            folder = run_folder(crawl_settings(run_id), run_id)
            folder.mkdir(parents=True, exist_ok=True)
            save_invocation(folder, names, spider_args, samples if not offline else None,
                            redis_url)
        if db and not redis_url:
            record_failures(db, run_id, [SpiderRun(n, "interrupted") for n in names])
        click.echo(f"crawl {run_id} interrupted during start-up; continue with"
                   f" `--resume {run_id}`", err=True)
        return "interrupted"
    result.earlier = earlier
    from scrapers.spiders.base import BROKEN

    for stats in result.stats.values():
        if stats.get(BROKEN):
            click.echo(f"broken endpoint: {stats[BROKEN]} (recorded on the run, not as"
                       " 'no results')", err=True)
    status = _summary(result.summary(), db if not redis_url else None, report_dir, notify_cmd)
    click.echo(f"crawl {result.run_id} {status} in {time.time() - t0:.1f} s"
               f" (folder {result.run_dir})", err=True)
    return status


def _summary(summary: dict, db: str | None, report_dir, notify_cmd) -> str:
    """Per-spider lines, report and notification; the run's final status. A signal here leaves
    the run `interrupted` (its verdict kept for `--resume`); a failing --notify-cmd makes a
    finished run `degraded`. The catalog is updated to say the same as the exit status."""
    from pipelines.catalog.connection import open_db
    from pipelines.catalog.runs import degrade_run, mark_summary_interrupted
    from pipelines.reports.run import after_run

    status = summary["status"]
    try:
        lines = after_run(summary, db, report_dir, notify_cmd)
    except KeyboardInterrupt:
        if db:
            catalog = open_db(db)
            try:
                mark_summary_interrupted(catalog, summary["run_id"])
            finally:
                catalog.close()
        click.echo(f"crawl {summary['run_id']} interrupted during its summary (report,"
                   f" notification); `--resume {summary['run_id']}` completes it", err=True)
        return "interrupted"
    for line in lines:
        click.echo(line, err=True)
    if any(line.startswith("--notify-cmd exited") for line in lines) and status == "finished":
        status = "degraded"
        if db:
            catalog = open_db(db)
            try:
                degrade_run(catalog, summary["run_id"], "the notification command failed")
            finally:
                catalog.close()
    return status


def _summary_only(db: str, run_id: str, earlier: dict[str, str], report_dir,
                  notify_cmd) -> str:
    """`--resume RUN` of a run whose spiders all completed: its summary, if it was cut short."""
    from pipelines.catalog.connection import open_db
    from pipelines.catalog.runs import restore_verdicts, summary_verdicts
    from scrapers.crawl import project_settings

    catalog = open_db(db)
    try:
        pending = summary_verdicts(catalog, run_id)
    finally:
        catalog.close()
    if not pending:
        return worst(earlier.values())
    folder = Path(project_settings().get("PRECURSOR_WATCH_EVIDENCE_DIR")) / run_id
    summary = json.loads((folder / "report.json").read_text("utf-8"))
    status = _summary({**summary, "status": worst(earlier.values())}, db, report_dir,
                      notify_cmd)
    if status != "interrupted":
        catalog = open_db(db)
        try:
            restore_verdicts(catalog, run_id)
        finally:
            catalog.close()
    return status


def _catalog_domains(db: str, names: list[str], with_hits: bool, spider_args: dict) -> Path:
    """The domains file for `vendorsite --from-catalog` (websites of catalogued vendors)."""
    from scrapers.discovery import catalog_websites, write_domains
    from scrapers.evidence import evidence_dir_default, new_run_id

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
    path = write_domains(websites,
                         evidence_dir_default() / f"discovery-{new_run_id()}" / "domains.txt")
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
    from scrapers.parsers import post
    from scrapers.sites import SITES

    site = SITES.get(slug)
    if site is None:
        raise click.UsageError(f"no parser for {slug!r} in the site registry (known: "
                               f"{', '.join(SITES)})")
    kind = kind or site.parser.page_kind(url) or site.kinds[0]
    func = site.parse_functions().get(kind)
    if func is None:
        raise click.UsageError(f"{slug} has no parse_{kind} (its page kinds: "
                               f"{', '.join(site.kinds)})")

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

    problems: list = []
    records = find_records(directory, key, problems)
    for p in problems:
        click.echo(f"warning: damaged record skipped in {p.warc_file} at byte {p.offset}:"
                   f" {p.error[:120]}", err=True)
    if not records:
        raise click.ClickException(f"no archived page for {key!r} under {directory}")
    for r in records:
        click.echo(f"{r.fetched_at}  HTTP {r.status}  sha256 {r.sha256}  {r.url}", err=True)
        click.echo(f"  {r.warc_file} {r.record_id}  payload sha256 {r.payload_sha256}", err=True)
        if r.note:
            click.echo(f"  NOTE: {r.note}", err=True)
        if r.served_from:
            click.echo(f"  SAMPLE: served from {r.served_from}, not the live site", err=True)
    latest = records[-1]
    if out:
        Path(out).write_bytes(latest.body)
        click.echo(f"wrote {len(latest.body)} bytes to {out}", err=True)
    else:
        sys.stdout.buffer.write(latest.body)
