"""The WARC reader skips a damaged record with a warning and reads on (nothing silent)."""

from __future__ import annotations

import logging
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from scrapers.evidence import iter_records


def append_pages(path: Path, urls: list[str]) -> None:
    with path.open("ab") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url in urls:
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")],
                                    protocol="HTTP/1.1")
            body = f"<html><body>{url} {'x' * 3000}</body></html>".encode()
            writer.write_record(writer.create_warc_record(
                url, "response", payload=BytesIO(body), http_headers=http))


def test_a_record_cut_short_by_a_kill_is_skipped_and_later_records_are_read(tmp_path, caplog):
    warc = tmp_path / "run" / "pages.warc.gz"
    warc.parent.mkdir()
    append_pages(warc, ["https://a.test/1", "https://a.test/2"])
    size = warc.stat().st_size
    append_pages(warc, ["https://a.test/killed"])
    with warc.open("r+b") as fh:  # the crawl was killed while writing this record
        fh.truncate(size + (warc.stat().st_size - size) // 2)
    append_pages(warc, ["https://a.test/3"])  # the resumed crawl appends
    problems = []
    with caplog.at_level(logging.WARNING, logger="scrapers.evidence"):
        urls = [p.url for p in iter_records(tmp_path, problems)]
    assert urls == ["https://a.test/1", "https://a.test/2", "https://a.test/3"]
    assert len(problems) == 1 and problems[0].offset == size
    assert f"damaged WARC record in {warc} at byte {size}" in caplog.text


def test_an_intact_archive_reports_no_problem(tmp_path):
    append_pages(tmp_path / "pages.warc.gz", ["https://a.test/1"])
    problems = []
    assert [p.url for p in iter_records(tmp_path, problems)] == ["https://a.test/1"]
    assert problems == []
