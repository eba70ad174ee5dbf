"""The evidence middleware's WARC: one gzip member per record at the configured level, the page
hashes (payload as sent, page as decoded), and every record read back as it was fetched."""

from __future__ import annotations

import gzip
import hashlib
import zlib
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request

from scrapers.evidence import EvidenceMiddleware, gzip_level, iter_records

PAGE = Path(__file__).resolve().parents[1] / "scrapers/samples/www.echemi.com"


def sample_page() -> bytes:
    page = sorted(p for p in PAGE.rglob("*") if p.is_file() and p.name != "robots.txt")[0]
    page = page.read_bytes()
    return page * 40  # a page of real size (~100 KB), where the level shows


def archive(tmp_path: Path, level: int, pages: list[tuple[str, bytes, dict]],
            max_size: int = 5_000_000) -> tuple[Path, list[dict]]:
    mw = EvidenceMiddleware(tmp_path / f"level{level}", "run", max_size, level=level)
    evidence = []
    for url, body, headers in pages:
        request = Request(url)
        mw.process_response(request, HtmlResponse(url, body=body, headers=headers,
                                                  request=request))
        evidence.append(request.meta["evidence"])
    mw.close()
    return mw.path, evidence


def gzip_members(data: bytes) -> int:
    count = 0
    while data:
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        d.decompress(data)
        assert d.eof, "a record is cut short"
        data, count = d.unused_data, count + 1
    return count


def test_each_record_is_one_gzip_member_and_reads_back_at_any_level(tmp_path):
    body = sample_page()
    pages = [(f"https://www.echemi.com/p/{i}.html", body + str(i).encode(), {}) for i in range(3)]
    fast, _ = archive(tmp_path, 1, pages)
    small, evidence = archive(tmp_path, 9, pages)
    assert gzip_members(fast.read_bytes()) == gzip_members(small.read_bytes()) == 3
    assert fast.stat().st_size > small.stat().st_size  # the level is the one asked for
    for path in (fast, small):
        read = list(iter_records(path.parent))
        assert [p.url for p in read] == [url for url, _, _ in pages]
        assert [p.body for p in read] == [b for _, b, _ in pages]
        assert [p.sha256 for p in read] == [hashlib.sha256(b).hexdigest() for _, b, _ in pages]
    assert evidence[0]["body_sha256"] == evidence[0]["payload_sha256"]


def test_page_hash_is_of_the_decoded_page_and_an_oversize_page_has_a_note(tmp_path):
    page = sample_page()
    sent = gzip.compress(page)
    path, evidence = archive(tmp_path, 6, [
        ("https://www.echemi.com/gz.html", sent, {"Content-Encoding": "gzip"}),
        ("https://www.echemi.com/big.html", page + b" ", {}),
    ], max_size=len(page))
    gz, big = evidence
    assert gz["payload_sha256"] == hashlib.sha256(sent).hexdigest()
    assert gz["body_sha256"] == hashlib.sha256(page).hexdigest()
    assert big["body_sha256"] is None
    assert big["payload_sha256"] == hashlib.sha256(page + b" ").hexdigest()
    read = {p.url: p for p in iter_records(path.parent, max_size=len(page) + 5)}
    assert read["https://www.echemi.com/gz.html"].body == page
    assert read["https://www.echemi.com/big.html"].body == page + b" "
    assert "larger than" in read["https://www.echemi.com/big.html"].note  # PAGE_NOTE_HEADER


@pytest.mark.parametrize("value", ["10", "-1", "fast", ""])
def test_a_bad_gzip_level_is_refused_naming_the_variable(monkeypatch, value):
    monkeypatch.setenv("PRECURSOR_WATCH_WARC_GZIP_LEVEL", value)
    with pytest.raises(ValueError, match="PRECURSOR_WATCH_WARC_GZIP_LEVEL must be 0-9"):
        gzip_level()


def test_the_gzip_level_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("PRECURSOR_WATCH_WARC_GZIP_LEVEL", " 1 ")
    assert gzip_level() == 1
    monkeypatch.delenv("PRECURSOR_WATCH_WARC_GZIP_LEVEL")
    assert gzip_level() == 6
