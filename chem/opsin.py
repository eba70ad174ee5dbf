"""Systematic names -> SMILES through OPSIN (the jar shipped by py2opsin), in batches.

One JVM per batch: names go in on stdin, one per line; OPSIN answers one line per name (empty when
it cannot parse). Results are cached per name. Where Java is missing, `available()` is False, a
warning is printed once and callers carry on without OPSIN.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

TIMEOUT_SECONDS = 120
MAX_NAME_LENGTH = 300
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


def names_to_smiles(names: list[str]) -> dict[str, str | None]:
    """Parse many names with one OPSIN run; returns name -> SMILES (None when unparsable)."""
    todo = [n for n in dict.fromkeys(names) if n not in _cache]
    todo = [n for n in todo if n.strip() and "\n" not in n and len(n) <= MAX_NAME_LENGTH]
    if todo:
        if not available():
            _warn_once("Java or the OPSIN jar is missing")
            for n in todo:
                _cache[n] = None
        else:
            _run(todo)
    return {n: _cache.get(n) for n in names}


def _run(names: list[str]) -> None:
    cmd = ["java", "-Xss4m", "-jar", str(jar_path()), "-osmi", "--allowAcidsWithoutAcid"]
    try:
        proc = subprocess.run(
            cmd, input="\n".join(names) + "\n", capture_output=True, text=True,
            timeout=TIMEOUT_SECONDS,
        )
        lines = proc.stdout.split("\n")
    except (OSError, subprocess.TimeoutExpired) as exc:
        _warn_once(f"OPSIN failed ({type(exc).__name__})")
        lines = []
    for i, name in enumerate(names):
        smiles = lines[i].strip() if i < len(lines) else ""
        _cache[name] = smiles or None
