"""Unattended operation on real processes: truthful status and exit codes, run grouping, the
catalog lock, where the catalog is, dead runs marked interrupted, health monitors."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
from opskit import cli, copy_samples, free_port, rows

from scrapers.sample_server import start_in_thread

HXCHEM = ("hxchem", "-a", "cas=39742-60-4")


@pytest.mark.crawl
@pytest.mark.subprocess
def test_crawl_with_no_reachable_site_exits_nonzero_and_is_failed(tmp_path):
    dead = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    proc = cli(tmp_path, "crawl", *HXCHEM, "--samples", dead, "--db", "c.db")
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "spider=hxchem status=failed" in proc.stderr
    assert "Traceback" not in proc.stderr  # tracebacks go to the run's crawl.log
    (crawl_id, status, gone_note, monitors), = rows(
        tmp_path / "c.db", "select crawl_id, status, gone_note, monitors from crawl_runs")
    assert status == "failed" and gone_note == "run failed"
    folder = tmp_path / "crawls" / crawl_id
    assert {"crawl.log", "report.json", "run.json"} <= {p.name for p in folder.iterdir()}
    assert "Traceback" in (folder / "crawl.log").read_text("utf-8")
    failed = {c["check"] for c in json.loads(monitors)["checks"] if c["result"] == "failed"}
    assert "fetched" in failed
    stats = cli(tmp_path, "stats", "--db", "c.db")
    assert crawl_id in stats.stdout and "fetched failed" in stats.stdout


@pytest.mark.crawl
@pytest.mark.subprocess
def test_one_run_id_groups_the_spiders_and_names_the_folder(tmp_path):
    server, base = start_in_thread()
    try:
        proc = cli(tmp_path, "crawl", "hxchem", "vendorsite", "-a", "cas=39742-60-4",
                   "--samples", base, "--db", "c.db")
    finally:
        server.shutdown()
    assert proc.returncode == 0, proc.stderr[-2000:]
    runs = rows(tmp_path / "c.db", "select crawl_id, spider, status from crawl_runs order by 2")
    assert [(r[1], r[2]) for r in runs] == [("hxchem", "finished"), ("vendorsite", "finished")]
    assert len({r[0] for r in runs}) == 1
    folder = tmp_path / "crawls" / runs[0][0]
    assert (folder / "pages.warc.gz").stat().st_size > 0
    assert {p.name for p in (folder / "jobs").iterdir()} == {"hxchem", "vendorsite"}
    assert (folder / "jobs" / "hxchem" / ".clean").exists()
    report = json.loads((folder / "report.json").read_text("utf-8"))
    assert report["status"] == "finished" and len(report["spiders"]) == 2


HOLD_LOCK = """
import sys, time
from pipelines.catalog.runs import CatalogLock
with CatalogLock(sys.argv[1], "crawl"):
    print("locked", flush=True)
    time.sleep(60)
"""


@pytest.mark.crawl
@pytest.mark.subprocess
def test_second_crawl_on_a_locked_catalog_is_refused(tmp_path):
    db = tmp_path / "c.db"
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(db)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        proc = cli(tmp_path, "crawl", *HXCHEM, "--offline", "--db", str(db), timeout=60)
        assert proc.returncode == 1
        assert f"catalog {db} is in use by crawl process {holder.pid}" in proc.stderr
        assert "not starting a second crawl" in proc.stderr
        assert not db.exists()  # nothing was started
        ingest = cli(tmp_path, "ingest", "--redis", "redis://127.0.0.1:1/0", "--db", str(db))
        assert ingest.returncode == 1 and "in use by crawl" in ingest.stderr
    finally:
        holder.kill()
        holder.wait(10)
    # The kernel drops the lock with its holder: the next crawl runs.
    proc = cli(tmp_path, "crawl", *HXCHEM, "--offline", "--db", str(db))
    assert proc.returncode == 0, proc.stderr[-2000:]


@pytest.mark.crawl
@pytest.mark.subprocess
def test_catalog_location_db_option_then_environment_then_config_file(tmp_path):
    config = tmp_path / "config" / "precursor-watch"
    config.mkdir(parents=True)
    (config / "config.toml").write_text('db = "from-config.db"\n', encoding="utf-8")
    proc = cli(tmp_path, "crawl", *HXCHEM, "--offline")
    assert proc.returncode == 0, proc.stderr[-2000:]
    made = config / "from-config.db"
    assert f"creating a new catalog at {made} (from config file" in proc.stderr
    assert made.exists() and not (tmp_path / "catalog.db").exists()
    env_db = tmp_path / "from-env.db"
    proc = cli(tmp_path, "stats", PRECURSOR_WATCH_DB=str(env_db))
    assert proc.returncode == 1 and f"no catalog at {env_db}" in proc.stderr
    proc = cli(tmp_path, "stats", "--db", str(made), PRECURSOR_WATCH_DB=str(env_db))
    assert proc.returncode == 0 and "hxchem" in proc.stdout
    proc = cli(tmp_path, "crawl", *HXCHEM, "--offline")  # existing catalog: no announcement
    assert "creating a new catalog" not in proc.stderr


DIE = """
import os, signal, sys
from pipelines.catalog.writer import CatalogWriter
w = CatalogWriter(sys.argv[1], spider="hxchem", crawl_id="RUN-1")
w.open()
os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.subprocess
def test_a_run_whose_process_died_is_interrupted_when_the_catalog_is_next_opened(tmp_path):
    db = tmp_path / "c.db"
    proc = subprocess.run([sys.executable, "-c", DIE, str(db)], timeout=60)
    assert proc.returncode == -9
    assert rows(db, "select status from crawl_runs") == [("running",)]
    stats = cli(tmp_path, "stats", "--db", str(db))
    assert stats.returncode == 0
    assert rows(db, "select crawl_id, status, finish_reason from crawl_runs") == [
        ("RUN-1", "interrupted", "process died")]


