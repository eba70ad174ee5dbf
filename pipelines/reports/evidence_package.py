"""An evidence package: the archived pages behind a report's hits as one WACZ file (the
Webrecorder format ReplayWeb.page opens). The WARC records are copied byte for byte from the
crawl's WARC files (each record is its own gzip member, so its digests and our SHA-256 header
stay as captured), then the `wacz` library indexes them (CDX), writes pages.jsonl from our page
list and datapackage.json with the SHA-256 of every file. The report's CSV and JSON ride along
as extra files named in a manifest beside the package's own data (`report/`)."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from precursor_watch.web.archived import CaptureNotFound, locate_warc


class PackageError(RuntimeError):
    """The package cannot be written faithfully (a capture missing, the library refused)."""


@dataclass
class Packed:
    pages: int = 0
    records: int = 0
    warcs: list[str] = field(default_factory=list)


def _wanted(hits: list[dict]) -> dict[str, dict[str, dict]]:
    """{warc file: {record id: page}} of the evidence pages behind the hits."""
    out: dict[str, dict[str, dict]] = {}
    for h in hits:
        if not (h.get("warc_file") and h.get("warc_record_id")):
            continue
        page = out.setdefault(h["warc_file"], {}).setdefault(h["warc_record_id"], {
            "url": h["evidence_url"] or h["listing_url"], "fetched_at": h["fetched_at"],
            "sha256": h["evidence_sha256"], "titles": []})
        label = f"{h['entry_name'] or h['entry']}: {h['vendor_name'] or '?'} on {h['platform']}"
        if label not in page["titles"]:
            page["titles"].append(label)
    return out


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


def write_wacz(data: dict, output: str | Path, roots: list[Path], title: str,
               extra: dict[str, bytes] | None = None) -> Packed:
    """The WACZ of every evidence page behind `data['hits']` (a report's data) at `output`."""
    from wacz.main import main as wacz_main

    wanted = _wanted(data["hits"])
    if not wanted:
        raise PackageError("no hit of this report has an archived page to package")
    packed = Packed()
    with tempfile.TemporaryDirectory(prefix="pw-wacz-") as tmp:
        warc = Path(tmp) / "evidence.warc.gz"
        pages = Path(tmp) / "pages.jsonl"
        with warc.open("wb") as out:
            for warc_file, records in sorted(wanted.items()):
                try:
                    source = locate_warc(warc_file, roots)
                except CaptureNotFound as exc:
                    raise PackageError(f"{exc}; give --evidence-root") from exc
                packed.records += copy_records(source, set(records), out)
                packed.warcs.append(warc_file)
        with pages.open("w", encoding="utf-8") as fh:
            fh.write(json.dumps({"format": "json-pages-1.0", "id": "pages",
                                 "title": "Evidence pages behind the report's hits"}) + "\n")
            for records in wanted.values():
                for page in records.values():
                    fh.write(json.dumps({"url": page["url"],
                                         "title": "; ".join(page["titles"])[:500]},
                                        ensure_ascii=False) + "\n")
                    packed.pages += 1
        desc = (f"precursor-watch report of {data['generated_at']}: {len(data['hits'])} hits; "
                f"watchlist {data['cover']['watchlist_version_full']}; report data SHA-256 "
                f"{data['cover']['data_sha256']}")
        args = ["create", "-o", str(output), "-p", str(pages), "--title", title, "--desc", desc,
                str(warc)]
        with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull):
            code = wacz_main(args)
        if code:
            raise PackageError(f"the wacz library could not write {output} (exit {code})")
    if extra:
        add_files(Path(output), extra)
    return packed


def add_files(wacz_path: Path, files: dict[str, bytes]) -> None:
    """Add files (the report's CSV and JSON) under `report/`: listed, with their SHA-256, in
    datapackage.json's resources, so the package's own check covers them too."""
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
        for name, body in files.items():
            path = f"report/{name}"
            dst.writestr(zipfile.ZipInfo(path), body, compress_type=zipfile.ZIP_DEFLATED)
            package["resources"].append({"name": name, "path": path,
                                         "hash": "sha256:" + hashlib.sha256(body).hexdigest(),
                                         "bytes": len(body)})
        text = json.dumps(package, indent=2).encode("utf-8")
        dst.writestr(zipfile.ZipInfo("datapackage.json"), text)
        digest = {"path": "datapackage.json",
                  "hash": "sha256:" + hashlib.sha256(text).hexdigest()}
        dst.writestr(zipfile.ZipInfo("datapackage-digest.json"), json.dumps(digest, indent=2))
    tmp.replace(wacz_path)
