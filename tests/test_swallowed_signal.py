"""A SIGINT/SIGTERM whose KeyboardInterrupt Python swallows still stops the run.

Python drops an exception raised where it cannot propagate ("Exception ignored in ..."): an
at-fork hook (logging releases its lock in the parent after every fork, and the ingest forks
its chemistry workers), a finaliser, a weakref callback. CI once saw an ingest signalled while
it forked run to the end and store `finished` with exit 0. `outcome.stopping()` records the
signal and every long loop calls `check_stop()`, so the next record raises it again.
"""

from __future__ import annotations

import io
import json
import os
import signal

import pytest

from pipelines.catalog.connection import open_db
from pipelines.chemistry import Chemistry
from pipelines.ingest.feed import ingest_jsonl
from pipelines.ingest.jsonl import read_lines
from pipelines.stop_signal import check_stop
from precursor_watch.outcome import stopping

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


class SignalledInFinaliser:
    """Delivers `sig` while Python runs a finaliser, where the handler's raise is lost."""

    def __init__(self, sig: int) -> None:
        self.sig = sig

    def __del__(self) -> None:
        os.kill(os.getpid(), self.sig)
        sum(range(100))  # bytecode after the kill: the handler runs inside this finaliser


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_swallowed_signal_is_raised_at_the_next_line(sig):
    with stopping():
        SignalledInFinaliser(sig)  # collected at once; its KeyboardInterrupt is ignored
        lines = read_lines(io.BytesIO(b'{"id": 1}\n{"id": 2}\n'))
        with pytest.raises(KeyboardInterrupt, match=f"signal {int(sig)}"):
            next(lines)


def test_no_signal_no_stop_and_state_cleared_on_leaving():
    with stopping():
        check_stop()  # nothing received: returns
    with stopping():
        SignalledInFinaliser(signal.SIGTERM)
    check_stop()  # outside stopping() the record is gone: a later command is not stopped
    with stopping():
        check_stop()


def test_ingest_signalled_in_a_finaliser_is_stored_interrupted(tmp_path, matcher):
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps({"platform": "feed", "url": f"https://f.example/{i}",
                                        "title": "NPP 99%", "listing_id": str(i)}) + "\n"
                            for i in range(50)), encoding="utf-8")
    db = open_db(str(tmp_path / "c.db"))
    with stopping():
        SignalledInFinaliser(signal.SIGTERM)
        result = ingest_jsonl(feed, db, chemistry=Chemistry(matcher))
    assert result.run["status"] == "interrupted"
    assert db.execute("select status from crawl_runs").fetchall() == [("interrupted",)]
    assert db.execute("select count(*) from listings").fetchone()[0] == 0
