"""`precursor-watch match`: JSON Lines in, one JSON line of hits per listing out; or one text."""

from __future__ import annotations

import contextlib
import json
import sys
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import BinaryIO, TextIO

import click

from pipelines.catalog.location import DB_ENV, DEFAULT_DB
from precursor_watch.config import refuse_non_catalog
from precursor_watch.outcome import finish, interruptible

BATCH = 2000


def _read_jsonl(stream: BinaryIO) -> Iterator[tuple[int, dict | None, str | None]]:
    """(line number, listing or None, error or None) for every non-blank line."""
    from pipelines.ingest.jsonl import match_listing, read_lines

    for line in read_lines(stream):
        listing, error = (None, line.error) if line.error else match_listing(line.obj, line.lineno)
        yield line.lineno, listing, (f"line {line.lineno}: {error}" if error else None)


def _match_lines(batch: list[dict], with_substances: bool,
                 matcher=None) -> tuple[list[str], int]:
    """Output lines for a batch, and how many of them are errors or repaired listings; a
    listing the matcher cannot read gets its own `error`. Without `matcher`, the chemistry
    worker's (pipelines.chem_workers.start_workers)."""
    from pipelines.chem_workers import safe_match, worker_matcher

    matcher = matcher if matcher is not None else worker_matcher()
    assert matcher is not None
    lines, degraded = [], 0
    for listing, result in zip(batch, safe_match(matcher, batch), strict=True):
        line = result.as_dict(with_substances)
        if listing.get("warnings"):
            line["warnings"] = listing["warnings"]
        degraded += bool(line.get("warnings") or line.get("error"))
        lines.append(json.dumps(line, ensure_ascii=False))
    return lines, degraded


def _batches(stream: BinaryIO, out: TextIO, counts: list[int], size: int) -> Iterator[list[dict]]:
    """Batches of listings; malformed lines are reported (stderr and an error line) on the way."""
    batch: list[dict] = []
    for lineno, listing, error in _read_jsonl(stream):
        if error:
            counts[1] += 1
            click.echo(f"precursor-watch match: {error}", err=True)
            out.write(json.dumps({"id": f"line-{lineno}", "hits": [], "mentions": [],
                                  "error": error}) + "\n")
            continue
        counts[0] += 1
        batch.append(listing)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _write(out: TextIO, result: tuple[list[str], int], counts: list[int]) -> None:
    lines, degraded = result
    counts[2] += degraded
    for line in lines:
        out.write(line + "\n")


