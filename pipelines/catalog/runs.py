"""Crawl runs in the catalog: who is running, who died, and the lock that keeps one writer.

Every `crawl_runs` row records the process that opened it (`host`, `pid`, `pid_started`: the
process start time, so a recycled pid is not mistaken for the crawler). `mark_interrupted` turns
the `running` rows of dead processes on this host into `interrupted`; `open_db` calls it, so a
killed crawl is marked the next time the catalog is opened. `CatalogLock` is an advisory lock file
beside the catalog (`<catalog>.lock`, flock: released by the kernel when the process dies).
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
from pathlib import Path

from pipelines.catalog.clock import utcnow


def process_started(pid: int) -> str | None:
    """The start time of a process (clock ticks since boot, from /proc), None if it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return None
    except OSError:  # no /proc (not Linux): fall back to "exists"
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            return ""
        return ""
    return stat.rsplit(")", 1)[1].split()[19]  # field 22 of stat, after "pid (comm)"


def identity() -> dict:
    """This process, as recorded on its crawl_runs rows."""
    pid = os.getpid()
    return {"host": socket.gethostname(), "pid": pid, "pid_started": process_started(pid)}


def is_alive(pid: int | None, started: str | None) -> bool:
    if not pid:
        return False
    now = process_started(int(pid))
    return now is not None and (not started or not now or now == started)


def mark_interrupted(db) -> int:
    """`running` rows of processes on this host that no longer exist become `interrupted`."""
    rows = db.execute("SELECT id, pid, pid_started FROM crawl_runs WHERE status = 'running'"
                      " AND host = ?", [socket.gethostname()]).fetchall()
    dead = [r[0] for r in rows if not is_alive(r[1], r[2])]
    for run in dead:
        db.execute("UPDATE crawl_runs SET status = 'interrupted', finish_reason = coalesce("
                   "finish_reason, 'process died'), finished = coalesce(finished, ?),"
                   " gone_note = coalesce(gone_note, 'run interrupted') WHERE id = ?"
                   " AND status = 'running'", [utcnow(), run])
    return len(dead)


class CatalogLocked(Exception):
    """Another process holds the catalog's lock file."""


class CatalogLock:
    """`with CatalogLock(db_path, what)`: an exclusive, non-blocking lock beside the catalog."""

    def __init__(self, db_path: str | os.PathLike, what: str = "crawl"):
        self.path = Path(f"{Path(db_path).resolve()}.lock")
        self.what = what
        self._fh = None

    def holder(self) -> dict:
        try:
            return json.loads(self.path.read_text("utf-8") or "{}")
        except (OSError, ValueError):
            return {}

    def acquire(self) -> CatalogLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held until release()
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.close()
            h = self.holder()
            raise CatalogLocked(
                f"catalog {self.path.with_suffix('')} is in use by {h.get('what', 'another')}"
                f" process {h.get('pid', '?')} on {h.get('host', '?')} since"
                f" {h.get('since', '?')} (lock file {self.path}); wait for it to finish"
            ) from None
        fh.seek(0)
        fh.truncate()
        info = identity()
        fh.write(json.dumps({"what": self.what, "pid": info["pid"], "host": info["host"],
                             "since": utcnow()}))
        fh.flush()
        self._fh = fh
        return self

    def release(self) -> None:
        if self._fh is not None:
            self._fh.seek(0)
            self._fh.truncate()
            fcntl.flock(self._fh, fcntl.LOCK_UN)
            self._fh.close()
            self._fh = None

    def __enter__(self) -> CatalogLock:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def crawl_rows(db, crawl_id: str) -> list[dict]:
    """The per-spider rows of one crawl invocation (all its segments, oldest first)."""
    cur = db.execute("SELECT * FROM crawl_runs WHERE crawl_id = ? ORDER BY id", [crawl_id])
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def earlier_segments(db, crawl_id: str | None, spider: str | None, run_id: int) -> dict:
    """Errors and unfetched pages of the earlier segments of a resumed spider run."""
    if not crawl_id or not spider:
        return {"segments": 0, "errors": 0, "not_fetched": 0}
    row = db.execute(
        "SELECT count(*), coalesce(sum(errors), 0), coalesce(sum(not_fetched), 0)"
        " FROM crawl_runs WHERE crawl_id = ? AND spider = ? AND id != ?",
        [crawl_id, spider, run_id]).fetchone()
    return {"segments": row[0], "errors": row[1], "not_fetched": row[2]}



def open_run(db, *, kind: str, spider: str | None, platform: str | None, source: str | None,
             watchlist_version: str | None, crawl_id: str | None) -> int:
    """A new `running` row for this process; its id. Runs in the caller's transaction."""
    proc = identity()
    return db.execute(
        "INSERT INTO crawl_runs (kind, spider, platform, source, started, status,"
        " watchlist_version, crawl_id, host, pid, pid_started)"
        " VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?)",
        [kind, spider, platform, source, utcnow(), watchlist_version, crawl_id, proc["host"],
         proc["pid"], proc["pid_started"]],
    ).lastrowid


