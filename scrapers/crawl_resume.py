"""What a crawl leaves for `--resume RUN`: the invocation (`run.json` in the run's folder), rows
for spiders that never started or were stopped before they closed their run, and the plan of a
resume (which spiders completed, which run again).

A spider stopped gracefully (SIGINT/SIGTERM) leaves a consistent JOBDIR (marked `.clean`) and
continues its queue; a spider killed outright (SIGKILL, power loss) has no trustworthy queue and
is crawled again from its start under the same run id. Spiders that completed are not rerun.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrapers.crawl import SpiderRun

log = logging.getLogger(__name__)

COMPLETE = ("finished", "degraded", "failed")  # states a resume does not rerun


def record_failures(db_path: str, run_id: str, ended: list[SpiderRun]) -> None:
    """Spiders that never started (`failed`) or were stopped before they could close their run
    (`interrupted`) get one row each, so the history shows them and `--resume` reruns them."""
    if not ended:
        return
    import sqlite3

    from pipelines.catalog.connection import open_db
    from pipelines.catalog.runs import record_failed

    try:
        db = open_db(db_path)
        try:
            record_failed(db, run_id, [(run.name, run.error) for run in ended
                                       if run.status != "interrupted"])
            record_failed(db, run_id, [(run.name, "interrupted before the spider closed")
                                       for run in ended if run.status == "interrupted"],
                          status="interrupted")
        finally:
            db.close()
    except sqlite3.OperationalError as exc:  # e.g. another writer holds the catalog too long
        log.error("the run's outcome could not be recorded in the catalog: %s", exc)
        for run in ended:  # said where it is printed and in report.json: nothing stored
            run.error = f"{run.error or run.status}; not recorded in the catalog ({exc})"


def save_invocation(folder: Path, spiders: list, spider_args: dict, samples: str | None,
                    redis_url: str | None) -> None:
    names = [s if isinstance(s, str) else s.name for s in spiders]
    data = {"spiders": names, "spider_args": spider_args, "samples": samples,
            "redis": redis_url}
    (folder / "run.json").write_text(json.dumps(data, indent=2), encoding="utf-8")


def load_invocation(evidence_dir: str | Path, run_id: str) -> dict:
    path = Path(evidence_dir) / run_id / "run.json"
    if not path.exists():
        raise FileNotFoundError(f"no run {run_id!r}: {path} does not exist")
    return json.loads(path.read_text("utf-8"))


def resume_plan(db_path: str | Path, run_id: str, spiders: list[str]) -> tuple[list, dict]:
    """(spiders to run again, {spider: status} of those that completed) for `--resume RUN`."""
    from pipelines.catalog.connection import open_db
    from pipelines.catalog.runs import crawl_rows

    db = open_db(db_path)  # marks the dead process's rows interrupted
    try:
        last = {r["spider"]: r["status"] for r in crawl_rows(db, run_id)}
    finally:
        db.close()
    done = {s: last[s] for s in spiders if last.get(s) in COMPLETE}
    done.update({s: v for s, v in summary_verdicts_of(db_path, run_id).items()
                 if s in spiders and last.get(s) == "interrupted"})
    return [s for s in spiders if s not in done], done


def summary_verdicts_of(db_path: str | Path, run_id: str) -> dict[str, str]:
    from pipelines.catalog.connection import open_db
    from pipelines.catalog.runs import summary_verdicts

    db = open_db(db_path)
    try:
        return summary_verdicts(db, run_id)
    finally:
        db.close()