def run_jsonl(stream: BinaryIO, out: TextIO, with_substances: bool = False, workers: int = 1,
              matcher=None, batch: int = BATCH) -> tuple[int, int]:
    """Match every listing in `stream`; returns (listings, lines not read or listings repaired or
    not matched). `workers` > 1 matches batches in that many processes, the chemistry workers
    the crawl and `ingest` use (output keeps the input order)."""
    from chem.matcher import Matcher
    from pipelines.chem_workers import start_workers
    from pipelines.heap import freeze_heap

    if matcher is None:
        matcher = Matcher()
        freeze_heap()
    pool = start_workers(matcher, workers) if workers > 1 else None
    interruptible()  # the matcher's native set-up may have made SIGINT restart reads
    counts = [0, 0, 0]  # listings read, lines not read, listings repaired or not matched
    batches = _batches(stream, out, counts, batch if pool is None else max(batch // 8, 50))
    if pool is None:
        for b in batches:
            _write(out, _match_lines(b, with_substances, matcher), counts)
    else:
        with pool:
            window: deque[Future] = deque()  # at most 2 batches per worker in flight
            for b in batches:
                window.append(pool.submit(_match_lines, b, with_substances))
                if len(window) >= 2 * workers:
                    _write(out, window.popleft().result(), counts)
            while window:
                _write(out, window.popleft().result(), counts)
    out.flush()
    return counts[0], counts[1] + counts[2]


def print_table(text: str, matcher) -> None:
    result = matcher.match_text(text)
    cues = ", ".join(result.page_cues[:6])
    click.echo(f"page kind: {result.page_kind}" + (f" ({cues})" if cues else " (no cue: an offer)"))
    if not result.hits:
        click.echo("no watchlist hits")
    for h in result.hits:
        conflict = "  CAS CONFLICT" if h.cas_conflict else ""
        click.echo(f"{h.score:4.2f}  {h.match:<22} {h.entry:<28} {h.name}{conflict}")
        click.echo(f"      {h.inchikey}  from {h.source_field}; evidence: {h.evidence}")
    for h in result.mentions:
        click.echo(f"mention: {h.entry} ({h.name}) in {h.source_field}: {h.evidence}")
    for s in result.substances:
        click.echo(f"substance: {s.inchikey} {s.smiles} via {s.how} ({s.evidence})")
    for e in result.errors:
        click.echo(f"error: {e}", err=True)


@click.command()
@click.argument("source", required=False, type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--text", "text", help="Match this text as one listing and print a table.")
@click.option("--substances", is_flag=True, help="Also print every resolved substance.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              envvar="PRECURSOR_WATCH_WORKERS", help="Processes matching batches in parallel.")
@click.option("--data-dir", type=click.Path(file_okay=False, exists=True),
              envvar="PRECURSOR_WATCH_DATA_DIR",
              help="Watchlist data directory (default: the bundled chem/data).")
def match(source: str | None, text: str | None, substances: bool, workers: int,
          data_dir: str | None) -> None:
    """Match listings against the watchlist.

    SOURCE is a JSON Lines file of listings ({"id", "title", "name", "cas", "smiles",
    "synonyms", "description"}); `-` or nothing reads standard input. Each output line has `hits`
    (what the listing offers) and `mentions` (listed chemicals it only mentions). A single text
    goes through --text and prints a table.
    """
    from chem.knowledge import default_knowledge
    from chem.matcher import Matcher

    if text is not None and source is not None:
        raise click.UsageError("give either SOURCE or --text, not both")
    from pipelines.heap import freeze_heap

    matcher = Matcher(knowledge=default_knowledge(data_dir))
    freeze_heap()  # the indexes live as long as the process: out of the collector's walks
    if text is not None:
        print_table(text, matcher)
        return
    if source not in (None, "-") and not Path(source).is_file():
        raise click.BadParameter(f"no such file: {source} (a text to match goes through --text)",
                                 param_hint="SOURCE")
    with contextlib.nullcontext(sys.stdin.buffer) if source in (None, "-") else \
            open(source, "rb") as fh:  # bytes: a bad line costs only itself
        listings, degraded = run_jsonl(fh, sys.stdout, substances, workers, matcher)
    # Exit status (README "Exit statuses"): lines not read, repaired or not matched: degraded.
    finish("failed" if degraded and not listings else "degraded" if degraded else "finished")


def prepare_dictionary() -> None:
    """Load (on a first run: build and cache, about a minute, with its progress) the offline
    dictionary's index before the crawl, saying so, so the crawl's chemistry finds it ready."""
    from chem.dictionary import default_dictionary, ensure_index, index_path

    t0 = time.monotonic()
    if index_path().exists():
        click.echo("offline dictionary: loading the index ...", nl=False)
        size = len(default_dictionary().records)
        default_dictionary.cache_clear()  # the crawl's chemistry loads its own copy
        click.echo(f" {size:,} records in {time.monotonic() - t0:.0f} s")
        return
    click.echo("offline dictionary: building the index (first run only; about a minute)")
    tty = sys.stderr.isatty()
    built = ensure_index(_build_progress(tty))
    if tty:
        click.echo("", err=True)  # end the live progress line
    click.echo(f"offline dictionary: {built or 0:,} records indexed in"
               f" {time.monotonic() - t0:.0f} s (cached for the next runs)")


def _build_progress(tty: bool):
    """A progress callback for the dictionary build: a live line on a terminal, otherwise a
    line per step and quarter."""
    shown: set[tuple[str, int]] = set()

    def report(step: str, done: int, total: int) -> None:
        pct = 100 * done // max(total, 1)
        if tty:
            click.echo(f"\r  {step}: {pct:3d}% of {total:,} records", nl=False, err=True)
            return
        if (step, pct // 25) not in shown:
            shown.add((step, pct // 25))
            click.echo(f"  {step}: {pct}% of {total:,} records", err=True)

    return report


@click.command()
@click.option("--db", type=click.Path(dir_okay=False), envvar=DB_ENV,
              default=DEFAULT_DB, show_default=True, callback=refuse_non_catalog,
              help="Catalog database to fill.")
def demo(db: str) -> None:
    """The main job on the embedded default: crawl the bundled sample sites into the catalog.

    Serves the sample sites on a free loopback port, runs every spider against them through the
    real Scrapy engine (robots.txt, WARC evidence, pipelines), then prints the catalog summary.
    """
    from pipelines.catalog.connection import open_db
    from pipelines.reports.stats import summary_text
    from scrapers.crawl import run_crawl, spider_names
    from scrapers.sample_server import serving

    names = spider_names()
    prepare_dictionary()
    tty = sys.stderr.isatty()
    with serving() as samples:
        click.echo(f"precursor-watch demo: crawling the bundled sample sites on {samples} "
                   f"with {', '.join(names)}"
                   + ("" if tty else " (progress lines need a terminal)"))
        t0 = time.monotonic()
        result = run_crawl(names, samples, db, None, {}, extra_settings={
            "LOG_LEVEL": "ERROR", "PRECURSOR_WATCH_PROGRESS": tty})
        click.echo(f"crawled in {time.monotonic() - t0:.0f} s")
    pages = sum(s.get("response_received_count", 0) for s in result.stats.values())
    click.echo(f"fetched {pages} pages (archived as WARC under crawls/{result.run_id}/)")
    for name, run in result.spiders.items():
        if run.status != "finished":
            failed = ", ".join(run.summary()["failed_checks"])
            click.echo(f"  {name}: {run.status} ({failed})")
    click.echo("")
    click.echo(summary_text(open_db(db), db))
