"""Exit statuses tell the truth for every command (README "Exit statuses"): 0 finished, 3
degraded (records skipped, rejected or repaired; a failing notification), 1 failed, 4 interrupted
(SIGINT/SIGTERM), and the run stored in the catalog says the same. `crawl` and `ingest --redis`:
tests/test_signals.py and tests/test_redis_boundary.py."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pytest
from opskit import cli, env, popen, rows

pytestmark = pytest.mark.subprocess

GOOD = {"platform": "feed", "url": "https://feed.example/1", "title": "NPP 99%",
        "cas": "39742-60-4", "listing_id": "1"}


def write(path, *lines) -> str:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return str(path)


def test_ingest_finished_degraded_failed(tmp_path):
    db = str(tmp_path / "c.db")
    good = write(tmp_path / "good.jsonl", json.dumps(GOOD))
    assert cli(tmp_path, "ingest", good, "--db", db).returncode == 0
    mixed = write(tmp_path / "mixed.jsonl", json.dumps(GOOD), "not json")
    out = cli(tmp_path, "ingest", mixed, "--db", db)
    assert out.returncode == 3 and "skipped: not JSON" in out.stderr
    bad = write(tmp_path / "bad.jsonl", "not json", "[1]")
    assert cli(tmp_path, "ingest", bad, "--db", db).returncode == 1
    assert rows(tmp_path / "c.db", "select status from crawl_runs order by id") == [
        ("finished",), ("degraded",), ("failed",)]


def test_ingest_interrupted_by_sigterm_is_stored_interrupted(tmp_path):
    feed = tmp_path / "big.jsonl"
    with feed.open("w") as fh:
        for i in range(200_000):
            fh.write(json.dumps({**GOOD, "listing_id": str(i), "url": f"https://f.example/{i}",
                                 "title": f"Compound {i}"}) + "\n")
    db = tmp_path / "c.db"
    proc = popen(tmp_path, "ingest", str(feed), "--db", str(db))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # signal once its run is open
        try:
            if db.exists() and rows(db, "select count(*) from crawl_runs")[0][0]:
                break
        except Exception:  # noqa: BLE001 - the catalog may be mid-creation
            pass
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 4, err[-2000:]
    assert rows(db, "select status from crawl_runs") == [("interrupted",)]


def test_match_finished_degraded_failed_interrupted(tmp_path):
    good = write(tmp_path / "good.jsonl", json.dumps({"id": 1, "title": "NPP"}))
    assert cli(tmp_path, "match", good).returncode == 0
    mixed = write(tmp_path / "mixed.jsonl", json.dumps({"id": 1, "title": "NPP"}), "[")
    assert cli(tmp_path, "match", mixed).returncode == 3
    assert cli(tmp_path, "match", write(tmp_path / "bad.jsonl", "[", "{")).returncode == 1
    proc = subprocess.Popen(  # standard input left open: still reading when signalled
        [sys.executable, "-m", "precursor_watch", "match", "-"], cwd=tmp_path, env=env(tmp_path),
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    proc.stdin.write(json.dumps({"id": 1, "title": "NPP"}) + "\n")
    proc.stdin.flush()
    time.sleep(2)  # loading the matcher or waiting for the next line: stopped either way
    proc.send_signal(signal.SIGINT)
    proc.wait(120)
    err = proc.stderr.read()
    proc.stdin.close()
    assert proc.returncode == 4, err[-2000:]
    assert "Traceback" not in err


def test_rescan_and_report_finished_and_failed(tmp_path):
    db = str(tmp_path / "c.db")
    assert cli(tmp_path, "ingest", write(tmp_path / "g.jsonl", json.dumps(GOOD)),
               "--db", db).returncode == 0
    assert cli(tmp_path, "rescan", "--db", db).returncode == 0
    assert rows(tmp_path / "c.db", "select kind, status from crawl_runs order by id")[-1] == (
        "rescan", "finished")
    assert cli(tmp_path, "report", "--db", db, "--format", "json").returncode == 0
    assert cli(tmp_path, "report", "--db", str(tmp_path / "none.db")).returncode == 1
    assert cli(tmp_path, "rescan", "--db", str(tmp_path / "none.db")).returncode == 1


@pytest.mark.crawl
def test_a_crawl_refused_by_the_catalogs_write_lock_says_what_it_stored(tmp_path):
    import sqlite3

    db = tmp_path / "c.db"
    assert cli(tmp_path, "ingest", write(tmp_path / "g.jsonl", json.dumps(GOOD)),
               "--db", str(db)).returncode == 0
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer keeps the catalog past the busy timeout
    try:
        out = cli(tmp_path, "crawl", "hxchem", "--offline", "--db", str(db),
                  PRECURSOR_WATCH_BUSY_TIMEOUT="2")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert out.returncode == 1, out.stderr[-2000:]
    assert "Traceback" not in out.stderr
    assert "not recorded in the catalog (database is locked)" in out.stderr
    assert rows(db, "select kind, status from crawl_runs") == [("ingest", "finished")]
