"""`precursor-watch report` on a known catalog, per format: the fields an analyst hands over,
filters, and hostile text (a listing titled with a script tag, a price that is a spreadsheet
formula) inert in every format."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import subprocess
import sys

import pytest
from markupsafe import escape
from openpyxl import load_workbook
from webkit import HOSTILE_PRICE, HOSTILE_TITLE, known_catalog

from pipelines.reports.hits import FIELDS
from precursor_watch.web.safe_cells import neutralize, safe_csv


@pytest.fixture(scope="module")
def catalog(tmp_path_factory, matcher):
    return known_catalog(tmp_path_factory.mktemp("report") / "known.db", matcher)


def report(catalog, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "precursor_watch", "report", "--db",
                           str(catalog), *args], capture_output=True, text=True, timeout=120)


@pytest.mark.subprocess
def test_csv_rows_fields_and_formulas_neutralized(catalog):
    r = report(catalog, "--format", "csv")
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert list(rows[0]) == FIELDS
    # N-Boc-4-piperidone is also a 4-piperidone carbamate (a class hit).
    assert sorted(x["entry"] for x in rows) == ["4-piperidone", "boc-4-piperidone", "npp", "npp"]
    hostile = next(x for x in rows if x["title"] == HOSTILE_TITLE)
    assert hostile["price_text"] == "'" + HOSTILE_PRICE
    assert hostile["country"] == "CN" and hostile["country_name"] == "CN China (中国)"
    assert hostile["contacts"] == "'email:=cmd@evil.example" or "=cmd" in hostile["contacts"]
    assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r"))
                   for x in rows for v in x.values())
    assert "UN-I" in hostile["regimes"] and hostile["citations"]
    assert hostile["evidence_sha256"] == "" or len(hostile["evidence_sha256"]) == 64


@pytest.mark.subprocess
def test_json_keeps_text_as_data(catalog):
    r = report(catalog, "--format", "json")
    data = json.loads(r.stdout)
    assert data["summary"]["hits"] == 4 and data["summary"]["vendors"] == 1
    titles = {h["title"] for h in data["hits"]}
    assert HOSTILE_TITLE in titles  # JSON carries the text exactly; nothing executes it
    assert {e["entry"] for e in data["entries"]} == {"npp", "boc-4-piperidone", "4-piperidone"}


@pytest.mark.subprocess
def test_xlsx_typed_frozen_filtered_and_inert(catalog, tmp_path):
    out = tmp_path / "r.xlsx"
    r = report(catalog, "--format", "xlsx", "--output", str(out))
    assert r.returncode == 0, r.stderr
    ws = load_workbook(out).active
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
    header = [c.value for c in ws[1]]
    assert header == FIELDS
    rows = [dict(zip(header, [c.value for c in row], strict=True))
            for row in ws.iter_rows(min_row=2)]
    assert all(isinstance(x["score"], float) for x in rows)
    assert all(x["first_seen"].__class__.__name__ == "datetime" for x in rows)
    hostile = next(x for x in rows if x["title"] == HOSTILE_TITLE)
    assert hostile["price_text"] == "'" + HOSTILE_PRICE
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    assert report(catalog, "--format", "xlsx").returncode != 0  # needs --output


@pytest.mark.subprocess
def test_html_is_self_contained_and_inert(catalog, tmp_path):
    out = tmp_path / "r.html"
    r = report(catalog, "--format", "html", "--output", str(out))
    assert r.returncode == 0, r.stderr
    html = out.read_text(encoding="utf-8")
    assert HOSTILE_TITLE not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Hostile &lt;b&gt;Trading&lt;/b&gt; Co" in html
    assert "<script" not in html.lower() and "src=\"http" not in html
    assert "@media print" in html and "Content-Security-Policy" in html
    assert html.count("<svg") >= 3  # a chart per summary block + structure drawings
    assert "N-Phenethyl-4-piperidone" in html and "By family" in html


@pytest.mark.subprocess
def test_filters(catalog):
    def entries(*args):
        r = report(catalog, "--format", "json", *args)
        assert r.returncode == 0, r.stderr
        return sorted(h["entry"] for h in json.loads(r.stdout)["hits"])

    assert entries("--entry", "npp") == ["npp", "npp"]
    assert entries("--family", "fentanyl") == ["4-piperidone", "boc-4-piperidone", "npp", "npp"]
    assert entries("--regime", "UN") == entries("--regime", "UN-I")
    assert entries("--country", "China") == entries("--country", "中国") == entries(
        "--country", "CN")
    assert entries("--country", "DE") == []
    assert entries("--since", "2999-01-01") == []
    assert len(entries("--since", "latest")) == 4
    bad = report(catalog, "--since", "not-a-run")
    assert bad.returncode != 0 and "neither a date" in bad.stderr
    # Filter values are taken in any case, as stored.
    assert entries("--entry", "NPP") == entries("--entry", "npp")
    assert entries("--family", "FENTANYL") == entries("--family", "fentanyl")
    assert entries("--platform", "SHOP") == entries("--platform", "shop")


@pytest.mark.subprocess
@pytest.mark.parametrize("args, says", [
    (("--entry", "nosuch"), ["unknown watchlist entry 'nosuch'", "npp", "boc-4-piperidone"]),
    (("--family", "fentanil"), ["unknown family 'fentanil'", "fentanyl", "methamphetamine"]),
    (("--regime", "XX-9"), ["unknown regime 'XX-9'", "UN-I"]),
    (("--platform", "nowhere"), ["unknown platform 'nowhere'", "shop"]),
    (("--since", "2026-02-30"), ["not a date that exists"]),
    (("--country", "Atlantis"), ["unknown country 'Atlantis'"]),
    (("--min-score", "7"), ["outside 0..1"]),
])
def test_unknown_filter_values_are_errors_naming_the_valid_ones(catalog, args, says):
    r = report(catalog, "--format", "csv", *args)
    assert r.returncode != 0 and r.stdout == ""
    for text in says:
        assert text in r.stderr, (text, r.stderr)


@pytest.mark.subprocess
def test_html_is_a_hand_over_document(catalog, tmp_path):
    import hashlib

    from chem.watchlist import default_watchlist

    wl = default_watchlist()
    out = tmp_path / "r.html"
    assert report(catalog, "--format", "html", "--output", str(out)).returncode == 0
    html = out.read_text(encoding="utf-8")
    # Cover: watchlist version and data hash, tool versions, runs covered with their status.
    assert wl.declared_version in html and wl.version.partition("+")[2] in html
    assert "rdkit" in html and "precursor-watch" in html and "Crawl runs covered" in html
    assert ">finished<" in html or ">degraded<" in html
    # Method from the data: match kinds of these hits with their scores, confidence.
    assert "How a hit is decided" in html and str(escape(
        "the listing gives the entry's CAS number")) in html
    assert "What was not fetched" in html
    # Legend: every regime code of the hits with its instrument and citation.
    conn = sqlite3.connect(catalog)
    codes = {c for (r,) in conn.execute(
        "select w.regimes from hits h join watchlist_entries w on w.id = h.entry") for c in
        json.loads(r)}
    for code in codes:
        regime = wl.regimes[code]
        assert f"<code>{code}</code>" in html and str(escape(regime.meaning)) in html
    data = json.loads(report(catalog, "--format", "json").stdout)
    assert re.fullmatch(r"[0-9a-f]{64}", data["cover"]["data_sha256"])
    assert data["cover"]["data_sha256"] in html
    assert hashlib.sha256(b"").hexdigest() != data["cover"]["data_sha256"]
    assert data["operations"] and data["summary"]["operations"] == 1


@pytest.mark.subprocess
def test_xlsx_has_cover_runs_and_legend_sheets(catalog, tmp_path):
    out = tmp_path / "r.xlsx"
    assert report(catalog, "--format", "xlsx", "--output", str(out)).returncode == 0
    wb = load_workbook(out)
    assert wb.sheetnames == ["cover", "runs", "legend", "hits"]
    cover = {r[0]: r[1] for r in wb["cover"].iter_rows(min_row=2, values_only=True)}
    assert cover["watchlist_version"] and len(cover["report_data_sha256"]) == 64
    assert [c.value for c in wb["legend"][1]][:3] == ["code", "jurisdiction", "instrument"]


@pytest.mark.parametrize("value, shown", [
    ('=HYPERLINK("http://evil.example","x")', "'=HYPERLINK(\"http://evil.example\",\"x\")"),
    ("@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"),
    ("+1", "'+1"), ("-2", "'-2"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("plain", "plain"), (3.5, 3.5), (None, None)])
def test_neutralize(value, shown):
    assert neutralize(value) == shown
    if isinstance(value, str):
        parsed = next(csv.reader(io.StringIO(safe_csv(["c"], [[value]]).split("\r\n", 1)[1])))
        assert parsed == [shown]


@pytest.mark.crawl
@pytest.mark.subprocess
def test_sample_report_gives_full_sha256_and_archived_url_per_evidence_page(sample_catalog,
                                                                           tmp_path):
    out = tmp_path / "r.html"
    r = report(sample_catalog, "--format", "html", "--output", str(out))
    assert r.returncode == 0, r.stderr
    html = out.read_text(encoding="utf-8")
    conn = sqlite3.connect(sample_catalog)
    pages = conn.execute("select distinct e.sha256, e.url, e.fetched_at from hits h join listings"
                         " l on l.id = h.listing join evidence e on e.id = l.evidence"
                         " where h.current = 1").fetchall()
    assert len(pages) > 20
    for sha, url, fetched in pages:
        assert f'<code class="sha">{sha}</code>' in html
        assert str(escape(url)) in html and fetched in html
    assert "degraded" in html  # the sample crawl's degraded spiders are on the cover
    # Prices over time per entry: an inline SVG with a dot per priced listing version.
    priced = conn.execute("select count(distinct v.id) from listing_versions v join hits h on"
                          " h.listing = v.listing where v.price_amount is not null and"
                          " h.current = 1").fetchone()[0]
    assert priced and 'class="chart prices"' in html
    assert html.count("<circle") >= priced  # a version counts once per entry it hits


def test_price_chart_places_dates_and_amounts_and_escapes_labels():
    from pipelines.reports.formats import price_chart

    svg = price_chart([
        {"date": "2026-01-01T00:00:00Z", "amount": 100.0, "currency": "USD", "quantity": "1kg",
         "vendor": "<b>A</b>"},
        {"date": "2026-03-01T00:00:00Z", "amount": 50.0, "currency": "USD", "quantity": None,
         "vendor": "B"},
        {"date": "2026-02-01T00:00:00Z", "amount": 9.0, "currency": "EUR", "quantity": None,
         "vendor": "C"}])
    circles = re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)"', svg)
    assert len(circles) == 2  # the USD points; the EUR one is named, not drawn
    (x1, y1), (x2, y2) = [(float(x), float(y)) for x, y in circles]
    assert x1 < x2 and y1 < y2  # later and cheaper: right and lower
    assert "&lt;b&gt;A&lt;/b&gt;" in svg and "<b>" not in svg
    assert "1 price(s) in other currencies" in svg
    assert price_chart([]) == ""
