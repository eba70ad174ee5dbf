"""A real Scrapy crawl of a hostile loopback vendor site: one bad page or record costs only itself.

The vendorsite spider crawls `tests/hostilekit.py`'s sites through the real engine, pipelines and
catalog: a lone surrogate in a product name (repaired, recorded) and in a SKU (rejected with its
reason) leave every other listing stored and the run `degraded`; a gzip bomb neither stops the
crawl nor blows up `evidence`; the decoded page's hash is the one recorded; Crawl-delay, a long
Retry-After and an off-site redirect are honoured.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
ROOT = HERE.parent

RUNNER = """
import json, sys
from scrapers.crawl import run_crawl
result = run_crawl(["vendorsite"], {samples!r}, {db!r}, {out!r}, {{"domains": {domains!r}}},
                   extra_settings={settings!r})
stats = result.stats["vendorsite"]
print(json.dumps({{k: v for k, v in stats.items() if isinstance(v, (int, str))}}))
"""

# Peak resident memory of this process image (VmHWM: unlike ru_maxrss, not inherited from the
# process that forked it).
PEAK = """
import sys
from precursor_watch.cli import main
try:
    main(sys.argv[1:], standalone_mode=False)
finally:
    hwm = [ln for ln in open("/proc/self/status") if ln.startswith("VmHWM:")][0]
    print("PEAK_KB", hwm.split()[1], file=sys.stderr)
"""


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    import hostilekit

    root = hostilekit.build(tmp_path_factory.mktemp("site"))
    work = tmp_path_factory.mktemp("crawl")
    server, samples, log = hostilekit.serve(root)
    settings = {"PRECURSOR_WATCH_EVIDENCE_DIR": str(work / "crawls"), "RETRY_TIMES": 2,
                "LOG_LEVEL": "INFO"}
    out, db = work / "items.jsonl", work / "catalog.db"
    code = RUNNER.format(samples=samples, db=str(db), out=str(out),
                         domains=str(root / "domains.txt"), settings=settings)
    try:
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              timeout=300, cwd=work)
    finally:
        server.shutdown()
    assert proc.returncode == 0, proc.stderr[-3000:]
    items = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    return {"db": sqlite3.connect(db), "items": items, "log": log, "work": work,
            "stderr": proc.stderr, "stats": json.loads(proc.stdout.strip().splitlines()[-1])}


@pytest.mark.crawl
@pytest.mark.subprocess
def test_surrogate_pages_cost_only_themselves_and_the_run_is_degraded(crawl):
    import hostilekit

    db = crawl["db"]
    ids = {r[0] for r in db.execute("select listing_id from listings")}
    expected = {f"P{i}" for i in range(hostilekit.N_PRODUCTS) if i != hostilekit.SURROGATE_SKU}
    assert expected | {"P100", "P300", "P301"} == ids  # and the gzip, NUL and deep pages
    assert db.execute("select title, repairs from listings where listing_id = ?",
                      [f"P{hostilekit.SURROGATE_NAME}"]).fetchone() == (
        "Piperidine \ufffd 99%", json.dumps(["title: 1 lone surrogate replaced",
                                             "product_name: 1 lone surrogate replaced"]))
    assert db.execute("select title, repairs from listings where listing_id = 'P300'"
                      ).fetchone() == ("Product\ufffd 300 99%", json.dumps(
                          ["title: 1 NUL replaced", "product_name: 1 NUL replaced"]))
    assert db.execute("select status, rejected, repaired from crawl_runs").fetchall() == [
        ("degraded", 1, 2)]
    reason, record = db.execute("select reason, record from rejected").fetchone()
    assert reason == "invalid item: listing_id contains a lone surrogate or NUL"
    assert json.loads(record)["url"].endswith(f"/p/{hostilekit.SURROGATE_SKU}.html")


@pytest.mark.crawl
@pytest.mark.subprocess
def test_gzip_page_hash_is_the_decoded_page_and_evidence_reproduces_it(crawl, tmp_path):
    (sha,) = crawl["db"].execute(
        "select e.sha256 from listings l join evidence e on e.id = l.evidence"
        " where l.listing_id = 'P100'").fetchone()
    out = tmp_path / "page.html"
    proc = subprocess.run([sys.executable, "-c", PEAK, "evidence", sha, "--dir",
                           str(crawl["work"] / "crawls"), "--out", str(out)],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert hashlib.sha256(out.read_bytes()).hexdigest() == sha
    assert out.read_bytes().startswith(b"<html>")  # decoded, not the gzip bytes


@pytest.mark.crawl
@pytest.mark.subprocess
def test_a_gzip_bomb_is_not_fetched_and_evidence_stays_small(crawl, tmp_path):
    bomb = "https://www.hostile-shop.example/p/bomb.html"
    reasons = {i["url"]: i["reason"] for i in crawl["items"] if "reason" in i}
    assert "exceeded DOWNLOAD_MAXSIZE" in reasons[bomb] or "max" in reasons[bomb].lower()
    out = tmp_path / "bomb.html"
    proc = subprocess.run([sys.executable, "-c", PEAK, "evidence", bomb, "--dir",
                           str(crawl["work"] / "crawls"), "--out", str(out)],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    peak_mb = int(proc.stderr.split("PEAK_KB")[1].split()[0]) / 1024
    assert peak_mb < 200, peak_mb
    assert out.stat().st_size <= 5 * 1024 * 1024  # cut at DOWNLOAD_MAXSIZE, and says so
    assert "larger than 5242880 bytes" in proc.stderr


@pytest.mark.crawl
@pytest.mark.subprocess
def test_crawl_delay_is_observed_between_requests(crawl):
    times = [t for t, path in crawl["log"]
             if "/www.slow-shop.example/" in path and not path.endswith("robots.txt")]
    assert len(times) == 3  # the home page and its two pages
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert min(gaps) >= 1.9, gaps


@pytest.mark.crawl
@pytest.mark.subprocess
def test_a_long_retry_after_defers_the_url_without_hammering(crawl):
    paths = [p for _, p in crawl["log"] if p.endswith("/p/later.html")]
    assert len(paths) == 1  # asked once, not retried
    reasons = {i["url"]: i["reason"] for i in crawl["items"] if "reason" in i}
    assert reasons["https://www.hostile-shop.example/p/later.html"].startswith(
        "IgnoreRequest: deferred: HTTP 503 with Retry-After 3600 s")


@pytest.mark.crawl
@pytest.mark.subprocess
def test_a_redirect_to_another_site_is_not_followed(crawl):
    assert not any("other-service" in p for _, p in crawl["log"])
    reasons = {i["url"]: i["reason"] for i in crawl["items"] if "reason" in i}
    assert "redirect off the site to https://www.other-service.example/landing.html" in \
        reasons["https://www.hostile-shop.example/p/away.html"]
