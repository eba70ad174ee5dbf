"""`precursor-watch radar` on the sample catalog (the demo's crawl of the bundled sample sites):
unlisted substances with their reasons, listed ones left out, only new substances assessed on
each run, --data-dir, --since and the output formats. Real processes, a real SQLite file."""

from __future__ import annotations

import csv
import io
import json
import shutil

import pytest
from opskit import ROOT, cli, rows

pytestmark = [pytest.mark.subprocess, pytest.mark.crawl]


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    work = tmp_path_factory.mktemp("radar")
    proc = cli(work, "demo", "--db", str(work / "catalog.db"), timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return work


def radar(work, *args, db="catalog.db"):
    proc = cli(work, "radar", "--db", str(work / db), *args, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def test_lists_unlisted_relatives_with_reasons(catalog):
    proc = radar(catalog, "--format", "json")
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    by_name = {x["name"]: x for x in lines}
    assert {"inchikey", "name", "score", "reasons", "first_seen"} <= set(lines[0])
    # the sample vendor's unlisted propiophenone relatives, each with its route
    assert "alpha-bromination then amination: alpha-PVP" in by_name["valerophenone"]["reasons"]
    assert "alpha-bromination then amination: alpha-PBP" in by_name["butyrophenone"]["reasons"]
    assert any(r.startswith("alpha-bromination then amination: 4-Fluoromethcathinone")
               for r in by_name["4'-fluoropropiophenone"]["reasons"])
    assert any(r.startswith("vendors: Jinghong Pharmtech Ltd (")
               for r in by_name["valerophenone"]["reasons"])
    # listed substances are the matcher's: never on the radar
    names = {x["name"].lower() for x in lines}
    assert not names & {"1-phenyl-2-propanone", "1-boc-4-piperidone", "4-piperidone"}
    keys = {x["inchikey"] for x in lines}
    assert "YDJXNYNKKXZBMP-UHFFFAOYSA-N" not in keys  # NPP
    # an ordinary compound from the same vendor ranks below the relatives
    order = [x["name"] for x in lines]
    assert order.index("acetophenone") > max(order.index(n) for n in (
        "valerophenone", "butyrophenone", "4'-fluoropropiophenone"))
    assert "assessed" in proc.stderr


def test_table_csv_limit_and_since(catalog):
    table = radar(catalog, "--limit", "3").stdout
    assert table.splitlines()[0].split()[:3] == ["rank", "score", "substance"]
    assert len(table.splitlines()) == 4
    got = list(csv.DictReader(io.StringIO(radar(catalog, "--format", "csv").stdout)))
    assert got and float(got[0]["score"]) >= float(got[-1]["score"])
    assert "alpha-bromination then amination" in got[0]["reasons"] or \
        "alpha-bromination then amination" in got[1]["reasons"]
    assert radar(catalog, "--since", "2999-01-01", "--format", "json").stdout == ""
    bad = cli(catalog, "radar", "--db", str(catalog / "catalog.db"), "--since", "last week")
    assert bad.returncode == 2 and "not a date" in bad.stderr


def test_only_new_substances_are_assessed(catalog):
    # the demo's crawl already scored every substance: `radar` assesses nothing again
    assert rows(catalog / "catalog.db", "select count(*) from radar_scores")[0][0] > 0
    again = radar(catalog)
    assert "0 new substances assessed" in again.stderr
    line = {"item_type": "listing", "platform": "sample", "listing_id": "radar-1",
            "url": "https://example.org/r1",
            "title": "2-Bromo-4'-ethylpropiophenone 98%", "smiles": "CCc1ccc(C(=O)C(C)Br)cc1",
            "vendor_name": "Radar Test Chemicals", "vendor_id": "radar-test"}
    (catalog / "new.jsonl").write_text(json.dumps(line) + "\n")
    ingest = cli(catalog, "ingest", str(catalog / "new.jsonl"), "--db",
                 str(catalog / "catalog.db"))
    assert ingest.returncode == 0, ingest.stderr
    assert "radar: 1 new substances assessed" in ingest.stderr
    # the ingest itself scored the substance it brought (the catalog writer's after-run update)
    new_rows = rows(catalog / "catalog.db", "select route, radar_version from radar_scores"
                    " where smiles = ?", ["CCc1ccc(C(=O)C(C)Br)cc1"])
    assert new_rows and new_rows[0][0].startswith("amination: ")
    after = radar(catalog, "--format", "json")
    assert "0 new substances assessed" in after.stderr
    found = [json.loads(x) for x in after.stdout.splitlines()
             if json.loads(x)["smiles"] == "CCc1ccc(C(=O)C(C)Br)cc1"]
    assert found and any(r.startswith("amination: ") for r in found[0]["reasons"])
    stored = rows(catalog / "catalog.db", "select count(*) from radar_scores")[0][0]
    substances = rows(catalog / "catalog.db", "select count(*) from substances")[0][0]
    assert stored == substances


def test_data_dir_changes_the_radar(catalog, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "chem" / "data", data)
    lines = (data / "routes.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (data / "routes.csv").write_text("".join(x for x in lines
                                             if not x.startswith("alpha-bromination,")),
                                     encoding="utf-8")
    proc = radar(catalog, "--data-dir", str(data), "--format", "json")
    assert "new substances assessed" in proc.stderr and "0 new" not in proc.stderr
    by_name = {json.loads(x)["name"]: json.loads(x) for x in proc.stdout.splitlines()}
    assert not any("alpha-bromination" in r for r in by_name["valerophenone"]["reasons"])
