"""Hostile input, table-driven and fuzzed: every class through `match`, `ingest` and each parser.

Each hostile line sits between good ones: the good ones are all answered (match) or stored
(ingest), the bad one is answered with an error / rejected with its reason, or repaired and the
repair recorded, and nothing crashes. The loopback crawl is in test_hostile_crawl.py.
Fuzzing uses Hypothesis with a fixed seed (derandomize) and a bounded number of examples.
"""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from hostile_inputs import CASES, HOSTILE_PAGES, good
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.catalog.connection import open_db
from pipelines.catalog.storable import has_unstorable
from pipelines.catalog.writer import CatalogWriter
from pipelines.chemistry import Chemistry
from pipelines.ingest.feed import ingest_jsonl
from pipelines.ingest.jsonl import match_listing, parse_line
from pipelines.validate import check
from scrapers.parsers.base import Page
from scrapers.sites import SITES

ROOT = Path(__file__).resolve().parents[1]
FUZZ = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
def feed() -> bytes:
    lines = []
    for i, (line, _, _) in enumerate(CASES.values()):
        lines += [good(i), line]
    lines.append(good(len(CASES)))
    return b"\n".join(lines) + b"\n"


@pytest.mark.subprocess
def test_match_answers_every_line_in_a_real_process(tmp_path):
    path = tmp_path / "hostile.jsonl"
    path.write_bytes(feed())
    proc = subprocess.run([sys.executable, "-m", "precursor_watch", "match", str(path)],
                          capture_output=True, timeout=300, cwd=ROOT)
    assert proc.returncode == 3, proc.stderr[-2000:]  # answered, but some lines were bad
    out = [json.loads(line) for line in proc.stdout.decode("utf-8").splitlines()]
    assert len(out) == 2 * len(CASES) + 1  # one answer per line
    by_id = {o["id"]: o for o in out}
    for i in range(len(CASES) + 1):
        assert [h["entry"] for h in by_id[f"good-{i}"]["hits"]] == ["npp"]
    for n, (name, (_, error, _)) in enumerate(CASES.items()):
        lineno = 2 * n + 2
        if error:
            assert by_id[f"line-{lineno}"]["error"] == f"line {lineno}: {error}", name
        else:
            assert "error" not in json.dumps([o for o in out if o["id"] == f"line-{lineno}"])
    assert by_id["bad-3"]["warnings"] == ["title: 1 lone surrogate replaced"]


def test_ingest_stores_every_other_record_and_rejects_the_bad_ones(tmp_path, matcher):
    path = tmp_path / "hostile.jsonl"
    path.write_bytes(feed())
    db = open_db(tmp_path / "c.db")
    result = ingest_jsonl(path, db, chemistry=Chemistry(matcher))
    stored = {r[0] for r in db.execute("select listing_id from listings")}
    assert {f"g{i}" for i in range(len(CASES) + 1)} <= stored
    rejected = dict(db.execute("select source, reason from rejected").fetchall())
    for n, (name, (_, _, (fate, detail))) in enumerate(CASES.items()):
        source = f"{path}:{2 * n + 2}"
        if fate == "rejected":
            assert rejected.get(source) == detail, name
        else:
            assert source not in rejected, name
    repairs = {r[0] for r in db.execute("select repairs from listings where repairs is not null")}
    assert repairs == {'["title: 1 lone surrogate replaced"]', '["description: 1 NUL replaced"]'}
    assert {"b5", "b6", "b7"} <= stored
    run = db.execute("select status, rejected, repaired from crawl_runs").fetchone()
    expected_rejected = sum(fate == "rejected" for _, _, (fate, _) in CASES.values())
    assert run == ("degraded", expected_rejected, 2)
    assert len(result.rejected) == expected_rejected


def _items_pass_the_boundary(page: Page) -> None:
    for item in page.listings + page.vendors:
        rec, reason = check(item)
        assert rec is not None or reason
        if rec is not None:
            assert not any(isinstance(v, str) and has_unstorable(v) for v in rec.values())


