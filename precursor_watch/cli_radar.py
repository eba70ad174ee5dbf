"""`precursor-watch radar`: unlisted substances in the catalog, ranked by how close they are to a
controlled drug or a listed precursor and by who sells them. The command only parses options;
`pipelines.catalog.radar_scores` keeps the table, `chem.radar` does the chemistry."""

from __future__ import annotations

import datetime as dt
import json
import os

import click

from precursor_watch.config import DB_OPTION

FIELDS = ("inchikey", "name", "score", "reasons", "first_seen", "smiles", "chemistry", "route",
          "nearest", "similarity", "vendors", "listed_vendors", "platforms", "vendor_list")


def _since(ctx, param, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from exc


@click.command()
@DB_OPTION
@click.option("--data-dir", type=click.Path(file_okay=False, exists=True),
              envvar="PRECURSOR_WATCH_DATA_DIR",
              help="Watchlist data directory (default: the bundled chem/data).")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True,
              help="How many substances to list.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True, help="table for reading; json: one object per line; csv.")
@click.option("--since", callback=_since, metavar="DATE",
              help="Only substances first seen on or after DATE (YYYY-MM-DD).")
def radar(db_path: str, data_dir: str | None, limit: int, fmt: str, since: str | None) -> None:
    """Rank offered substances no watchlist entry, class rule or designer transform covers.

    New substances are scored first (the radar-scores table; crawl, ingest and rescan keep it
    current). The score combines the shortest routine route to a controlled drug or a listed
    precursor, membership of a controlled series, the vendors offering the substance (weighted
    by how many listed precursors they sell), vendors and platforms, and how recently it
    appeared."""
    from pipelines.catalog.connection import open_db
    from pipelines.catalog.radar_scores import radar_rows

    if not os.path.exists(db_path):
        raise click.ClickException(f"no catalog at {db_path} (run a crawl or `ingest` first)")
    db = open_db(db_path)
    result = refresh(db, data_dir)
    click.echo(f"radar {result['version']}: {result['assessed']} new substances assessed, "
               f"{result['scored']} scored", err=True)
    rows = radar_rows(db, limit=limit, since=since)
    if fmt == "json":
        for row in rows:
            click.echo(json.dumps({f: row.get(f) for f in FIELDS}, ensure_ascii=False))
    elif fmt == "csv":
        from precursor_watch.web.safe_cells import safe_csv

        click.echo(safe_csv(FIELDS, ({f: " | ".join(v) if isinstance(v, list) else v
                                      for f, v in row.items()} for row in rows)), nl=False)
    else:
        from pipelines.reports.stats import table

        shown = [{"rank": i, "score": f"{row['score']:.3f}", "substance": row["name"] or "",
                  "first seen": (row["first_seen"] or "")[:10],
                  "why": "; ".join(row["reasons"][:2])} for i, row in enumerate(rows, 1)]
        click.echo(table(shown, width=110) if shown else "  (no unlisted substances)")


def refresh(db, data_dir: str | None) -> dict:
    """Bring the catalog's radar scores up to date with the watchlist data in `data_dir`."""
    from chem.knowledge import default_knowledge
    from chem.radar import RadarChemistry
    from pipelines.catalog.radar_scores import update_radar

    watchlist = default_knowledge(data_dir).watchlist
    return update_radar(db, RadarChemistry.build(watchlist))


def echo_radar_update(result: dict | None) -> None:
    """One line on standard error about the radar update a crawl, ingest or rescan ran."""
    if not result:
        return
    if "error" in result:
        click.echo(f"radar scores not updated: {result['error']}", err=True)
    else:
        click.echo(f"radar: {result['assessed']} new substances assessed, {result['scored']} "
                   f"scored", err=True)
