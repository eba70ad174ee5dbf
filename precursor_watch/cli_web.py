"""`precursor-watch serve` (Datasette for analysts) and `precursor-watch report`."""

from __future__ import annotations

import os

import click

from precursor_watch.cli_catalog import DB_OPTION


@click.command()
@DB_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8001, show_default=True, type=int, help="Port to listen on.")
@click.option("--password-hash", envvar="PRECURSOR_WATCH_PASSWORD_HASH", metavar="HASH",
              help="Require a login: a hash from `.venv/bin/datasette hash-password` "
                   "(env PRECURSOR_WATCH_PASSWORD_HASH).")
@click.option("--user", default="analyst", show_default=True,
              help="User name for --password-hash.")
@click.option("--immutable", is_flag=True,
              help="Open the file as immutable (only for a catalog no crawl writes to).")
@click.option("--evidence-root", type=click.Path(file_okay=False), metavar="DIR",
              help="Folder the WARC paths are relative to (default: beside the catalog, "
                   "then the working directory).")
def serve(db_path, host, port, password_hash, user, immutable, evidence_root) -> None:
    """Browse the catalog in Datasette, read-only, with the analyst pages."""
    from precursor_watch.web.server import build
    from precursor_watch.web.server import serve as run

    try:
        ds = build(db_path, password_hash=password_hash, user=user, immutable=immutable,
                   evidence_root=evidence_root)
    except FileNotFoundError as exc:
        raise click.ClickException(str(exc)) from exc
    lock = " (login required)" if password_hash else ""
    click.echo(f"Serving {db_path} read-only at http://{host}:{port}/{lock}; Ctrl-C stops.")
    run(ds, host, port)


@click.command()
@DB_OPTION
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "xlsx", "html"]),
              default="html", show_default=True, help="Output format.")
@click.option("--output", "-o", type=click.Path(dir_okay=False),
              help="File to write (default: standard output; xlsx needs a file).")
@click.option("--since", metavar="DATE|RUN", help="Hits first seen since a date or by a crawl run.")
@click.option("--entry", multiple=True, help="Watchlist entry id (repeatable).")
@click.option("--family", multiple=True, help="Drug family, e.g. fentanyl (repeatable).")
@click.option("--regime", multiple=True, help="Regime code or prefix, e.g. UN-I, EU (repeatable).")
@click.option("--country", multiple=True, help="Vendor country, any spelling (repeatable).")
@click.option("--platform", multiple=True, help="Platform slug (repeatable).")
@click.option("--min-score", type=float, help="Lowest hit score kept (0..1).")
@click.option("--network", type=int, multiple=True, help="Vendor network id (repeatable).")
@click.option("--evidence-root", type=click.Path(file_okay=False), metavar="DIR",
              help="Folder the WARC paths are relative to (for the sample/live flag).")
def report(db_path, fmt, output, since, entry, family, regime, country, platform, min_score,
           network, evidence_root) -> None:
    """Watchlist hits as a report to hand over (CSV, JSON, XLSX or one HTML file)."""
    from pipelines.reports.formats import write_report
    from pipelines.reports.hits import Filters, collect

    if not os.path.exists(db_path):
        raise click.ClickException(f"no catalog at {db_path}")
    if fmt == "xlsx" and not output:
        raise click.ClickException("--format xlsx needs --output FILE")
    filters = Filters(since=since, entries=entry, families=family, regimes=regime,
                      countries=country, platforms=platform, min_score=min_score,
                      networks=network)
    try:
        data = collect(db_path, filters, evidence_root=evidence_root)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    payload = write_report(data, fmt)
    if output:
        mode = "wb" if isinstance(payload, bytes) else "w"
        with open(output, mode, **({} if mode == "wb" else {"encoding": "utf-8"})) as fh:
            fh.write(payload)
        click.echo(f"report: {len(data['hits'])} hits from {data['summary']['vendors']} vendors"
                   f" written to {output}", err=True)
    else:
        click.echo(payload, nl=False)
