"""Reports stream: every format written from a catalog with 10x the hits peaks at about the
same traced memory (the rows are read in chunks from SQLite, never all held), and the output
of the streamed writers is the document the whole-report dict gives (hostile text still
escaped and neutralized at scale)."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import tracemalloc
from pathlib import Path

import pytest
from webkit import HOSTILE_PRICE, HOSTILE_TITLE, grow_catalog, known_catalog

from pipelines.reports import hits as hits_mod
from pipelines.reports.formats import write_report
from pipelines.reports.hits import Filters, collect, open_report

CHUNK = 50  # rows read at once in these tests (the default is larger; the code path is one)


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch):
    monkeypatch.setattr(hits_mod, "CHUNK", CHUNK)


@pytest.fixture(scope="module")
def catalogs(tmp_path_factory, matcher) -> dict[int, Path]:
    folder = tmp_path_factory.mktemp("stream")
    base = known_catalog(folder / "known.db", matcher)
    hits = sqlite3.connect(base).execute("select count(*) from hits").fetchone()[0]
    small = -(-2 * CHUNK // hits)  # at least two chunks, so the small run is already steady
    return {n: grow_catalog(base, folder / f"x{n}.db", n) for n in (small, 10 * small)}


def peak(db: Path, fmt: str, out: Path) -> tuple[int, int]:
    """(hits, traced peak bytes) of opening the report and writing it in `fmt`."""
    tracemalloc.start()
    try:
        with open_report(db, Filters()) as rep:
            if fmt == "xlsx":
                write_report(rep, fmt, out)
            else:
                with out.open("w", encoding="utf-8", newline="") as fh:
                    write_report(rep, fmt, fh)
            return rep.count, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx", "html"])
def test_ten_times_the_hits_take_about_the_same_memory(catalogs, fmt, tmp_path):
    small, large = sorted(catalogs)
    peak(catalogs[small], fmt, tmp_path / f"warm.{fmt}")  # imports and caches, once
    n1, p1 = peak(catalogs[small], fmt, tmp_path / f"s.{fmt}")
    n10, p10 = peak(catalogs[large], fmt, tmp_path / f"l.{fmt}")
    assert n10 == 10 * n1 >= 2 * CHUNK
    # Held rows would cost several KB each (a hit carries its citations): 9 x n1 more rows
    # would add megabytes. Streaming leaves the peak within a quarter of the small run's.
    assert p10 < p1 * 1.25 + 256 * 1024, (fmt, n1, p1, n10, p10)
    if fmt == "xlsx":
        from openpyxl import load_workbook

        ws = load_workbook(tmp_path / "l.xlsx", read_only=True)["hits"]
        assert sum(1 for _ in ws.iter_rows(values_only=True)) == n10 + 1
    else:
        text = (tmp_path / f"l.{fmt}").read_text(encoding="utf-8")
        written = {"csv": lambda: len(list(csv.DictReader(io.StringIO(text)))),
                   "json": lambda: len(json.loads(text)["hits"]),
                   "html": lambda: text.count('class="small evidence"')}[fmt]()
        assert written == n10


def test_streamed_writers_give_the_whole_report_document(catalogs, tmp_path):
    db = catalogs[min(catalogs)]
    with open_report(db, Filters()) as rep:
        buf = io.StringIO()
        write_report(rep, "json", buf)
        streamed = json.loads(buf.getvalue())
        buf = io.StringIO()
        write_report(rep, "csv", buf)
        rows = list(csv.DictReader(io.StringIO(buf.getvalue())))
        buf = io.StringIO()
        write_report(rep, "html", buf)
        html = buf.getvalue()
    whole = json.loads(json.dumps(collect(db, Filters()), default=str))
    for volatile in ("generated_at",):
        streamed.pop(volatile)
        whole.pop(volatile)
    assert streamed == whole
    assert len(rows) == len(whole["hits"]) == whole["summary"]["hits"]
    assert sum(len(e["hits"]) for e in whole["entries"]) == len(whole["hits"])
    hostile = [r for r in rows if r["title"] == HOSTILE_TITLE]
    assert hostile and all(r["price_text"] == "'" + HOSTILE_PRICE for r in hostile)
    assert HOSTILE_TITLE not in html and html.count("&lt;script") >= len(hostile)
    assert html.rstrip().endswith("</html>")