def close_run(db, row: dict) -> None:
    """Write the end of a run (`row` holds `id` and the named columns to set)."""
    from pipelines.catalog.save import update

    update(db.conn, "crawl_runs", [row])


def record_failed(db, crawl_id: str, failures: list[tuple[str, str | None]],
                  status: str = "failed") -> int:
    """A `status` row (`failed`: never started; `interrupted`: stopped before it closed its
    run) for each (spider, reason) of a crawl invocation, unless that spider already has a
    closed row under the same run id; a `running` row of this process becomes that row (one row
    per spider). How many rows were added or closed."""
    proc = identity()
    added = 0
    for spider, error in failures:
        now = utcnow()
        reason = (error or "")[:500]
        closed = db.execute(
            "UPDATE crawl_runs SET status = ?, finish_reason = coalesce(finish_reason, ?),"
            " finished = coalesce(finished, ?), gone_note = coalesce(gone_note, ?) WHERE"
            " crawl_id = ? AND spider = ? AND status = 'running' AND host = ? AND pid = ?",
            [status, reason, now, f"run {status}", crawl_id, spider, proc["host"],
             proc["pid"]]).rowcount
        if closed:
            added += closed
            continue
        if db.execute("SELECT 1 FROM crawl_runs WHERE crawl_id = ? AND spider = ? AND"
                      " started IS NOT NULL AND status != 'running' AND pid = ?",
                      [crawl_id, spider, proc["pid"]]).fetchone():
            continue
        db.execute(
            "INSERT INTO crawl_runs (kind, spider, started, finished, status, finish_reason,"
            " crawl_id, host, pid, pid_started, gone_note) VALUES"
            " ('crawl', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [spider, now, now, status, reason, crawl_id, proc["host"], proc["pid"],
             proc["pid_started"], f"run {status}"])
        added += 1
    return added


def _read_only(db_path: str | os.PathLike):
    import sqlite3

    return sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=10)


def recent_monitors(db_path: str | os.PathLike, spider: str, runs: int = 5) -> list[str]:
    """The health reports (JSON text) of the spider's last `runs` good runs, newest first.
    Opens the catalog read-only; raises sqlite3.Error when it cannot be read."""
    con = _read_only(db_path)
    try:
        rows = con.execute(
            "SELECT monitors FROM crawl_runs WHERE spider = ? AND status IN"
            " ('finished', 'degraded') AND monitors IS NOT NULL ORDER BY id DESC LIMIT ?",
            [spider, runs]).fetchall()
    finally:
        con.close()
    return [r[0] for r in rows if r[0]]


def segment_monitors(db_path: str | os.PathLike, crawl_id: str, spider: str) -> list[str]:
    """The health reports (JSON text) of every segment of one spider's run under `crawl_id`.
    Opens the catalog read-only; raises sqlite3.Error when it cannot be read."""
    con = _read_only(db_path)
    try:
        rows = con.execute("SELECT monitors FROM crawl_runs WHERE crawl_id = ? AND spider = ?"
                           " AND monitors IS NOT NULL", [crawl_id, spider]).fetchall()
    finally:
        con.close()
    return [r[0] for r in rows]


SUMMARY_STOPPED = "summary interrupted; spider "


def mark_summary_interrupted(db, crawl_id: str) -> int:
    """A signal during a crawl's summary (report, notification): the run's closed rows become
    `interrupted`, their verdict kept in `finish_reason` for `--resume` (`summary_verdicts`)."""
    return db.execute(
        "UPDATE crawl_runs SET finish_reason = ? || status, status = 'interrupted' WHERE"
        " crawl_id = ? AND status IN ('finished', 'degraded', 'failed') AND pid = ?",
        [SUMMARY_STOPPED, crawl_id, os.getpid()]).rowcount


def summary_verdicts(db, crawl_id: str) -> dict[str, str]:
    """{spider: verdict} of the rows whose crawl completed but whose summary was interrupted."""
    rows = db.execute("SELECT spider, finish_reason FROM crawl_runs WHERE crawl_id = ? AND"
                      " status = 'interrupted' AND finish_reason LIKE ?",
                      [crawl_id, SUMMARY_STOPPED + "%"]).fetchall()
    return {spider: reason[len(SUMMARY_STOPPED):] for spider, reason in rows}


def restore_verdicts(db, crawl_id: str) -> int:
    """After a resumed summary: the rows get their verdict back."""
    return db.execute(
        "UPDATE crawl_runs SET status = substr(finish_reason, ?), finish_reason = 'finished'"
        " WHERE crawl_id = ? AND status = 'interrupted' AND finish_reason LIKE ?",
        [len(SUMMARY_STOPPED) + 1, crawl_id, SUMMARY_STOPPED + "%"]).rowcount


def degrade_run(db, crawl_id: str, reason: str) -> int:
    """A `finished` crawl whose aftermath failed (e.g. the notification): `degraded`, and why."""
    return db.execute(
        "UPDATE crawl_runs SET status = 'degraded', gone_note = coalesce(gone_note || '; ', '')"
        " || ? WHERE crawl_id = ? AND status = 'finished'", [reason, crawl_id]).rowcount
