"""Chemistry beside the crawl: batches resolve in worker processes while the reactor runs.

The reactor test runs a real Twisted reactor in a subprocess (reactors do not restart) with the
real matcher; the crawl test compares a loopback crawl of the bundled sample sites with the
chemistry workers against the same crawl matching on the reactor.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# A pipeline fed one batch of distinct listings; a 5 ms LoopingCall records when the reactor
# gets to run. Prints how long the batch took and the longest gap between two ticks.
REACTOR_SCRIPT = """
import json, sys, time
from twisted.internet import asyncioreactor
asyncioreactor.install()
from twisted.internet import reactor, task
from twisted.internet.defer import DeferredList
from scrapy.utils.defer import deferred_from_coro

from chem.dictionary import default_dictionary
from pipelines.chemistry import ChemistryPipeline

workers = int(sys.argv[1])
records = [r for r in default_dictionary().records if r.name and r.smiles][:600]
items = [{"item_type": "listing", "platform": "t", "listing_id": str(i),
          "title": f"{r.name} lot {i}", "smiles": r.smiles} for i, r in enumerate(records)]
pipeline = ChemistryPipeline(batch_size=len(items), wait=10, workers=workers)
pipeline.open_spider()
ticks = []
clock = task.LoopingCall(lambda: ticks.append(time.perf_counter()))
out = {}

def run():
    clock.start(0.005)
    start = time.perf_counter()
    ds = [deferred_from_coro(pipeline.process_item(dict(it))) for it in items]
    def done(results):
        out["batch"] = time.perf_counter() - start
        out["hits"] = sum(1 for ok, it in results if ok and it["chemistry"]["hits"])
        out["errors"] = sum(1 for ok, it in results if not ok)
        out["order"] = [it["listing_id"] for ok, it in results if ok] == [
            it["listing_id"] for it in items]
        inside = [t for t in ticks if t >= start]
        out["gap"] = max(b - a for a, b in zip([start, *inside], [*inside, time.perf_counter()]))
        clock.stop()
        deferred_from_coro(pipeline.close_spider()).addBoth(lambda _: reactor.stop())
    DeferredList(ds).addCallback(done)

