"""Evidence: every fetched page appended to one WARC file per crawl run.

Each response becomes a WARC `response` record (real URL, fetch time, HTTP headers, body) with a
`WARC-Payload-SHA256` header (and, for pages fetched from a loopback sample server, a
`WARC-Precursor-Watch-Served-From` header naming the server URL: a sample is never mistaken for the
live site); the request's meta gets `evidence` = {warc_file, warc_record_id,
body_sha256, fetched_at} so items can point at the archived copy. `find_records` reads them back.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from io import BytesIO
from pathlib import Path

from scrapy import signals
from scrapy.http import Request, Response
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

log = logging.getLogger(__name__)
SHA_HEADER = "WARC-Payload-SHA256"
SERVED_FROM_HEADER = "WARC-Precursor-Watch-Served-From"


def status_line(status: int) -> str:
    """`404 Not Found`: the standard reason phrase (Scrapy keeps only the code)."""
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


def new_run_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]


class EvidenceMiddleware:
    """Downloader middleware that archives every response it sees."""

    def __init__(self, directory: Path, run_id: str):
        self.path = directory / run_id / "pages.warc.gz"
        self.lock = threading.Lock()
        self._fh = None
        self._writer: WARCWriter | None = None

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        run_id = settings.get("PRECURSOR_WATCH_RUN_ID") or new_run_id()
        mw = cls(Path(settings.get("PRECURSOR_WATCH_EVIDENCE_DIR", "crawls")), run_id)
        crawler.signals.connect(mw.close, signal=signals.spider_closed)
        return mw

    def _open(self) -> WARCWriter:
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = self.path.open("ab")
            self._writer = WARCWriter(self._fh, gzip=True)
        return self._writer

    def process_response(self, request: Request, response: Response):
        body = response.body or b""
        sha = hashlib.sha256(body).hexdigest()
        fetched = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        headers = [(k.decode("latin-1"), b", ".join(v).decode("latin-1"))
                   for k, v in response.headers.items()]
        http_headers = StatusAndHeaders(status_line(response.status), headers, protocol="HTTP/1.1")
        warc_headers = {"WARC-Date": fetched, SHA_HEADER: sha}
        if "sample_original" in request.meta:
            warc_headers[SERVED_FROM_HEADER] = request.url
        with self.lock:
            writer = self._open()
            record = writer.create_warc_record(
                response.url, "response", payload=BytesIO(body), http_headers=http_headers,
                warc_headers_dict=warc_headers,
            )
            writer.write_record(record)
            self._fh.flush()  # type: ignore[union-attr]
        request.meta["evidence"] = {
            "warc_file": str(self.path),
            "warc_record_id": record.rec_headers.get_header("WARC-Record-ID"),
            "body_sha256": sha,
            "fetched_at": fetched,
            "page_url": response.url,
        }
        return response

    def close(self, spider=None) -> None:
        with self.lock:
            if self._fh:
                self._fh.close()
                self._fh = None
                self._writer = None


@dataclass
class ArchivedPage:
    warc_file: str
    record_id: str
    url: str
    fetched_at: str
    sha256: str
    status: str
    body: bytes
    served_from: str = ""  # the loopback sample server URL, for pages that are samples


GZIP_MAGIC = b"\x1f\x8b\x08"
# What a damaged WARC raises: warcio's own error, a cut-off or corrupt gzip member, bad headers.
BAD_RECORD = (ArchiveLoadFailed, EOFError, zlib.error, OSError, ValueError)


@dataclass
class ReadProblem:
    warc_file: str
    offset: int
    error: str


def iter_records(directory: Path | str,
                 problems: list[ReadProblem] | None = None) -> Iterator[ArchivedPage]:
    """Every archived response under `directory` (all runs), oldest file first.

    A damaged record (e.g. cut short when a crawl was killed, then appended to on resume) is
    skipped: it is logged, appended to `problems`, and reading goes on at the next record."""
    for path in sorted(Path(directory).rglob("*.warc.gz")):
        with path.open("rb") as fh:
            offset = 0
            while offset is not None:
                offset = yield from _read_from(path, fh, offset, problems)


def _read_from(path: Path, fh, start: int, problems: list[ReadProblem] | None):
    """Records from byte `start`; returns where to go on after a damaged record (None: done)."""
    fh.seek(start)
    records = ArchiveIterator(fh)
    at, read_through = start, False
    try:
        for rec in records:
            at, read_through = start + records.offset, False
            if rec.rec_type == "response":
                yield _page(path, rec)
            read_through = True
        return None
    except BAD_RECORD as exc:
        if read_through:  # the damage is in a later record: go on from there, report it there
            return _next_member(fh, at + 1)
        problem = ReadProblem(str(path), at, f"{type(exc).__name__}: {exc}")
        log.warning("evidence: damaged WARC record in %s at byte %d (%s); skipped",
                    path, at, problem.error)
        if problems is not None:
            problems.append(problem)
        return _next_member(fh, at + 1)


def _next_member(fh, pos: int) -> int | None:
    """Offset of the next gzip member (each WARC record is one) at or after `pos`."""
    fh.seek(pos)
    tail = b""
    while chunk := fh.read(1 << 20):
        buf = tail + chunk
        found = buf.find(GZIP_MAGIC)
        if found >= 0:
            return pos - len(tail) + found
        pos += len(chunk)
        tail = buf[-2:]
    return None


def _page(path: Path, rec) -> ArchivedPage:
    body = rec.content_stream().read()
    return ArchivedPage(
        warc_file=str(path),
        record_id=rec.rec_headers.get_header("WARC-Record-ID") or "",
        url=rec.rec_headers.get_header("WARC-Target-URI") or "",
        fetched_at=rec.rec_headers.get_header("WARC-Date") or "",
        sha256=rec.rec_headers.get_header(SHA_HEADER) or hashlib.sha256(body).hexdigest(),
        status=rec.http_headers.get_statuscode() if rec.http_headers else "",
        body=body,
        served_from=rec.rec_headers.get_header(SERVED_FROM_HEADER) or "",
    )


def find_records(directory: Path | str, key: str,
                 problems: list[ReadProblem] | None = None) -> list[ArchivedPage]:
    """Archived pages whose URL or body SHA-256 (or record id) equals `key`."""
    key = key.strip()
    return [
        p for p in iter_records(directory, problems)
        if key in (p.url, p.sha256, p.record_id) or (len(key) >= 12 and p.sha256.startswith(key))
    ]


def evidence_dir_default() -> Path:
    return Path(os.getenv("PRECURSOR_WATCH_EVIDENCE_DIR", "crawls"))
