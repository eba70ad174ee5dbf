"""Analyst pages and canned queries at scale: generate a catalog (default 1,000,000 listings from
100,000 vendors), serve it with `precursor-watch serve` on a loopback port, and time each page and
query through Datasette's JSON API (median and 95th percentile; target p95 < 500 ms). Prints the
catalog's size per listing.

    .venv/bin/python benchmarks/bench_queries.py [--listings 1000000] [--vendors 100000]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from webkit import serving  # noqa: E402

from pipelines.catalog.schema import index_listings_fts, open_db  # noqa: E402

ENTRIES = [("npp", "YDJXNYNKKXZBMP-UHFFFAOYSA-N", "N-Phenethyl-4-piperidone", "39742-60-4"),
           ("boc-4-piperidone", "ROUYFJUVMYHXFJ-UHFFFAOYSA-N",
            "tert-Butyl 4-oxopiperidine-1-carboxylate", "79099-07-3"),
           ("anpp", "ZCMDXDQUYIWEKB-UHFFFAOYSA-N", "4-Anilino-N-phenethylpiperidine",
            "21409-26-7")]
NOW = "2026-12-01T00:00:00Z"


def generate(path: Path, n_listings: int, n_vendors: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    db = open_db(path)
    c = db.conn
    c.execute("BEGIN")
    c.executemany("INSERT INTO crawl_runs (id, kind, spider, started, finished, status, crawl_id)"
                  " VALUES (?, 'crawl', ?, ?, ?, 'finished', ?)",
                  [(i, f"s{i % 7}", NOW, NOW, f"run{(i - 1) // 7}") for i in range(1, 15)])
    c.executemany("INSERT INTO watchlist_entries (id, inchikey, name, cas, family, regimes, tier,"
                  " in_force, smiles) VALUES (?, ?, ?, ?, '[\"fentanyl\"]', '[\"UN-I\"]',"
                  " 'precursor', 1, 'C')", [(e, k, n, f'["{cas}"]') for e, k, n, cas in ENTRIES])
    c.executemany("INSERT INTO substances (inchikey, name, names, smiles) VALUES (?, ?, ?, 'C')",
                  [(k, n, f'["{n}"]') for _, k, n, _ in ENTRIES] +
                  [(f"SUBST{i:09d}-UHFFFAOYSA-N", f"compound {i}", f'["compound {i}"]')
                   for i in range(2000)])
    c.executemany("INSERT INTO vendors (id, name, name_norm, country, first_seen, last_seen)"
                  " VALUES (?, ?, ?, 'CN', ?, ?)",
                  [(v, f"Vendor {v} Chemical Co., Ltd.", f"vendor {v}", NOW, NOW)
                   for v in range(1, n_vendors + 1)])
    c.executemany("INSERT INTO vendor_profiles (id, platform, vendor_id, vendor, name, country,"
                  " first_seen, last_seen, times_seen) VALUES (?, ?, ?, ?, ?, 'China', ?, ?, 1)",
                  [(f"p{v % 7}:{v}", f"p{v % 7}", str(v), v, f"Vendor {v} Chemical Co., Ltd.",
                    NOW, NOW) for v in range(1, n_vendors + 1)])
    idents = []
    for v in range(1, n_vendors + 1):
        idents.append((f"p{v % 7}:{v}", "phone", f"+86{v:09d}"))
        shared = v - v % 4 if v % 10 < 4 else v  # groups of up to 4 vendors share an email
        idents.append((f"p{v % 7}:{v}", "email", f"sales{shared}@example.com"))
    c.executemany("INSERT INTO vendor_identifiers (vendor_profile, kind, value, raw, source,"
                  f" first_seen) VALUES (?, ?, ?, ?, 'emails', '{NOW}')",
                  [(p, k, val, val) for p, k, val in idents])
    c.executemany("INSERT INTO vendor_networks (vendor, network, size, platforms, linked_by)"
                  " VALUES (?, ?, 4, 4, ?)",
                  [(v, v - v % 4 or 4, f'["email:sales{v - v % 4}@example.com"]')
                   for v in range(1, n_vendors + 1) if v % 10 < 4])
    batch = 50_000
    for start in range(0, n_listings, batch):
        _listings(db, rnd, range(start, min(start + batch, n_listings)), n_vendors)
    for t in ("vendors", "vendor_profiles", "substances"):
        c.execute(f"INSERT INTO {t}_fts({t}_fts) VALUES ('rebuild')")
    c.execute("COMMIT")
    c.execute("ANALYZE")
    c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    c.close()


def _listings(db, rnd: random.Random, ids: range, n_vendors: int) -> None:
    """One batch of listings (every 20th a watchlist hit) with evidence and substances."""
    c = db.conn
    rows, ev, subs, hits = [], [], [], []
    for i in ids:
        v = rnd.randint(1, n_vendors)
        lid = f"p{v % 7}:L{i}"
        is_hit = i % 20 == 0
        e = ENTRIES[i % 3] if is_hit else None
        title = f"{e[2]} 99% CAS {e[3]}" if e else f"compound {i % 2000} powder {i}"
        run = rnd.randint(1, 14)
        rows.append((lid, f"p{v % 7}", f"L{i}", f"https://p{v % 7}.example/L{i}",
                     f"p{v % 7}:{v}", title, "USD 10/kg", "active", NOW, NOW, run, run,
                     f"e{i}"))
        ev.append((f"e{i}", f"https://p{v % 7}.example/L{i}", NOW,
                   f"crawls/run{(run - 1) // 7}/pages.warc.gz", f"e{i}", f"{i:064x}", run))
        key = e[1] if e else f"SUBST{i % 2000:09d}-UHFFFAOYSA-N"
        subs.append((lid, key, "cas", 0.95, title[:20], "bench"))
        if e:
            detected = f"2026-11-{16 + run:02d}T{i % 24:02d}:00:00Z"  # runs a day apart
            hits.append((lid, e[0], "cas", 1.0, "bench", detected, "bench", run, 1))
    c.executemany("INSERT INTO listings (id, platform, listing_id, url, vendor_profile,"
                  " title, price_text, status, first_seen, last_seen, first_run, last_run,"
                  " evidence) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    c.executemany("INSERT INTO evidence (id, url, fetched_at, warc_file, warc_record_id,"
                  " sha256, run) VALUES (?,?,?,?,?,?,?)", ev)
    c.executemany("INSERT INTO listing_substances (listing, substance, how, confidence,"
                  " name, evidence) VALUES (?,?,?,?,?,?)", subs)
    c.executemany("INSERT INTO hits (listing, entry, match, score, evidence, first_detected,"
                  " watchlist_version, first_run, current) VALUES (?,?,?,?,?,?,?,?,?)", hits)
    index_listings_fts(db, [r[0] for r in rows])


def timed(url: str, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        with urllib.request.urlopen(url, timeout=120) as resp:
            resp.read()
            assert resp.status == 200, url
        out.append((time.perf_counter() - t0) * 1000)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--listings", type=int, default=1_000_000)
    ap.add_argument("--vendors", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--keep", metavar="PATH", help="Reuse or keep the generated catalog here.")
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-queries-"))
    path = Path(args.keep) if args.keep else folder / "bench.db"
    if not path.exists():
        t0 = time.perf_counter()
        generate(path, args.listings, args.vendors)
        print(f"generated {args.listings:,} listings / {args.vendors:,} vendors in "
              f"{time.perf_counter() - t0:.0f} s")
    size = os.path.getsize(path)
    print(f"catalog: {size / 1e6:.0f} MB, {size / args.listings:.0f} bytes per listing")
    name = path.stem
    v = args.vendors // 2
    urls = {
        "who-sells (name)": "/-/who-sells.json?q=" + quote("1-boc-4-piperidone"),
        "who-sells (CAS)": "/-/who-sells.json?q=" + quote("CAS 39742-60-4"),
        "who-sells (SMILES)": "/-/who-sells.json?q=" + quote("O=C1CCN(C(=O)OC(C)(C)C)CC1"),
        "vendor dossier": f"/-/vendor/{v}.json",
        "new since (latest crawl)": "/-/new-since.json?since=latest",
        "new since (date)": "/-/new-since.json?since=2026-11-25",
        "network": "/-/network.json",
        "network (one)": "/-/network.json?network=8",
        "search": "/-/search.json?q=piperidone",
        "query analyst_hits": f"/{name}/analyst_hits.json",
        "query vendors_with_several_entries": f"/{name}/vendors_with_several_entries.json",
        "query find_identifier": f"/{name}/find_identifier.json?value=sales1234",
        "query vendor_dossier": f"/{name}/vendor_dossier.json?vendor={v}",
        "query listing_history": f"/{name}/listing_history.json?listing=p0:L7",
        "query new_hits_since": f"/{name}/new_hits_since.json?since=2026-11-25",
    }
    worst = 0.0
    with serving(path) as base:
        timed(base + "/-/who-sells.json?q=NPP", 1)  # builds the matcher once
        print(f"{'page / query':40} {'p50 ms':>8} {'p95 ms':>8}")
        for label, url in urls.items():
            times = sorted(timed(base + url, args.repeat))
            p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
            worst = max(worst, p95)
            print(f"{label:40} {statistics.median(times):8.0f} {p95:8.0f}"
                  f"{'' if p95 < 500 else '  over target'}")
    print(f"worst p95: {worst:.0f} ms (target < 500 ms)")


if __name__ == "__main__":
    main()
