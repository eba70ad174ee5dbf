"""`crawl --notify-cmd` gets the run's new-hit count, id and status in its environment (and the
summary on standard input), so a cron line can act on the count without parsing text."""

from __future__ import annotations

from pipelines.reports.run import after_run, notify, notify_env


def test_notify_command_sees_count_id_and_status(tmp_path):
    out = tmp_path / "seen.txt"
    summary = {"run_id": "20261201T023000Z-abc123", "status": "degraded", "spiders": []}
    code = notify(f'printf "%s %s %s|" "$PRECURSOR_WATCH_NEW_HITS" "$PRECURSOR_WATCH_RUN_ID"'
                  f' "$PRECURSOR_WATCH_RUN_STATUS" > {out}; cat >> {out}',
                  "summary text\n", env=notify_env(summary, 7))
    assert code == 0
    assert out.read_text() == "7 20261201T023000Z-abc123 degraded|summary text\n"


def test_after_run_passes_the_count_and_reports_a_failing_command(tmp_path):
    out = tmp_path / "count.txt"
    summary = {"run_id": "r1", "status": "failed", "spiders": []}
    lines = after_run(summary, None, None, f'echo "$PRECURSOR_WATCH_NEW_HITS" > {out}; exit 3')
    assert out.read_text() == "0\n"
    assert "--notify-cmd exited 3" in lines
