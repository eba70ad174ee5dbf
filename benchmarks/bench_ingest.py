"""Throughput of the catalog pipelines beside sqlite-utils' bare `insert_all`, and a rescan.

    python benchmarks/bench_ingest.py [--n 100000] [--distinct 20000] [--vendors 2000]
                                      [--seed 7] [--workers 2] [--all-distinct 20000]

Synthetic listings (about `--distinct` distinct substances: ordinary chemicals from the offline
PubChem dictionary by name, CAS or SMILES, plus every watchlist entry) are offered by `--vendors`
vendors on four platforms, with random prices and stock; as on real marketplaces, vendors reuse
product text, so chemistry runs once per distinct text (the cache the crawl uses too). Each record
goes through validate -> chemistry -> CatalogWriter into a fresh catalog file. The same listing
rows are then written with sqlite-utils `insert_all` into another fresh file, and the catalog is
rescanned (every listing re-matched against the watchlist, cache empty). Beside it, an
all-distinct run: `--all-distinct` listings whose texts are all different (a lot number in every
title), so every listing is matched (the cost without the text cache); it runs before the rescan
on a matcher no earlier run warmed. Each run prints its wall-clock rate, the CPU seconds of the
writing process and of the chemistry worker, and the load average (other processes share the
CPU, so compare CPU rates between machines or busy moments).
Targets: at least 5,000 listings/s through the pipelines with 2 workers on 100,000 listings of
about 20,000 distinct texts (the defaults); rescan under a minute.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sqlite_utils

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chem.dictionary import default_dictionary  # noqa: E402
from chem.matcher import Matcher  # noqa: E402
from pipelines.catalog.connection import open_db  # noqa: E402
from pipelines.catalog.records import to_json  # noqa: E402
from pipelines.catalog.writer import CatalogWriter  # noqa: E402
from pipelines.chemistry import Chemistry  # noqa: E402
from pipelines.ingest.feed import BATCH, load_records, worker_nice  # noqa: E402
from pipelines.ingest.rescan import rescan  # noqa: E402
from pipelines.validate import check  # noqa: E402

TARGET = 5_000  # listings/s with 2 workers on 100,000 listings of ~20,000 distinct texts
PLATFORMS = ["chemmarket", "b2bhub", "tradeford", "vendorsite"]
WRAPPERS = ["{} 99% min", "Factory supply {}", "High purity {}", "{} powder in stock",
            "Buy {} online", "{} / fast delivery"]


def products(distinct: int, matcher: Matcher, rng: random.Random) -> list[dict]:
    records = [r for r in default_dictionary().records if r.name and r.cas and r.smiles]
    rng.shuffle(records)
    out = []
    for r in records[: max(distinct - len(matcher.watchlist.entries), 1)]:
        form = rng.random()
        if form < 0.4:
            out.append({"title": rng.choice(WRAPPERS).format(r.name)})
        elif form < 0.75:
            out.append({"title": rng.choice(WRAPPERS).format(r.name), "cas": r.cas})
        else:
            out.append({"title": "Pharmaceutical intermediate", "smiles": r.smiles})
    for e in matcher.watchlist.entries:
        out.append({"title": rng.choice(WRAPPERS).format(rng.choice([e.name, *e.abbreviations])),
                    "cas": e.cas[0] if e.cas else None})
    return out


def make_items(n: int, distinct: int, n_vendors: int, matcher: Matcher,
               seed: int) -> tuple[list[dict], list[dict]]:
    rng = random.Random(seed)
    prods = products(distinct, matcher, rng)
    vendors = []
    for i in range(n_vendors):
        phone = f"+86 131 {rng.randrange(10_000):04d} {i % 997:04d}"
        vendors.append({"type": "vendor", "platform": PLATFORMS[i % len(PLATFORMS)],
                        "vendor_id": f"v{i}", "name": f"Vendor {i} Chemical Co., Ltd.",
                        "country": "China", "phones": [phone],
                        "emails": [f"sales{i % 1500}@vendor{i % 1500}.example"]})
    listings = []
    for i in range(n):
        v = vendors[rng.randrange(n_vendors)]
        price = round(rng.uniform(5, 900), 2)
        listings.append({
            "platform": v["platform"], "listing_id": str(i),
            "url": f"https://{v['platform']}.example/p/{i}", **rng.choice(prods),
            "price_text": f"US ${price} / kg", "price_amount": price, "price_currency": "USD",
            "stock": f"{rng.randrange(1, 500)} kg", "vendor_id": v["vendor_id"],
            "vendor_name": v["name"], "payment_claims": ["T/T", "BTC"][: rng.randrange(1, 3)],
        })
    return vendors, listings


def children_cpu() -> float:
    """CPU seconds of finished child processes (the chemistry worker once it is shut down)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_pipelines(path: Path, vendors: list[dict], listings: list[dict],
                  chemistry: Chemistry) -> tuple[float, dict, float, float]:
    """(wall seconds, run result, CPU seconds of this process, CPU seconds of the chemistry
    worker). Closes `chemistry` (so its worker's CPU is counted)."""
    children0 = children_cpu()
    c0 = time.process_time()
    t0 = time.perf_counter()
    writer = CatalogWriter(open_db(path), kind="ingest", source="bench",
                           watchlist=chemistry.matcher.watchlist, batch_size=BATCH,
                           flush_seconds=3600, assess_radar=chemistry.radar_rows,
                           radar_ahead=chemistry.radar_ahead, bulk_load=True)
    writer.open()
    records = (rec for rec, _ in (check(raw) for raw in [*vendors, *listings]) if rec)
    load_records(records, writer, chemistry)
    result = writer.close(mark_gone=False)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    chemistry.close()
    return wall, result, cpu, children_cpu() - children0


