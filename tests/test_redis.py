"""Distributed crawl on a real redis-server (127.0.0.1, free port): two crawler processes share
the frontier, one writer drains the item queue; a writer killed mid-drain loses and doubles
nothing."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from opskit import cli, free_port, popen, rows

from scrapers.evidence import iter_records
from scrapers.redis_queue import ITEMS_KEY
from scrapers.sample_server import start_in_thread

SPIDERS = ("hxchem", "vendorsite", "-a", "cas=39742-60-4")
LISTINGS = "select platform, coalesce(listing_id, url), title, cas from listings order by 1, 2"

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None,
                                reason="redis-server not installed (.ci/run installs it)")


@pytest.fixture
def redis_url(tmp_path):
    import redis

    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    yield url
    client.close()
    server.terminate()
    server.wait(10)


@pytest.fixture
def samples():
    server, base = start_in_thread()
    yield base
    server.shutdown()


def page_urls(crawls: Path) -> list[str]:
    return [r.url for r in iter_records(crawls) if not r.url.endswith("/robots.txt")]


@pytest.mark.crawl
@pytest.mark.redis
@pytest.mark.subprocess
def test_two_crawlers_and_one_writer_equal_a_single_process_crawl(tmp_path, redis_url,
                                                                   samples):
    ref = tmp_path / "ref"
    ref.mkdir()
    single = cli(ref, "crawl", *SPIDERS, "--samples", samples, "--db", "c.db")
    assert single.returncode == 0, single.stderr[-2000:]

    crawlers = []
    for name in ("a", "b"):  # two machines: two working directories
        (tmp_path / name).mkdir()
        crawlers.append(popen(tmp_path / name, "crawl", *SPIDERS, "--samples", samples,
                              "--redis", redis_url, "--run-id", "night-1"))
    for proc in crawlers:
        _, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err[-2000:]
    assert not (tmp_path / "a" / "catalog.db").exists()  # crawlers never write the catalog

    fetched = page_urls(tmp_path / "a" / "crawls") + page_urls(tmp_path / "b" / "crawls")
    assert len(fetched) == len(set(fetched))  # every page exactly once between them
    assert sorted(fetched) == sorted(page_urls(ref / "crawls"))

    writer = cli(tmp_path, "ingest", "--redis", redis_url, "--db", "c.db")
    assert writer.returncode == 0, writer.stderr[-2000:]
    assert rows(tmp_path / "c.db", LISTINGS) == rows(ref / "c.db", LISTINGS)
    assert rows(tmp_path / "c.db", "select count(*) from vendor_profiles") == \
        rows(ref / "c.db", "select count(*) from vendor_profiles")
    assert rows(tmp_path / "c.db", "select kind, status from crawl_runs") == [
        ("ingest", "finished")]


def listing(n: int) -> bytes:
    return json.dumps({"type": "listing", "platform": "loadtest", "listing_id": str(n),
                       "url": f"https://example.test/p/{n}", "title": f"Compound {n} 99%",
                       "cas": "39742-60-4" if n % 10 == 0 else None}).encode()


@pytest.mark.redis
@pytest.mark.subprocess
def test_writer_killed_mid_drain_then_restarted_loses_and_doubles_nothing(tmp_path, redis_url):
    import redis

    client = redis.Redis.from_url(redis_url)
    n = 3000
    client.rpush(ITEMS_KEY, *(listing(i) for i in range(n)))
    db = tmp_path / "c.db"
    writer = popen(tmp_path, "ingest", "--redis", redis_url, "--db", str(db))
    deadline = time.monotonic() + 120
    committed = 0
    while not committed and time.monotonic() < deadline:  # kill right after a first commit
        try:
            committed = rows(db, "select count(*) from listings")[0][0] if db.exists() else 0
        except Exception:  # noqa: BLE001 - the file may be mid-creation
            committed = 0
        time.sleep(0.01)
    writer.send_signal(signal.SIGKILL)
    writer.communicate(timeout=30)
    assert 0 < committed < n
    assert client.llen(ITEMS_KEY) + client.llen(f"{ITEMS_KEY}:processing") > 0

    again = cli(tmp_path, "ingest", "--redis", redis_url, "--db", str(db))
    assert again.returncode == 0, again.stderr[-2000:]
    assert rows(db, "select count(*), count(distinct listing_id) from listings") == [(n, n)]
    assert rows(db, "select count(*) from hits where entry = 'npp'") == [(n // 10,)]
    assert client.llen(ITEMS_KEY) == 0 and client.llen(f"{ITEMS_KEY}:processing") == 0
    assert rows(db, "select status from crawl_runs order by id") == [
        ("interrupted",), ("finished",)]
    assert rows(db, "pragma integrity_check") == [("ok",)]
    client.close()