@pytest.mark.parametrize("kind", list(HOSTILE_PAGES))
@pytest.mark.parametrize("slug", list(SITES))
def test_each_parser_survives_each_hostile_page(slug, kind):
    site = SITES[slug]
    for func in site.parse_functions().values():
        page = func(site.example_url, HOSTILE_PAGES[kind])
        assert isinstance(page, Page)
        _items_pass_the_boundary(page)


@FUZZ
@given(st.binary(max_size=300) | st.text(max_size=200).map(
    lambda t: t.encode("utf-8", "surrogatepass")))
def test_fuzz_any_line_is_an_object_or_an_error(raw):
    line = parse_line(raw, 1)
    assert (line.obj is None) != (line.error is None) or not raw.strip()
    if line.obj is not None:
        listing, error = match_listing(line.obj, 1)
        assert (listing is None) != (error is None)
        if listing is not None:
            json.dumps(listing, ensure_ascii=False).encode("utf-8")  # printable as UTF-8


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                max_size=3),
    max_leaves=8)
FIELDS = st.sampled_from(["title", "product_name", "cas", "smiles", "description", "price_text",
                          "price_amount", "listing_id", "vendor_id", "vendor_name", "stock",
                          "shipping_claims", "payment_claims", "instructions_offered"])


@FUZZ
@given(st.lists(st.dictionaries(FIELDS, JSON_VALUES, max_size=6), min_size=1, max_size=8))
def test_fuzz_records_are_stored_or_rejected_never_lost(tmp_path_factory, records):
    db = open_db(tmp_path_factory.mktemp("fuzz") / "c.db")
    writer = CatalogWriter(db, kind="ingest", batch_size=4, resolve_entities=False)
    writer.open()
    accepted = {}
    for i, fields in enumerate(records):
        raw = {**fields, "platform": "fuzz", "url": f"https://fuzz.example/{i}",
               "listing_id": f"L{i}", "title": fields.get("title") or f"item {i}"}
        rec, reason = check(raw)
        if rec is None:
            assert reason
            writer.reject(raw, reason)
        else:
            accepted[f"fuzz:L{i}"] = rec
            writer.add(rec)
    result = writer.close(mark_gone=False)
    stored = {r[0] for r in db.execute("select id from listings")}
    assert stored | {r[0] for r in db.execute("select item_key from rejected")} >= set(accepted)
    assert result["rejected"] == len(records) - len(stored)
    assert sqlite3.connect(db.conn.execute("pragma database_list").fetchone()[2]).execute(
        "pragma integrity_check").fetchone() == ("ok",)


@FUZZ
@given(st.text(max_size=400), st.sampled_from(sorted(SITES)))
def test_fuzz_parsers_never_raise(text, slug):
    url = SITES[slug].example_url
    for func in SITES[slug].parse_functions().values():
        page = func(url, f"<html><body><h1>{text}</h1><p>CAS {text}</p></body></html>")
        _items_pass_the_boundary(page)
        page = func(url, text)
        _items_pass_the_boundary(page)


def test_match_reads_standard_input_as_bytes():
    from precursor_watch.cli_match import _read_jsonl

    lines = list(_read_jsonl(io.BytesIO(b'{"id": 1, "title": "x"}\n\xff\n')))
    assert lines[0][1]["id"] == 1 and lines[1][2] == "line 2: invalid UTF-8 at byte 1"


@settings(max_examples=25, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(["title", "name", "cas", "smiles", "description"]),
                       st.text(max_size=40), min_size=1, max_size=4))
def test_fuzz_match_answers_any_text_listing(matcher, fields):
    from pipelines.chem_workers import safe_match

    listing, error = match_listing({"id": "fuzz", **fields}, 1)
    assert error is None
    (result,) = safe_match(matcher, [listing])
    line = result.as_dict()
    assert line["id"] == "fuzz"
    json.dumps(line, ensure_ascii=False).encode("utf-8")  # the answer prints as UTF-8
