"""`precursor-watch rescan | stats | ingest | summary`: the catalog's own commands."""

from __future__ import annotations

import json
import os
import time

import click

from precursor_watch.cli_radar import echo_radar_update
from precursor_watch.config import DB_OPTION, announce_new, db_source
from precursor_watch.outcome import finish, stopping


def _open_existing(db_path: str):
    from pipelines.catalog.connection import open_db

    if not os.path.exists(db_path):
        raise click.ClickException(f"no catalog at {db_path} (run a crawl or `ingest` first)")
    return open_db(db_path)


@click.command()
@DB_OPTION
@click.option("--data-dir", type=click.Path(file_okay=False, exists=True),
              envvar="PRECURSOR_WATCH_DATA_DIR",
              help="Watchlist data directory (default: the bundled chem/data).")
def rescan(db_path: str, data_dir: str | None) -> None:
    """Re-match every stored listing against the current watchlist (no re-crawl)."""
    from chem.knowledge import default_knowledge
    from chem.matcher import Matcher
    from pipelines.chemistry import Chemistry
    from pipelines.heap import freeze_heap
    from pipelines.ingest.rescan import rescan as run_rescan

    db = _open_existing(db_path)
    t0 = time.perf_counter()
    matcher = Matcher(knowledge=default_knowledge(data_dir))
    freeze_heap()
    with stopping():
        r = run_rescan(db, Chemistry(matcher))
    if r["status"] == "interrupted":
        click.echo(f"rescan interrupted: nothing changed (run {r['run']})", err=True)
        finish(r["status"])
    click.echo(
        f"rescan: {r['listings']} listings ({r['texts']} distinct texts) matched against "
        f"watchlist {r['watchlist_version']} in {time.perf_counter() - t0:.1f}s: "
        f"{r['hits_new']} new hits, {r['hits_retracted']} retracted (run {r['run']})")
    echo_radar_update(r.get("radar"))
    if r["hits_new"]:
        from chem.changelog import added_in

        wl = matcher.watchlist  # the watchlist of --data-dir, not the bundled one
        # an entry added after the first compiled version says which update brought it
        baseline = wl.changelog[0].version if wl.changelog else wl.declared_version
        added = {e: v for e, v in added_in(wl.changelog).items() if v != baseline}
        rows = db.execute(
            "select h.entry, count(*) as listings from hits h where h.first_run = ?"
            " group by h.entry order by listings desc", [r["run"]]).fetchall()
        for entry, n in rows:
            note = f" (entry added in {added[entry]})" if entry in added else ""
            click.echo(f"  new: {entry}: {n} listings{note}")
    finish(r["status"])


@click.command()
@DB_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
def stats(db_path: str, as_json: bool) -> None:
    """Counts by platform, family, regime and country; the last runs."""
    from pipelines.reports.stats import stats as get_stats
    from pipelines.reports.stats import stats_text

    db = _open_existing(db_path)
    if as_json:
        click.echo(json.dumps(get_stats(db), indent=2, ensure_ascii=False))
    else:
        click.echo(stats_text(db))


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False), required=False)
@DB_OPTION
@click.option("--platform", help="Platform for lines that do not name one.")
@click.option("--redis", "redis_url", metavar="URL",
              help="Drain the item queue of `crawl --redis` runs on this Redis instead of FILE.")
@click.option("--wait", type=float, default=0.0, show_default=True, metavar="SECONDS",
              help="With --redis: how long to wait for more items once the queue is empty.")
@click.option("--workers", type=click.IntRange(min=0), default=1, show_default=True,
              help="Chemistry worker processes for a FILE (0: match in the writing process).")
def ingest(file: str | None, db_path: str, platform: str | None, redis_url: str | None,
           wait: float, workers: int) -> None:
    """Load listings/vendors from FILE.jsonl (item schema), or a Redis queue, via the pipelines."""
    from pipelines.catalog.runs import CatalogLock, CatalogLocked

    if bool(file) == bool(redis_url):
        raise click.UsageError("give FILE or --redis URL (one of them)")
    announce_new(db_path, db_source())
    if file:
        # A file ingest is one more writer: it waits for the others (SQLite's busy timeout),
        # beside a crawl or another ingest.
        with stopping():
            status = _ingest_file(file, db_path, platform, workers)
        finish(status)
        return
    try:  # the Redis writer is the queue's only consumer: one at a time, like a crawl
        with CatalogLock(db_path, "ingest"), stopping():
            status = _ingest_redis(redis_url, db_path, wait)
    except CatalogLocked as exc:
        raise click.ClickException(str(exc)) from exc
    finish(status)


def _ingest_file(file: str, db_path: str, platform: str | None, workers: int) -> str:
    """Load FILE; the run's stored status (the exit status follows it)."""
    from pipelines.catalog.connection import open_db
    from pipelines.ingest.feed import ingest_jsonl

    t0 = time.perf_counter()
    r = ingest_jsonl(file, open_db(db_path), platform=platform, workers=workers)
    for lineno, reason in r.rejected:
        click.echo(f"{file}:{lineno}: skipped: {reason}", err=True)
    run = r.run
    click.echo(
        f"ingest: {r.listings} listings, {r.vendors} vendors from {file} in "
        f"{time.perf_counter() - t0:.1f}s ({run['listings_new']} new, "
        f"{run['listings_changed']} changed; {run['hits_new']} new hits); "
        f"{len(r.rejected)} lines skipped -> {db_path}: {run['status']}")
    echo_radar_update(run.get("radar"))
    return run["status"]


def _ingest_redis(url: str, db_path: str, wait: float) -> str:
    """Drain the queue; the run's stored status (the exit status follows it)."""
    from pipelines.catalog.connection import open_db
    from pipelines.ingest.redis_drain import drain
    from scrapers.redis_queue import ITEMS_KEY, connect

    t0 = time.perf_counter()
    server = connect(url)
    try:
        r = drain(server, open_db(db_path), key=ITEMS_KEY, wait=wait, source=url)
    finally:
        server.close()
    for reason in r.rejected:
        click.echo(f"redis: rejected: {reason[:300]}", err=True)
    click.echo(
        f"ingest: {r.items} queue items ({r.listings} listings, {r.vendors} vendors,"
        f" {r.not_fetched} pages not fetched) in {r.batches} transactions,"
        f" {time.perf_counter() - t0:.1f}s ({r.run['listings_new']} new;"
        f" {r.run['hits_new']} new hits); {len(r.rejected)} rejected (table `rejected`)"
        f" -> {db_path}: {r.run['status']}")
    echo_radar_update(r.run.get("radar"))
    return r.run["status"]


@click.command()
@DB_OPTION
def summary(db_path: str) -> None:
    """Short overview: listings, vendors, hits by watchlist entry, vendor networks."""
    from pipelines.reports.stats import summary_text

    click.echo(summary_text(_open_existing(db_path), db_path))
