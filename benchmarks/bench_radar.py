"""Retrospective evaluation of the radar, and its speed.

    python benchmarks/bench_radar.py [--timing 100000] [--no-timing] [--make-pool 4000]
                                     [--show 8]

Scheduling waves come from the project's own history: the dated waves up to 2024 in
benchmarks/data/radar_waves.csv (read from the entries' notes and SOURCES.md; the development
waves) and every entry the changelog (chem/data/changelog.csv) adds after its baseline version
(the held-out waves: the radar was not tuned on them). For each wave the watchlist is taken as it
stood before it (the wave's entries and every later wave's removed, with the class rules of the
removed entries; controlled drugs first controlled in the wave's year or later left out), the
removed substances are put among the ordinary compounds of benchmarks/data/radar_ordinary.csv
(drawn from the PubChem-derived table of `chemicals`, see radar_pool.py) with a simulated vendor
context, and the radar ranks them all. Printed per wave: each removed substance's rank among the
ordinary compounds (ties counted against it), recall in the top 50, beside the same with the
chemistry alone (no vendor context) and plain Morgan-fingerprint max-similarity to the watchlist
(the baseline). Targets: recall >= 0.8 in the top 50 on every wave.

The timing part scores `--timing` distinct substances (the table's vendor-like compounds, then
ring-substituted variants of them until the number is reached) on one core, coverage check
included: target under 2 minutes.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import datetime as dt
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from radar_pool import POOL_PATH, make_pool, offers, read_pool, vendor_like  # noqa: E402
from rdkit import Chem, RDLogger  # noqa: E402

from chem.radar import Context, RadarChemistry, score  # noqa: E402
from chem.watchlist import Watchlist, load_watchlist  # noqa: E402

WAVES_PATH = Path(__file__).parent / "data" / "radar_waves.csv"
TOP = 50
TARGET_RECALL = 0.8
TARGET_SECONDS = 120.0
TODAY = dt.date(2026, 12, 1)


@dataclasses.dataclass(frozen=True)
class Wave:
    name: str
    date: dt.date
    entries: tuple[str, ...]
    held_out: bool


def waves(wl: Watchlist) -> list[Wave]:
    out = []
    with WAVES_PATH.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            out.append(Wave(row["wave"], dt.date.fromisoformat(row["date"]),
                            tuple(e.strip() for e in row["entries"].split(";")), False))
    baseline = wl.changelog[0].version if wl.changelog else ""
    later: dict[str, list] = {}
    for c in wl.changelog:
        if c.version != baseline and c.change == "added":
            later.setdefault(c.version, []).append(c)
    for version, changes in sorted(later.items()):
        out.append(Wave(f"{version} changelog additions (held out)",
                        dt.date.fromisoformat(changes[0].date),
                        tuple(c.subject for c in changes), True))
    return out


def before(wl: Watchlist, all_waves: list[Wave], wave: Wave) -> Watchlist:
    """The watchlist as it stood before `wave`."""
    gone = {e for w in all_waves if w.date >= wave.date for e in w.entries}
    entries = [e for e in wl.entries if e.id not in gone]
    classes = [c for c in wl.classes if c.entry not in gone]
    drugs = [d for d in wl.drugs if not d.controlled_since or d.controlled_since < wave.date.year]
    return dataclasses.replace(wl, entries=entries, classes=classes, drugs=drugs)


def rank_among(value: float, ordinary: list[float]) -> int:
    """1 + the ordinary compounds scoring at least as high (ties count against the substance)."""
    return 1 + sum(1 for o in ordinary if o >= value)


def evaluate(wl: Watchlist, pool: list[dict[str, str]], show: int) -> list[tuple]:
    all_waves = waves(wl)
    entries = wl.by_id()
    summary = []
    for i, wave in enumerate(all_waves):
        pre = before(wl, all_waves, wave)
        radar = RadarChemistry.build(pre)
        removed = [entries[e] for e in wave.entries if e in entries]
        precursors = [e.id for e in pre.entries if e.tier in ("precursor", "pre-precursor")]
        keys = [e.id for e in removed] + [p["inchikey"] for p in pool]
        offered, first_seen, listed = offers(keys, precursors, {e.id for e in removed},
                                             seed=1000 + i, today=TODAY)
        scored: dict[str, tuple[float, float, float]] = {}
        chems = {}
        for key, smiles in [(e.id, e.smiles) for e in removed] + \
                [(p["inchikey"], p["smiles"]) for p in pool]:
            chem = radar.assess(smiles, check_covered=key in {e.id for e in removed},
                                similarity=True)
            if chem is None:
                continue
            chems[key] = chem
            total, _ = score(chem, Context(offered[key], (), first_seen[key]), listed, TODAY)
            scored[key] = (total, chem.value, chem.similarity)
        ordinary = [scored[p["inchikey"]] for p in pool if p["inchikey"] in scored]
        cols = [[o[j] for o in ordinary] for j in range(3)]
        kind = "HELD OUT, not tuned on" if wave.held_out else "development"
        print(f"\n== {wave.name} ({wave.date}; {kind}): {len(removed)} removed among "
              f"{len(ordinary)} ordinary; watchlist before: {len(pre.entries)} entries, "
              f"{len(pre.classes)} class rules, {len(pre.drugs)} drugs; "
              f"{len(radar.index)} predecessors indexed")
        print(f"   {'substance':34} {'radar':>6} {'chem':>6} {'simil':>6}  matcher-before  reason")
        ranks = []
        for e in removed:
            if e.id not in scored:
                continue
            r = tuple(rank_among(scored[e.id][j], cols[j]) for j in range(3))
            ranks.append(r)
            chem = chems[e.id]
            why = (chem.reasons() or ["-"])[0]
            print(f"   {e.id[:34]:34} {r[0]:6d} {r[1]:6d} {r[2]:6d}  "
                  f"{'covered' if chem.covered else '-':14}  {why[:90]}")
        recall = [sum(1 for r in ranks if r[j] <= TOP) / max(1, len(ranks)) for j in range(3)]
        print(f"   recall@{TOP}: radar {recall[0]:.2f}   chemistry only {recall[1]:.2f}   "
              f"similarity baseline {recall[2]:.2f}")
        top = sorted(((scored[p["inchikey"]][0], p) for p in pool if p["inchikey"] in scored),
                     key=lambda x: -x[0])[:show]
        for s, p in top:
            print(f"   top ordinary {s:.3f} {p['name'][:40]:40} "
                  f"{(chems[p['inchikey']].reasons() or ['-'])[0][:70]}")
        summary.append((wave, len(ranks), recall))
    return summary


def timing_set(n: int) -> list[str]:
    """`n` distinct SMILES: the table's vendor-like compounds, then ring-substituted variants."""
    from chem.dictionary import default_dictionary

    RDLogger.DisableLog("rdApp.*")
    base = [r.smiles for r in default_dictionary().records if r.smiles and vendor_like(r.smiles)]
    seen: set[str] = set()
    out: list[str] = []
    for s in base:
        if s not in seen:
            seen.add(s)
            out.append(s)
    rxns = [Chem.rdChemReactions.ReactionFromSmarts(f"[cH:1]>>[c:1]{g}")
            for g in ("F", "Cl", "C", "OC", "Br")]
    for rxn in rxns:
        for s in base:
            if len(out) >= n:
                return out[:n]
            mol = Chem.MolFromSmiles(s)
            products = rxn.RunReactants((mol,), maxProducts=1) if mol is not None else ()
            if products:
                p = products[0][0]
                try:
                    Chem.SanitizeMol(p)
                except (ValueError, RuntimeError):
                    continue
                smi = Chem.MolToSmiles(p)
                if smi not in seen:
                    seen.add(smi)
                    out.append(smi)
    return out[:n]