def ingest_command(rows: list[dict], src: Path, db: Path, *options: str) -> float:
    """`rows` written to `src` as JSON Lines and stored by the real `precursor-watch ingest`
    (a child process; exit statuses 0 and 3, partial, are runs that wrote); `src` is removed.
    Returns the ingest's wall seconds (writing the file not included)."""
    with src.open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    t0 = time.perf_counter()
    r = subprocess.run([str(Path(sys.executable).parent / "precursor-watch"), "ingest", str(src),
                        "--db", str(db), *options], capture_output=True, text=True)
    if r.returncode not in (0, 3):
        sys.exit(f"ingest failed ({r.returncode}): {r.stderr[-2000:]}")
    elapsed = time.perf_counter() - t0
    src.unlink()
    return elapsed


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def run_insert_all(path: Path, listings: list[dict]) -> float:
    rows = [{k: (to_json(v) if isinstance(v, list) else v) for k, v in r.items()}
            for r in listings]
    t0 = time.perf_counter()
    db = sqlite_utils.Database(path)
    db["listings"].insert_all(rows, pk="listing_id", batch_size=BATCH)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000, help="listings (default 100000)")
    ap.add_argument("--distinct", type=int, default=20_000, help="distinct substances")
    ap.add_argument("--vendors", type=int, default=2_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--workers", type=int, default=2,
                    help="chemistry worker processes (0: match in the writing process)")
    ap.add_argument("--all-distinct", type=int, default=20_000,
                    help="listings of the all-distinct run (0: skip it)")
    a = ap.parse_args()

    t0 = time.perf_counter()
    matcher = Matcher()
    print(f"matcher ready in {time.perf_counter() - t0:.1f}s "
          f"(watchlist {matcher.watchlist.version})")
    vendors, listings = make_items(a.n, a.distinct, a.vendors, matcher, a.seed)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        rate = repeated_run(tmp, a, matcher, vendors, listings)
        if a.all_distinct:
            all_distinct_run(tmp, a, matcher, vendors, listings, rate)
        raw = run_insert_all(tmp / "raw.db", listings)
        raw_rate = a.n / raw
        print(f"sqlite-utils insert_all: {a.n:,} rows in {raw:.1f}s = {raw_rate:,.0f} rows/s; "
              f"pipelines at 1/{raw_rate / rate:.1f} of the bare insert")
        took = catalog_and_rescan(tmp / "catalog.db", matcher)
        verdict = lambda ok: "met" if ok else "NOT met"  # noqa: E731
        print(f"targets: >= {TARGET:,} listings/s with {a.workers} worker(s): "
              f"{verdict(rate >= TARGET)}; within an order of magnitude of insert_all: "
              f"{verdict(raw_rate / rate <= 10)}; rescan < 60 s: {verdict(took < 60)}")


