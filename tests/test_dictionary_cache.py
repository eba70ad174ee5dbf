"""The offline dictionary's index cache is keyed on the content of its source files, not on
their file times (a new install finds the same index), and copies nobody loaded for a while
are removed when a new one is written."""

from __future__ import annotations

import os
import time

from chem.dictionary import content_digest, remove_stale


def test_digest_follows_content_not_file_times(tmp_path, monkeypatch):
    monkeypatch.setenv("PRECURSOR_WATCH_CACHE", str(tmp_path / "cache"))
    a = tmp_path / "a.tsv"
    b = tmp_path / "b" / "a.tsv"
    b.parent.mkdir()
    a.write_bytes(b"CID\tCAS\n1\t50-00-0\n")
    b.write_bytes(a.read_bytes())
    os.utime(b, (1_000_000, 1_000_000))  # another install: same bytes, other times
    assert content_digest(a) == content_digest(b)
    first = content_digest(a)
    a.write_bytes(b"CID\tCAS\n1\t64-17-5\n")  # same size, other content
    os.utime(a, (2_000_000, 2_000_000))
    assert content_digest(a) != first
    assert (tmp_path / "cache" / "digests.json").is_file()  # remembered, not re-read


def test_stale_copies_are_removed_and_recent_ones_kept(tmp_path):
    keep = tmp_path / "dictionary-new.pickle"
    old = tmp_path / "dictionary-old.pickle"
    recent = tmp_path / "dictionary-other-worktree.pickle"
    unrelated = tmp_path / "notes.pickle"
    for f in (keep, old, recent, unrelated):
        f.write_bytes(b"x")
    month_ago = time.time() - 30 * 86400
    for f in (old, unrelated, keep):
        os.utime(f, (month_ago, month_ago))
    assert remove_stale(keep) == [old]
    assert keep.exists() and recent.exists() and unrelated.exists() and not old.exists()
