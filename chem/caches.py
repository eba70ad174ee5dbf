"""Sizes of the per-process caches of `chem/` (names, structures, OPSIN answers), one place.

Each cache keeps its most recently used entries up to a size read from the environment (with a
default), so memory stays flat however many distinct texts a long crawl or `match` run sees:

- `PRECURSOR_WATCH_NAME_CACHE` (default 50,000): name keys, salt-word splits, fuzzy lookups and
  OPSIN answers (short strings);
- `PRECURSOR_WATCH_STRUCTURE_CACHE` (default 10,000): standardized structures and their
  watchlist hits (each holds RDKit molecules, a few KB apiece).

The sizes are read when `chem` is imported; set them before starting the process.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Hashable


def env_size(name: str, default: int) -> int:
    """A cache size from the environment variable `name` (a positive integer), else `default`."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw.replace("_", ""))
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a whole number of cache entries") from None
    if value < 1:
        raise ValueError(f"{name}={raw!r}: a cache needs at least one entry")
    return value


NAME_CACHE = env_size("PRECURSOR_WATCH_NAME_CACHE", 20_000)
STRUCTURE_CACHE = env_size("PRECURSOR_WATCH_STRUCTURE_CACHE", 10_000)


class LRU(OrderedDict):
    """A mapping that keeps its `size` most recently used entries (`get` counts as use)."""

    def __init__(self, size: int):
        super().__init__()
        self.size = size

    def get(self, key: Hashable, default=None):
        if key in self:
            self.move_to_end(key)
            return self[key]
        return default

    def put(self, key: Hashable, value) -> None:
        self[key] = value
        self.move_to_end(key)
        if len(self) > self.size:
            self.popitem(last=False)