def repeated_run(tmp: Path, a, matcher: Matcher, vendors: list[dict],
                 listings: list[dict]) -> float:
    """The main run (texts repeat as on real marketplaces); returns its wall-clock rate."""
    chemistry = Chemistry(matcher, workers=a.workers, nice=worker_nice())  # as `ingest`
    print(f"before the pipelines: {load()} ({os.cpu_count()} cores; workers at niceness"
          f" +{worker_nice()}, PRECURSOR_WATCH_CHEM_NICE)")
    elapsed, result, cpu, worker_cpu = run_pipelines(tmp / "catalog.db", vendors, listings,
                                                     chemistry)
    rate = a.n / elapsed
    print(f"pipelines: {a.n:,} listings + {a.vendors:,} vendors in {elapsed:.1f}s = "
          f"{rate:,.0f} listings/s wall ({chemistry.matched:,} distinct texts matched"
          f" with {a.workers} worker(s); {result['hits_new']:,} hits)")
    print(f"  CPU: writing process {cpu:.1f}s = {a.n / cpu:,.0f} listings per CPU-second;"
          f" chemistry worker(s) {worker_cpu:.1f}s; all {a.n / (cpu + worker_cpu):,.0f}"
          f" listings per CPU-second; after: {load()}")
    if a.workers:
        # With the work split over the writer and N workers, the wall rate a quiet machine
        # gives is bounded by the busiest of them: the writer, or the workers' share.
        cores = os.cpu_count() or 1
        bound = a.n / max(cpu, worker_cpu / a.workers)
        here = a.n / max(cpu, worker_cpu / a.workers, (cpu + worker_cpu) / cores)
        print(f"  quiet-machine bounds from CPU time: {bound:,.0f} listings/s on "
              f"{a.workers + 1} free cores (the busiest process), {here:,.0f} listings/s on "
              f"this machine's {cores} cores (all the CPU time spread over them)")
    return rate


def all_distinct_run(tmp: Path, a, matcher: Matcher, vendors: list[dict],
                     listings: list[dict], rate: float) -> None:
    """Every text different (a lot number in every title): every listing is matched."""
    distinct = [{**r, "title": f"{r.get('title') or ''} lot {i}"}
                for i, r in enumerate(listings[: a.all_distinct])]
    # Run before the rescan, with a matcher whose caches no earlier run warmed: a worker is
    # forked from this process's matcher, which has matched nothing yet (in process: a new
    # matcher; only OPSIN's process-wide name cache stays warm).
    fresh = matcher if a.workers else Matcher()
    chem2 = Chemistry(fresh, workers=a.workers, nice=worker_nice())
    took2, _, cpu2, worker2 = run_pipelines(tmp / "distinct.db", vendors, distinct, chem2)
    print(f"all-distinct: {len(distinct):,} listings, every text different, in "
          f"{took2:.1f}s = {len(distinct) / took2:,.0f} listings/s "
          f"({chem2.matched:,} texts matched) beside {rate:,.0f}/s with repeated texts")
    print(f"  CPU: writing process {cpu2:.1f}s, chemistry worker(s) {worker2:.1f}s ="
          f" {len(distinct) / (cpu2 + worker2):,.0f} listings per CPU-second; {load()}")


def catalog_and_rescan(path: Path, matcher: Matcher) -> float:
    """Print the catalog's counts; rescan it and return the rescan's seconds."""
    db = open_db(path)
    one = lambda sql: db.execute(sql).fetchone()[0]  # noqa: E731
    print(f"catalog: {db['listings'].count:,} listings, {db['substances'].count:,} "
          f"substances, {db['listing_versions'].count:,} versions, "
          f"{one('select count(*) from vendors where merged_into is null'):,} vendors, "
          f"{one('select count(distinct network) from vendor_networks where size > 1'):,}"
          " networks")
    t0, c0 = time.perf_counter(), time.process_time()
    r = rescan(db, Chemistry(matcher))
    took = time.perf_counter() - t0
    print(f"rescan: {r['listings']:,} listings ({r['texts']:,} distinct texts) in "
          f"{took:.1f}s wall, {time.process_time() - c0:.1f} CPU-s; {r['hits_new']} new hits;"
          f" {load()}")
    return took

if __name__ == "__main__":
    main()
