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


def test_bytes_between_records_that_no_gzip_member_starts_are_reported(tmp_path, caplog):
    # Noise after a whole record: no gzip magic to skip to, so it must be reported where it
    # starts, not passed over on the way to the next record.
    warc = tmp_path / "pages.warc.gz"
    append_pages(warc, ["https://a.test/1"])
    size = warc.stat().st_size
    with warc.open("ab") as fh:
        fh.write(b"\x9b\xe2noise 10.0.0.1 20261207 text/html 12\n\xc3\x01\x7f\xaa\x00garbage!!\n\n")
    append_pages(warc, ["https://a.test/2"])
    problems = []
    with caplog.at_level(logging.WARNING, logger="scrapers.evidence"):
        urls = [p.url for p in iter_records(tmp_path, problems)]
    assert urls == ["https://a.test/1", "https://a.test/2"]
    assert [p.offset for p in problems] == [size]
    assert f"damaged WARC record in {warc} at byte {size}" in caplog.text


def test_bytes_that_read_as_an_old_arc_record_are_damage_not_a_page(tmp_path):
    # The rest of a record cut short is compressed noise; where reading starts on it and a line
    # of it holds five space-separated fields, warcio reads an ARC header: a "page" whose
    # address is the noise. It is damage, and the record after it is still read.
    warc = tmp_path / "pages.warc.gz"
    noise = b"\x9b\xe2noise 10.0.0.1 20261207 text/html 12\n\xc3\x01\x7f\xaa\x00garbage!!\n\n"
    warc.write_bytes(noise)
    append_pages(warc, ["https://a.test/1"])
    problems = []
    urls = [p.url for p in iter_records(tmp_path, problems)]
    assert urls == ["https://a.test/1"]
    assert [p.offset for p in problems] == [0]
    assert "not a WARC record" in problems[0].error


def test_offsets_after_a_first_damaged_record_are_positions_in_the_file(tmp_path):
    # Two damaged stretches: the second is reported where it is, not shifted by the first.
    warc = tmp_path / "pages.warc.gz"
    append_pages(warc, ["https://a.test/1"])
    first = warc.stat().st_size
    with warc.open("ab") as fh:
        fh.write(b"first damage\n")
    append_pages(warc, ["https://a.test/2"])
    second = warc.stat().st_size
    with warc.open("ab") as fh:
        fh.write(b"second damage\n")
    append_pages(warc, ["https://a.test/3"])
    problems = []
    urls = [p.url for p in iter_records(tmp_path, problems)]
    assert urls == ["https://a.test/1", "https://a.test/2", "https://a.test/3"]
    assert [p.offset for p in problems] == [first, second]
