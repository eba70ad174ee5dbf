"""Streamed, capped decoding of HTTP content encodings (gzip, deflate, br, zstd).

A 16 KB gzip bomb can expand to gigabytes: bytes are decoded chunk by chunk and decoding stops
with `TooLarge` once more than `max_size` decoded bytes came out, so memory stays at one chunk
(plus what the caller keeps). Used to hash the decoded page when archiving it and to read
archived pages back.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable, Iterator

CHUNK = 64 * 1024


class TooLarge(ValueError):
    def __init__(self, max_size: int):
        super().__init__(f"decoded page larger than {max_size} bytes")
        self.max_size = max_size


class UnknownEncoding(ValueError):
    pass


def _zlib(chunks: Iterable[bytes], wbits: int) -> Iterator[bytes]:
    d = zlib.decompressobj(wbits)
    for data in chunks:
        while data:
            yield d.decompress(data, CHUNK)
            data = d.unconsumed_tail
            if d.eof:  # gzip allows several members one after another
                data = d.unused_data  # (holds the unconsumed tail too)
                d = zlib.decompressobj(wbits)
    yield d.flush()


def _deflate(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """zlib-wrapped deflate, or raw deflate as some servers send it."""
    it = iter(chunks)
    first = next(it, b"")
    try:
        zlib.decompressobj().decompress(first[:64], 1)
        wbits = zlib.MAX_WBITS
    except zlib.error:
        wbits = -zlib.MAX_WBITS
    yield from _zlib(_prepend(first, it), wbits)


def _prepend(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest


def _brotli(chunks: Iterable[bytes]) -> Iterator[bytes]:
    import brotli

    d = brotli.Decompressor()
    for data in chunks:
        out = d.process(data, output_buffer_limit=CHUNK)
        yield out
        while not d.is_finished():
            out = d.process(b"", output_buffer_limit=CHUNK)
            if not out:
                break
            yield out


def _zstd(chunks: Iterable[bytes]) -> Iterator[bytes]:
    try:
        from compression import zstd  # type: ignore[import-not-found]
    except ImportError:
        from backports import zstd  # type: ignore[no-redef]

    d = zstd.ZstdDecompressor()
    for data in chunks:
        yield d.decompress(data, CHUNK)
        while not d.eof and not d.needs_input:
            yield d.decompress(b"", CHUNK)


DECODERS = {
    "gzip": lambda c: _zlib(c, 16 + zlib.MAX_WBITS),
    "x-gzip": lambda c: _zlib(c, 16 + zlib.MAX_WBITS),
    "deflate": _deflate,
    "br": _brotli,
    "zstd": _zstd,
}


def encodings(header: bytes | str | None) -> list[str]:
    """Content-Encoding values in the order they were applied ("identity" dropped)."""
    if isinstance(header, bytes):
        header = header.decode("latin-1")
    return [e.strip().lower() for e in (header or "").split(",")
            if e.strip() and e.strip().lower() != "identity"]


def decode(chunks: Iterable[bytes], content_encoding: list[str], max_size: int
           ) -> Iterator[bytes]:
    """The decoded bytes, chunk by chunk; raises TooLarge past `max_size` (0: no cap) and
    UnknownEncoding for an encoding it cannot undo (zlib.error etc. for corrupt data)."""
    stream: Iterable[bytes] = chunks
    for enc in reversed(content_encoding):
        if enc not in DECODERS:
            raise UnknownEncoding(f"unknown Content-Encoding {enc!r}")
        stream = DECODERS[enc](stream)
    size = 0
    for chunk in stream:
        if not chunk:
            continue
        size += len(chunk)
        if max_size and size > max_size:
            raise TooLarge(max_size)
        yield chunk


def decoded_sha256(body: bytes, content_encoding: list[str], max_size: int) -> str:
    """SHA-256 of the decoded body, computed without holding the decoded bytes."""
    h = hashlib.sha256()
    for chunk in decode([body], content_encoding, max_size):
        h.update(chunk)
    return h.hexdigest()


def read_stream(stream, size: int = CHUNK) -> Iterator[bytes]:
    while chunk := stream.read(size):
        yield chunk