reactor.callWhenRunning(run)
reactor.run()
print(json.dumps(out))
"""


def resolve_batch(workers: int) -> dict:
    proc = subprocess.run([sys.executable, "-c", REACTOR_SCRIPT, str(workers)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.subprocess
def test_the_reactor_keeps_running_while_a_batch_resolves_in_a_worker():
    beside = resolve_batch(workers=1)
    on_reactor = resolve_batch(workers=0)
    for run in (beside, on_reactor):
        assert run["errors"] == 0 and run["order"]  # every item back, in the order it came
    assert beside["hits"] == on_reactor["hits"]
    # On the reactor the batch stops the clock for its whole length (what the test guards
    # against); in a worker the reactor keeps ticking: the longest pause is a small share of
    # the batch, whatever the machine's load.
    assert on_reactor["gap"] >= 0.8 * on_reactor["batch"]
    assert beside["gap"] <= 0.25 * beside["batch"], beside


def crawl_samples(work: Path, workers: int) -> list[tuple]:
    db = work / f"catalog-{workers}.db"
    env = {**os.environ, "PRECURSOR_WATCH_EVIDENCE_DIR": str(work / f"crawls-{workers}"),
           "PRECURSOR_WATCH_CHEM_WORKERS": str(workers)}
    proc = subprocess.run(
        [sys.executable, "-m", "precursor_watch", "crawl", "--all", "--offline",
         "--db", str(db), "--out", str(work / f"items-{workers}.jsonl")],
        capture_output=True, text=True, timeout=600, cwd=work, env=env)
    assert proc.returncode == 3, proc.stderr[-3000:]  # ECHEMI's challenge: degraded
    con = sqlite3.connect(db)
    rows = con.execute("select listing, entry, match, round(score, 4) from hits"
                       " order by 1, 2").fetchall()
    con.close()
    return rows


@pytest.mark.crawl
@pytest.mark.subprocess
def test_a_sample_crawl_finds_the_same_hits_with_chemistry_in_a_worker(tmp_path):
    beside = crawl_samples(tmp_path, workers=1)
    on_reactor = crawl_samples(tmp_path, workers=0)
    assert beside == on_reactor
    entries = {entry for _, entry, _, _ in beside}
    assert {"npp", "boc-4-piperidone"} <= entries, entries  # the samples' NPP and 1-Boc-4-pip.


@pytest.mark.parametrize(("raw", "expected"), [
    ("", 7), ("  ", 7), ("12", 12), ("20_000", 20_000),
])
def test_cache_sizes_come_from_the_environment_with_a_default(monkeypatch, raw, expected):
    from chem.caches import env_size

    monkeypatch.setenv("PW_TEST_CACHE", raw)
    assert env_size("PW_TEST_CACHE", 7) == expected


@pytest.mark.parametrize("raw", ["lots", "0", "-5", "1.5"])
def test_a_bad_cache_size_is_an_error_that_names_the_variable(monkeypatch, raw):
    from chem.caches import env_size

    monkeypatch.setenv("PW_TEST_CACHE", raw)
    with pytest.raises(ValueError, match="PW_TEST_CACHE"):
        env_size("PW_TEST_CACHE", 7)


def test_the_lru_keeps_the_most_recently_used_entries():
    from chem.caches import LRU

    cache = LRU(3)
    for key in "abc":
        cache.put(key, key.upper())
    assert cache.get("a") == "A"  # used: "b" is now the oldest
    cache.put("d", "D")
    assert list(cache) == ["c", "a", "d"] and cache.get("b") is None


def test_the_opsin_and_fuzzy_caches_stay_within_their_bound():
    """The per-process caches hold at most their size, however many names pass."""
    from chem import opsin
    from chem.caches import LRU, NAME_CACHE

    assert isinstance(opsin._cache, LRU) and opsin._cache.size == NAME_CACHE
    from chem.names import NameIndex
    from chem.watchlist import default_watchlist

    index = NameIndex(default_watchlist(), _empty_dictionary())
    index._fuzzy_cache.size = 5
    for i in range(40):
        index.fuzzy(f"phenylacetone variant {i}")
    assert len(index._fuzzy_cache) == 5


def _empty_dictionary():
    from chem.dictionary import Dictionary

    return Dictionary([], {}, {})


@pytest.mark.parametrize(("query", "expected"), [
    ("npp", ["npp"]),                      # an id, any case
    ("NPP", ["npp"]),
    ("39742-60-4", ["npp"]),               # a CAS as written
    ("CAS 39742604", ["npp"]),             # another written form of the same CAS
    ("39742-60-5", []),                    # a wrong check digit is no CAS
    ("N-Phenethyl-4-piperidone", ["npp"]),  # a name, by name key
    ("N-phenethyl-4-piperidone HCl", ["npp"]),  # salt words ignored when nothing else matches
    ("table salt", []),
])
def test_the_watchlist_lookup_cli_and_web_share(query, expected):
    from chem.watchlist import default_watchlist

    assert [e.id for e in default_watchlist().find(query)] == expected


ORPHAN_SCRIPT = """
import os, sys, time
from pipelines.chemistry import Chemistry

chemistry = Chemistry(workers=1)
chemistry.open()
print(" ".join(str(p) for p in chemistry._pool._processes), flush=True)
time.sleep(600)
"""


@pytest.mark.subprocess
def test_a_killed_parent_leaves_no_orphan_chemistry_worker():
    """SIGKILL of the crawling process: its worker dies too (else it holds the crawl's pipes
    and a JVM until someone kills it by hand)."""
    import signal
    import time

    proc = subprocess.Popen([sys.executable, "-c", ORPHAN_SCRIPT], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)})
    workers = [int(p) for p in proc.stdout.readline().split()]
    assert workers and all(_alive(p) for p in workers)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    deadline = time.monotonic() + 30
    while any(_alive(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_alive(p) for p in workers)
    assert proc.stdout.read() == ""  # the pipe closed: no process holds it any more


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"  # a zombie is dead
    except FileNotFoundError:
        return False
