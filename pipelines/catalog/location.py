"""Where the catalog file is, read in one place: an explicit path, else the PRECURSOR_WATCH_DB
environment variable, else `catalog.db` in the working directory. (The command line adds `--db`
and a config file in front of these: `precursor_watch/config.py`.) No imports beyond the
standard library, so Scrapy's settings module can use it."""

from __future__ import annotations

import os
from pathlib import Path

DB_ENV = "PRECURSOR_WATCH_DB"
DEFAULT_DB = "catalog.db"


def db_from_env() -> str | None:
    """PRECURSOR_WATCH_DB when it is set and not empty."""
    return os.environ.get(DB_ENV) or None


def db_path(path: str | os.PathLike | None = None) -> Path:
    """The catalog file: `path` when given, else PRECURSOR_WATCH_DB, else `catalog.db`."""
    return Path(path or db_from_env() or DEFAULT_DB)
