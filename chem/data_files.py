"""Which files are the matcher's knowledge, and the version stamp over them.

`DATA_FILES` lists every file the matcher reads from a data directory (a directory missing one
is an error naming it: `require_files`); `data_hash` hashes exactly those plus the versions of
the tools whose code or data change results (`tool_versions`); the radar's files are hashed
apart (`radar_hash`), since the matcher does not read them. Loading them: `chem.watchlist`.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from chem.radar_data import RADAR_FILES

DATA_DIR = Path(__file__).parent / "data"
# Every file the matcher reads from its data directory, and nothing else: the version stamp
# hashes exactly these (plus the tools, `tool_versions`), and a directory missing one is an error
# naming it (`require_files`). SOURCES.md and sample files are documentation, not knowledge.
DATA_FILES = (
    "VERSION",
    "watchlist.csv",
    "classes.csv",
    "transforms.csv",
    "abbreviation_clashes.csv",
    "regimes.csv",
    "changelog.csv",
    "names_i18n.csv",  # chem.names (names in other languages)
    "short_forms.csv",  # chem.names (formula short forms)
    "name_rewrites.csv",  # chem.knowledge
    "subject_words.csv",  # chem.knowledge
    "page_kinds.csv",  # chem.knowledge -> chem.genre
    "false_friends.csv",  # chem.knowledge
    "confusables.csv",  # chem.text
    "zh_traditional.csv",  # chem.text
    "salt_words.csv",  # chem.text
    "stopwords.txt",  # chem.text
    "generic_words.txt",  # chem.text (used by chem.names)
    "normalizations.csv",  # chem.standardize
)


class MissingDataFile(FileNotFoundError):
    """A data directory without a file the matcher reads."""


def require_files(data_dir: Path | str) -> Path:
    """`data_dir` as a Path; MissingDataFile naming the first file of DATA_FILES it lacks."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise MissingDataFile(f"data directory {data_dir} does not exist")
    for name in DATA_FILES:
        if not (data_dir / name).is_file():
            raise MissingDataFile(f"{name} is missing from the data directory {data_dir}")
    return data_dir


def tool_versions() -> str:
    """The libraries whose code or data change results: RDKit, OPSIN (py2opsin's jar) and
    `chemicals` (the offline dictionary's tables)."""
    from importlib import metadata

    from rdkit import __version__ as rdkit_version

    out = [f"rdkit={rdkit_version}"]
    for package in ("py2opsin", "chemicals"):
        try:
            out.append(f"{package}={metadata.version(package)}")
        except metadata.PackageNotFoundError:
            out.append(f"{package}=none")
    return ";".join(out)


def data_hash(data_dir: Path = DATA_DIR) -> str:
    """sha256 over the files the matcher reads (DATA_FILES: name and bytes) and the tool
    versions, so any change to the knowledge or the tools gives a new watchlist version."""
    data_dir = require_files(data_dir)
    digest = hashlib.sha256(tool_versions().encode())
    for name in DATA_FILES:
        digest.update(name.encode() + b"\0" + (data_dir / name).read_bytes() + b"\0")
    return digest.hexdigest()


def radar_hash(data_dir: Path) -> str:
    """sha256 (first 8 hex digits) over the radar's files present in `data_dir`: the radar's
    knowledge changes without changing the matcher's version (no rescan for a new route)."""
    digest = hashlib.sha256()
    for name in RADAR_FILES:
        path = Path(data_dir) / name
        if path.is_file():
            digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:8]
