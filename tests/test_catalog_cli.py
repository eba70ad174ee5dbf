"""`precursor-watch ingest | stats | summary | rescan` on a real catalog file."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from precursor_watch.cli import main

FEED = Path(__file__).parent / "files" / "catalog" / "feed.jsonl"
README = Path(__file__).parent.parent / "README.md"


@pytest.mark.subprocess  # `ingest` forks a chemistry worker, which starts the OPSIN JVM
def test_ingest_stats_summary_rescan(tmp_path, matcher):
    db = str(tmp_path / "c.db")
    runner = CliRunner()
    r = runner.invoke(main, ["ingest", str(FEED), "--db", db])
    assert r.exit_code == 3, r.output  # skipped lines: the run is degraded, and says so
    assert f"{FEED}:14: skipped: listing without url" in r.stderr
    assert f"{FEED}:15: skipped: not JSON" in r.stderr
    assert f"{FEED}:16: skipped: expected a JSON object" in r.stderr
    assert "ingest: 8 listings, 5 vendors" in r.stdout and "3 lines skipped" in r.stdout

    r = runner.invoke(main, ["stats", "--db", db, "--json"])
    assert r.exit_code == 0, r.output
    s = json.loads(r.stdout)
    assert s["totals"]["listings"] == 8
    assert {p["platform"]: p["listings"] for p in s["platforms"]} == {"chemmarket": 5,
                                                                       "b2bhub": 3}
    assert any(f["family"] == "fentanyl" for f in s["families"])
    assert any(c["country"] == "CN" for c in s["countries"])
    assert s["runs"][0]["kind"] == "ingest"
    r = runner.invoke(main, ["stats", "--db", db])
    assert "By platform:" in r.stdout and "Hits by regime:" in r.stdout

    r = runner.invoke(main, ["summary", "--db", db])
    assert r.exit_code == 0, r.output
    assert "Listings: 8 (8 active, 0 gone) on 2 platforms" in r.stdout
    assert "npp" in r.stdout
    assert "phone:+8613100000001" in r.stdout  # the Wuhan / Amarvel network
    assert f"precursor-watch serve --db {db}" in r.stdout

    r = runner.invoke(main, ["rescan", "--db", db])
    assert r.exit_code == 0, r.output
    assert re.search(r"rescan: 8 listings \(\d+ distinct texts\).*: 0 new hits", r.stdout)


@pytest.mark.subprocess  # `ingest` forks a chemistry worker, which starts the OPSIN JVM
def test_ingest_platform_option_and_missing_db(tmp_path):
    feed = tmp_path / "f.jsonl"
    feed.write_text(json.dumps({"url": "https://x.example/1", "title": "Acetone"}) + "\n")
    db = str(tmp_path / "c.db")
    r = CliRunner().invoke(main, ["ingest", str(feed), "--db", db, "--platform", "feedx"])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(main, ["stats", "--db", db, "--json"])
    assert json.loads(r.stdout)["platforms"][0]["platform"] == "feedx"
    r = CliRunner().invoke(main, ["stats", "--db", str(tmp_path / "none.db")])
    assert r.exit_code != 0 and "no catalog" in r.output
