"""Peak memory of `match` as the number of distinct listings grows: it must stay flat.

    python benchmarks/bench_memory.py [--small 20000] [--large 200000] [--workers 1]

Writes two JSON Lines files of pairwise different listings (bench_match's all-distinct pool:
dictionary chemicals by name, CAS or SMILES and watchlist names, typos, CAS texts and salts;
past the pool, the same chemicals again with every SMILES written in another atom order and a
lot number in each title, so every text and structure string is new), then runs the `match`
command's JSON Lines path (`precursor_watch.cli_match.run_jsonl`, output discarded) on each in a
fresh process and prints that process's peak RSS (with `--workers` > 1, the largest of the
forked workers too), the rates on the wall clock and per CPU-second, and the load average.
Target: peak RSS on `--large` within 1.2x of that on `--small` (the name, structure and OPSIN
caches are bounded: `chem.caches`).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

TARGET = 1.2

CHILD = """
import io, json, os, resource, sys, time
from precursor_watch.cli_match import run_jsonl

class Null(io.TextIOBase):
    def write(self, s):
        return len(s)

t0, c0 = time.perf_counter(), time.process_time()
with open(sys.argv[1], "rb") as fh:
    listings, errors = run_jsonl(fh, Null(), workers=int(sys.argv[2]))
wall, cpu = time.perf_counter() - t0, time.process_time() - c0
own = resource.getrusage(resource.RUSAGE_SELF)
kids = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"listings": listings, "errors": errors, "wall": wall,
                  "cpu": cpu + kids.ru_utime + kids.ru_stime,
                  "rss_mb": own.ru_maxrss / 1024, "children_rss_mb": kids.ru_maxrss / 1024}))
"""


def distinct_listings(n: int, seed: int) -> Iterator[dict]:
    """`n` listings, no two with the same text."""
    from bench_match import WRAPPERS, distinct_pool
    from rdkit import Chem

    from chem.matcher import Matcher

    watchlist = Matcher(use_opsin=False).watchlist
    pool = distinct_pool(n, seed, watchlist)
    yield from pool
    rng = random.Random(seed)
    lap = 0
    while len(pool) and n > len(pool) * (lap + 1):
        lap += 1
        for i, x in enumerate(pool):
            number = len(pool) * lap + i
            if number >= n:
                return
            x = {**x, "id": str(number)}
            if x.get("smiles"):
                mol = Chem.MolFromSmiles(x["smiles"])
                if mol is not None:
                    x["smiles"] = Chem.MolToRandomSmilesVect(mol, 1, randomSeed=seed + number)[0]
            x["title"] = f"{rng.choice(WRAPPERS).format(x.get('title') or 'Chemical')} " \
                         f"lot {number}"
            yield x


def write_feed(path: Path, n: int, seed: int) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as fh:
        for x in distinct_listings(n, seed):
            fh.write(json.dumps(x, ensure_ascii=False) + "\n")
            count += 1
    return count


def measure(path: Path, workers: int) -> dict:
    proc = subprocess.run([sys.executable, "-c", CHILD, str(path), str(workers)],
                          capture_output=True, text=True, cwd=ROOT, timeout=7200,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    if proc.returncode != 0:
        sys.exit(proc.stderr[-3000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--small", type=int, default=20_000)
    ap.add_argument("--large", type=int, default=200_000)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    print(f"load average {load()} ({os.cpu_count()} cores); caches: name "
          f"{os.environ.get('PRECURSOR_WATCH_NAME_CACHE', 'default')}, structure "
          f"{os.environ.get('PRECURSOR_WATCH_STRUCTURE_CACHE', 'default')}")
    peaks = {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, n in (("small", a.small), ("large", a.large)):
            feed = Path(tmp) / f"{label}.jsonl"
            t0 = time.perf_counter()
            count = write_feed(feed, n, a.seed)
            made = time.perf_counter() - t0
            r = measure(feed, a.workers)
            peak = max(r["rss_mb"], r["children_rss_mb"] if a.workers > 1 else 0)
            peaks[label] = peak
            print(f"{count:8,} distinct listings: peak RSS {peak:7.0f} MB | "
                  f"{r['listings'] / r['wall']:6.0f} listings/s wall, "
                  f"{r['listings'] / r['cpu']:6.0f} per CPU-second ({r['wall']:.0f} s, "
                  f"{r['cpu']:.0f} CPU-s; {r['errors']} listings with errors; feed written in "
                  f"{made:.0f} s) | load average {load()}")
    ratio = peaks["large"] / peaks["small"]
    verdict = "met" if ratio <= TARGET else "NOT met"
    print(f"peak RSS ratio large/small {ratio:.2f} (target <= {TARGET}: {verdict})")


if __name__ == "__main__":
    main()
