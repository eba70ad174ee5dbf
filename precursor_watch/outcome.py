"""Exit statuses of every command, from the status the run is stored with (one table, README
"Exit statuses"): the catalog and the exit status always agree.

`stopping()` makes SIGTERM behave like SIGINT (a KeyboardInterrupt), so a `systemctl stop` or a
`kill` ends a command the same clean way as Ctrl-C: the run is closed `interrupted`, exit 4. It
also sets SIGINT's handler itself: a process started with SIGINT ignored (a background job of a
non-interactive shell, some schedulers) would otherwise never see it.

A signal is also recorded, because Python drops an exception raised where it cannot propagate (an
at-fork hook such as logging's lock release while a worker is forked, a finaliser, a weakref
callback: "Exception ignored in ..."). Long loops call `check_stop()`, so a KeyboardInterrupt
lost that way is raised again at the next record instead of the run being stored `finished`.
"""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import Iterator

EXIT_CODES = {"finished": 0, "failed": 1, "degraded": 3, "interrupted": 4}


def exit_code(status: str) -> int:
    """The exit status of a run stored with `status`.

    >>> [exit_code(s) for s in ("finished", "degraded", "failed", "interrupted")]
    [0, 3, 1, 4]
    """
    return EXIT_CODES.get(status, 1)


_received: list[int] = []  # signals delivered within stopping(), in order


def _raise_interrupt(signum, frame):
    _received.append(signum)
    raise KeyboardInterrupt(f"signal {signum}")


def check_stop() -> None:
    """Raise KeyboardInterrupt if SIGINT or SIGTERM arrived within `stopping()`: the raise from
    the handler itself may have been swallowed (module docstring). Cheap enough for every record.
    """
    if _received:
        raise KeyboardInterrupt(f"signal {_received[-1]}")


@contextlib.contextmanager
def stopping() -> Iterator[None]:
    """Within: SIGINT and SIGTERM raise KeyboardInterrupt (both restored on leaving)."""
    _received.clear()
    before_int = signal.signal(signal.SIGINT, _raise_interrupt)
    before = signal.signal(signal.SIGTERM, _raise_interrupt)
    interruptible()
    try:
        yield
    finally:
        _received.clear()
        signal.signal(signal.SIGTERM, before)
        signal.signal(signal.SIGINT, before_int)


def interruptible() -> None:
    """SIGINT and SIGTERM end a blocking system call (a read of standard input) instead of
    restarting it. Native code run while the matcher loads reinstalls SIGINT with SA_RESTART
    (BSD `signal()` semantics); after that a `match -` waiting for its next line would never see
    the signal. Call after such set-up."""
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.siginterrupt(sig, True)


def finish(status: str) -> None:
    """Exit with the status's code (0 returns normally, so click's own exit runs)."""
    code = exit_code(status)
    if code:
        sys.exit(code)
