"""Opening a catalog file: WAL mode, the busy timeout shared by concurrent writers, and a retry
for the statements SQLite does not make wait; `open_db` ensures the shape (`schema`) and marks
runs a dead process left `running`."""

from __future__ import annotations

import os
import sqlite3
import time

import sqlite_utils

from pipelines.catalog.location import db_path

BUSY_TIMEOUT = float(os.getenv("PRECURSOR_WATCH_BUSY_TIMEOUT", 60))  # seconds a writer waits


def open_db(path: str | os.PathLike | None = None) -> sqlite_utils.Database:
    """Open (creating) a catalog file in WAL mode, ready to write; the shape is ensured.

    Concurrent writers wait for each other up to BUSY_TIMEOUT (env PRECURSOR_WATCH_BUSY_TIMEOUT)
    instead of failing with "database is locked"."""
    path = db_path(path)
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT, isolation_level=None)
    db = sqlite_utils.Database(conn)
    db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
    when_unlocked(lambda: db.execute("PRAGMA journal_mode = WAL"))
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA cache_size = -65536")  # 64 MB page cache for batch upserts
    db.execute("PRAGMA foreign_keys = OFF")  # rows may arrive before what they point at
    from pipelines.catalog.runs import mark_interrupted
    from pipelines.catalog.schema import ensure_db_shape

    ensure_db_shape(db)
    mark_interrupted(db)  # rows left `running` by a crawl process that died
    return db


def when_unlocked(step, timeout: float | None = None):
    """Run `step`, retrying while SQLite says the database is locked (some statements, such as
    switching a new file to WAL, do not wait on the busy handler)."""
    deadline = time.monotonic() + (BUSY_TIMEOUT if timeout is None else timeout)
    delay = 0.01
    while True:
        try:
            return step()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if time.monotonic() >= deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.5)
