"""Second pipeline: resolve each listing to substances and watchlist hits through `chem/`.

Results are cached by the listing's chemical text (`records.chem_key`): vendors copy product
text, so a crawl matches each distinct text once. Misses are matched in batches (OPSIN starts one
JVM per batch): in a crawl, items wait up to `CATALOG_CHEM_WAIT` seconds for a batch to fill.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from collections import OrderedDict
from concurrent.futures import Future, ProcessPoolExecutor

from pipelines.catalog.records import chem_input, chem_key

log = logging.getLogger(__name__)


_WORKER_MATCHER = None  # the matcher a forked worker process inherits


def _match_in_worker(inputs: list[dict]) -> list[dict]:
    return [_parts(r) for r in safe_match(_WORKER_MATCHER, inputs)]


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
            except Exception as one:
                from chem.matcher import Result

                out.append(Result(listing["id"], errors=[f"{type(one).__name__}: {one}"]))
        return out


def _parts(result) -> dict:
    return {
        "hits": [h.as_dict() for h in result.hits],
        "mentions": [h.as_dict() for h in result.mentions],
        "substances": [s.as_dict() for s in result.substances],
        "errors": list(result.errors),
    }


class Chemistry:
    """Listing records -> chemistry payloads (hits, substances), cached by chemical text.

    With `workers=1` matching runs in a forked process: `start()` a batch, write the previous
    one, then `finish()` it, so chemistry and SQLite writes overlap."""

    def __init__(self, matcher=None, cache_size: int = 200_000, workers: int = 0):
        if matcher is None:
            from chem.matcher import Matcher

            matcher = Matcher()
        self.matcher = matcher
        self.version: str = matcher.watchlist.version
        self.cache: OrderedDict[str, dict] = OrderedDict()
        self.cache_size = cache_size
        self.matched = 0  # distinct texts sent to the matcher
        self.workers = workers
        self._pool = None
        self._inflight: dict[str, Future] = {}

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
        todo: dict[str, dict] = {}
        for rec in recs:
            if self.cached(rec) is None and rec["chem_key"] not in self._inflight:
                todo.setdefault(rec["chem_key"], rec)
        items = list(todo.items())
        if not items:
            return recs
        step = chunk or len(items)
        bounds = [0, *range(min(first or step, step), len(items), step)]
        for i, end in zip(bounds, [*bounds[1:], len(items)], strict=True):
            part = items[i:end]
            keys = [k for k, _ in part]
            inputs = [chem_input(r, k) for k, r in part]
            self.matched += len(keys)
            pool = self._get_pool()
            if pool is not None:
                future = pool.submit(_match_in_worker, inputs)
            else:
                future = Future()
                future.set_result([_parts(r) for r in safe_match(self.matcher, inputs)])
            future.keys = keys  # type: ignore[attr-defined]
            future.inputs = inputs  # type: ignore[attr-defined]
            for k in keys:
                self._inflight[k] = future
        return recs

    def ready(self, rec: dict) -> bool:
        """True when `finish([rec])` would not wait."""
        key = rec["chem_key"]
        return key in self.cache or key not in self._inflight or self._inflight[key].done()

    def wait(self, rec: dict) -> list[str]:
        """Wait for the batch holding `rec`'s text (if one is in flight); its results are
        cached, and the chemical-text keys it resolved returned."""
        future = self._inflight.get(rec["chem_key"])
        if future is None:
            return []
        self.finish([rec])
        return list(future.keys)  # type: ignore[attr-defined]

    def finish(self, recs: list[dict]) -> list[dict]:
        """Wait for a started batch and attach the payloads."""
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
                    parts = [_parts(r) for r in safe_match(self.matcher, future.inputs)]
                for k, part in zip(keys, parts, strict=True):
                    self._inflight.pop(k, None)
                    self._store(k, {"watchlist_version": self.version, **part})
            rec["chemistry"] = self.cache.get(key) or {
                "watchlist_version": self.version, "hits": [], "mentions": [], "substances": [],
                "errors": ["not matched"]}
        return recs

    def _get_pool(self):
        if self.workers <= 0:
            return None
        if self._pool is None:
            global _WORKER_MATCHER
            try:
                ctx = multiprocessing.get_context("fork")
            except ValueError:
                self.workers = 0
                return None
            _WORKER_MATCHER = self.matcher
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx)
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _store(self, key: str, payload: dict) -> None:
        self.cache[key] = payload
        if len(self.cache) > self.cache_size:
            self.cache.popitem(last=False)


class ChemistryPipeline:
    """Adds `chemistry` to listing records; vendor records pass through."""

    def __init__(self, batch_size: int = 200, wait: float = 0.5, stats=None, workers: int = 0):
        self.batch_size = batch_size
        self.wait = wait
        self.stats = stats
        self.workers = workers
        self.chemistry: Chemistry | None = None
        self._pending: list[tuple[dict, asyncio.Future]] = []
        self._timer: asyncio.TimerHandle | None = None

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        return cls(s.getint("CATALOG_CHEM_BATCH", 200), s.getfloat("CATALOG_CHEM_WAIT", 0.5),
                   crawler.stats, s.getint("CATALOG_CHEM_WORKERS", 0))

    def open_spider(self) -> None:
        self.chemistry = Chemistry(workers=self.workers)

    async def process_item(self, item):
        if not isinstance(item, dict) or item.get("item_type") != "listing":
            return item
        assert self.chemistry is not None
        payload = self.chemistry.cached(item)
        if payload is not None:
            item["chemistry"] = payload
            return item
        future = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        if len(self._pending) >= self.batch_size:
            self._flush()
        elif self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self.wait, self._flush)
        await future
        return item

    def _flush(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        pending, self._pending = self._pending, []
        if not pending:
            return
        try:
            self.chemistry.resolve_many([rec for rec, _ in pending])
            if self.stats is not None:
                self.stats.inc_value("catalog/chem_matched", len(pending))
        except Exception as exc:
            for _, future in pending:
                if not future.done():
                    future.set_exception(exc)
            return
        for _, future in pending:
            if not future.done():
                future.set_result(None)

    def close_spider(self) -> None:
        self._flush()
        if self.chemistry is not None:
            self.chemistry.close()
