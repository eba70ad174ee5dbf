"""Exit statuses of every command, from the status the run is stored with (one table, README
"Exit statuses"): the catalog and the exit status always agree.

`stopping()` makes SIGTERM behave like SIGINT (a KeyboardInterrupt), so a `systemctl stop` or a
`kill` ends a command the same clean way as Ctrl-C: the run is closed `interrupted`, exit 4. It
also sets SIGINT's handler itself: a process started with SIGINT ignored (a background job of a
non-interactive shell, some schedulers) would otherwise never see it.

Each signal is also recorded (`pipelines.stop_signal`): Python drops an exception raised where it
cannot propagate, so long loops call `check_stop()` to raise a lost KeyboardInterrupt again.
"""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import Iterator

from pipelines import stop_signal

EXIT_CODES = {"finished": 0, "failed": 1, "degraded": 3, "interrupted": 4}


def exit_code(status: str) -> int:
    """The exit status of a run stored with `status`.

    >>> [exit_code(s) for s in ("finished", "degraded", "failed", "interrupted")]
    [0, 3, 1, 4]
    """
    return EXIT_CODES.get(status, 1)


def _raise_interrupt(signum, frame):
    stop_signal.record(signum)
    raise KeyboardInterrupt(f"signal {signum}")


@contextlib.contextmanager
def stopping() -> Iterator[None]:
    """Within: SIGINT and SIGTERM raise KeyboardInterrupt (both restored on leaving)."""
    stop_signal.clear()
    before_int = signal.signal(signal.SIGINT, _raise_interrupt)
    before = signal.signal(signal.SIGTERM, _raise_interrupt)
    interruptible()
    try:
        yield
    finally:
        stop_signal.clear()
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
