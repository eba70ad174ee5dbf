"""The Radar page as data: the ranking of unlisted substances (pipelines/catalog/radar_scores.py)
read from a read-only connection, with each substance's best route as structures and arrows."""

from __future__ import annotations

import datetime as dt
import sqlite3

from pipelines.catalog.radar_scores import TABLE, radar_rows

DEFAULT_LIMIT = 100


def radar_page(conn: sqlite3.Connection, since: str = "", limit: int = DEFAULT_LIMIT) -> dict:
    out: dict = {"since": since, "limit": limit, "rows": [], "error": None}
    if since:
        try:
            since = dt.date.fromisoformat(since).isoformat()
        except ValueError:
            out["error"] = f"{since!r} is not a date (YYYY-MM-DD)"
            return out
    exists = conn.execute("select 1 from sqlite_master where type = 'table' and name = ?",
                          [TABLE]).fetchone()
    if not exists:
        out["error"] = ("No radar scores in this catalog yet: run `precursor-watch radar` (or a "
                        "crawl, ingest or rescan) once.")
        return out
    out["rows"] = radar_rows(_Db(conn), limit=limit, since=since or None)
    return out


class _Db:
    """`radar_rows` reads through `.execute`: a plain connection offers it as it is."""

    def __init__(self, conn: sqlite3.Connection):
        self.execute = conn.execute
