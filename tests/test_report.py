"""`precursor-watch report` on a known catalog, per format: the fields an analyst hands over,
filters, and hostile text (a listing titled with a script tag, a price that is a spreadsheet
formula) inert in every format."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
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
    assert entries("--platform", "nowhere") == []
    assert entries("--since", "2999-01-01") == []
    assert len(entries("--since", "latest")) == 4
    assert entries("--min-score", "1.01") == []
    bad = report(catalog, "--since", "not-a-run")
    assert bad.returncode != 0 and "neither a date" in bad.stderr


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
