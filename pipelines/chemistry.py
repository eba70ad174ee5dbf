"""Second pipeline: resolve each listing to substances and watchlist hits through `chem/`.

Results are cached by the listing's chemical text (`records.chem_key`): vendors copy product
text, so a crawl matches each distinct text once. Misses are matched in batches (OPSIN starts one
JVM per batch): in a crawl, items wait up to `CATALOG_CHEM_WAIT` seconds for a batch to fill.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict

from pipelines.records import chem_input, chem_key

log = logging.getLogger(__name__)


class Chemistry:
    """Listing records -> chemistry payloads (hits, substances), cached by chemical text."""

    def __init__(self, matcher=None, cache_size: int = 200_000):
        if matcher is None:
            from chem.matcher import Matcher

            matcher = Matcher()
        self.matcher = matcher
        self.version: str = matcher.watchlist.version
        self.cache: OrderedDict[str, dict] = OrderedDict()
        self.cache_size = cache_size
        self.matched = 0  # distinct texts sent to the matcher

    def cached(self, rec: dict) -> dict | None:
        key = chem_key(rec)
        rec["chem_key"] = key
        payload = self.cache.get(key)
        if payload is not None:
            self.cache.move_to_end(key)
        return payload

    def resolve_many(self, recs: list[dict]) -> list[dict]:
        """Attach `chemistry` to every record (in place) and return the records."""
        todo: dict[str, dict] = {}
        for rec in recs:
            if self.cached(rec) is None:
                todo.setdefault(rec["chem_key"], rec)
        if todo:
            inputs = [chem_input(r, k) for k, r in todo.items()]
            try:
                results = self.matcher.match_many(inputs)
            except Exception as exc:  # one bad text must not lose the batch: retry one by one
                log.warning("batch chemistry failed (%s); matching one by one", exc)
                results = [self._match_one(i) for i in inputs]
            for key, result in zip(todo, results, strict=True):
                self._store(key, self._payload(result))
            self.matched += len(todo)
        for rec in recs:
            rec["chemistry"] = self.cache[rec["chem_key"]] if rec["chem_key"] in self.cache \
                else self._payload(None)
        return recs

    def _match_one(self, listing: dict):
        try:
            return self.matcher.match_listing(listing)
        except Exception as exc:
            from chem.matcher import Result

            return Result(listing["id"], errors=[f"{type(exc).__name__}: {exc}"])

    def _payload(self, result) -> dict:
        if result is None:
            return {"watchlist_version": self.version, "hits": [], "substances": [],
                    "errors": ["not matched"]}
        return {
            "watchlist_version": self.version,
            "hits": [h.as_dict() for h in result.hits],
            "substances": [s.as_dict() for s in result.substances],
            "errors": list(result.errors),
        }

    def _store(self, key: str, payload: dict) -> None:
        self.cache[key] = payload
        if len(self.cache) > self.cache_size:
            self.cache.popitem(last=False)


class ChemistryPipeline:
    """Adds `chemistry` to listing records; vendor records pass through."""

    def __init__(self, batch_size: int = 200, wait: float = 0.5, stats=None):
        self.batch_size = batch_size
        self.wait = wait
        self.stats = stats
        self.chemistry: Chemistry | None = None
        self._pending: list[tuple[dict, asyncio.Future]] = []
        self._timer: asyncio.TimerHandle | None = None

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        return cls(s.getint("CATALOG_CHEM_BATCH", 200), s.getfloat("CATALOG_CHEM_WAIT", 0.5),
                   crawler.stats)

    def open_spider(self) -> None:
        self.chemistry = Chemistry()

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