def timing(wl: Watchlist, n: int) -> None:
    smiles = timing_set(n)
    t0 = time.perf_counter()
    radar = RadarChemistry.build(wl)
    build = time.perf_counter() - t0
    cpu0, t0 = time.process_time(), time.perf_counter()
    listed = {"vendor-00": 5}
    found = 0
    for s in smiles:
        chem = radar.assess(s)
        if chem is None:
            continue
        score(chem, Context(("vendor-00",), (), "2026-11-01"), listed, TODAY)
        found += bool(chem.routes or chem.series_of) and not chem.covered
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n== timing: {len(smiles):,} distinct substances on one core: {wall:.1f} s wall, "
          f"{cpu:.1f} s CPU ({len(smiles) / cpu:,.0f} substances per CPU-second; index build "
          f"{build:.1f} s); {found:,} with a route or series; peak RSS {rss:.0f} MB; load average "
          f"{os.getloadavg()[0]:.2f}; target < {TARGET_SECONDS:.0f} s: "
          f"{'met' if wall < TARGET_SECONDS else 'NOT met'}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--make-pool", type=int, metavar="N",
                    help="redraw the ordinary compounds (N of them) and write them")
    ap.add_argument("--timing", type=int, default=100_000)
    ap.add_argument("--no-timing", action="store_true")
    ap.add_argument("--show", type=int, default=5, help="top ordinary compounds shown per wave")
    args = ap.parse_args()
    wl = load_watchlist()
    if args.make_pool:
        from chem.structures import StructureIndex

        index = StructureIndex(wl)
        exclude = {e.connectivity for e in wl.entries} | {d.inchikey[:14] for d in wl.drugs}
        n = make_pool(args.make_pool, exclude, lambda s: bool(index.hits(s, "smiles")))
        print(f"wrote {n} ordinary compounds to {POOL_PATH}")
    pool = read_pool()
    summary = evaluate(wl, pool, args.show)
    print(f"\n== summary (recall in the top {TOP} among {len(pool)} ordinary compounds; "
          f"target >= {TARGET_RECALL})")
    for wave, n, recall in summary:
        flag = "held out" if wave.held_out else "dev"
        print(f"   {wave.name[:48]:48} {flag:8} n={n:2d}  radar {recall[0]:.2f}  "
              f"chemistry {recall[1]:.2f}  similarity {recall[2]:.2f}")
    if not args.no_timing:
        timing(wl, args.timing)


if __name__ == "__main__":
    main()
