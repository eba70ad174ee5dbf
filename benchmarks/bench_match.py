"""Throughput of `match` over mixed listings, beside RDKit's bare SMILES-parse rate.

    python benchmarks/bench_match.py [--n 10000] [--distinct 3000] [--seed 7]

Listings are generated from the offline dictionary (ordinary chemicals by name, CAS or SMILES)
and the watchlist (names, abbreviations, CAS, salts, typos), wrapped in vendor phrasing; about a
third of them carry a SMILES. Prints listings/second of Matcher.match_many (indexes already
loaded; OPSIN included), the bare Chem.MolFromSmiles rate on the same SMILES, and their ratio.
Target: at least 2,000 listings/s on one core.
"""

from __future__ import annotations

import argparse
import random
import time

from rdkit import Chem

from chem.dictionary import default_dictionary
from chem.matcher import Matcher

WRAPPERS = [
    "{} 99% min, 25kg drum", "Factory supply {} with best price", "Top quality {}, safe shipping",
    "Buy {} online", "{} powder in stock", "High purity {} 99%", "{} / fast delivery",
]


def typo(name: str, rng: random.Random) -> str:
    if len(name) < 6:
        return name
    i = rng.randrange(1, len(name) - 2)
    return name[:i] + name[i + 1] + name[i] + name[i + 2:]


def make_listings(n: int, distinct: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    matcher_wl = Matcher(use_opsin=False).watchlist
    records = [r for r in default_dictionary().records if r.name and r.smiles and r.cas]
    rng.shuffle(records)
    pool: list[dict] = []
    for r in records[: max(distinct - 200, 1)]:
        form = rng.random()
        if form < 0.4:
            pool.append({"title": rng.choice(WRAPPERS).format(r.name)})
        elif form < 0.7:
            pool.append({"title": rng.choice(WRAPPERS).format("Chemical"), "cas": r.cas})
        else:
            pool.append({"title": "Intermediate", "smiles": r.smiles})
    for e in matcher_wl.entries:
        names = [e.name, *e.synonyms, *e.abbreviations]
        pool.append({"title": rng.choice(WRAPPERS).format(rng.choice(names))})
        pool.append({"title": rng.choice(WRAPPERS).format(typo(e.name, rng))})
        if e.cas:
            pool.append({"title": "Pharmaceutical intermediate",
                         "description": f"Product spec: CAS No.: {e.cas[0]}, purity 99%"})
        pool.append({"title": "Intermediate", "smiles": e.smiles + ".Cl"})
    return [{"id": str(i), **rng.choice(pool)} for i in range(n)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--distinct", type=int, default=3_000)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()

    t0 = time.perf_counter()
    matcher = Matcher()
    setup = time.perf_counter() - t0
    listings = make_listings(a.n, a.distinct, a.seed)

    t0 = time.perf_counter()
    results = matcher.match_many(listings)
    elapsed = time.perf_counter() - t0
    rate = len(listings) / elapsed
    hits = sum(1 for r in results if r.hits)

    smiles = [s.smiles for r in results for s in r.substances if s.smiles]
    t0 = time.perf_counter()
    for smi in smiles:
        Chem.MolFromSmiles(smi)
    bare = len(smiles) / (time.perf_counter() - t0)

    print(f"matcher set-up            {setup:8.2f} s")
    print(f"listings                  {len(listings):8d}  ({hits} with watchlist hits)")
    print(f"match                     {rate:8.0f} listings/s  ({elapsed:.2f} s)")
    print(f"RDKit MolFromSmiles       {bare:8.0f} structures/s  ({len(smiles)} structures)")
    print(f"ratio match/parse         {rate / bare:8.3f}")
    print(f"target 2,000 listings/s   {'met' if rate >= 2000 else 'NOT met'}")


if __name__ == "__main__":
    main()
