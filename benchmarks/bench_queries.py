"""The pages a person opens, on a catalog built by the real `precursor-watch ingest`.

    .venv/bin/python benchmarks/bench_queries.py [--listings 100000] [--vendors 10000]
                                                 [--repeat 10] [--bare-repeat 3] [--workers 2]
                                                 [--keep DIR]

Synthetic listings (those of bench_ingest.py: dictionary chemicals and every watchlist entry,
written by name, CAS or SMILES, from `--vendors` vendors sharing some e-mails) go through two
`precursor-watch ingest` runs (90 %, then the rest, so new-since has a latest run), into a
fresh catalog. Then `precursor-watch serve` and, beside it, a bare `datasette` (default
settings, no metadata; the project's plugin still loads as an entry point) serve the same file
on loopback ports, and each page is fetched `--repeat` times as a browser would (HTML, with the
table's facets): p50 and p95 per page (target p95 <= 1 s). Then `precursor-watch report` in
every format on growing selections (time per format against the row count; linear means a
constant ms/row). Everything created is removed unless `--keep DIR`.
Use `--listings 1000000 --vendors 100000` for the full-size run (the ingest alone takes several
minutes on a busy 2-core machine).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_ingest import children_cpu, ingest_command, load, make_items  # noqa: E402
from webkit import free_port, serving  # noqa: E402

BIN = Path(sys.executable).parent
TARGET_MS = 1000


def build(folder: Path, n: int, n_vendors: int, seed: int, workers: int) -> Path:
    """Two real `ingest --workers N` runs into folder/bench.db; prints their rates on the wall
    clock and per CPU-second (the ingest process and its chemistry workers)."""
    from chem.matcher import Matcher

    vendors, listings = make_items(n, 3000, n_vendors, Matcher(use_opsin=False), seed)
    for i, v in enumerate(vendors):  # every 10th vendor shares its phone with the next one
        if i % 10 == 1:
            v["phones"] = vendors[i - 1]["phones"]
    cut = int(len(listings) * 0.9)
    db = folder / "bench.db"
    for part, rows in (("first", vendors + listings[:cut]), ("second", listings[cut:])):
        c0 = children_cpu()
        dt = ingest_command(rows, folder / f"{part}.jsonl", db, "--workers", str(workers))
        cpu = children_cpu() - c0
        print(f"ingest {part}: {len(rows):,} records in {dt:.0f} s ({len(rows) / dt:,.0f}/s"
              f" wall, {workers} workers); {cpu:.0f} CPU-s in all ({len(rows) / cpu:,.0f}"
              f" records per CPU-second); {load()}")
    return db


def timed(url: str, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        with urllib.request.urlopen(url, timeout=300) as resp:
            resp.read()
            if resp.status != 200:
                raise RuntimeError(f"{url}: {resp.status}")
        out.append((time.perf_counter() - t0) * 1000)
    return out


def p95(times: list[float]) -> float:
    times = sorted(times)
    return times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]


class BareDatasette:
    """`datasette serve FILE` with default settings on a loopback port."""

    def __init__(self, db: Path):
        self.port = free_port()
        self.proc = subprocess.Popen(
            [str(BIN / "datasette"), "serve", str(db), "--port", str(self.port), "--host",
             "127.0.0.1"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.base = f"http://127.0.0.1:{self.port}"
        for _ in range(300):
            try:
                urllib.request.urlopen(self.base + "/-/versions.json", timeout=5).read()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("bare datasette did not start")

    def close(self):
        self.proc.terminate()
        self.proc.wait(timeout=20)


def pages(conn: sqlite3.Connection, name: str) -> dict[str, tuple[str, bool]]:
    """label -> (path, also on bare datasette)."""
    vendor, = conn.execute("select p.vendor from hits h join listings l on l.id = h.listing"
                           " join vendor_profiles p on p.id = l.vendor_profile"
                           " group by p.vendor order by count(*) desc limit 1").fetchone()
    phone, = conn.execute("select value from vendor_identifiers where kind = 'phone' limit 1"
                          ).fetchone()
    return {
        "listings table (facets)": (f"/{name}/listings", True),
        "listings table sorted by price": (f"/{name}/listings?_sort=price_amount", True),
        "listings filtered by platform": (f"/{name}/listings?platform=b2bhub", True),
        "hits table (facets)": (f"/{name}/hits", True),
        "vendors table": (f"/{name}/vendors", True),
        "listings CSV export (1 page)": (f"/{name}/listings.csv", True),
        "listings CSV export (max page)": (f"/{name}/listings.csv?_size=max", True),
        "table search": (f"/{name}/listings?_search=piperidone", True),
        "search page": ("/-/search?q=piperidone", False),
        "search a phone": ("/-/search?q=" + quote(phone), False),
        "who-sells npp": ("/-/who-sells?q=npp", False),
        "who-sells by CAS": ("/-/who-sells?q=79099-07-3", False),
        "vendor dossier": (f"/-/vendor/{vendor}", False),
        "vendor list": ("/-/vendors", False),
        "new-since latest": ("/-/new-since?since=latest", False),
        "network": ("/-/network", False),
        "feed.atom": ("/-/feed.atom", False),
    }


def time_pages(db: Path, repeat: int, bare_repeat: int) -> float:
    conn = sqlite3.connect(db)
    urls = pages(conn, db.stem)
    conn.close()
    worst = 0.0
    bare = BareDatasette(db)
    try:
        with serving(db) as base:
            timed(base + "/-/who-sells?q=npp", 1)  # the matcher is built on first use
            print(f"\n{'page':34} {'p50 ms':>8} {'p95 ms':>8}   {'bare p50':>9} {'bare p95':>9}")
            for label, (path, on_bare) in urls.items():
                ours = timed(base + path, repeat)
                worst = max(worst, p95(ours))
                line = f"{label:34} {statistics.median(ours):8.0f} {p95(ours):8.0f}"
                if on_bare:
                    theirs = timed(bare.base + path, bare_repeat)
                    line += f"   {statistics.median(theirs):9.0f} {p95(theirs):9.0f}"
                print(line + ("" if p95(ours) <= TARGET_MS else "   over target"))
    finally:
        bare.close()
    print(f"worst p95: {worst:.0f} ms (target <= {TARGET_MS} ms); {load()}")
    return worst


def time_reports(db: Path, folder: Path) -> None:
    """Each format on three selections of growing size: ms per row should stay flat."""
    conn = sqlite3.connect(db)
    entries = [e for (e,) in conn.execute(
        "select entry from hits where current = 1 group by entry order by count(*)")]
    conn.close()
    picks = [entries[: max(1, len(entries) // 8)], entries[: max(1, len(entries) // 2)], []]
    print(f"\n{'format':6} {'rows':>8} {'seconds':>8} {'ms/row':>8}   (marginal ms/row: the"
          " cost of the extra rows over the smallest selection, start-up excluded)")
    for fmt in ("csv", "json", "xlsx", "html"):
        first = None
        for pick in picks:
            out = folder / f"r.{fmt}"
            args = [a for e in pick for a in ("--entry", e)]
            t0 = time.perf_counter()
            r = subprocess.run([str(BIN / "precursor-watch"), "report", "--db", str(db),
                                "--format", fmt, "--output", str(out), *args],
                               capture_output=True, text=True)
            dt = time.perf_counter() - t0
            if r.returncode:
                sys.exit(f"report {fmt} failed: {r.stderr[-1000:]}")
            rows = int(r.stderr.split("report: ")[1].split()[0])
            marginal = "" if first is None or rows == first[0] else (
                f"   marginal {1000 * (dt - first[1]) / (rows - first[0]):.3f}")
            first = first or (rows, dt)
            print(f"{fmt:6} {rows:8,} {dt:8.1f} {1000 * dt / max(rows, 1):8.2f}{marginal}")
            out.unlink()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--listings", type=int, default=100_000)
    ap.add_argument("--vendors", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=10, help="fetches per page (default 10)")
    ap.add_argument("--bare-repeat", type=int, default=3,
                    help="fetches per page of the bare datasette (default 3: seconds each)")
    ap.add_argument("--workers", type=int, default=2,
                    help="chemistry workers of each ingest (default 2)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--no-reports", action="store_true",
                    help="skip the report timings (benchmarks/bench_reports.py has its own)")
    ap.add_argument("--keep", metavar="DIR",
                    help="Build (or reuse) the catalog in DIR and keep it.")
    args = ap.parse_args()
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-queries-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        db = folder / "bench.db"
        if not db.exists():
            build(folder, args.listings, args.vendors, args.seed, args.workers)
        conn = sqlite3.connect(db)
        n, h = (conn.execute("select count(*) from listings").fetchone()[0],
                conn.execute("select count(*) from hits where current = 1").fetchone()[0])
        conn.close()
        size = os.path.getsize(db)
        print(f"catalog: {n:,} listings, {h:,} current hits, {size / 1e6:.0f} MB "
              f"({size / max(n, 1):.0f} bytes per listing)")
        time_pages(db, args.repeat, args.bare_repeat)
        if not args.no_reports:
            time_reports(db, folder)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