def test_running_rows_of_a_live_process_stay_running(tmp_path):
    from pipelines.catalog.connection import open_db
    from pipelines.catalog.writer import CatalogWriter

    writer = CatalogWriter(tmp_path / "c.db", spider="x")
    writer.open()
    open_db(tmp_path / "c.db").close()
    assert rows(tmp_path / "c.db", "select status from crawl_runs") == [("running",)]


NEW_LAYOUT = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Products</title></head>
<body><div id="app" data-api="/api/products?page=1"></div>
<script>/* the directory is now rendered in the browser */</script></body></html>"""


@pytest.fixture
def site(tmp_path):
    root = copy_samples(tmp_path / "samples")
    server, base = start_in_thread(root=root)
    yield root, base
    server.shutdown()


@pytest.mark.crawl
@pytest.mark.subprocess
def test_monitor_fails_the_night_a_saved_page_changes_layout(tmp_path, site):
    root, base = site
    first = cli(tmp_path, "crawl", *HXCHEM, "--samples", base, "--db", "c.db")
    assert first.returncode == 0, first.stderr[-2000:]
    seen = rows(tmp_path / "c.db", "select count(*) from listings where status = 'active'")
    (root / "www.hxchem.net/productse/index.html").write_text(NEW_LAYOUT, encoding="utf-8")
    second = cli(tmp_path, "crawl", *HXCHEM, "--samples", base, "--db", "c.db",
                 "--report-dir", "reports", "--notify-cmd", "cat > notified.txt")
    assert second.returncode == 1, second.stderr[-2000:]
    assert "spider=hxchem status=failed" in second.stderr
    (status, gone, monitors, crawl_id), = rows(
        tmp_path / "c.db", "select status, listings_gone, monitors, crawl_id from crawl_runs"
        " where id = 2")
    assert status == "failed" and gone == 0
    checks = {c["check"]: c for c in json.loads(monitors)["checks"]}
    assert checks["listings_floor"]["result"] == "failed"
    assert checks["listings_floor"]["value"] < checks["listings_floor"]["limit"]
    # A failed run marks nothing gone: every listing of the good night is still active.
    assert rows(tmp_path / "c.db",
                "select count(*) from listings where status = 'active'") == seen
    assert "listings_floor" in (tmp_path / "notified.txt").read_text("utf-8")
    report = json.loads((tmp_path / "reports" / f"{crawl_id}.json").read_text("utf-8"))
    assert report["status"] == "failed"
    assert report["runs"][0]["monitors"]["checks"]
    view = rows(tmp_path / "c.db", "select result from run_monitors where run = 2"
                " and \"check\" = 'listings_floor'")
    assert view == [("failed",)]


@pytest.mark.crawl
@pytest.mark.subprocess
def test_notify_and_report_only_when_there_is_news(tmp_path, site):
    _, base = site
    args = ("--samples", base, "--db", "c.db", "--report-dir", "reports",
            "--notify-cmd", "cat >> notified.txt")
    first = cli(tmp_path, "crawl", *HXCHEM, *args)
    assert first.returncode == 0, first.stderr[-2000:]
    text = (tmp_path / "notified.txt").read_text("utf-8")
    assert ": finished," in text and "new hits" in text and " 0 new hits" not in text
    crawl_id = rows(tmp_path / "c.db", "select crawl_id from crawl_runs")[0][0]
    csv_text = (tmp_path / "reports" / f"{crawl_id}-new-hits.csv").read_text("utf-8")
    assert csv_text.startswith("entry,entry_name,match") and "hxchem" in csv_text
    time.sleep(1)
    second = cli(tmp_path, "crawl", *HXCHEM, *args)  # same pages: no new hits, no failure
    assert second.returncode == 0
    assert (tmp_path / "notified.txt").read_text("utf-8") == text
    ids = [r[0] for r in rows(tmp_path / "c.db", "select crawl_id from crawl_runs order by id")]
    second_csv = (tmp_path / "reports" / f"{ids[1]}-new-hits.csv").read_text("utf-8")
    assert second_csv.strip().count("\n") == 0  # header only


def test_health_checks_table():
    from scrapers.monitor import Counts, evaluate, verdict

    ok = {"response_received_count": 10, "scheduler/dequeued": 10}
    good = Counts(listings=8, listings_named=8, listings_cas=8, vendors=2, vendors_named=2)
    base = {"listings": 8, "coverage": {"listing_cas": 1.0}}
    assert verdict(evaluate(ok, good, base)) == "finished"
    no_cas = Counts(listings=8, listings_named=8, listings_cas=2)
    assert verdict(evaluate(ok, no_cas, base)) == "failed"
    banned = Counts(listings=8, listings_named=8, listings_cas=8, bans=9)
    assert verdict(evaluate(ok, banned, base)) == "failed"
    one_ban = Counts(listings=8, listings_named=8, listings_cas=8, bans=1)
    assert verdict(evaluate(ok, one_ban, base)) == "degraded"
    dead_search = Counts(listings=8, listings_named=8, listings_cas=8, searches=3)
    assert verdict(evaluate(ok, dead_search, base)) == "failed"
    robots = {"response_received_count": 1, "robotstxt/response_count": 1,
              "robotstxt/forbidden": 5}
    checks = {c.check: c.result for c in evaluate(robots, Counts(), None)}
    assert checks["robots"] == "failed"


def test_a_resumed_segment_is_judged_with_its_earlier_segments(tmp_path):
    from pipelines.catalog.connection import open_db
    from scrapers.monitor import Counts, earlier_counts, evaluate, verdict

    db = open_db(tmp_path / "c.db")
    segment = {"listings": 9, "listings_named": 9, "listings_cas": 9, "searches": 4,
               "searches_ok": 4, "pages": 30}
    db.execute("insert into crawl_runs (crawl_id, spider, status, monitors) values"
               " ('RUN', 'chemnet', 'interrupted', ?)", [json.dumps({"segment": segment})])
    db.close()
    earlier = earlier_counts(tmp_path / "c.db", "RUN", "chemnet")
    assert earlier == Counts(**segment)
    assert earlier_counts(tmp_path / "c.db", "OTHER", "chemnet") == Counts()
    # The last few requests after the resume: no search answered, one listing, 2 pages.
    rest = Counts(listings=1, listings_named=1, listings_cas=1, searches=3)
    stats = {"response_received_count": 2, "scheduler/dequeued": 2}
    base = {"listings": 10, "coverage": {}}
    assert verdict(evaluate(stats, rest, base)) == "failed"
    assert verdict(evaluate(stats, rest + earlier, base)) == "finished"


@pytest.mark.crawl
@pytest.mark.subprocess
def test_a_spider_that_errors_out_fails_the_run_and_is_recorded(tmp_path):
    proc = cli(tmp_path, "crawl", "hxchem", "vendorsite", "-a", "max_queries=abc",
               "--offline", "--db", "c.db")
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "spider hxchem could not run: ValueError" in proc.stderr
    got = rows(tmp_path / "c.db", "select spider, status, finish_reason from crawl_runs"
               " order by spider")
    assert [(s, st) for s, st, _ in got] == [("hxchem", "failed"), ("vendorsite", "failed")]
    assert all(reason.startswith("ValueError") for _, _, reason in got)


def test_datasette_shows_each_runs_health_checks(tmp_path):
    import asyncio

    from datasette.app import Datasette

    from pipelines.catalog.connection import open_db

    db = open_db(tmp_path / "c.db")
    checks = {"checks": [{"check": "coverage", "result": "failed", "value": 0.6, "limit": 0.2,
                          "detail": "listing_cas 40%; listing_cas dropped 60%"}]}
    db.execute("insert into crawl_runs (crawl_id, spider, status, monitors) values"
               " ('RUN-9', 'chemnet', 'failed', ?)", [json.dumps(checks)])
    db.close()

    async def fetch():
        ds = Datasette([str(tmp_path / "c.db")])
        resp = await ds.client.get("/c/run_monitors.json?_shape=array")
        return resp.status_code, resp.json()

    status, data = asyncio.run(fetch())
    assert status == 200
    assert [(r["crawl_id"], r["spider"], r["check"], r["result"]) for r in data] == [
        ("RUN-9", "chemnet", "coverage", "failed")]


def test_shared_frontier_share_without_answered_searches_is_degraded_not_failed():
    from scrapers.monitor import Counts, evaluate, verdict

    stats = {"response_received_count": 5, "scheduler/dequeued": 5}
    share = Counts(listings=2, listings_named=2, listings_cas=2, searches=4)
    assert verdict(evaluate(stats, share, None)) == "failed"
    assert verdict(evaluate(stats, share, None, shared_frontier=True)) == "degraded"
    assert verdict(evaluate({}, Counts(), None, shared_frontier=True)) == "finished"
