"""The process's garbage collector once the long-lived chemistry indexes are built: the crawl,
`ingest`, `match` and `rescan` call `freeze_heap` right after building their matcher."""

from __future__ import annotations

import gc

GC_YOUNG = 7000  # container allocations between young collections, once the matcher is built


def freeze_heap() -> None:
    """Take every object alive now (the matcher's indexes, the loaded modules) out of the cyclic
    garbage collector's walks: they live as long as the process, and each older-generation
    collection walked all of them again. In a crawl that was a tenth of the reactor's CPU
    (bench_crawl: 1.6 of 11 CPU-seconds in the collector, 0.6 after). Garbage already made is
    collected first; forked chemistry workers inherit the frozen objects (fewer pages copied).
    `match` and `rescan` call it too once their matcher is built (about a tenth of matching time
    on distinct listings went to full collections walking the dictionary index). A process-wide
    setting, so it lives here and not in `chem/` (a matcher built in a test or by the web
    plugin leaves the collector alone); a matcher holds no reference cycle, so a dropped one is
    still freed by reference counting.

    The youngest generation is then collected every `GC_YOUNG` container allocations instead of
    CPython's 700: a crawl or an ingest makes many short-lived objects per item, and the 600
    young collections of a 1,500-page crawl cost 0.55 CPU-seconds, 40 larger ones 0.2."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNG, 10, 10)
