"""Datasette over a catalog with the project's configuration (metadata.yml beside this file),
read-only, optionally behind a password (datasette-auth-passwords)."""

from __future__ import annotations

import asyncio
import copy
from functools import lru_cache
from pathlib import Path

import yaml

METADATA = Path(__file__).parent / "metadata.yml"
DEFAULT_USER = "analyst"
# Facet suggestions run a count query per column on every table page (seconds on a large
# catalog): off; the default facets in metadata.yml are the indexed, useful ones.
SETTINGS = {"sql_time_limit_ms": 3000, "facet_time_limit_ms": 500, "max_returned_rows": 2000,
            "allow_download": False, "suggest_facets": False}


@lru_cache(maxsize=1)
def _base_metadata() -> dict:
    return yaml.safe_load(METADATA.read_text(encoding="utf-8"))


def metadata_for(db_path: Path, password_hash: str | None = None, user: str = DEFAULT_USER,
                 evidence_root: Path | None = None) -> dict:
    """The shipped metadata with its database block named after the file being served."""
    md = copy.deepcopy(_base_metadata())
    databases = md.get("databases", {})
    md["databases"] = {db_path.stem: databases.get("catalog", {})}
    plugins = md.setdefault("plugins", {})
    if evidence_root is not None:
        plugins.setdefault("precursor-watch", {})["evidence_root"] = str(evidence_root)
    if password_hash:
        plugins["datasette-auth-passwords"] = {f"{user}_password_hash": password_hash}
        md["allow"] = {"id": user}
    return md


class NotACatalog(ValueError):
    """A file that is not a precursor-watch catalog (not SQLite, or without its tables)."""


def check_catalog(path: Path) -> None:
    """NotACatalog, saying why, unless `path` is a SQLite file with the catalog's tables."""
    import sqlite3

    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in conn.execute("select name from sqlite_master")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise NotACatalog(f"{path} is not a precursor-watch catalog: {exc}") from None
    missing = {"listings", "hits", "vendors", "watchlist_entries"} - tables
    if missing:
        raise NotACatalog(f"{path} is a SQLite file but not a precursor-watch catalog (no "
                          f"{', '.join(sorted(missing))} table); give the catalog with --db")


def build(db_path: str | Path, *, password_hash: str | None = None, user: str = DEFAULT_USER,
          immutable: bool = False, evidence_root: str | Path | None = None):
    """A Datasette instance (read-only: mutable files are read through ?mode=ro connections
    and no write plugin is installed; `immutable` also promises the file never changes)."""
    from datasette.app import Datasette

    path = Path(db_path)
    if not path.is_file():
        raise FileNotFoundError(f"no catalog at {path} (run `precursor-watch demo` or a crawl)")
    check_catalog(path)
    md = metadata_for(path, password_hash, user, Path(evidence_root) if evidence_root else None)
    ds = Datasette(files=[] if immutable else [str(path)],
                   immutables=[str(path)] if immutable else [], metadata=md,
                   settings=SETTINGS)
    asyncio.run(ds.invoke_startup())
    return ds


def serve(ds, host: str, port: int) -> None:
    import uvicorn

    uvicorn.run(ds.app(), host=host, port=port, log_level="warning")
