"""The Scrapyd deployment (deploy/scrapyd) against a real scrapyd on loopback: deploy with
scrapyd-deploy, schedule a spider, and find its run in the catalog with its health checks."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from opskit import ROOT, env, free_port, rows

from scrapers.sample_server import start_in_thread

BIN = Path(sys.executable).parent


def call(url: str, data: list[tuple[str, str]] | None = None) -> dict:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(url, body, timeout=10) as resp:  # noqa: S310 - loopback only
        return json.loads(resp.read())


@pytest.fixture
def scrapyd(tmp_path):
    port = free_port()
    home = tmp_path / "scrapyd"
    home.mkdir()
    (home / "scrapyd.conf").write_text(
        f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\npoll_interval = 0.2\n"
        f"max_proc = 1\neggs_dir = {home}/eggs\nlogs_dir = {home}/logs\n"
        f"dbs_dir = {home}/dbs\n", encoding="utf-8")
    proc = subprocess.Popen([str(BIN / "scrapyd")], cwd=home, env=env(tmp_path),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            call(f"{url}/daemonstatus.json")
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise
            time.sleep(0.1)
    yield url, home
    proc.terminate()
    proc.wait(10)


@pytest.mark.crawl
@pytest.mark.scrapyd
@pytest.mark.subprocess
def test_deploy_and_schedule_on_a_real_scrapyd(tmp_path, scrapyd):
    url, home = scrapyd
    project = tmp_path / "deploy"
    shutil.copytree(ROOT / "deploy" / "scrapyd", project)
    cfg = project / "scrapy.cfg"
    cfg.write_text(cfg.read_text("utf-8").replace("http://127.0.0.1:6800/", url + "/"), "utf-8")
    deploy = subprocess.run([str(BIN / "scrapyd-deploy"), "local", "-p", "precursor_watch"],
                            cwd=project, env=env(tmp_path), capture_output=True, text=True,
                            timeout=120)
    assert deploy.returncode == 0, deploy.stderr[-2000:]
    spiders = call(f"{url}/listspiders.json?project=precursor_watch")["spiders"]
    assert {"hxchem", "chemnet", "vendorsite"} <= set(spiders)

    server, samples = start_in_thread()
    db = tmp_path / "c.db"
    try:
        job = call(f"{url}/schedule.json", [
            ("project", "precursor_watch"), ("spider", "hxchem"), ("cas", "39742-60-4"),
            ("setting", f"PRECURSOR_WATCH_DB={db}"), ("setting", "PRECURSOR_WATCH_RUN_ID=night-7"),
            ("setting", f"PRECURSOR_WATCH_EVIDENCE_DIR={tmp_path / 'crawls'}"),
            ("setting", f"PRECURSOR_WATCH_SAMPLES={samples}"),
            ("setting", "DOWNLOAD_DELAY=0"), ("setting", "AUTOTHROTTLE_ENABLED=False"),
        ])
        assert job["status"] == "ok", job
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            jobs = call(f"{url}/listjobs.json?project=precursor_watch")
            if any(j["id"] == job["jobid"] for j in jobs["finished"]):
                break
            time.sleep(0.3)
        else:
            pytest.fail(f"scrapyd job did not finish: {jobs}")
    finally:
        server.shutdown()
    (spider, status, listings, monitors, crawl_id), = rows(
        db, "select spider, status, listings_seen, monitors, crawl_id from crawl_runs")
    assert crawl_id == "night-7"
    assert (tmp_path / "crawls" / crawl_id / "pages.warc.gz").exists()
    assert (spider, status) == ("hxchem", "finished") and listings > 0
    assert json.loads(monitors)["status"] == "finished"
