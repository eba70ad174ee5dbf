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
SETTINGS = {"sql_time_limit_ms": 3000, "facet_time_limit_ms": 500, "max_returned_rows": 2000,
            "allow_download": False}


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


def build(db_path: str | Path, *, password_hash: str | None = None, user: str = DEFAULT_USER,
          immutable: bool = False, evidence_root: str | Path | None = None):
    """A Datasette instance (read-only: mutable files are read through ?mode=ro connections
    and no write plugin is installed; `immutable` also promises the file never changes)."""
    from datasette.app import Datasette

    path = Path(db_path)
    if not path.is_file():
        raise FileNotFoundError(f"no catalog at {path} (run `precursor-watch demo` or a crawl)")
    md = metadata_for(path, password_hash, user, Path(evidence_root) if evidence_root else None)
    ds = Datasette(files=[] if immutable else [str(path)],
                   immutables=[str(path)] if immutable else [], metadata=md,
                   settings=SETTINGS)
    asyncio.run(ds.invoke_startup())
    return ds


def serve(ds, host: str, port: int) -> None:
    import uvicorn

    uvicorn.run(ds.app(), host=host, port=port, log_level="warning")
