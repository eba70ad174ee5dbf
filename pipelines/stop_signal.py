"""A SIGINT or SIGTERM recorded, so long loops stop even where its KeyboardInterrupt was lost.

Python drops an exception raised where it cannot propagate ("Exception ignored in ..."): an
at-fork hook (logging releases its lock in the parent after every fork, and the ingest forks its
chemistry workers), a finaliser, a weakref callback. `precursor_watch.outcome.stopping()` records
every signal here before raising; the ingest loops call `check_stop()` at each record, so a lost
KeyboardInterrupt is raised again there instead of the run being stored `finished`.
"""

from __future__ import annotations

_received: list[int] = []  # signals delivered within precursor_watch.outcome.stopping(), in order


def record(signum: int) -> None:
    _received.append(signum)


def clear() -> None:
    _received.clear()


def check_stop() -> None:
    """Raise KeyboardInterrupt if a signal was recorded; cheap enough for every record."""
    if _received:
        raise KeyboardInterrupt(f"signal {_received[-1]}")
