"""`precursor-watch report --format wacz` on the sample catalog: a WACZ that the `wacz`
package's own validator accepts, holding exactly the archived pages behind the report's hits
(records copied byte for byte: their SHA-256 headers equal the catalog's evidence rows), with
pages.jsonl, a CDX index and a datapackage.json whose per-file SHA-256 verifies; a tampered
file fails validation; a missing WARC is an error and leaves no file."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

WACZ = str(Path(sys.executable).with_name("wacz"))


def report(db: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "precursor_watch", "report", "--db", str(db),
                           *args], capture_output=True, text=True, timeout=300,
                          cwd=cwd or db.parent)


def validate(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([WACZ, "validate", "-f", str(path)], capture_output=True, text=True,
                          timeout=300)


def evidence_of(db: Path, entry: str | None = None) -> dict[str, tuple[str, str]]:
    conn = sqlite3.connect(db)
    sql = ("select distinct e.id, e.url, e.sha256 from hits h join listings l on l.id ="
           " h.listing join evidence e on e.id = l.evidence where h.current = 1")
    params: list = []
    if entry:
        sql += " and h.entry = ?"
        params.append(entry)
    return {rid: (url, sha) for rid, url, sha in conn.execute(sql, params)}


@pytest.mark.crawl
@pytest.mark.subprocess
def test_wacz_validates_and_holds_the_evidence_behind_the_hits(sample_catalog, tmp_path):
    from warcio.archiveiterator import ArchiveIterator

    from scrapers.evidence import SHA_HEADER

    out = tmp_path / "evidence.wacz"
    r = report(sample_catalog, "--format", "wacz", "--output", str(out))
    assert r.returncode == 0, r.stderr
    v = validate(out)
    assert v.returncode == 0 and "is valid" in v.stdout, v.stdout + v.stderr

    expected = evidence_of(sample_catalog)
    assert len(expected) > 20
    with zipfile.ZipFile(out) as z:
        names = set(z.namelist())
        assert {"pages/pages.jsonl", "indexes/index.cdx.gz", "datapackage.json",
                "report/report.html", "report/hits.csv"} <= names
        package = json.loads(z.read("datapackage.json"))
        for res in package["resources"]:  # every file's SHA-256, recomputed here
            assert res["hash"] == "sha256:" + hashlib.sha256(z.read(res["path"])).hexdigest()
        assert {res["path"] for res in package["resources"]} == names - {
            "datapackage.json", "datapackage-digest.json"}
        pages = [json.loads(x) for x in z.read("pages/pages.jsonl").decode().splitlines()]
        assert pages[0]["format"] == "json-pages-1.0"
        assert {p["url"] for p in pages[1:]} == {url for url, _ in expected.values()}
        cdx = gzip.decompress(z.read("indexes/index.cdx.gz")).decode().splitlines()
        assert len(cdx) >= len(expected)
        warcs = [n for n in names if n.startswith("archive/")]
        records = {}
        for name in warcs:
            for rec in ArchiveIterator(io.BytesIO(z.read(name))):
                if rec.rec_type == "response":
                    records[rec.rec_headers.get_header("WARC-Record-ID")] = (
                        rec.rec_headers.get_header("WARC-Target-URI"),
                        rec.rec_headers.get_header(SHA_HEADER))
    assert set(records) == set(expected)
    for rid, (url, _sha) in expected.items():
        assert records[rid][0] == url
        assert records[rid][1]  # the capture's own payload digest travelled with it
    # The record's payload SHA-256 header is the one in the crawl's own WARC (byte copy).
    conn = sqlite3.connect(sample_catalog)
    warc_file, = conn.execute("select warc_file from evidence limit 1").fetchone()
    original = {}
    with (sample_catalog.parent / warc_file).open("rb") as fh:
        for rec in ArchiveIterator(fh):
            original[rec.rec_headers.get_header("WARC-Record-ID")] = rec.rec_headers.get_header(
                SHA_HEADER)
    assert all(original[rid] == records[rid][1] for rid in records)


@pytest.mark.crawl
@pytest.mark.subprocess
def test_wacz_follows_the_filters_and_detects_tampering(sample_catalog, tmp_path):
    out = tmp_path / "npp.wacz"
    r = report(sample_catalog, "--format", "wacz", "--output", str(out), "--entry", "NPP")
    assert r.returncode == 0, r.stderr
    with zipfile.ZipFile(out) as z:
        pages = z.read("pages/pages.jsonl").decode().splitlines()[1:]
    assert {json.loads(p)["url"] for p in pages} == {
        url for url, _ in evidence_of(sample_catalog, "npp").values()}
    # Change one byte of the CSV inside: the package's own validator refuses it.
    bad = tmp_path / "tampered.wacz"
    with zipfile.ZipFile(out) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            body = src.read(item)
            if item.filename == "report/hits.csv":
                body = body.replace(b"npp", b"nPp", 1)
            dst.writestr(item, body)
    assert validate(bad).returncode != 0


@pytest.mark.crawl
@pytest.mark.subprocess
def test_wacz_without_the_warc_files_is_an_error(sample_catalog, tmp_path):
    lonely = tmp_path / "alone"
    lonely.mkdir()
    shutil.copy(sample_catalog, lonely / "catalog.db")
    out = lonely / "x.wacz"
    r = report(lonely / "catalog.db", "--format", "wacz", "--output", str(out), cwd=lonely)
    assert r.returncode != 0 and "not found" in r.stderr and "--evidence-root" in r.stderr
    assert not out.exists()
    r = report(lonely / "catalog.db", "--format", "wacz", "--output", str(out), "--evidence-root",
               str(sample_catalog.parent), cwd=lonely)
    assert r.returncode == 0, r.stderr
    assert validate(out).returncode == 0
    assert report(lonely / "catalog.db", "--format", "wacz").returncode != 0  # needs --output
