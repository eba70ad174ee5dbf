"""Progress: live per-spider lines on a terminal, quiet one-line logs otherwise."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from opskit import env

ARGS = ["crawl", "hxchem", "-a", "cas=39742-60-4", "--offline", "--db", "c.db"]


@pytest.mark.subprocess
def test_terminal_gets_live_lines_per_spider(tmp_path):
    leader, follower = os.openpty()  # standard error is a terminal
    try:
        proc = subprocess.run([sys.executable, "-m", "precursor_watch", *ARGS], cwd=tmp_path,
                              env=env(tmp_path), stdout=subprocess.PIPE, stderr=follower,
                              timeout=180)
        os.close(follower)
        chunks = []
        while True:
            try:
                data = os.read(leader, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(leader)
    out = b"".join(chunks).decode("utf-8", "replace")
    assert proc.returncode == 0, out[-2000:]
    assert "\x1b[F" in out  # redrawn in place
    final = [ln for ln in out.replace("\r", "").split("\n") if "\x1b[2Khxchem" in ln][-1]
    assert "finished" in final and "pages    14/14" in final and "items    18" in final
    assert "hits   11" in final and "errors   0" in final


@pytest.mark.subprocess
def test_no_terminal_gets_quiet_structured_lines(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "precursor_watch", *ARGS], cwd=tmp_path,
                          env=env(tmp_path), capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "\x1b" not in proc.stderr
    summary = [ln for ln in proc.stderr.splitlines() if ln.startswith("spider=hxchem")]
    assert summary and "status=finished" in summary[0] and "pages=14" in summary[0]
