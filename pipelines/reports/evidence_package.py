"""An evidence package: the archived pages behind a report's hits as one WACZ file (the
Webrecorder format ReplayWeb.page opens). The WARC records are copied byte for byte from the
crawl's WARC files (each record is its own gzip member, so its digests and our SHA-256 header
stay as captured), then the `wacz` library indexes them (CDX), writes pages.jsonl from our page
list and datapackage.json with the SHA-256 of every file. The report's CSV and HTML ride along
as extra files named in a manifest beside the package's own data (`report/`). Pages and
records are read from the report's hit table by SQL and written as they come: memory does not
grow with the number of hits."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from pipelines.reports.hits import TABLE, Report
from precursor_watch.web.archived import CaptureNotFound, locate_warc


class PackageError(RuntimeError):
    """The package cannot be written faithfully (a capture missing, the library refused)."""


@dataclass
class Packed:
    pages: int = 0
    records: int = 0
    warcs: list[str] = field(default_factory=list)


def _files(rep: Report) -> list[str]:
    """The WARC files holding the evidence pages behind the report's hits."""
    rep.conn.execute(f"create index if not exists {TABLE}_warc on report_hits(warc_file,"
                     " warc_record_id)")
    return [f for (f,) in rep.conn.execute(
        f"select distinct warc_file from {TABLE} where coalesce(warc_file, '') != ''"
        " and coalesce(warc_record_id, '') != '' order by warc_file")]


def _record_ids(rep: Report, warc_file: str) -> set[str]:
    return {r for (r,) in rep.conn.execute(
        f"select distinct warc_record_id from {TABLE} where warc_file = ?"
        " and coalesce(warc_record_id, '') != ''", [warc_file])}


def _pages(rep: Report) -> Iterator[dict]:
    """The evidence pages (URL and the hits they show as a title), in the order the report's
    hits first cite them (grouped by WARC file)."""
    for wf, rid, first in rep.conn.execute(f"""
select h.warc_file, h.warc_record_id, min(h.rowid) as first from {TABLE} h
join (select warc_file, min(rowid) as file_first from {TABLE} group by warc_file) f
  on f.warc_file = h.warc_file
where coalesce(h.warc_file, '') != '' and coalesce(h.warc_record_id, '') != ''
group by h.warc_file, h.warc_record_id order by min(f.file_first), first""").fetchall():
        url, = rep.conn.execute(f"select coalesce(evidence_url, listing_url) from {TABLE}"
                                " where rowid = ?", [first]).fetchone()
        titles = dict.fromkeys(
            f"{name or entry}: {vendor or '?'} on {platform}"
            for name, entry, vendor, platform in rep.conn.execute(
                f"select entry_name, entry, vendor_name, platform from {TABLE}"
                " where warc_file = ? and warc_record_id = ? order by rowid", [wf, rid]))
        yield {"url": url, "title": "; ".join(titles)[:500]}


def copy_records(source: Path, record_ids: set[str], out) -> int:
    """Copy the records named (and the request/metadata records concurrent to them) from a
    per-record-gzipped WARC into `out`, byte for byte; how many records were copied."""
    from warcio.archiveiterator import ArchiveIterator

    spans: list[tuple[int, int]] = []
    found: set[str] = set()
    with source.open("rb") as fh:
        it = ArchiveIterator(fh)
        for rec in it:
            h = rec.rec_headers
            rid = h.get_header("WARC-Record-ID")
            if rid in record_ids or h.get_header("WARC-Concurrent-To") in record_ids:
                rec.content_stream().read()  # to the record's end, so its length is known
                spans.append((it.get_record_offset(), it.get_record_length()))
                found.add(rid)
    missing = record_ids - found
    if missing:
        raise PackageError(f"{len(missing)} evidence record(s) not in {source}: "
                           f"{', '.join(sorted(missing)[:3])}")
    with source.open("rb") as fh:
        for offset, length in spans:
            fh.seek(offset)
            out.write(fh.read(length))
    return len(spans)


