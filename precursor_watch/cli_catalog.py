"""`precursor-watch rescan | stats | ingest | summary`: the catalog's own commands."""

from __future__ import annotations

import json
import os
import sys
import time

import click

from pipelines.schema import DEFAULT_DB

DB_OPTION = click.option(
    "--db", "db_path", type=click.Path(dir_okay=False),
    default=lambda: os.environ.get("PRECURSOR_WATCH_DB", DEFAULT_DB), show_default="catalog.db",
    help="Catalog file (env PRECURSOR_WATCH_DB).")


def _open_existing(db_path: str):
    from pipelines.schema import open_db

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
    from pipelines.rescan import rescan as run_rescan

    db = _open_existing(db_path)
    t0 = time.perf_counter()
    r = run_rescan(db, Chemistry(Matcher(knowledge=default_knowledge(data_dir))))
    click.echo(
        f"rescan: {r['listings']} listings ({r['texts']} distinct texts) matched against "
        f"watchlist {r['watchlist_version']} in {time.perf_counter() - t0:.1f}s: "
        f"{r['hits_new']} new hits, {r['hits_retracted']} retracted (run {r['run']})")
    if r["hits_new"]:
        rows = db.execute(
            "select h.entry, count(*) as listings from hits h where h.first_run = ?"
            " group by h.entry order by listings desc", [r["run"]]).fetchall()
        for entry, n in rows:
            click.echo(f"  new: {entry}: {n} listings")


@click.command()
@DB_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
def stats(db_path: str, as_json: bool) -> None:
    """Counts by platform, family, regime and country; the last runs."""
    from pipelines.report import stats as get_stats
    from pipelines.report import stats_text

    db = _open_existing(db_path)
    if as_json:
        click.echo(json.dumps(get_stats(db), indent=2, ensure_ascii=False))
    else:
        click.echo(stats_text(db))


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@DB_OPTION
@click.option("--platform", help="Platform for lines that do not name one.")
def ingest(file: str, db_path: str, platform: str | None) -> None:
    """Load listings/vendors from FILE.jsonl (item schema) through the pipelines."""
    from pipelines.ingest import ingest_jsonl
    from pipelines.schema import open_db

    t0 = time.perf_counter()
    r = ingest_jsonl(file, open_db(db_path), platform=platform)
    for lineno, reason in r.rejected:
        click.echo(f"{file}:{lineno}: skipped: {reason}", err=True)
    run = r.run
    click.echo(
        f"ingest: {r.listings} listings, {r.vendors} vendors from {file} in "
        f"{time.perf_counter() - t0:.1f}s ({run['listings_new']} new, "
        f"{run['listings_changed']} changed; {run['hits_new']} new hits); "
        f"{len(r.rejected)} lines skipped -> {db_path}")
    if r.rejected and not (r.listings or r.vendors):
        sys.exit(1)


@click.command()
@DB_OPTION
def summary(db_path: str) -> None:
    """Short overview: listings, vendors, hits by watchlist entry, vendor networks."""
    from pipelines.report import summary_text

    click.echo(summary_text(_open_existing(db_path), db_path))
