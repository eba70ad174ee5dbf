"""Evidence: every fetched page appended to one WARC file per crawl run.

Each response becomes a WARC `response` record (real URL, fetch time, HTTP headers, the body as
transferred) with a `WARC-Payload-SHA256` header (SHA-256 of the transferred bytes), a
`WARC-Precursor-Watch-Page-SHA256` header (SHA-256 of the decoded page the parsers read: gzip,
deflate, br or zstd undone) and, for pages fetched from a loopback sample server, a
`WARC-Precursor-Watch-Served-From` header naming the server URL (a sample is never mistaken for
the live site). The request's meta gets `evidence` = {warc_file, warc_record_id, body_sha256 (the
decoded page's), payload_sha256, fetched_at} so items can point at the archived copy.

`find_records` reads them back, decoding bodies chunk by chunk and never past DOWNLOAD_MAXSIZE
(env PRECURSOR_WATCH_DOWNLOAD_MAXSIZE): a gzip bomb in the archive costs one chunk of memory.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import threading
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from http import HTTPStatus
from io import BytesIO
from pathlib import Path

from scrapy import signals
from scrapy.http import Request, Response
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipelines.catalog.clock import run_stamp, utcnow_seconds
from scrapers.decoding import TooLarge, decode, decoded_sha256, encodings, read_stream

log = logging.getLogger(__name__)
SHA_HEADER = "WARC-Payload-SHA256"
PAGE_SHA_HEADER = "WARC-Precursor-Watch-Page-SHA256"
PAGE_NOTE_HEADER = "WARC-Precursor-Watch-Page-Note"
SERVED_FROM_HEADER = "WARC-Precursor-Watch-Served-From"


def gzip_level() -> int:
    """zlib level of each archived record (PRECURSOR_WATCH_WARC_GZIP_LEVEL, default 6). warcio
    writes level 9: twice the CPU of 6 on a real 585 KB page (~20 ms against ~10 ms on the
    reactor) for a 2 % smaller archive. The records read back the same at any level."""
    text = os.getenv("PRECURSOR_WATCH_WARC_GZIP_LEVEL", "6").strip()
    if not (text.isdigit() and 0 <= int(text) <= 9):
        raise ValueError(f"PRECURSOR_WATCH_WARC_GZIP_LEVEL must be 0-9 (zlib), not {text!r}")
    return int(text)


def gzip_member(data: bytes, level: int) -> bytes:
    """`data` as one gzip member (a WARC.gz holds one member per record)."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


def max_page_size() -> int:
    return int(os.getenv("PRECURSOR_WATCH_DOWNLOAD_MAXSIZE", 5 * 1024 * 1024))


def page_sha256(body: bytes, content_encoding, max_size: int,
                payload_sha: str | None = None) -> tuple[str | None, str | None]:
    """(SHA-256 of the decoded page, None) or (None, why it has none). A body sent without a
    content encoding is the page itself: its `payload_sha` (when given) is not computed again."""
    if payload_sha is not None and not encodings(content_encoding):
        if max_size and len(body) > max_size:
            return None, str(TooLarge(max_size))
        return payload_sha, None
    try:
        return decoded_sha256(body, encodings(content_encoding), max_size), None
    except TooLarge as exc:
        return None, str(exc)
    except Exception as exc:  # corrupt or unknown encoding: the parsers never read a page
        return None, f"not decodable: {type(exc).__name__}: {exc}"[:300]


@functools.cache
def status_line(status: int) -> str:
    """`404 Not Found`: the standard reason phrase (Scrapy keeps only the code)."""
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


def new_run_id() -> str:
    return run_stamp() + "-" + uuid.uuid4().hex[:6]


