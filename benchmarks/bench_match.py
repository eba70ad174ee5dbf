"""Throughput of `match` on two workloads, each beside RDKit's bare SMILES-parse rate.

    python benchmarks/bench_match.py [--n 20000] [--repeated-distinct 3000] [--workers 2]

- all-distinct: N listings, every one a different text (ordinary chemicals from the offline
  dictionary by name, CAS or SMILES, plus watchlist names, typos, CAS texts and salts), so no
  cache helps: the structure work of every listing is paid;
- repeated: N listings drawn from a pool of `--repeated-distinct` texts (vendors copy text);
- all-distinct, SMILES rewritten: the all-distinct listings with every SMILES field written
  afresh (random atom order), so none is the offline dictionary's own string: the index's
  SMILES-string shortcut cannot help and each one is parsed and canonicalized.

For each: listings per CPU-second of Matcher.match_many in one process (fresh caches; CPU time,
so other processes sharing the machine do not count; wall time printed beside it), the bare
Chem.MolFromSmiles rate on one structure per listing, their ratio, and peak memory (RSS). With
--workers, the all-distinct run is repeated through `match --workers N` (forked processes) and
the speed-up is printed. Targets: all-distinct >= 3,000 listings/s on one core; >= 1.7x on 2
workers. Other processes share the CPU: the load average is printed beside the numbers.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import time

from rdkit import Chem

from chem import opsin
from chem.dictionary import default_dictionary
from chem.matcher import Matcher
from chem.standardize import _own_mol, _standardize, _standardize_known, standardize
from chem.text import _strip_salt_words, is_stopword, name_key
from pipelines.heap import freeze_heap

WRAPPERS = [
    "{} 99% min, 25kg drum", "Factory supply {} with best price", "Top quality {}, safe shipping",
    "Buy {} online", "{} powder in stock", "High purity {} 99%", "{} / fast delivery",
]
TARGET_ONE_CORE = 3000
TARGET_SCALING = 1.7


def typo(name: str, rng: random.Random) -> str:
    if len(name) < 6:
        return name
    i = rng.randrange(1, len(name) - 2)
    return name[:i] + name[i + 1] + name[i] + name[i + 2:]


def distinct_pool(n: int, seed: int, watchlist) -> list[dict]:
    """`n` listings with pairwise different text (and mostly different substances)."""
    rng = random.Random(seed)
    records = [r for r in default_dictionary().records if r.name and r.smiles and r.cas]
    rng.shuffle(records)
    pool: list[dict] = []
    for e in watchlist.entries:
        names = [e.name, *e.synonyms, *e.abbreviations]
        pool.append({"title": rng.choice(WRAPPERS).format(rng.choice(names))})
        pool.append({"title": rng.choice(WRAPPERS).format(typo(e.name, rng))})
        if e.cas:
            pool.append({"title": "Pharmaceutical intermediate",
                         "description": f"Product spec: CAS No.: {e.cas[0]}, purity 99%"})
        pool.append({"title": "Intermediate", "smiles": e.smiles + ".Cl"})
    for r in records[: max(n - len(pool), 0)]:
        form = rng.random()
        if form < 0.4:
            pool.append({"title": rng.choice(WRAPPERS).format(r.name)})
        elif form < 0.7:
            pool.append({"title": f"{rng.choice(WRAPPERS).format('Chemical')} #{len(pool)}",
                         "cas": r.cas})
        else:
            pool.append({"title": f"Intermediate {len(pool)}", "smiles": r.smiles})
    return [{"id": str(i), **p} for i, p in enumerate(pool[:n])]


def repeated(n: int, distinct: int, seed: int, watchlist) -> list[dict]:
    rng = random.Random(seed + 1)
    pool = distinct_pool(distinct, seed, watchlist)
    return [{**rng.choice(pool), "id": str(i)} for i in range(n)]


def rewritten(listings: list[dict], seed: int) -> list[dict]:
    """The same listings, each SMILES field written in another (random but valid) atom order."""
    out = []
    for i, x in enumerate(listings):
        mol = Chem.MolFromSmiles(x["smiles"]) if x.get("smiles") else None
        if mol is not None:
            x = {**x, "smiles": Chem.MolToRandomSmilesVect(mol, 1, randomSeed=seed + i)[0]}
        out.append(x)
    return out


def clear_caches() -> None:
    """Fresh per-text and per-structure caches: each workload pays its own work."""
    _standardize.cache_clear()
    _standardize_known.cache_clear()
    _own_mol.cache_clear()
    name_key.cache_clear()
    _strip_salt_words.cache_clear()
    is_stopword.cache_clear()
    opsin._cache.clear()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def one_core(name: str, listings: list[dict]) -> float:
    clear_caches()
    matcher = Matcher()
    freeze_heap()  # as `match` does once its matcher is built
    t0, c0 = time.perf_counter(), time.process_time()
    results = matcher.match_many(listings)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    rate = len(listings) / cpu  # per CPU-second of this process: one core, whatever the load
    smiles = [next((s.smiles for s in r.substances if s.smiles), None) for r in results]
    smiles = [s for s in smiles if s]
    c0 = time.process_time()
    for smi in smiles:
        Chem.MolFromSmiles(smi)
    bare = len(smiles) / (time.process_time() - c0)
    hits = sum(1 for r in results if r.hits)
    print(f"{name:<13} {len(listings):6d} listings ({hits} with hits): {rate:7.0f} listings/s "
          f"per CPU-second ({cpu:.2f} s CPU, {elapsed:.2f} s wall) | RDKit MolFromSmiles "
          f"{bare:7.0f}/s on {len(smiles)} structures "
          f"| ratio match/parse {rate / bare:.3f} | peak RSS {peak_rss_mb():.0f} MB"
          f" | load average {load()}")
    return rate


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def with_workers(listings: list[dict], workers: int) -> float:
    """Wall-clock listings/s of the CLI's JSON Lines path (`match --workers N`); prints the
    rate per CPU-second too (this process and its workers)."""
    from precursor_watch.cli_match import run_jsonl

    clear_caches()
    feed = io.BytesIO("".join(json.dumps(x) + "\n" for x in listings).encode())
    out = io.StringIO()
    matcher = Matcher()
    freeze_heap()  # as `match` does once its matcher is built
    t0, c0, k0 = time.perf_counter(), time.process_time(), children_cpu()
    run_jsonl(feed, out, workers=workers, matcher=matcher, batch=2000)
    wall = time.perf_counter() - t0
    cpu = time.process_time() - c0 + children_cpu() - k0
    print(f"match --workers {workers}: {len(listings) / wall:7.0f} listings/s wall, "
          f"{len(listings) / cpu:7.0f} per CPU-second ({wall:.1f} s, {cpu:.1f} CPU-s); "
          f"load average {load()}")
    return len(listings) / wall


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--repeated-distinct", type=int, default=3_000)
    ap.add_argument("--workers", type=int, default=0, help="also time `match --workers N`")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()

    t0 = time.perf_counter()
    watchlist = Matcher(use_opsin=False).watchlist
    standardize("C")  # load RDKit tables
    print(f"set-up {time.perf_counter() - t0:.1f} s; CPUs {os.cpu_count()}; "
          f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    distinct = distinct_pool(a.n, a.seed, watchlist)
    rate = one_core("all-distinct", distinct)
    one_core("repeated", repeated(a.n, a.repeated_distinct, a.seed, watchlist))
    one_core("distinct, SMILES rewritten", rewritten(distinct, a.seed))
    verdict = "met" if rate >= TARGET_ONE_CORE else f"NOT met (gap {TARGET_ONE_CORE - rate:.0f}/s)"
    print(f"target all-distinct >= {TARGET_ONE_CORE} listings/s on one core: {verdict}")
    if a.workers > 1:
        base = with_workers(distinct, 1)
        par = with_workers(distinct, a.workers)
        scale = par / base
        print(f"match (JSON Lines) 1 worker {base:7.0f}/s, {a.workers} workers {par:7.0f}/s: "
              f"x{scale:.2f} (target x{TARGET_SCALING}: "
              f"{'met' if scale >= TARGET_SCALING else 'NOT met'}); load average {load()}")


if __name__ == "__main__":
    main()
