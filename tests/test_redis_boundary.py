"""Hostile Redis queue entries on a real redis-server: each costs only itself (a `rejected` row
with the reason, acknowledged), the good items behind it are written, and the run ends
`degraded` with exit status 3 (nothing vanishes, nothing is reported as a clean success)."""

from __future__ import annotations

import json

import pytest
from hostile_inputs import REDIS_POISON
from opskit import cli, rows
from test_redis import listing, redis_url  # noqa: F401 - the real redis-server fixture

from scrapers.redis_queue import ITEMS_KEY

pytestmark = [pytest.mark.redis, pytest.mark.subprocess]


def test_poison_entries_become_rejected_rows_and_the_good_items_are_written(tmp_path,
                                                                           redis_url):  # noqa: F811
    import redis

    client = redis.Redis.from_url(redis_url)
    entries = []
    for i, (raw, _) in enumerate(REDIS_POISON.values()):  # each poison entry before good ones
        entries += [raw, listing(2 * i), listing(2 * i + 1)]
    client.rpush(ITEMS_KEY, *entries)
    db = tmp_path / "c.db"

    first = cli(tmp_path, "ingest", "--redis", redis_url, "--db", str(db))

    assert first.returncode == 3, first.stderr[-2000:]
    assert "Traceback" not in first.stderr
    good = 2 * len(REDIS_POISON)
    assert rows(db, "select count(*) from listings") == [(good,)]
    stored = rows(db, "select reason, kind, source from rejected order by id")
    assert [r[0] for r in stored] == [reason for _, reason in REDIS_POISON.values()]
    assert {r[1] for r in stored} == {"queue"}
    assert rows(db, "select status, rejected from crawl_runs") == [
        ("degraded", len(REDIS_POISON))]
    # Acknowledged: nothing left in the queue or the processing list for the next writer.
    assert client.llen(ITEMS_KEY) == 0 and client.llen(f"{ITEMS_KEY}:processing") == 0
    record = json.loads(rows(db, "select record from rejected where reason like '%javascript%'"
                             )[0][0])
    assert record["url"] == "javascript:alert(document.domain)"

    # A writer started later finds nothing of the poison and finishes cleanly.
    client.rpush(ITEMS_KEY, listing(1000))
    again = cli(tmp_path, "ingest", "--redis", redis_url, "--db", str(db))
    assert again.returncode == 0, again.stderr[-2000:]
    assert rows(db, "select status from crawl_runs order by id") == [
        ("degraded",), ("finished",)]
    client.close()


def test_poison_left_in_the_processing_list_by_a_dead_writer_is_rejected_not_a_crash(
        tmp_path, redis_url):  # noqa: F811
    import redis

    client = redis.Redis.from_url(redis_url)
    deep, reason = REDIS_POISON["100,000-deep nesting"]
    client.rpush(f"{ITEMS_KEY}:processing", deep, listing(1))  # a killed writer's batch
    client.rpush(ITEMS_KEY, listing(2))
    db = tmp_path / "c.db"
    out = cli(tmp_path, "ingest", "--redis", redis_url, "--db", str(db))
    assert out.returncode == 3, out.stderr[-2000:]
    assert rows(db, "select count(*) from listings") == [(2,)]
    assert rows(db, "select reason from rejected") == [(reason,)]
    assert client.llen(f"{ITEMS_KEY}:processing") == 0
    client.close()


def test_a_waiting_writer_stopped_by_sigterm_is_interrupted_exit_4(tmp_path,
                                                                   redis_url):  # noqa: F811
    import signal
    import time

    import redis
    from opskit import popen

    client = redis.Redis.from_url(redis_url)
    client.rpush(ITEMS_KEY, listing(1))
    db = tmp_path / "c.db"
    writer = popen(tmp_path, "ingest", "--redis", redis_url, "--db", str(db), "--wait", "600")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # the first item is committed: it now waits for more
        try:
            if db.exists() and rows(db, "select count(*) from listings")[0][0]:
                break
        except Exception:  # noqa: BLE001 - the catalog may be mid-creation
            pass
        time.sleep(0.05)
    time.sleep(0.5)
    writer.send_signal(signal.SIGTERM)
    _, err = writer.communicate(timeout=60)
    assert writer.returncode == 4, err[-2000:]
    assert rows(db, "select status from crawl_runs") == [("interrupted",)]
    assert rows(db, "select count(*) from listings") == [(1,)]
    client.close()
