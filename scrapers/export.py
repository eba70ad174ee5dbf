"""JSON Lines copy of every item: one file shared by all spiders of a crawl process.

Scrapy's feed exports open one file per crawler; several spiders writing the same file at once
interleave their buffers. This pipeline keeps one handle per path for the whole process and writes
each item as one line under a lock. The file is flushed at most every FLUSH_SECONDS (and when
the last spider using it closes), not after every item: a write call per item cost as much as
the rest of the export on a crawl of small pages. A crawl killed outright loses at most that
last second of lines (the catalog writer holds up to 5 s of records in memory).
"""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from pathlib import Path
from typing import TextIO

from itemadapter import ItemAdapter


@dataclasses.dataclass
class _SharedFile:
    """One output file of the process and the spiders writing it."""

    handle: TextIO
    users: int = 0
    flushed: float = dataclasses.field(default_factory=time.monotonic)  # last flush (monotonic)


_files: dict[str, _SharedFile] = {}  # path -> its file
_lock = threading.Lock()
FLUSH_SECONDS = 1.0


def item_to_dict(item) -> dict:
    """An item as plain data; dataclass items also say their type (listing, vendor, ...).

    A dict (a record after the validate pipeline) is already plain data: it is copied, not
    adapted value by value (ItemAdapter walks every nested hit and substance, ~5 ms a record)."""
    if isinstance(item, dict):
        return dict(item)
    if dataclasses.is_dataclass(item):
        return {**dataclasses.asdict(item), "type": type(item).__name__.lower()}
    return ItemAdapter(item).asdict()


class JsonLinesExportPipeline:
    def __init__(self, path: str):
        self.path = str(Path(path).resolve())

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.get("PRECURSOR_WATCH_OUT"))

    def open_spider(self, spider=None) -> None:
        with _lock:
            shared = _files.get(self.path)
            if shared is None:
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
                handle = open(self.path, "w", encoding="utf-8")  # noqa: SIM115 (closed by the last user)
                shared = _files[self.path] = _SharedFile(handle)
            shared.users += 1

    def process_item(self, item):
        line = json.dumps(item_to_dict(item), ensure_ascii=False, default=str) + "\n"
        with _lock:
            shared = _files[self.path]
            shared.handle.write(line)
            now = time.monotonic()
            if now - shared.flushed >= FLUSH_SECONDS:
                shared.handle.flush()
                shared.flushed = now
        return item

    def close_spider(self, spider=None) -> None:
        with _lock:
            shared = _files.get(self.path)
            if shared:
                shared.users -= 1
                if shared.users <= 0:
                    shared.handle.close()
                    del _files[self.path]
