"""After a crawl: the run report (new hits since the previous run, health) and the notification.

`write_report` writes `<dir>/<run id>.json` (the run summary, each spider's health checks and the
hits first detected by this run) and `<dir>/<run id>-new-hits.csv`. Cells that a spreadsheet
would read as a formula are prefixed with `'`. `notify` runs a shell command with the summary
text on standard input, only when the run found new hits or did not finish cleanly.
"""

from __future__ import annotations

import csv
import json
import subprocess
from pathlib import Path

NEW_HITS_SQL = """
select h.entry, w.name as entry_name, h.match, h.score, l.platform, l.title, l.cas, l.url,
  p.name as vendor_name, p.country, h.evidence, h.first_detected, r.spider
from hits h
join crawl_runs r on r.id = h.first_run
join listings l on l.id = h.listing
left join vendor_profiles p on p.id = l.vendor_profile
left join watchlist_entries w on w.id = h.entry
where r.crawl_id = ?
order by h.score desc, h.entry"""
HIT_COLUMNS = ("entry", "entry_name", "match", "score", "platform", "title", "cas", "url",
               "vendor_name", "country", "evidence", "first_detected", "spider")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def new_hits(db, crawl_id: str) -> list[dict]:
    """Hits first detected by any spider of this crawl (i.e. since the previous run)."""
    cur = db.execute(NEW_HITS_SQL, [crawl_id])
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


def run_rows(db, crawl_id: str) -> list[dict]:
    cur = db.execute(
        "select id, spider, status, started, finished, items, errors, not_fetched,"
        " listings_seen, listings_gone, gone_note, hits_new, monitors from crawl_runs"
        " where crawl_id = ? order by id", [crawl_id])
    cols = [d[0] for d in cur.description]
    rows = [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]
    for row in rows:
        row["monitors"] = json.loads(row["monitors"]) if row["monitors"] else None
    return rows


def safe_cell(value):
    """A CSV cell a spreadsheet shows as text (scraped text is hostile)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def write_report(directory: str | Path, summary: dict, db) -> list[Path]:
    """JSON (summary, runs with health checks, new hits) and CSV (new hits) for one crawl."""
    run_id = summary["run_id"]
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    hits = new_hits(db, run_id)
    data = {**summary, "runs": run_rows(db, run_id), "new_hits": hits}
    json_path = out / f"{run_id}.json"
    json_path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str), "utf-8")
    csv_path = out / f"{run_id}-new-hits.csv"
    with csv_path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=HIT_COLUMNS)
        writer.writeheader()
        for row in hits:
            writer.writerow({k: safe_cell(v) for k, v in row.items()})
    return [json_path, csv_path]


def summary_text(summary: dict, new_hit_count: int) -> str:
    lines = [f"precursor-watch crawl {summary['run_id']}: {summary['status']},"
             f" {new_hit_count} new hits"]
    for s in summary["spiders"]:
        checks = ", ".join(s["failed_checks"]) or "all checks ok"
        lines.append(f"  {s['spider']}: {s['status']}; pages {s['pages']}, items {s['items']},"
                     f" hits {s['hits']}, errors {s['errors']}, bans {s['bans']}; {checks}"
                     + (f"; {s['error']}" if s.get("error") else ""))
    for name, status in summary.get("earlier_segments", {}).items():
        lines.append(f"  {name}: {status} (earlier segment of this run)")
    return "\n".join(lines) + "\n"


def notify_env(summary: dict, new_hit_count: int) -> dict[str, str]:
    """What `--notify-cmd` finds in its environment: the run's id, status and new-hit count."""
    return {"PRECURSOR_WATCH_NEW_HITS": str(new_hit_count),
            "PRECURSOR_WATCH_RUN_ID": str(summary.get("run_id", "")),
            "PRECURSOR_WATCH_RUN_STATUS": str(summary.get("status", ""))}


def should_notify(summary: dict, new_hit_count: int) -> bool:
    return bool(new_hit_count) or summary["status"] != "finished"


def notify(command: str, text: str, timeout: float = 120, env: dict | None = None) -> int:
    """Run `command` (a shell command line) with `text` on standard input and `env` added to
    its environment; its exit status (124 when it did not finish within `timeout` seconds)."""
    import os

    try:
        proc = subprocess.run(command, shell=True, input=text, text=True, timeout=timeout,
                              check=False, env={**os.environ, **(env or {})})
    except subprocess.TimeoutExpired:
        return 124  # as timeout(1): the command did not finish in time
    return proc.returncode


def after_run(summary: dict, db_path: str | None, report_dir: str | None,
              notify_cmd: str | None) -> list[str]:
    """What follows a crawl: per-spider lines, the report, the notification (lines to print)."""
    lines = [" ".join(f"{k}={v}" for k, v in s.items() if k != "failed_checks")
             + f" failed_checks={','.join(s['failed_checks']) or '-'}"
             for s in summary["spiders"]]
    hits = 0
    if db_path and Path(db_path).exists():
        from pipelines.catalog.connection import open_db

        catalog = open_db(db_path)
        try:
            hits = len(new_hits(catalog, summary["run_id"]))
            if report_dir:
                lines += [f"report: {p}" for p in write_report(report_dir, summary, catalog)]
        finally:
            catalog.close()
    if notify_cmd and should_notify(summary, hits):
        code = notify(notify_cmd, summary_text(summary, hits), env=notify_env(summary, hits))
        if code:
            lines.append(f"--notify-cmd exited {code}")
    return lines
