"""Second pipeline: resolve each listing to substances and watchlist hits through `chem/`.

Results are cached by the listing's chemical text (`records.chem_key`): vendors copy product
text, so a crawl matches each distinct text once. Misses are matched in batches (OPSIN answers
a batch in one exchange) in worker processes forked from this one (`CATALOG_CHEM_WORKERS`,
default 1): RDKit and the OPSIN JVM hold the CPU, so in a crawl the Twisted reactor keeps
fetching and parsing while a batch resolves. Items wait up to `CATALOG_CHEM_WAIT` seconds for a
batch to fill; they leave the pipeline in the order they entered it. `ingest --workers` uses
the same workers. One matcher per process (`shared_matcher`), shared by every spider of a crawl.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections import OrderedDict, deque
from concurrent.futures import Future

from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred, DeferredList, succeed

from chem.caches import env_size
from pipelines.catalog.records import chem_input, chem_key
from pipelines.chem_workers import (
    match_in_worker,
    radar_in_worker,
    result_parts,
    safe_match,
    shared_matcher,
    start_workers,
)

log = logging.getLogger(__name__)


class Chemistry:
    """Listing records -> chemistry payloads (hits, substances), cached by chemical text.

    With `workers` > 0 matching runs in that many forked processes (`nice`: their added
    niceness): `start()` a batch (or `feed()` texts as they are read, then `send()`), write the
    previous one, then `finish()` it, so chemistry and SQLite writes overlap. Matching goes
    first: radar chunks (`radar_ahead`) wait here while match chunks are queued, and at most
    `workers` + 1 tasks sit in the pool, so a text sent later is not queued behind the radar.
    The cache keeps the `cache_size` most recently used texts (`PRECURSOR_WATCH_CHEM_CACHE`,
    default 50,000)."""

    def __init__(self, matcher=None, cache_size: int | None = None, workers: int = 0,
                 nice: int = 0):
        self.matcher = matcher if matcher is not None else shared_matcher()
        self.version: str = self.matcher.watchlist.version
        self.cache: OrderedDict[str, dict] = OrderedDict()
        self.cache_size = cache_size or env_size("PRECURSOR_WATCH_CHEM_CACHE", 50_000)
        self.matched = 0  # distinct texts sent to the matcher
        self.workers = workers
        self.nice = nice
        self._pool = None
        self._inflight: dict[str, Future] = {}
        self._held: dict[str, dict] = {}  # texts fed, not sent yet (chemical-text key -> record)
        self._chunk = self._limit = 0  # texts per chunk; texts the chunk being filled is sent at
        self._radar: dict[str, tuple[Future, int]] = {}  # SMILES -> (radar chunk, index)
        self._backlog: deque[tuple[Future, list]] = deque()  # radar chunks not in the pool yet
        self._busy = 0  # match and radar tasks in the pool, not finished
        self._lock = threading.RLock()  # _backlog and _busy (done callbacks run on a thread)
        self._closed = False

    def cached(self, rec: dict) -> dict | None:
        key = rec.get("chem_key") or chem_key(rec)
        rec["chem_key"] = key
        payload = self.cache.get(key)
        if payload is not None:
            self.cache.move_to_end(key)
        return payload

    def resolve_many(self, recs: list[dict]) -> list[dict]:
        """Attach `chemistry` to every record (in place) and return the records."""
        return self.finish(self.start(recs))

    def start(self, recs: list[dict], chunk: int | None = None,
              first: int | None = None) -> list[dict]:
        """Send the texts not yet cached to the matcher (in the worker, when there is one),
        in chunks of `chunk` distinct texts taken in order of first appearance; the first chunk
        holds only `first` texts (when given), so writing can start sooner."""
        self.feed(recs, chunk or max(len(recs), 1), first)
        self.send()
        return recs

    def feed(self, recs: list[dict], chunk: int, first: int | None = None) -> None:
        """Hold the texts of `recs` not cached nor sent yet, in order of first appearance; a
        chunk is sent to the matcher as soon as it holds `chunk` texts (`first` for the chunk
        being started now, when given), so matching starts while the records are still being
        read. `send()` sends what is held."""
        self._chunk = chunk
        if not self._held:
            self._limit = first or chunk
        held, inflight = self._held, self._inflight
        for rec in recs:
            if self.cached(rec) is None:
                key = rec["chem_key"]
                if key not in inflight and key not in held:
                    held[key] = rec
                    if len(held) >= self._limit:
                        self.send()
                        held = self._held

    def send(self) -> None:
        """Send the held texts to the matcher, as one chunk."""
        part, self._held = list(self._held.items()), {}
        self._limit = self._chunk
        if not part:
            return
        keys = [k for k, _ in part]
        inputs = [chem_input(r, k) for k, r in part]
        self.matched += len(keys)
        future = self._submit(inputs)
        future.keys = keys  # type: ignore[attr-defined]
        future.inputs = inputs  # type: ignore[attr-defined]
        for k in keys:
            self._inflight[k] = future

    def _submit(self, inputs: list[dict]) -> Future:
        pool = self._get_pool()
        if pool is not None:
            try:
                with self._lock:
                    future = pool.submit(match_in_worker, inputs)
                    self._busy += 1
                future.add_done_callback(self._pump)
                return future
            except RuntimeError as exc:  # a broken pool (a worker was killed): go on in process
                self._pool_broke(exc, "matching")
        future: Future = Future()
        future.set_result([result_parts(r) for r in safe_match(self.matcher, inputs)])
        return future

    def ready(self, rec: dict) -> bool:
        """True when `finish([rec])` would not wait."""
        key = rec["chem_key"]
        if key in self._held:
            return False
        return key in self.cache or key not in self._inflight or self._inflight[key].done()

    def wait(self, rec: dict) -> list[str]:
        """Wait for the batch holding `rec`'s text (if one is in flight); its results are
        cached, and the chemical-text keys it resolved returned."""
        if rec["chem_key"] in self._held:
            self.send()
        future = self._inflight.get(rec["chem_key"])
        if future is None:
            return []
        self.finish([rec])
        return list(future.keys)  # type: ignore[attr-defined]

    def finish(self, recs: list[dict]) -> list[dict]:
        """Wait for a started batch and attach the payloads."""
        if self._held and any(rec["chem_key"] in self._held for rec in recs):
            self.send()
        for rec in recs:
            key = rec["chem_key"]
            if key not in self.cache and key in self._inflight:
                future = self._inflight[key]
                try:
                    parts = future.result()
                except Exception as exc:  # a dead worker: match here instead
                    log.warning("chemistry worker failed (%s); matching in process", exc)
                    parts = None
                keys = future.keys  # type: ignore[attr-defined]
                if parts is None:
                    parts = [result_parts(r) for r in safe_match(self.matcher, future.inputs)]
                for k, part in zip(keys, parts, strict=True):
                    self._inflight.pop(k, None)
                    self._store(k, {"watchlist_version": self.version, **part})
            rec["chemistry"] = self.cache.get(key) or rec.get("chemistry") or {
                "watchlist_version": self.version, "hits": [], "mentions": [], "substances": [],
                "errors": ["not matched"]}
        return recs

    def radar_ahead(self, structures: list, chunk: int = 250) -> None:
        """Start the radar chemistry of new substances in the workers now (a writer calls this
        as it stores them), so it runs beside the writing instead of after it; `radar_rows`
        picks the results up. Without workers: nothing (`radar_rows` assesses in process)."""
        if self.workers <= 0 or self._get_pool() is None:
            return
        todo = [s for s in dict.fromkeys(structures) if s not in self._radar]
        for part in (todo[i:i + chunk] for i in range(0, len(todo), chunk)):
            future: Future = Future()  # done when the chunk has run in a worker (`_pump`)
            with self._lock:
                self._backlog.append((future, part))
            for i, smiles in enumerate(part):
                self._radar[smiles] = (future, i)
        self._pump()

    def _pump(self, done: Future | None = None) -> None:
        """Move radar chunks from the backlog into the pool while it holds at most `workers`
        tasks (match chunks queued first keep it full); called as each task finishes (`done`)
        and as chunks join the backlog. A chunk the pool refuses fails (assessed here later)."""
        with self._lock:
            if done is not None:
                self._busy -= 1
            while self._backlog and self._busy <= self.workers and not self._closed:
                future, part = self._backlog.popleft()
                task = self._radar_submit(part)
                if task is None:
                    future.set_exception(RuntimeError("chemistry workers unavailable"))
                    continue
                self._busy += 1
                task.add_done_callback(functools.partial(_pass_on, future))
                task.add_done_callback(self._pump)

    def _radar_submit(self, part: list) -> Future | None:
        pool = self._get_pool()
        if pool is None:
            return None
        try:
            return pool.submit(radar_in_worker, part)
        except RuntimeError as exc:  # a broken pool: the radar runs in process
            self._pool_broke(exc, "radar")
            return None

    def _pool_broke(self, exc: RuntimeError, work: str) -> None:
        """The pool refused a task (a worker was killed): `work` goes on in this process."""
        log.warning("chemistry workers unavailable (%s); %s in process", exc, work)
        self._pool, self.workers = None, 0

    def radar_rows(self, structures: list, chunk: int = 250) -> list[dict]:
        """The radar chemistry of each structure (`radar_scores.assess_rows`), in order: those
        started by `radar_ahead`, the rest in the workers when there are some (each builds the
        radar's indexes once, on its first chunk), else in this process. A chunk whose worker
        fails is assessed here."""
        from pipelines.catalog.radar_scores import assess_rows, radar_for

        with self._lock:  # no more matching for this run: the backlog may fill the pool
            while self._backlog:
                future, part = self._backlog.popleft()
                task = self._radar_submit(part) if self.workers > 0 else None
                if task is None:
                    future.set_exception(RuntimeError("chemistry workers unavailable"))
                else:
                    task.add_done_callback(functools.partial(_pass_on, future))
        ahead, self._radar = self._radar, {}
        local: list = []
        rest = [s for s in dict.fromkeys(structures) if s not in ahead]
        for part in (rest[i:i + chunk] for i in range(0, len(rest), chunk)):
            future = self._radar_submit(part) if self.workers > 0 else None
            if future is None:
                local.extend(part)
            for i, smiles in enumerate(part if future is not None else ()):
                ahead[smiles] = (future, i)
        rows: dict = {}
        results: dict[int, list[dict] | None] = {}
        for smiles in dict.fromkeys(structures):
            if smiles not in ahead:
                continue
            future, i = ahead[smiles]
            if id(future) not in results:
                try:
                    results[id(future)] = future.result()
                except Exception as exc:  # a dead worker: assess here instead
                    log.warning("radar in a worker failed (%s); assessing in process", exc)
                    results[id(future)] = None
            got = results[id(future)]
            if got is None:
                local.append(smiles)
            else:
                rows[smiles] = got[i]
        if local:
            rows.update(zip(local, assess_rows(radar_for(self.matcher.watchlist), local),
                            strict=True))
        return [rows[s] for s in structures]

    def _get_pool(self):
        if self.workers <= 0 or self._closed:
            return None
        if self._pool is None:
            self._pool = start_workers(self.matcher, self.workers, self.nice)
            if self._pool is None:
                self.workers = 0
        return self._pool

    def open(self) -> None:
        """Start the worker processes now (otherwise at the first batch)."""
        self._get_pool()

    def futures(self, recs: list[dict]) -> list[Future]:
        """The distinct batches in flight that hold these records' texts."""
        found: dict[int, Future] = {}
        for rec in recs:
            future = self._inflight.get(rec.get("chem_key", ""))
            if future is not None:
                found[id(future)] = future
        return list(found.values())

    def close(self) -> None:
        """Stop the workers (after the batches in flight); later work runs in process."""
        self._closed = True
        self._radar = {}
        with self._lock:
            for future, _ in self._backlog:
                future.set_exception(RuntimeError("chemistry closed"))
            self._backlog.clear()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _store(self, key: str, payload: dict) -> None:
        self.cache[key] = payload
        if len(self.cache) > self.cache_size:
            self.cache.popitem(last=False)


def _pass_on(future: Future, task: Future) -> None:
    """Give `future` the outcome of the pool's `task` (a radar chunk run from the backlog)."""
    if future.done():
        return
    if task.cancelled():
        future.cancel()
    elif task.exception() is not None:
        future.set_exception(task.exception())
    else:
        future.set_result(task.result())


class ChemistryPipeline:
    """Adds `chemistry` to listing records; vendor records pass through.

    `process_item` is a coroutine: a listing whose text is not cached waits for its batch,
    which resolves in the worker processes while the reactor goes on fetching. Items leave in
    the order they entered (a batch completes after the one before it), so the catalog writer
    sees the records of a listing in crawl order. With `workers=0` batches resolve on the
    reactor (tests, debugging). Every spider of a crawl process shares one `Chemistry` (its
    matcher, cache and workers)."""

    _shared: dict[int, tuple[Chemistry, int]] = {}  # workers -> (chemistry, spiders using it)

    def __init__(self, batch_size: int = 200, wait: float = 0.5, stats=None, workers: int = 1):
        self.batch_size = batch_size
        self.wait = wait
        self.stats = stats
        self.workers = workers
        self.chemistry: Chemistry | None = None
        self._pending: list[tuple[dict, Deferred]] = []
        self._timer = None
        self._previous: Deferred | None = None  # completion of the last batch sent

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        return cls(s.getint("CATALOG_CHEM_BATCH", 200), s.getfloat("CATALOG_CHEM_WAIT", 0.5),
                   crawler.stats, s.getint("CATALOG_CHEM_WORKERS", 1))

    def open_spider(self) -> None:
        chemistry, users = self._shared.get(self.workers, (None, 0))
        if chemistry is None:
            chemistry = Chemistry(workers=self.workers)
            chemistry.open()
        self._shared[self.workers] = (chemistry, users + 1)
        self.chemistry = chemistry

    async def process_item(self, item):
        if not isinstance(item, dict) or item.get("item_type") != "listing":
            return item
        assert self.chemistry is not None
        payload = self.chemistry.cached(item)
        if payload is not None:
            item["chemistry"] = payload
            if not self._pending and self._previous is None:
                return item  # nothing earlier is waiting: it may leave at once
        done: Deferred = Deferred()
        self._pending.append((item, done))
        if len(self._pending) >= self.batch_size:
            self._flush()
        elif self._timer is None:
            from twisted.internet import reactor

            self._timer = reactor.callLater(self.wait, self._flush)
        return await maybe_deferred_to_future(done)

    def _flush(self) -> None:
        """Send the waiting items' new texts to the workers; when their batches (and the batch
        before) are done, attach the payloads and release the items in order."""
        if self._timer is not None:
            if self._timer.active():
                self._timer.cancel()
            self._timer = None
        pending, self._pending = self._pending, []
        if not pending:
            return
        recs = [rec for rec, _ in pending]
        try:
            self.chemistry.start(recs)
        except Exception as exc:
            self._release(pending, failure=exc)
            return
        waits = [_deferred(f) for f in self.chemistry.futures(recs)]
        if self._previous is not None:
            waits.append(self._previous)
        batch = DeferredList(waits, consumeErrors=True) if waits else succeed(None)
        batch.addCallback(lambda _: self._finish(pending))
        self._previous = batch
        batch.addBoth(self._forget, batch)

    def _finish(self, pending: list[tuple[dict, Deferred]]) -> None:
        try:
            self.chemistry.finish([rec for rec, _ in pending])
        except Exception as exc:
            self._release(pending, failure=exc)
            return
        if self.stats is not None:
            self.stats.inc_value("catalog/chem_matched", len(pending))
        self._release(pending)

    def _forget(self, result, batch: Deferred):
        if self._previous is batch:
            self._previous = None
        return result

    @staticmethod
    def _release(pending: list[tuple[dict, Deferred]], failure: Exception | None = None) -> None:
        for rec, done in pending:
            if not done.called:
                if failure is None:
                    done.callback(rec)
                else:
                    done.errback(failure)

    async def close_spider(self) -> None:
        """Flush what waits, then (when the last spider using them closes) stop the workers
        once the batches in flight are done."""
        closing = self._close()
        if closing is not None:
            await maybe_deferred_to_future(closing)

    def _close(self) -> Deferred | None:
        self._flush()
        chemistry, users = self._shared.get(self.workers, (None, 0))
        last = chemistry is self.chemistry and users <= 1
        if chemistry is self.chemistry:
            if last:
                del self._shared[self.workers]
            else:
                self._shared[self.workers] = (chemistry, users - 1)
        if not last or self.chemistry is None:
            return self._previous
        closing = self._previous or succeed(None)
        closing.addBoth(lambda result: (self.chemistry.close(), result)[1])
        return closing


def _deferred(future: Future) -> Deferred:
    """A Deferred that fires on the reactor thread when the worker's future is done."""
    from twisted.internet import reactor

    done: Deferred = Deferred()

    def report(_: Future) -> None:
        reactor.callFromThread(lambda: done.called or done.callback(None))

    future.add_done_callback(report)
    return done
