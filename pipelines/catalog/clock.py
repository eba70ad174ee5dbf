"""The project's clock: every timestamp it writes is UTC in one of these formats, made here.

- `utcnow()`: catalog rows, to the microsecond (`2026-12-07T13:05:00.123456Z`);
- `utcnow_seconds()`: what a page or report states, to the second (`2026-12-07T13:05:00Z`):
  an item's `fetched_at`, a report's `generated_at`, a WARC record's date;
- `run_stamp()`: the time part of a crawl run id (`20261207T130500Z`).

All sort as text. Scrapers may import this module (it imports nothing of ours).
"""

from __future__ import annotations

from datetime import UTC, datetime

ROW_TIME = "%Y-%m-%dT%H:%M:%S.%fZ"
SECOND_TIME = "%Y-%m-%dT%H:%M:%SZ"
RUN_STAMP = "%Y%m%dT%H%M%SZ"


def utcnow() -> str:
    """Now, UTC, to the microsecond (`2026-12-07T13:05:00.123456Z`): sorts as text."""
    return datetime.now(UTC).strftime(ROW_TIME)


def utcnow_seconds() -> str:
    """Now, UTC, to the second (`2026-12-07T13:05:00Z`)."""
    return datetime.now(UTC).strftime(SECOND_TIME)


def run_stamp() -> str:
    """Now, UTC, compact (`20261207T130500Z`): the start of a crawl run id."""
    return datetime.now(UTC).strftime(RUN_STAMP)
