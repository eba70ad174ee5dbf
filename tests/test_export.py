"""The crawl's JSON Lines copy: one file for every spider of a process, flushed on a clock and
whole when the last spider closes."""

import json

from scrapers import export
from scrapers.export import JsonLinesExportPipeline
from scrapers.items import Listing


def _lines(path) -> list[dict]:
    return [json.loads(x) for x in path.read_text("utf-8").splitlines()]


def test_items_are_written_whole_when_the_last_spider_closes(tmp_path, monkeypatch):
    monkeypatch.setattr(export, "FLUSH_SECONDS", 3600.0)  # no flush on the clock in this test
    out = tmp_path / "items.jsonl"
    first, second = JsonLinesExportPipeline(str(out)), JsonLinesExportPipeline(str(out))
    first.open_spider()
    second.open_spider()
    first.process_item(Listing(platform="echemi", url="https://x.example/1", title="NPP"))
    second.process_item({"item_type": "vendor", "vendor_id": "v1", "platform": "mic"})
    first.close_spider()
    second.process_item({"item_type": "vendor", "vendor_id": "v2", "platform": "mic"})
    second.close_spider()
    rows = _lines(out)
    assert [r.get("type") or r["item_type"] for r in rows] == ["listing", "vendor", "vendor"]
    assert rows[0]["title"] == "NPP" and rows[2]["vendor_id"] == "v2"


def test_a_line_reaches_the_file_once_the_flush_interval_has_passed(tmp_path, monkeypatch):
    out = tmp_path / "items.jsonl"
    pipeline = JsonLinesExportPipeline(str(out))
    pipeline.open_spider()
    try:
        monkeypatch.setattr(export, "FLUSH_SECONDS", 3600.0)
        pipeline.process_item({"item_type": "vendor", "vendor_id": "v1", "platform": "mic"})
        assert out.read_text("utf-8") == ""  # buffered
        monkeypatch.setattr(export, "FLUSH_SECONDS", 0.0)
        pipeline.process_item({"item_type": "vendor", "vendor_id": "v2", "platform": "mic"})
        assert [r["vendor_id"] for r in _lines(out)] == ["v1", "v2"]  # both, in order
    finally:
        pipeline.close_spider()
