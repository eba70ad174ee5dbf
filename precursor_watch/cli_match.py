"""`precursor-watch match`: JSON Lines in, one JSON line of hits per listing out; or one text."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, TextIO

import click

BATCH = 2000


def _read_jsonl(stream: BinaryIO) -> Iterator[tuple[int, dict | None, str | None]]:
    """(line number, listing or None, error or None) for every non-blank line."""
    from pipelines.jsonl import match_listing, read_lines

    for line in read_lines(stream):
        listing, error = (None, line.error) if line.error else match_listing(line.obj, line.lineno)
        yield line.lineno, listing, (f"line {line.lineno}: {error}" if error else None)


def run_jsonl(stream: BinaryIO, out: TextIO, with_substances: bool = False) -> tuple[int, int]:
    """Match every listing in `stream` (bytes); returns (listings, errors)."""
    from chem.matcher import Matcher
    from pipelines.chemistry import safe_match

    matcher = Matcher()
    count = errors = 0
    batch: list[dict] = []

    def flush() -> None:
        for listing, result in zip(batch, safe_match(matcher, batch), strict=True):
            line = result.as_dict(with_substances)
            if listing.get("warnings"):
                line["warnings"] = listing["warnings"]
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
        batch.clear()

    for lineno, listing, error in _read_jsonl(stream):
        if error:
            errors += 1
            click.echo(f"precursor-watch match: {error}", err=True)
            out.write(json.dumps({"id": f"line-{lineno}", "hits": [], "error": error}) + "\n")
            continue
        count += 1
        batch.append(listing)
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    out.flush()
    return count, errors


def print_table(text: str) -> None:
    from chem.matcher import Matcher

    result = Matcher().match_text(text)
    if not result.hits:
        click.echo("no watchlist hits")
    for h in result.hits:
        click.echo(f"{h.score:4.2f}  {h.match:<22} {h.entry:<28} {h.name}")
        click.echo(f"      {h.inchikey}  evidence: {h.evidence}")
    for s in result.substances:
        click.echo(f"substance: {s.inchikey} {s.smiles} via {s.how} ({s.evidence})")
    for e in result.errors:
        click.echo(f"error: {e}", err=True)


@click.command()
@click.argument("source", required=False)
@click.option("--substances", is_flag=True, help="Also print every resolved substance.")
def match(source: str | None, substances: bool) -> None:
    """Match listings against the watchlist.

    SOURCE is a JSON Lines file of listings ({"id", "title", "name", "cas", "smiles",
    "description"}), `-` or nothing for standard input; any other text is matched as one listing
    and printed as a table.
    """
    if source is None or source == "-":
        run_jsonl(sys.stdin.buffer, sys.stdout, substances)
    elif Path(source).is_file():
        with open(source, "rb") as fh:
            run_jsonl(fh, sys.stdout, substances)
    else:
        print_table(source)


@click.command()
@click.option("--db", type=click.Path(dir_okay=False), envvar="PRECURSOR_WATCH_DB",
              default="catalog.db", show_default=True, help="Catalog database to fill.")
def demo(db: str) -> None:
    """The main job on the embedded default: crawl the bundled sample sites into the catalog.

    Serves the sample sites on a free loopback port, runs every spider against them through the
    real Scrapy engine (robots.txt, WARC evidence, pipelines), then prints the catalog summary.
    """
    from pipelines.report import summary_text
    from pipelines.schema import open_db
    from scrapers.crawl import run_crawl, spider_names
    from scrapers.sample_server import serving

    names = spider_names()
    with serving() as samples:
        click.echo(f"precursor-watch demo: crawling the bundled sample sites on {samples} "
                   f"with {', '.join(names)}")
        result = run_crawl(names, samples, db, None, {}, extra_settings={"LOG_LEVEL": "ERROR"})
    pages = sum(s.get("response_received_count", 0) for s in result.stats.values())
    click.echo(f"fetched {pages} pages (archived as WARC under crawls/{result.run_id}/)")
    for name, run in result.spiders.items():
        if run.status != "finished":
            failed = ", ".join(run.summary()["failed_checks"])
            click.echo(f"  {name}: {run.status} ({failed})")
    click.echo("")
    click.echo(summary_text(open_db(db), db))
