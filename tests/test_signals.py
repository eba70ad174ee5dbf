"""A signal at any moment of a crawl (seeded moments in start-up before the first page, mid-crawl,
and during the summary) ends the run `interrupted`, exit status 4, one `crawl_runs` row per spider,
and `--resume RUN` completes it; the catalog and the exit status always agree. A failing
--notify-cmd makes a finished run degraded (exit 3), in the catalog too."""

from __future__ import annotations

import random
import signal
import time
from pathlib import Path

import pytest
from opskit import cli, popen, rows

SPIDERS = ("hxchem", "vendorsite", "-a", "cas=39742-60-4")
NAMES = ["hxchem", "vendorsite"]
RUNS = "select spider, status from crawl_runs order by id"
pytestmark = [pytest.mark.crawl, pytest.mark.subprocess]


def wait_for(pattern: str, work: Path, timeout: float = 120) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = list(work.glob(pattern))
        if found:
            return found[0]
        time.sleep(0.01)
    raise AssertionError(f"never saw {pattern}")


def stop_and_resume(work: Path, sig: int, after: str, delay: float, *extra: str):
    crawl = popen(work, "crawl", *SPIDERS, "--offline", "--db", "c.db", *extra)
    run = wait_for("crawls/*/run.json", work).parent.name
    wait_for(after, work)
    time.sleep(delay)
    crawl.send_signal(sig)
    _, err = crawl.communicate(timeout=180)
    stopped = rows(work / "c.db", RUNS)
    resumed = cli(work, "crawl", "--resume", run, "--offline", "--db", "c.db", *extra)
    return crawl.returncode, err, stopped, resumed


@pytest.mark.parametrize("moment", ["start-up", "mid-crawl"])
def test_a_signal_at_seeded_moments_is_interrupted_exit_4_and_resume_completes(tmp_path,
                                                                               moment):
    rng = random.Random(f"20261207-{moment}")
    checked = 0
    for attempt, sig in enumerate((signal.SIGINT, signal.SIGTERM)):
        work = tmp_path / f"{attempt}"
        work.mkdir()
        # start-up: after the run exists, before the first page (spiders opening, matcher
        # loading); mid-crawl: after the first page is archived.
        after, delay = (("crawls/*/run.json", rng.uniform(0.0, 2.0)) if moment == "start-up"
                        else ("crawls/*/pages.warc.gz", rng.uniform(0.0, 0.5)))
        code, err, stopped, resumed = stop_and_resume(work, sig, after, delay)
        if all(status != "interrupted" for _, status in stopped):
            continue  # the crawl ended before the signal (a fast machine): nothing to check
        checked += 1
        assert code == 4, err[-2000:]
        assert sorted(spider for spider, _ in stopped) == NAMES  # one row per spider
        assert {status for _, status in stopped} <= {"interrupted", "finished"}
        assert "Traceback" not in err
        assert resumed.returncode == 0, resumed.stderr[-2000:]
        final = rows(work / "c.db", RUNS)
        last = {spider: status for spider, status in final}
        assert last == dict.fromkeys(NAMES, "finished")
        assert rows(work / "c.db", "select count(*) from listings where status = 'active'"
                    )[0][0] > 0
    assert checked, "every signal came after the crawl had ended"


NOTIFY = "if [ -e notifying ]; then cat > notified.txt; else touch notifying; exec sleep 60; fi"


def test_a_signal_during_the_summary_is_interrupted_and_resume_finishes_the_summary(tmp_path):
    code, err, stopped, resumed = stop_and_resume(tmp_path, signal.SIGINT, "notifying", 0.2,
                                                  "--notify-cmd", NOTIFY)
    assert code == 4, err[-2000:]
    assert stopped == [(name, "interrupted") for name in NAMES]
    assert "interrupted during its summary" in err
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert "nothing left to run" in resumed.stderr
    assert (tmp_path / "notified.txt").read_text()  # the summary was sent this time
    assert rows(tmp_path / "c.db", RUNS) == [(name, "finished") for name in NAMES]


def test_a_failing_notification_makes_the_run_degraded_in_the_catalog_too(tmp_path):
    out = cli(tmp_path, "crawl", *SPIDERS, "--offline", "--db", "c.db", "--notify-cmd",
              "cat > /dev/null; exit 7")
    assert out.returncode == 3, out.stderr[-2000:]
    assert "--notify-cmd exited 7" in out.stderr
    assert rows(tmp_path / "c.db", RUNS) == [(name, "degraded") for name in NAMES]
