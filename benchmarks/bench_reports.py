"""`precursor-watch report` at three catalog sizes: time and peak memory per format.

    .venv/bin/python benchmarks/bench_reports.py [--listings 8000] [--vendors 2000]
        [--copies 1,8,64] [--formats csv,json,xlsx,html] [--keep DIR]

Synthetic listings (those of bench_ingest.py: dictionary chemicals and every watchlist entry
written by name, CAS or SMILES) go through one real `precursor-watch ingest`; that catalog is
then grown to each size of `--copies` by copying every listing with its hits, substances and
priced versions under new ids (tests/webkit.py `grow_catalog`; the report's work per hit is the
same, and `ingest` at 500,000 listings would take most of an hour on a shared 2-core machine).
`precursor-watch report --format F --output FILE` then runs once per format and size as a child
process. Printed per run: hits written, wall and the child's CPU seconds, the marginal CPU
milliseconds per hit over the smallest size (flat = linear time; start-up excluded) and the
child's peak resident memory (GNU time's %M; flat = constant memory, the interpreter,
RDKit and the watchlist being the floor). Everything created is removed unless `--keep DIR`.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))

from bench_ingest import ingest_command, load, make_items  # noqa: E402
from webkit import grow_catalog  # noqa: E402

BIN = Path(sys.executable).parent
TIME = shutil.which("time") or "/usr/bin/time"  # GNU time (Debian package `time`)


def build(folder: Path, n: int, n_vendors: int, seed: int) -> Path:
    """A catalog of `n` synthetic listings written by the real `ingest`."""
    from chem.matcher import Matcher

    vendors, listings = make_items(n, 3000, n_vendors, Matcher(use_opsin=False), seed)
    db = folder / "catalog.db"
    elapsed = ingest_command(vendors + listings, folder / "items.jsonl", db)
    print(f"ingest: {n:,} listings in {elapsed:.0f} s; {load()}")
    return db


def run_report(db: Path, fmt: str, out: Path) -> tuple[int, float, float, int]:
    """(hits, wall s, CPU s, peak RSS KiB) of one `report` child process. The peak is taken by
    /usr/bin/time: a child forked from this process would count this process's pages (the
    matcher loaded for the synthetic listings) in its own ru_maxrss."""
    stats = out.with_suffix(".time")
    t0 = time.perf_counter()
    r = subprocess.run([TIME, "-f", "%M %U %S", "-o", str(stats), str(BIN / "precursor-watch"),
                        "report", "--db", str(db), "--format", fmt, "--output", str(out)],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t0
    if r.returncode:
        sys.exit(f"report {fmt} failed ({r.returncode}): {r.stderr[-1000:]}")
    rss, user, system = stats.read_text().split()[-3:]
    stats.unlink()
    hits = int(r.stderr.split("report: ")[1].split()[0])
    return hits, wall, float(user) + float(system), int(rss)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--listings", type=int, default=8000, help="listings ingested")
    ap.add_argument("--vendors", type=int, default=2000)
    ap.add_argument("--copies", default="1,8,64", help="catalog sizes, as copies of it")
    ap.add_argument("--formats", default="csv,json,xlsx,html")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--keep", metavar="DIR", help="keep the catalogs and reports here")
    a = ap.parse_args()
    copies = [int(x) for x in a.copies.split(",")]
    formats = a.formats.split(",")
    folder = Path(a.keep) if a.keep else Path(tempfile.mkdtemp(prefix="pw-bench-reports-"))
    folder.mkdir(parents=True, exist_ok=True)
    results: dict[str, list[tuple]] = {f: [] for f in formats}
    try:
        base = build(folder, a.listings, a.vendors, a.seed)
        for k in copies:
            db = grow_catalog(base, folder / f"x{k}.db", k) if k > 1 else base
            for fmt in formats:
                results[fmt].append((a.listings * k, *run_report(db, fmt, folder / f"r.{fmt}")))
                (folder / f"r.{fmt}").unlink()
            if db != base:
                db.unlink()
        print(f"\n{'format':6} {'listings':>9} {'hits':>8} {'wall s':>7} {'CPU s':>7}"
              f" {'marginal CPU ms/hit':>20} {'peak RSS MiB':>12}")
        for fmt, rows in results.items():
            first = rows[0]
            for n, hits, wall, cpu, rss in rows:
                marginal = (f"{1000 * (cpu - first[3]) / (hits - first[1]):20.3f}"
                            if hits > first[1] else f"{'':20}")
                print(f"{fmt:6} {n:9,} {hits:8,} {wall:7.1f} {cpu:7.1f} {marginal}"
                      f" {rss / 1024:12.0f}")
        print(load())
    finally:
        if not a.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