def write_wacz(rep: Report, output: str | Path, roots: list[Path], title: str,
               extra: dict[str, Callable[[IO[str]], None]] | None = None,
               sign_key=None) -> Packed:
    """The WACZ of every evidence page behind the report's hits at `output`; `extra`: name ->
    a function writing that file's text (the report's HTML and CSV), added under `report/`;
    `sign_key`: an EC P-256 private key signing datapackage.json (`wacz_signing`)."""
    from wacz.main import main as wacz_main

    files = _files(rep)
    if not files:
        raise PackageError("no hit of this report has an archived page to package")
    packed = Packed()
    with tempfile.TemporaryDirectory(prefix="pw-wacz-") as tmp:
        warc = Path(tmp) / "evidence.warc.gz"
        pages = Path(tmp) / "pages.jsonl"
        with warc.open("wb") as out:
            for warc_file in files:
                try:
                    source = locate_warc(warc_file, roots)
                except CaptureNotFound as exc:
                    raise PackageError(f"{exc}; give --evidence-root") from exc
                packed.records += copy_records(source, _record_ids(rep, warc_file), out)
                packed.warcs.append(warc_file)
        with pages.open("w", encoding="utf-8") as fh:
            fh.write(json.dumps({"format": "json-pages-1.0", "id": "pages",
                                 "title": "Evidence pages behind the report's hits"}) + "\n")
            for page in _pages(rep):
                fh.write(json.dumps(page, ensure_ascii=False) + "\n")
                packed.pages += 1
        head = rep.head
        desc = (f"precursor-watch report of {head['generated_at']}: {rep.count} hits; "
                f"watchlist {head['cover']['watchlist_version_full']}; report data SHA-256 "
                f"{head['cover']['data_sha256']}")
        args = ["create", "-o", str(output), "-p", str(pages), "--title", title, "--desc", desc,
                str(warc)]
        with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull):
            code = wacz_main(args)
        if code:
            raise PackageError(f"the wacz library could not write {output} (exit {code})")
        written = {}
        for name, write in (extra or {}).items():
            written[name] = Path(tmp) / f"extra-{len(written)}"
            with written[name].open("w", encoding="utf-8", newline="") as fh:
                write(fh)
        if written or sign_key is not None:
            add_files(Path(output), written, sign_key)
    return packed


def add_files(wacz_path: Path, files: dict[str, Path], sign_key=None) -> None:
    """Add files (the report's CSV and HTML) under `report/`: listed, with their SHA-256, in
    datapackage.json's resources, so the package's own check covers them too; with `sign_key`,
    datapackage-digest.json carries the signature. Every member is copied in blocks, never
    read whole."""
    import hashlib
    import shutil
    import zipfile

    tmp = wacz_path.with_suffix(".tmp")
    with zipfile.ZipFile(wacz_path) as src, zipfile.ZipFile(tmp, "w") as dst:
        package = json.loads(src.read("datapackage.json"))
        for item in src.infolist():
            if item.filename in ("datapackage.json", "datapackage-digest.json"):
                continue
            with src.open(item) as r, dst.open(item, "w") as w:
                shutil.copyfileobj(r, w)
        for name, source in files.items():
            path = f"report/{name}"
            info = zipfile.ZipInfo(path)
            info.compress_type = zipfile.ZIP_DEFLATED
            digest, size = hashlib.sha256(), 0
            with source.open("rb") as r, dst.open(info, "w", force_zip64=True) as w:
                for block in iter(lambda r=r: r.read(1 << 20), b""):
                    digest.update(block)
                    size += len(block)
                    w.write(block)
            package["resources"].append({"name": name, "path": path,
                                         "hash": "sha256:" + digest.hexdigest(),
                                         "bytes": size})
        text = json.dumps(package, indent=2).encode("utf-8")
        dst.writestr(zipfile.ZipInfo("datapackage.json"), text)
        digest_doc = {"path": "datapackage.json",
                      "hash": "sha256:" + hashlib.sha256(text).hexdigest()}
        if sign_key is not None:
            from pipelines.reports.handover import tool_versions
            from pipelines.reports.wacz_signing import signed_data

            software = f"precursor-watch {tool_versions()['precursor-watch']}"
            digest_doc["signedData"] = signed_data(sign_key, text, software)
        dst.writestr(zipfile.ZipInfo("datapackage-digest.json"), json.dumps(digest_doc, indent=2))
    tmp.replace(wacz_path)
