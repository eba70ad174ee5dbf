"""Text normalization for chemical names as vendors write them.

`clean_text` repairs what evasion and sloppy typing do to a name (full-width forms, Cyrillic
homoglyphs, OCR-style I/l swaps, Greek letters); `name_key` reduces a name to the lookup key used
by every name index (lower case, letters and digits only, protecting-group spellings unified).
Domain word lists live in chem/data (salt_words.csv, stopwords.txt, confusables.csv).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from chem.caches import NAME_CACHE

DATA_DIR = Path(__file__).parent / "data"

_GREEK = {"α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ω": "omega", "ψ": "psi"}
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
# Punctuation NFKC leaves alone: ideographic comma/full stop, bullets from PDF catalogues.
_PUNCT = {"\u3001": ", ", "\u3002": ". ", "\u2022": " ; ", "\u25cf": " ; ", "\u25a0": " ; ",
          "\u25aa": " ; ", "\u25c6": " ; ", "\u2605": " ; ", "\u25ba": " ; ", "\u2666": " ; ",
          "\u00b7": " ; ", "\u2219": " ; ", "\u2043": " ; ", "\u25b6": " ; ", "\u2713": " ; ",
          "\u2714": " ; ", "\u00a0": " ", "\u3000": " ", "\u300a": " ", "\u300b": " ",
          "\u3010": "(", "\u3011": ")"}


def _read_lines(path: Path) -> frozenset[str]:
    return frozenset(
        w.strip().lower() for w in path.read_text(encoding="utf-8").splitlines()
        if w.strip() and not w.startswith("#")
    )


@dataclass(frozen=True)
class TextTables:
    """The word lists and character tables text cleaning reads, from one data directory."""

    confusables: dict[int, str]
    salt_words: tuple[tuple[str, str], ...]  # longest first so "sodium salt" wins over "salt"
    stopwords: frozenset[str]
    generic_words: frozenset[str]
    # the salt words alone, for one C-level endswith test (derived from `salt_words`)
    salt_endings: tuple[str, ...] = field(init=False, repr=False)
    # whether the character table rewrites no ASCII character (derived from `confusables`):
    # `clean_text` then changes an ASCII text only by its spacing and I/l rewrites
    ascii_kept: bool = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "salt_endings", tuple(word for word, _ in self.salt_words))
        object.__setattr__(self, "ascii_kept", all(c > 127 for c in self.confusables))

    @classmethod
    def load(cls, data_dir: Path) -> TextTables:
        with (data_dir / "confusables.csv").open(encoding="utf-8") as fh:
            table = {ord(r["char"]): r["replacement"] for r in csv.DictReader(fh)}
        table.update({ord(d): "-" for d in _DASHES})
        table.update({ord(k): v for k, v in _GREEK.items()})
        table.update({ord(k): v for k, v in _PUNCT.items()})
        with (data_dir / "zh_traditional.csv").open(encoding="utf-8") as fh:
            table.update({ord(r["traditional"]): r["simplified"] for r in csv.DictReader(fh)})
        with (data_dir / "salt_words.csv").open(encoding="utf-8") as fh:
            rows = [(r["word"].strip().lower(), r["kind"].strip()) for r in csv.DictReader(fh)]
        return cls(table, tuple(sorted(rows, key=lambda r: -len(r[0]))),
                   _read_lines(data_dir / "stopwords.txt"),
                   _read_lines(data_dir / "generic_words.txt"))


@lru_cache(maxsize=4)
def _tables_of(data_dir: Path) -> TextTables:
    return TextTables.load(data_dir)


# The data directory text cleaning reads (`use_data_dir`): the matcher sets it from its
# `Knowledge`, so every stage reads the one directory the matcher was given.
_ACTIVE = [DATA_DIR.resolve()]
_ACTIVE_TABLES: list[TextTables | None] = [None]  # its tables once read (no path hashing)


def active_data_dir() -> Path:
    return _ACTIVE[0]


def use_data_dir(data_dir: Path | str) -> bool:
    """Read text tables from `data_dir` from now on; True when that changed the directory (the
    caches computed from the previous one are then dropped)."""
    path = Path(data_dir).resolve()
    if path == _ACTIVE[0]:
        return False
    _ACTIVE[0] = path
    _ACTIVE_TABLES[0] = None
    name_key.cache_clear()
    _strip_salt_words.cache_clear()
    is_stopword.cache_clear()
    return True


def tables(data_dir: Path | str | None = None) -> TextTables:
    """Text tables of `data_dir` (default: the active one), read on first use (never at
    import)."""
    if data_dir is not None:
        return _tables_of(Path(data_dir))
    found = _ACTIVE_TABLES[0]
    if found is None:
        found = _ACTIVE_TABLES[0] = _tables_of(_ACTIVE[0])
    return found


# Locants typed with spaces: "3, 4-methylenedioxy" -> "3,4-", "1 - phenyl - 2 - propanone".
_SPACED_LOCANT = re.compile(r"(?<![\d.])(\d{1,2}'?,)\s+(?=\d{1,2}'?(?:,\d{1,2}'?)*-[A-Za-z(])")
_SPACED_HYPHEN = re.compile(r"(?<=[0-9])[ \t]+-[ \t]+(?=[a-z]{3}|[0-9]+[ \t]*-)"
                            r"|(?<=[A-Za-z)])[ \t]+-[ \t]+(?=[0-9]+[ \t]*-)")
# OCR-style capital I standing for a lower-case l inside or at the end of a lower-case word.
_OCR_I = re.compile(r"(?<=[a-z])I(?=[a-z]|\b|-)")
_OCR_I_START = re.compile(r"(?<![A-Za-z0-9])I-(?=[a-z]{3})")
_GREEK_WORDS = re.compile(r"\.?\b(alpha|alfa|beta|gamma|delta|omega|psi)\b\.?", re.IGNORECASE)
_BOC = re.compile(
    r"(?:\b[n1][-\s]?)?\(?\b(?:(?:tert|t)-?butoxy-?carbonyl|(?:tert-|t-)?boc)\b\)?-?",
    re.IGNORECASE,
)
_CBZ = re.compile(r"(?:\b[n1][-\s]?)?\(?\b(?:benzyloxy-?carbonyl|cbz)\b\)?-?", re.IGNORECASE)
_NON_KEY = re.compile(r"[^0-9a-z\u3400-\u9fff]+")
# A primed locant ("3'-chloro": on the ring of an aryl ketone) names another atom than the plain
# one ("3-chloro": on the chain), so 3'-chloropropiophenone and 3-chloropropiophenone differ.
_PRIMED_LOCANT = re.compile(r"(?<=\d)\s*['\u2032\u2019\u2018\u00b4\u02b9]")
CJK = re.compile(r"[\u3400-\u9fff]")


_PHONETIC = str.maketrans("рсвнухРСВНУХ", "rsvnuhRSVNUH")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def phonetic_variant(text: str) -> str | None:
    """Cyrillic letters read by sound instead of shape ("Pipeрonal" -> "Piperonal"), if any.

    >>> phonetic_variant("Pipeрonal"), phonetic_variant("Piperonal")
    ('Piperonal', None)
    """
    if not _CYRILLIC.search(text):
        return None
    return text.translate(_PHONETIC)


def clean_text(text: str) -> str:
    """Undo homoglyphs, full-width forms and OCR swaps; keep case and punctuation.

    >>> clean_text("Ｐiреridine 99%"), clean_text("BenzyI cyanide"), clean_text("α-苯乙酰乙酰胺")
    ('Piperidine 99%', 'Benzyl cyanide', 'alpha-苯乙酰乙酰胺')
    """
    if not (text.isascii() and tables().ascii_kept):  # NFKC and the table keep ASCII
        text = unicodedata.normalize("NFKC", text).translate(tables().confusables)
    # each rewrite needs a character most names lack: test for it before running the regex
    if "," in text:
        text = _SPACED_LOCANT.sub(r"\1", text)
    if "-" in text:
        text = _SPACED_HYPHEN.sub("-", text)
    if "I" in text:
        text = _OCR_I.sub("l", text)
        text = _OCR_I_START.sub("l-", text)
    return text


@lru_cache(maxsize=NAME_CACHE)
def name_key(name: str) -> str:
    """The lookup key of a name: lower case letters/digits (and CJK), spellings unified.

    >>> name_key("1-T-Boc-4-Piperidone") == name_key("N-(tert-butoxycarbonyl)-4-piperidone")
    True
    >>> name_key("dl-.alfa.-(1-aminoethyl)benzyl alcohol")
    'dlalpha1aminoethylbenzylalcohol'
    """
    text = clean_text(name).lower()
    text = _GREEK_WORDS.sub(lambda m: m.group(1).replace("alfa", "alpha"), text)
    text = _BOC.sub(" boc ", text)
    text = _CBZ.sub(" cbz ", text)
    return _NON_KEY.sub("", text)


def primed_key(name: str) -> str | None:
    """The lookup key of a name that keeps its primed locants apart (`3'` -> `3p`), or None
    when the name has none. name_key drops primes, so it cannot tell the two apart.

    >>> primed_key("3'-Chloropropiophenone"), primed_key("3-Chloropropiophenone")
    ('3pchloropropiophenone', None)
    """
    if "'" not in name and name.isascii() and tables().ascii_kept:
        return None  # no prime, and cleaning an ASCII text writes none (most names: no work)
    text = clean_text(name)
    if not _PRIMED_LOCANT.search(text):
        return None
    return name_key(_PRIMED_LOCANT.sub("p", text))


def strip_salt_words(name: str) -> tuple[str, list[str]]:
    """Remove trailing salt/hydrate/form words: ('Norfentanyl', ['hcl']) from 'Norfentanyl HCl'.

    >>> strip_salt_words("4-piperidone hydrochloride monohydrate")
    ('4-piperidone', ['monohydrate', 'hydrochloride'])
    >>> strip_salt_words("4-哌啶酮盐酸盐一水合物")
    ('4-哌啶酮', ['一水合物', '盐酸盐'])
    """
    current, removed = _strip_salt_words(name)
    return current, list(removed)


@lru_cache(maxsize=NAME_CACHE)
def _strip_salt_words(name: str) -> tuple[str, tuple[str, ...]]:
    removed: list[str] = []
    current = name.strip()
    changed = True
    while changed:
        changed = False
        low = current.lower().rstrip(" ,;/()-")
        if not low.endswith(tables().salt_endings):
            break  # no salt word ends the name: the loop below would find none
        for word, _kind in tables().salt_words:
            if low.endswith(word) and len(low) > len(word):
                head = low[: -len(word)]
                if not CJK.search(word) and head[-1:].isalnum():
                    continue  # "phosphate" inside "triphosphate" is not a salt word
                current = current.rstrip(" ,;/()-")[: len(head)].rstrip(" ,;/()-")
                removed.append(word)
                changed = True
                break
    return current, tuple(removed)


def tokens(text: str) -> list[str]:
    """Whitespace tokens with surrounding list punctuation trimmed (commas inside names stay)."""
    out = []
    for tok in text.split():
        tok = tok.strip(",;|/")
        if tok:
            out.append(tok)
    return out


_QUANTITY = re.compile(r"[\d.,]+\s*%?|\d+(?:\.\d+)?(?:kg|g|mg|ml|l|t|mt|%)")


@lru_cache(maxsize=NAME_CACHE)
def is_stopword(token: str) -> bool:
    low = token.lower().strip(".,;:()[]")
    return (
        low in tables().stopwords
        or bool(_QUANTITY.fullmatch(low))
        or low in {"%", "&", "-", "+"}
    )
