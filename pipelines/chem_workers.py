"""The chemistry worker processes: one matcher per process, forked workers that hold it.

`shared_matcher` builds this process's matcher once; `start_workers` forks processes that
inherit it (no pickling), warm up their own OPSIN JVM and die with their parent; tasks read the
matcher with `worker_matcher()`. `safe_match` answers every listing of a batch, a failing one
with its error. `pipelines.chemistry` (the crawl's and `ingest`'s chemistry) and
`match --workers` run on these.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import logging
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor

from pipelines.heap import freeze_heap

log = logging.getLogger(__name__)


_WORKER_MATCHER = None  # a worker process's matcher (inherited through the fork)


@functools.cache
def shared_matcher():
    """This process's matcher (the default data directory), built once: its indexes are paid
    once per process, not once per spider or command. Its OPSIN JVM starts in the process that
    matches (a worker warms it up when forked; in process, at the first batch), so a crawl
    whose chemistry runs in workers does not keep an idle JVM of its own."""
    from chem.matcher import Matcher

    matcher = Matcher(use_opsin=False)
    matcher.use_opsin = True
    freeze_heap()
    return matcher


def _init_worker(matcher, parent: int, nice: int = 0) -> None:
    """Runs first in each forked worker: the fork hands it the parent's matcher (no pickling);
    OPSIN starts its own JVM there (chem.opsin resets its pipes after a fork). The worker dies
    with its parent: a crawl killed outright (SIGKILL) leaves no orphan holding its pipes. With
    `nice`, the worker (and its JVM) yields the CPU to the process that feeds it."""
    global _WORKER_MATCHER
    _die_with_parent(parent)
    if nice:
        with contextlib.suppress(OSError):
            os.nice(nice)
    _WORKER_MATCHER = matcher
    if matcher.use_opsin:
        from chem import opsin

        opsin.warm_up()


def _die_with_parent(parent: int) -> None:
    """Ask Linux to SIGKILL this process when its parent dies (prctl PR_SET_PDEATHSIG); where
    that is not available, a daemon thread watches for the parent to go."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(1, signal.SIGKILL, 0, 0, 0) == 0:  # 1 = PR_SET_PDEATHSIG
            if os.getppid() != parent:  # the parent died before the request took effect
                os._exit(1)
            return
    except (OSError, AttributeError):
        pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


def start_workers(matcher, workers: int, nice: int = 0) -> ProcessPoolExecutor | None:
    """`workers` processes forked from this one, each holding `matcher` (handed over by the
    fork, not pickled; OPSIN warmed up in each; each dies with this process; `nice` added to
    their scheduling niceness), started now; None where fork is not available. The crawl's
    and `ingest`'s chemistry and `match --workers` use these; a task reads the matcher with
    `worker_matcher()`."""
    try:
        ctx = multiprocessing.get_context("fork")
    except ValueError:
        return None
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker,
                               initargs=(matcher, os.getpid(), nice))
    for started in [pool.submit(_ready) for _ in range(workers)]:
        started.result()
    return pool


def worker_matcher():
    """The matcher of this worker process (None outside a worker)."""
    return _WORKER_MATCHER


def match_in_worker(inputs: list[dict]) -> list[dict]:
    return [result_parts(r) for r in safe_match(_WORKER_MATCHER, inputs)]


def radar_in_worker(structures: list) -> list[dict]:
    from pipelines.catalog.radar_scores import assess_rows, radar_for

    return assess_rows(radar_for(_WORKER_MATCHER.watchlist), structures)


def _ready() -> bool:
    """A no-op task: submitting one per worker starts the workers now (forked before the
    crawl's reactor threads exist), not at the first batch."""
    return _WORKER_MATCHER is not None


def safe_match(matcher, inputs: list[dict]) -> list:
    """The matcher's results for a batch; when the batch fails, each listing is matched alone
    and one that still fails gets a result with the error (every listing is answered)."""
    try:
        return matcher.match_many(inputs)
    except Exception as exc:  # one bad text must not lose the batch: retry one by one
        log.warning("batch chemistry failed (%s); matching one by one", exc)
        out = []
        for listing in inputs:
            try:
                out.append(matcher.match_listing(listing))
            except Exception as one:  # answered with its error, and said here with the listing
                from chem.matcher import Result

                log.warning("chemistry failed on listing %s: %s: %s", listing.get("id"),
                            type(one).__name__, one)
                out.append(Result(listing["id"], errors=[f"{type(one).__name__}: {one}"]))
        return out


def result_parts(result) -> dict:
    return {
        "page_kind": result.page_kind,  # chem.genre: offer, catalogue, sds, regulation, ...
        "hits": [h.as_dict() for h in result.hits],
        "mentions": [h.as_dict() for h in result.mentions],
        "substances": [s.as_dict() for s in result.substances],
        "errors": list(result.errors),
    }
