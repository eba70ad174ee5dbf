"""Killed at random moments (seeded) and resumed: the catalog ends as an uninterrupted run's."""

from __future__ import annotations

import json
import random
import signal
import time
from pathlib import Path
from subprocess import CompletedProcess

import pytest
from opskit import cli, popen, rows

SPIDERS = ("hxchem", "vendorsite", "-a", "cas=39742-60-4")
LISTINGS = "select platform, coalesce(listing_id, url), status from listings order by 1, 2"


def wait_for(path_glob: str, work: Path, timeout: float = 60) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = list(work.glob(path_glob))
        if found:
            return found[0]
        time.sleep(0.02)
    raise AssertionError(f"the crawl never wrote {path_glob}")


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    work = tmp_path_factory.mktemp("whole")
    proc = cli(work, "crawl", *SPIDERS, "--offline", "--db", "c.db")
    assert proc.returncode == 0, proc.stderr[-2000:]
    return rows(work / "c.db", LISTINGS)


def kill_and_resume(work: Path, sig: int, delay: float) -> tuple[CompletedProcess, list, list]:
    """Start a crawl, signal it `delay` s after its first page is archived, resume it."""
    crawl = popen(work, "crawl", *SPIDERS, "--offline", "--db", "c.db")
    run = wait_for("crawls/*/run.json", work).parent
    wait_for("crawls/*/pages.warc.gz", work)
    time.sleep(delay)
    crawl.send_signal(sig)
    crawl.communicate(timeout=120)
    written = rows(work / "c.db", LISTINGS) if (work / "c.db").exists() else []
    states = rows(work / "c.db", "select status from crawl_runs") if written else []
    resumed = cli(work, "crawl", "--resume", run.name, "--offline", "--db", "c.db")
    return resumed, written, [s for (s,) in states]


@pytest.mark.crawl
@pytest.mark.subprocess
def test_sigkill_at_random_moments_then_resume(tmp_path, uninterrupted):
    rng = random.Random(20261201)
    cut_short = 0
    for attempt in range(3):
        work = tmp_path / str(attempt)
        work.mkdir()
        delay = rng.uniform(0.0, 1.5)
        resumed, written, states = kill_and_resume(work, signal.SIGKILL, delay)
        assert resumed.returncode == 0, (delay, resumed.stderr[-2000:])
        final = rows(work / "c.db", LISTINGS)
        assert final == uninterrupted, delay  # same listings, each once, none marked gone
        keys = [r[:2] for r in final]
        assert len(keys) == len(set(keys))
        assert {r[:2] for r in written} <= set(keys)  # nothing written before the kill is lost
        assert rows(work / "c.db", "pragma integrity_check") == [("ok",)]
        statuses = {s for (s,) in rows(work / "c.db", "select status from crawl_runs")}
        assert statuses <= {"interrupted", "finished"}
        assert len(rows(work / "c.db", "select distinct crawl_id from crawl_runs")) == 1
        cut_short += len(written) < len(uninterrupted) or "running" in states
    assert cut_short >= 2  # most kills landed while the crawl was still running


@pytest.mark.crawl
@pytest.mark.subprocess
def test_sigterm_stops_gracefully_and_resume_continues_the_queue(tmp_path, uninterrupted):
    resumed, written, _ = kill_and_resume(tmp_path, signal.SIGTERM, 0.3)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert rows(tmp_path / "c.db", LISTINGS) == uninterrupted
    report = json.loads(next((tmp_path / "crawls").glob("*/report.json")).read_text("utf-8"))
    assert report["status"] == "finished"
    first = rows(tmp_path / "c.db", "select spider, status, finish_reason from crawl_runs"
                 " order by id")
    assert ("hxchem", "interrupted", "shutdown") in first or len(written) == len(uninterrupted)