class EvidenceMiddleware:
    """Downloader middleware that archives every response it sees."""

    def __init__(self, directory: Path, run_id: str, max_size: int = 0,
                 level: int | None = None):
        self.path = directory / run_id / "pages.warc.gz"
        self.max_size = max_size
        self.level = gzip_level() if level is None else level
        self.lock = threading.Lock()
        self._fh = None
        self._record = BytesIO()  # one record, uncompressed, before it is appended as a member
        self._writer: WARCWriter | None = None

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        run_id = settings.get("PRECURSOR_WATCH_RUN_ID") or new_run_id()
        mw = cls(Path(settings.get("PRECURSOR_WATCH_EVIDENCE_DIR", "crawls")), run_id,
                 settings.getint("DOWNLOAD_MAXSIZE"))
        crawler.signals.connect(mw.close, signal=signals.spider_closed)
        return mw

    def _open(self) -> WARCWriter:
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = self.path.open("ab")
            self._writer = WARCWriter(self._record, gzip=False)
        return self._writer

    def _append(self, writer: WARCWriter, record) -> None:
        """Write the record as its own gzip member at `level` and flush it to the file."""
        self._record.seek(0)
        self._record.truncate()
        writer.write_record(record)
        self._fh.write(gzip_member(self._record.getvalue(), self.level))  # type: ignore[union-attr]
        self._fh.flush()  # type: ignore[union-attr]

    def process_response(self, request: Request, response: Response):
        body = response.body or b""
        sha = hashlib.sha256(body).hexdigest()
        max_size = request.meta.get("download_maxsize", self.max_size)
        page_sha, note = page_sha256(body, response.headers.get(b"Content-Encoding"), max_size,
                                     sha)
        fetched = utcnow_seconds()
        headers = [(k.decode("latin-1"), b", ".join(v).decode("latin-1"))
                   for k, v in response.headers.items()]
        http_headers = StatusAndHeaders(status_line(response.status), headers, protocol="HTTP/1.1")
        warc_headers = {"WARC-Date": fetched, SHA_HEADER: sha}
        if page_sha:
            warc_headers[PAGE_SHA_HEADER] = page_sha
        else:
            warc_headers[PAGE_NOTE_HEADER] = note
        if "sample_original" in request.meta:
            warc_headers[SERVED_FROM_HEADER] = request.url
        with self.lock:
            writer = self._open()
            record = writer.create_warc_record(
                response.url, "response", payload=BytesIO(body), http_headers=http_headers,
                warc_headers_dict=warc_headers,
            )
            self._append(writer, record)
        request.meta["evidence"] = {
            "warc_file": str(self.path),
            "warc_record_id": record.rec_headers.get_header("WARC-Record-ID"),
            "body_sha256": page_sha,
            "payload_sha256": sha,
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
    sha256: str  # of the decoded page (what the parsers read); "" when it has none
    status: str
    body: bytes  # the decoded page, at most max_page_size() bytes
    served_from: str = ""  # the loopback sample server URL, for pages that are samples
    payload_sha256: str = ""  # of the bytes as transferred (WARC-Payload-SHA256)
    note: str = ""  # why the body is cut short or not decoded


GZIP_MAGIC = b"\x1f\x8b\x08"
# What a damaged WARC raises: warcio's own error, a cut-off or corrupt gzip member, bad headers.
BAD_RECORD = (ArchiveLoadFailed, EOFError, zlib.error, OSError, ValueError)


@dataclass
class ReadProblem:
    warc_file: str
    offset: int
    error: str


def _read_body(rec, max_size: int) -> tuple[bytes, str, str]:
    """(decoded body up to max_size, its SHA-256 if complete, note) streamed from the record."""
    enc = encodings(rec.http_headers.get_header("Content-Encoding") if rec.http_headers else None)
    kept, size, h = bytearray(), 0, hashlib.sha256()
    try:
        for chunk in decode(read_stream(rec.raw_stream), enc, 0):
            h.update(chunk)
            size += len(chunk)
            if len(kept) < max_size:
                kept += chunk[: max_size - len(kept)]
            if size > max_size:
                return bytes(kept), "", f"decoded page larger than {max_size} bytes: cut there"
    except Exception as exc:  # any decoder's error: the page is kept as far as it decoded
        return bytes(kept), "", f"not decodable: {type(exc).__name__}: {exc}"[:300]
    return bytes(kept), h.hexdigest(), ""


def _header(rec, name: str) -> str:
    return rec.rec_headers.get_header(name) or ""


def iter_records(directory: Path | str, problems: list[ReadProblem] | None = None, *,
                 wanted=None, max_size: int | None = None) -> Iterator[ArchivedPage]:
    """Archived responses under `directory` (all runs), oldest file first. `wanted(headers)`
    (a dict of url, record_id, sha256, payload_sha256) may skip a record without reading its
    body; records archived before the page hash was recorded are decoded to compute it.

    A damaged record (e.g. cut short when a crawl was killed, then appended to on resume) is
    skipped: it is logged, appended to `problems`, and reading goes on at the next record."""
    max_size = max_page_size() if max_size is None else max_size
    for path in sorted(Path(directory).rglob("*.warc.gz")):
        with path.open("rb") as fh:
            offset = 0
            while offset is not None:
                offset = yield from _read_from(path, fh, offset, problems, wanted, max_size)


def _read_from(path: Path, fh, start: int, problems: list[ReadProblem] | None, wanted,
               max_size: int):
    """Records from byte `start`; returns where to go on after a damaged record (None: done)."""
    fh.seek(start)
    records = ArchiveIterator(fh)  # its offsets are positions in the file, not from `start`
    at, read_through = start, False
    try:
        for rec in records:
            at, read_through = records.offset, False
            if not rec.format.startswith("warc"):
                # warcio falls back to the old ARC format on bytes it cannot read as WARC: on the
                # rest of a record cut short, a line of compressed bytes with five spaces in it
                # reads as an ARC header, a "page" whose address is noise
                raise ArchiveLoadFailed(f"not a WARC record (read as {rec.format})")
            if rec.rec_type == "response":
                page = _page(path, rec, wanted, max_size)
                if page is not None:
                    yield page
            read_through = True
    except BAD_RECORD as exc:
        if read_through:  # the damage starts where the last whole record ends
            at = records.offset
            if at > start and _opens_warc(fh, at):
                return at  # a record that begins well: reading it again reports where it breaks
        return _skip(path, fh, at, f"{type(exc).__name__}: {exc}", problems)
    end = records.offset
    if end < os.fstat(fh.fileno()).st_size:
        # warcio also ends without a word at a gzip member it cannot inflate (a record cut short
        # and then appended to), which would hide every record after it
        return _skip(path, fh, end, "unreadable record: reading stopped before the end of the "
                     "file", problems)
    return None


def _skip(path: Path, fh, at: int, error: str,
          problems: list[ReadProblem] | None) -> int | None:
    """Report the damaged record at byte `at`; where the next readable record starts."""
    log.warning("evidence: damaged WARC record in %s at byte %d (%s); skipped", path, at, error)
    if problems is not None:
        problems.append(ReadProblem(str(path), at, error))
    return _next_member(fh, at + 1)


def _next_member(fh, pos: int) -> int | None:
    """Offset of the next WARC record (a gzip member that inflates to "WARC/") at or after
    `pos`; the gzip magic bytes also occur by chance inside compressed data."""
    while (found := _next_magic(fh, pos)) is not None:
        if _opens_warc(fh, found):
            return found
        pos = found + 1
    return None


def _next_magic(fh, pos: int) -> int | None:
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


def _opens_warc(fh, pos: int) -> bool:
    fh.seek(pos)
    try:
        head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(fh.read(4096), 16)
    except zlib.error:
        return False
    return head.startswith(b"WARC/")


def _page(path: Path, rec, wanted, max_size: int) -> ArchivedPage | None:
    meta = {"url": _header(rec, "WARC-Target-URI"),
            "record_id": _header(rec, "WARC-Record-ID"),
            "sha256": _header(rec, PAGE_SHA_HEADER),
            "payload_sha256": _header(rec, SHA_HEADER)}
    legacy = not meta["sha256"] and not _header(rec, PAGE_NOTE_HEADER)
    if wanted is not None and not legacy and not wanted(meta):
        return None
    body, sha, note = _read_body(rec, max_size)
    meta["sha256"] = meta["sha256"] or sha
    if wanted is not None and legacy and not wanted(meta):
        return None
    return ArchivedPage(
        warc_file=str(path), record_id=meta["record_id"], url=meta["url"],
        fetched_at=_header(rec, "WARC-Date"), sha256=meta["sha256"],
        status=rec.http_headers.get_statuscode() if rec.http_headers else "",
        body=body, served_from=_header(rec, SERVED_FROM_HEADER),
        payload_sha256=meta["payload_sha256"], note=note or _header(rec, PAGE_NOTE_HEADER))


def find_records(directory: Path | str, key: str,
                 problems: list[ReadProblem] | None = None) -> list[ArchivedPage]:
    """Archived pages whose URL, page or payload SHA-256 (or a 12+ character prefix of one), or
    record id equals `key`."""
    key = key.strip()

    def wanted(meta: dict) -> bool:
        if key in meta.values():
            return True
        return len(key) >= 12 and any(
            meta[k].startswith(key) for k in ("sha256", "payload_sha256") if meta[k])

    return list(iter_records(directory, problems, wanted=wanted))


def evidence_dir_default() -> Path:
    return Path(os.getenv("PRECURSOR_WATCH_EVIDENCE_DIR", "crawls"))
