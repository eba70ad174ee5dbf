"""The catalog's clock: one UTC timestamp format for every row the catalog writes."""

from __future__ import annotations

from datetime import UTC, datetime

ROW_TIME = "%Y-%m-%dT%H:%M:%S.%fZ"


def utcnow() -> str:
    """Now, UTC, to the microsecond (`2026-12-07T13:05:00.123456Z`): sorts as text."""
    return datetime.now(UTC).strftime(ROW_TIME)
