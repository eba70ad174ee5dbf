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
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"

_GREEK = {"α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ω": "omega", "ψ": "psi"}
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"


def _load_confusables() -> dict[int, str]:
    with (DATA_DIR / "confusables.csv").open(encoding="utf-8") as fh:
        table = {ord(r["char"]): r["replacement"] for r in csv.DictReader(fh)}
    table.update({ord(d): "-" for d in _DASHES})
    table.update({ord(k): v for k, v in _GREEK.items()})
    return table


_CONFUSABLES = _load_confusables()


def _load_salt_words() -> tuple[tuple[str, str], ...]:
    with (DATA_DIR / "salt_words.csv").open(encoding="utf-8") as fh:
        rows = [(r["word"].strip().lower(), r["kind"].strip()) for r in csv.DictReader(fh)]
    # Longest first so "sodium salt" wins over "salt".
    return tuple(sorted(rows, key=lambda r: -len(r[0])))


SALT_WORDS = _load_salt_words()
STOPWORDS = frozenset(
    w.strip().lower()
    for w in (DATA_DIR / "stopwords.txt").read_text(encoding="utf-8").splitlines()
    if w.strip() and not w.startswith("#")
)

GENERIC_WORDS = frozenset(
    w.strip().lower()
    for w in (DATA_DIR / "generic_words.txt").read_text(encoding="utf-8").splitlines()
    if w.strip() and not w.startswith("#")
)

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
    text = unicodedata.normalize("NFKC", text).translate(_CONFUSABLES)
    text = _OCR_I.sub("l", text)
    return _OCR_I_START.sub("l-", text)


@lru_cache(maxsize=200_000)
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


def strip_salt_words(name: str) -> tuple[str, list[str]]:
    """Remove trailing salt/hydrate/form words: ('Norfentanyl', ['hcl']) from 'Norfentanyl HCl'.

    >>> strip_salt_words("4-piperidone hydrochloride monohydrate")
    ('4-piperidone', ['monohydrate', 'hydrochloride'])
    >>> strip_salt_words("4-哌啶酮盐酸盐一水合物")
    ('4-哌啶酮', ['一水合物', '盐酸盐'])
    """
    removed: list[str] = []
    current = name.strip()
    changed = True
    while changed:
        changed = False
        low = current.lower().rstrip(" ,;/()-")
        for word, _kind in SALT_WORDS:
            cjk = bool(CJK.search(word))
            if low.endswith(word) and len(low) > len(word):
                head = low[: -len(word)]
                if not cjk and head[-1:].isalnum():
                    continue  # "phosphate" inside "triphosphate" is not a salt word
                current = current.rstrip(" ,;/()-")[: len(head)].rstrip(" ,;/()-")
                removed.append(word)
                changed = True
                break
    return current, removed


def tokens(text: str) -> list[str]:
    """Whitespace tokens with surrounding list punctuation trimmed (commas inside names stay)."""
    out = []
    for tok in text.split():
        tok = tok.strip(",;|/")
        if tok:
            out.append(tok)
    return out


def is_stopword(token: str) -> bool:
    low = token.lower().strip(".,;:()[]")
    return (
        low in STOPWORDS
        or bool(re.fullmatch(r"[\d.,]+\s*%?|\d+(?:\.\d+)?(?:kg|g|mg|ml|l|t|mt|%)", low))
        or low in {"%", "&", "-", "+"}
    )
