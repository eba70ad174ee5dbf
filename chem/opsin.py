"""Systematic names -> SMILES through OPSIN (the jar shipped by py2opsin).

One long-lived JVM answers one line per name on stdin (an empty line when it cannot parse), so
its start-up is paid once per process, in the background while the matcher builds its indexes.
Results are cached per name (the most recently used, sized in `chem.caches`). Where Java is
missing, `available()` is False, a warning is printed once and callers carry on without OPSIN.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import subprocess
import sys
import threading
from functools import lru_cache
from pathlib import Path

from chem.caches import LRU, NAME_CACHE

MAX_NAME_LENGTH = 300
CHUNK = 200  # names written before reading answers back: keeps both pipes far from full
JVM_FLAGS = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss4m"]
_cache = LRU(NAME_CACHE)  # name -> SMILES or None, the most recently used names
_warned = False


@lru_cache(maxsize=1)
def jar_path() -> Path | None:
    try:
        import py2opsin
    except ImportError:
        return None
    jars = sorted(Path(py2opsin.__file__).parent.glob("opsin*.jar"))
    return jars[-1] if jars else None


@lru_cache(maxsize=1)
def available() -> bool:
    return bool(shutil.which("java")) and jar_path() is not None


def _warn_once(message: str) -> None:
    global _warned
    if not _warned:
        print(f"precursor-watch: {message}; systematic names are matched without OPSIN",
              file=sys.stderr)
        _warned = True


class _Worker:
    """A persistent `java -jar opsin -osmi` process."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        with self.lock:
            if self.proc is None or self.proc.poll() is not None:
                self.proc = subprocess.Popen(
                    ["java", *JVM_FLAGS, "-jar", str(jar_path()), "-osmi"],
                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                    text=True, encoding="utf-8", bufsize=1,
                )

    def parse(self, names: list[str]) -> list[str]:
        self.start()
        with self.lock:
            assert self.proc and self.proc.stdin and self.proc.stdout
            out: list[str] = []
            for i in range(0, len(names), CHUNK):
                chunk = names[i:i + CHUNK]
                self.proc.stdin.write("".join(n + "\n" for n in chunk))
                self.proc.stdin.flush()
                for _ in chunk:
                    line = self.proc.stdout.readline()
                    if not line:
                        raise OSError("OPSIN exited")
                    out.append(line.strip())
            return out

    def stop(self, kill: bool = False) -> None:
        """End the JVM: politely (close stdin), or at once after a failure left its pipes
        half-read; the next parse starts a fresh one."""
        if self.proc and self.proc.poll() is None:
            if kill:
                self.proc.kill()
                self.proc.wait()
                return
            try:
                self.proc.stdin.close()  # type: ignore[union-attr]
                self.proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()


_worker = _Worker()
atexit.register(_worker.stop)


def _after_fork_in_child() -> None:
    """A forked matcher process (`match --workers N`) must not share the parent's JVM pipes:
    it starts its own JVM on first use."""
    global _worker
    _worker = _Worker()
    atexit.register(_worker.stop)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def warm_up() -> None:
    """Start the JVM now (in the background) so the first batch does not wait for it."""
    if available():
        with contextlib.suppress(OSError):
            _worker.start()


def parsable(name: str) -> bool:
    """A name OPSIN can be asked about: one line, not too long, encodable (no lone surrogate)."""
    if not name.strip() or "\n" in name or "\r" in name or len(name) > MAX_NAME_LENGTH:
        return False
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def names_to_smiles(names: list[str]) -> dict[str, str | None]:
    """Parse many names with OPSIN; returns name -> SMILES (None when unparsable).

    A failure loses only the chunk it happened in: those names answer None without being
    cached (a later call asks again), the JVM is restarted, and every other chunk stands."""
    todo = [n for n in dict.fromkeys(names) if n not in _cache and parsable(n)]
    if todo and not available():
        _warn_once("Java or the OPSIN jar is missing")
        return {n: _cache.get(n) for n in names}
    answered: dict[str, str | None] = {n: _cache.get(n) for n in names if n in _cache}
    for i in range(0, len(todo), CHUNK):
        chunk = todo[i:i + CHUNK]
        try:
            answers = _worker.parse(chunk)
        except (OSError, ValueError) as exc:
            _warn_once(f"OPSIN failed ({exc})")
            _worker.stop(kill=True)
            continue
        for name, smiles in zip(chunk, answers, strict=True):
            answered[name] = smiles or None
            _cache.put(name, smiles or None)
    return {n: answered.get(n) for n in names}
