"""Helpers for the operations tests: run the real command, read the catalog, free ports."""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "scrapers" / "samples"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env(work: Path, **extra: str) -> dict:
    out = {k: v for k, v in os.environ.items() if not k.startswith("PRECURSOR_WATCH_")}
    out.update({"PRECURSOR_WATCH_EVIDENCE_DIR": str(work / "crawls"),
                "XDG_CONFIG_HOME": str(work / "config"), **extra})
    return out


def cli(work: Path, *args: str, timeout: float = 180, **extra: str) -> subprocess.CompletedProcess:
    """`precursor-watch ARGS` in a real process, in `work`, with a clean environment."""
    return subprocess.run([sys.executable, "-m", "precursor_watch", *args], cwd=work,
                          env=env(work, **extra), capture_output=True, text=True,
                          timeout=timeout)


def popen(work: Path, *args: str, **extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "precursor_watch", *args], cwd=work,
                            env=env(work, **extra), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def rows(db: Path, sql: str, args=()) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def copy_samples(dest: Path) -> Path:
    shutil.copytree(SAMPLES, dest)
    return dest
