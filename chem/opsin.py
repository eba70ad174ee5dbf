"""Systematic names -> SMILES through OPSIN (the jar shipped by py2opsin).

One long-lived JVM answers one line per name on stdin (an empty line when it cannot parse), so
its start-up is paid once per process, in the background while the matcher builds its indexes.
Results are cached per name. Where Java is missing, `available()` is False, a warning is printed
once and callers carry on without OPSIN.
"""

from __future__ import annotations

import atexit
import contextlib
import shutil
import subprocess
import sys
import threading
from functools import lru_cache
from pathlib import Path

MAX_NAME_LENGTH = 300
CHUNK = 200  # names written before reading answers back: keeps both pipes far from full
JVM_FLAGS = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss4m"]
_cache: dict[str, str | None] = {}
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

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            try:
                self.proc.stdin.close()  # type: ignore[union-attr]
                self.proc.wait(timeout=5)
            except Exception:
                self.proc.kill()


_worker = _Worker()
atexit.register(_worker.stop)


def warm_up() -> None:
    """Start the JVM now (in the background) so the first batch does not wait for it."""
    if available():
        with contextlib.suppress(OSError):
            _worker.start()


def names_to_smiles(names: list[str]) -> dict[str, str | None]:
    """Parse many names with OPSIN; returns name -> SMILES (None when unparsable)."""
    todo = [n for n in dict.fromkeys(names) if n not in _cache]
    todo = [n for n in todo if n.strip() and "\n" not in n and len(n) <= MAX_NAME_LENGTH]
    if todo:
        if not available():
            _warn_once("Java or the OPSIN jar is missing")
            answers = [""] * len(todo)
        else:
            try:
                answers = _worker.parse(todo)
            except (OSError, ValueError) as exc:
                _warn_once(f"OPSIN failed ({exc})")
                answers = [""] * len(todo)
        for name, smiles in zip(todo, answers, strict=True):
            _cache[name] = smiles or None
    return {n: _cache.get(n) for n in names}
