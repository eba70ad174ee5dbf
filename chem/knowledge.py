"""Everything the matcher knows, loaded from one data directory and passed in (never at import).

`Knowledge.load(data_dir)` reads the watchlist files, the OPSIN name rewrites and the words that
tell a listing's subject from what it merely mentions (subject_words.csv). `version` hashes every
file of the data directory plus the RDKit and OPSIN versions, so `rescan` notices any change.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from chem.watchlist import DATA_DIR, Watchlist, data_hash, load_watchlist
from chem.watchlist import tool_versions as tool_versions  # re-exported


def data_dir_hash(data_dir: Path) -> str:
    return data_hash(data_dir)


@dataclass(frozen=True)
class SubjectWords:
    """Phrases (lower case) by what they say about the text around them (subject_words.csv)."""

    identifying_labels: tuple[str, ...]  # "product name", "cas no", "品名": the subject
    other_labels: tuple[str, ...]  # "appearance", "solubility": a property, never the subject
    context: tuple[str, ...]  # "soluble in", "used to make": names here are mentions
    catalog: tuple[str, ...]  # "hot products", "we also supply": an offered product list
    sale: tuple[str, ...]  # "for sale", "we supply": what the description says is sold
    longer_name: tuple[str, ...]  # "polymer", "cation", "tricarbonyl": part of a longer name
    longer_suffixes: tuple[str, ...]  # "diisocyanate", "oxime": a functional-class word ending

    @classmethod
    def load(cls, path: Path) -> SubjectWords:
        groups: dict[str, list[str]] = {}
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                groups.setdefault(row["kind"].strip(), []).append(row["phrase"].strip().lower())
        def get(kind: str) -> tuple[str, ...]:
            return tuple(sorted(groups.get(kind, []), key=len, reverse=True))
        return cls(get("identifying_label"), get("other_label"), get("context"), get("catalog"),
                   get("sale"), get("longer_name"), get("longer_name_suffix"))


@dataclass(frozen=True)
class Knowledge:
    data_dir: Path
    watchlist: Watchlist
    rewrites: tuple[tuple[re.Pattern, str], ...]
    words: SubjectWords
    version: str

    @classmethod
    def load(cls, data_dir: Path | str = DATA_DIR) -> Knowledge:
        data_dir = Path(data_dir)
        watchlist = load_watchlist(data_dir)  # its version hashes every file and the tools
        with (data_dir / "name_rewrites.csv").open(encoding="utf-8") as fh:
            rewrites = tuple((re.compile(r["pattern"], re.IGNORECASE), r["replacement"])
                             for r in csv.DictReader(fh))
        words = SubjectWords.load(data_dir / "subject_words.csv")
        return cls(data_dir, watchlist, rewrites, words, watchlist.version)

    def activate(self) -> None:
        """Make text cleaning and standardization read this knowledge's data directory (they
        are module-level stages; the matcher calls this before it builds or matches)."""
        from chem import standardize, text

        text.use_data_dir(self.data_dir)
        standardize.use_data_dir(self.data_dir)

    def opsin_candidates(self, phrase: str) -> list[str]:
        """The phrase, and its trade-name-free rewrite for OPSIN when that differs."""
        rewritten = phrase
        for pattern, replacement in self.rewrites:
            rewritten = pattern.sub(replacement, rewritten)
        inverted = _uninvert(rewritten)
        return list(dict.fromkeys(p for p in (phrase, rewritten, inverted) if p))


_INVERTED = re.compile(r"^([A-Za-z][\w-]*?),\s+((?:[\w,'()\[\]-]+-)+)$")


def _uninvert(name: str) -> str | None:
    """A CAS index name in word order: "piperidine, 1,1'-thiobis-" -> "1,1'-thiobis(piperidine)"."""
    m = _INVERTED.match(name.strip())
    if not m:
        return None
    prefix, parent = m.group(2).rstrip("-"), m.group(1).lower()
    if prefix.endswith(("bis", "tris", "tetrakis")):
        return f"{prefix}({parent})"
    return prefix + parent


@lru_cache(maxsize=4)
def default_knowledge(data_dir: str | None = None) -> Knowledge:
    return Knowledge.load(data_dir or DATA_DIR)
