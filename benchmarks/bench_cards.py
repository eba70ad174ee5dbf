"""Time to read a result page with very many product cards (a marketplace's "show all" list).

    python benchmarks/bench_cards.py [--cards 20000] [--repeat 1]

Builds one result page of N cards (picture link, name link, CAS, pack, price, an other-offers
link, a call-to-action link, sort controls and a help link around the list, a sponsored rail
beside it), parses it with the vendor-site parser (the generic extractor: block detection,
cards, company, links) and prints wall time, CPU seconds, cards per CPU-second, peak memory and
the load average, and whether every card came out as one listing. Target: 20,000 cards within
5 s on a quiet machine.

Measured (first parse of 20,000 cards, 2 cores shared with other jobs): 2026-12-07 23:51 UTC,
six rounds back to back with main 91177c9, alternating, load 2.7-7.0: main 10.3-11.6 s CPU
(about 1,830 cards per CPU-second), s4-cards 7.8-9.0 s CPU (about 2,380 per CPU-second). The
target (about 4,000 cards per CPU-second) is not met. 2026-12-08 02:38-02:40 UTC, s5-cards
against main ce7b83a, alternating, load 4.9-6.4: main 7.23 / 7.24 / 7.30 s CPU, s5-cards
5.29 / 5.18 / 5.29 (28 % less; about 3,800 cards per CPU-second). Still above 5 s on a quiet
machine by the ratio (main 7.44 s there). Earlier figures: git log and the README.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scrapers.parsers import vendorsite  # noqa: E402


def page(n: int) -> str:
    cards = "".join(
        f"<li class='result'><a href='/item/{i:08d}X'><img src='/i/{i}.jpg' alt='p{i}'></a>"
        f"<h3><a href='/item/{i:08d}X'>Compound {i} hydrochloride</a></h3>"
        f"<p>CAS {50 + i % 900}-{10 + i % 89:02d}-{(i % 9)}</p><p>Pack: {1 + i % 25} g</p>"
        f"<span class='price'>${10 + i % 500}.{i % 100:02d}</span>"
        f"<a href='/offers/{i:08d}X'>(3 new offers) from ${9 + i % 500}.00</a>"
        f"<a href='/item/{i:08d}X'>View details</a></li>" for i in range(n))
    rail = "".join(f"<div class='card'><a href='/item/R{i:07d}'>Sponsored {i}</a>"
                   f"<span class='price'>$5.00</span></div>" for i in range(8))
    return ("<html><head><title>Results | Example Market</title></head><body>"
            "<header><a href='/help'>Visit the help section</a></header>"
            "<main><select><option>Sort by: Featured</option><option>Price</option></select>"
            f"<ul class='results'>{cards}</ul></main>"
            f"<aside class='sponsored'>{rail}</aside>"
            "<footer>Example Market, tel +1 212 555 0100</footer></body></html>")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cards", type=int, default=20_000)
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    html = page(args.cards)
    runs = []
    for _ in range(args.repeat):
        cpu0, t0 = time.process_time(), time.perf_counter()
        result = vendorsite.parse_page("https://market.example/search?q=x", html)
        runs.append((time.perf_counter() - t0, time.process_time() - cpu0))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ok = len(result.listings) == args.cards
    # The first parse is the one a crawl pays (every text new); later ones of the same page hit
    # the parsers' caches (links, price texts, labels) and are shown beside it, never instead.
    shown = [("first parse", runs[0])]
    if runs[1:]:
        shown.append((f"best of {len(runs) - 1} repeats (warm caches)", min(runs[1:])))
    for label, (wall, cpu) in shown:
        print(f"{args.cards} cards ({len(html) / 2**20:.1f} MB), {label}: {wall:.2f} s wall, "
              f"{cpu:.2f} s CPU, {args.cards / cpu:,.0f} cards per CPU-second")
    print(f"peak {peak:.0f} MB; listings {len(result.listings)} "
          f"({'one per card' if ok else 'NOT one per card'}); load average "
          f"{os.getloadavg()[0]:.2f}; target: the first parse of 20,000 cards within 5 s")


if __name__ == "__main__":
    main()
