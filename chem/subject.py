"""Which parts of a listing name what it sells (its subject) and which only mention chemicals.

`segments(listing, words)` cuts a listing into `Segment`s with a source field and a role:
- `offered`: identifying fields (title, product name, CAS, SMILES, synonyms) and, inside the
  description, labelled identifying fields ("Product name:", "CAS No.:", "品名", "CAS号") and
  catalog lists ("hot products: ...", "we also supply ...", an enumerated product list);
- `fallback`: description sentences that say what is for sale (and the first sentence); they
  supply the subject only when the offered segments resolve nothing;
- `mention`: everything else (solubility and use sentences, property fields, free text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from chem.knowledge import SubjectWords
from chem.text import CJK, clean_text

IDENTIFYING_FIELDS = ("title", "name", "synonyms")
OFFERED, FALLBACK, MENTION = "offered", "fallback", "mention"
MIN_LIST_ITEMS = 4
MAX_LIST_ITEM_WORDS = 7
_SENTENCE_END = re.compile(
    r"(?<=[a-z)\]%])(?<!\bno)(?<!\bNo)(?<!\bNO)(?<!\bnr)(?<!\bca)(?<!\bapprox)(?<!\be\.g)"
    r"[.!?](?:\s+(?=[A-Z\u3400-\u9fff(\d\"'])|\s*$)|[。！？]")
_LIST_SEP = re.compile(r"\s*[,;/|]\s*|\s+(?:and|or)\s+")
# Words of a sentence (not of a product list): "it can produce acetone, ..., ...".
_CLAUSE = re.compile(r"\b(?:it|its|is|are|was|were|be|been|can|could|may|will|which|that|this|"
                     r"these|they|such|as|from|into|with|by|for|to|include|includes|including|"
                     r"contain|contains|containing)\b", re.IGNORECASE)
_HEADER = re.compile(r"^\s*([^:\n]{1,40}?):\s*\S")  # "Compatible solvents: ..."
_PURITY = re.compile(r"\b\d{2}(?:\.\d+)?\s*%")
_CHEMICAL_ITEM = re.compile(
    r"\d{2,7}-\d{2}-\d|yl|ane|ene|one|ol\b|al\b|ine|ide|ate|ic\b|acid|amine|oxy|[\u3400-\u9fff]",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Segment:
    field: str  # where the text came from: title, cas, description:product name, ...
    role: str  # offered | fallback | mention
    text: str


@lru_cache(maxsize=8)
def _label_re(labels: tuple[str, ...]) -> re.Pattern:
    alts = "|".join(re.escape(label) for label in labels)
    # A label starts a line or follows a separator and ends with a colon (or a CJK label, space).
    return re.compile(rf"(?:^|(?<=[\s|,;.(/]))({alts})\s*(?:[:#=]|\s(?=[\u3400-\u9fff]))\s*",
                      re.IGNORECASE | re.MULTILINE)


@lru_cache(maxsize=32)
def _phrases_re(phrases: tuple[str, ...]) -> re.Pattern:
    """One regex for a phrase list: whole words for Latin phrases, anywhere for Chinese ones."""
    latin = [re.escape(p) for p in phrases if not CJK.search(p)]
    cjk = [re.escape(p) for p in phrases if CJK.search(p)]
    alts = []
    if latin:
        alts.append(rf"(?<![0-9a-z])(?:{'|'.join(latin)})(?![0-9a-z])")
    if cjk:
        alts.append("|".join(cjk))
    return re.compile("|".join(alts) or r"(?!)")


_WORD_RUN = re.compile(r"[0-9a-z]+")


@lru_cache(maxsize=32)
def _first_words(phrases: tuple[str, ...]) -> tuple[frozenset[str], bool, bool]:
    """(the leading [0-9a-z] run of each Latin phrase, whether a Latin phrase has none, whether
    there are Chinese phrases): a Latin phrase stands in a text as a whole word only where its
    leading run is one of the text's runs."""
    latin = [p for p in phrases if not CJK.search(p)]
    runs = [_WORD_RUN.match(p) for p in latin]
    return (frozenset(m.group(0) for m in runs if m), not all(runs),
            len(latin) < len(phrases))


def _search(phrases: tuple[str, ...], low: str) -> re.Match | None:
    """`_phrases_re(phrases).search(low)`; the regex is not run on a text that holds no
    phrase's leading word (most titles and sentences hold none)."""
    firsts, always, cjk = _first_words(phrases)
    if not always and not (cjk and CJK.search(low)) and firsts.isdisjoint(_WORD_RUN.findall(low)):
        return None
    return _phrases_re(phrases).search(low)


def _has(text: str, phrases: tuple[str, ...]) -> str | None:
    """The first of `phrases` in `text` (lower-cased, whole words), or None."""
    m = _search(phrases, text.lower())
    return m.group(0) if m else None


def _is_list(text: str) -> bool:
    """An enumerated product list: several short chemical items and no clause around them."""
    if ":" in text:
        return False  # "Compatible solvents: toluene, xylene, ...": a labelled property
    items = [i for i in _LIST_SEP.split(text) if i.strip()]
    if len(items) < MIN_LIST_ITEMS or _CLAUSE.search(text):
        return False
    short = [i for i in items if len(i.split()) <= MAX_LIST_ITEM_WORDS]
    chemical = [i for i in short if _CHEMICAL_ITEM.search(i)]
    return len(short) >= 0.8 * len(items) and len(chemical) >= 0.6 * len(items)


def _labelled(line: str, words: SubjectWords) -> list[tuple[str | None, str]]:
    """(label or None, text) pieces of one line, cut at every known label."""
    labels = words.identifying_labels + words.other_labels
    pieces: list[tuple[str | None, str]] = []
    last, label = 0, None
    for m in _label_re(labels).finditer(line):
        pieces.append((label, line[last:m.start()]))
        label, last = m.group(1).lower(), m.end()
    pieces.append((label, line[last:]))
    return [(lab, t) for lab, t in pieces if t.strip()]


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text) if s and s.strip()]


def _free_text(text: str, words: SubjectWords, first: bool) -> list[Segment]:
    out: list[Segment] = []
    for k, sentence in enumerate(_sentences(text)):
        header = _HEADER.match(sentence)
        if header and not _has(header.group(1), words.catalog + words.sale):
            # "Compatible solvents: toluene, xylene": a property under a header we do not
            # know, never the subject
            out.append(Segment("description", MENTION, sentence))
            continue
        cue = _has(sentence, words.catalog)
        if cue and not _has(sentence, words.context):
            start = sentence.lower().find(cue) + len(cue)
            out.append(Segment("description:catalog", OFFERED, sentence[start:]))
            out.append(Segment("description", MENTION, sentence[:start]))
        elif (m := _search(words.context, sentence.lower())) is not None:
            # "Piperonal is used in perfumery": what precedes the phrase may be the subject
            # (counted only when nothing identifying resolves), what follows is a mention.
            if m.start() > 0 and ((first and k == 0) or _has(sentence[:m.start()], words.sale)):
                out.append(Segment("description", FALLBACK, sentence[:m.start()]))
            out.append(Segment("description", MENTION, sentence[m.start():]))
        elif _is_list(sentence):
            out.append(Segment("description:catalog", OFFERED, sentence))
        elif (first and k == 0) or _has(sentence, words.sale) or _PURITY.search(sentence):
            out.append(Segment("description", FALLBACK, sentence))
        else:
            out.append(Segment("description", MENTION, sentence))
    return out


def description_segments(text: str, words: SubjectWords) -> list[Segment]:
    """Cut a description into labelled fields, catalog lists, sale sentences and mentions."""
    out: list[Segment] = []
    catalog = False
    first = True
    for line in clean_text(text).splitlines():
        if not line.strip():
            catalog = False
            continue
        for label, piece in _labelled(line, words):
            if label is not None:
                catalog = False
                role = OFFERED if label in words.identifying_labels else MENTION
                out.append(Segment(f"description:{label}", role, piece))
            elif catalog and not _has(piece, words.context):
                out.append(Segment("description:catalog", OFFERED, piece))
            else:
                found = _free_text(piece, words, first)
                out.extend(found)
                catalog = any(s.field == "description:catalog" for s in found)
            first = False
    return out


def _identifying(field: str, text: str, words: SubjectWords) -> list[Segment]:
    """An identifying field is the subject up to a context phrase ("... intermediate for X",
    "... soluble in Y"); what follows the phrase is a mention."""
    m = _search(words.context, text.lower())
    if m is None or m.start() == 0:
        return [Segment(field, OFFERED, text)]
    return [Segment(field, OFFERED, text[:m.start()]), Segment(field, MENTION, text[m.start():])]


def segments(listing: dict, words: SubjectWords) -> list[Segment]:
    """Every text-bearing part of a listing with its field and role (CAS/SMILES fields aside)."""
    out: list[Segment] = []
    for f in IDENTIFYING_FIELDS:
        value = listing.get(f)
        if value:
            out.extend(_identifying(f, str(value), words))
    description = listing.get("description")
    if description:
        out.extend(description_segments(str(description), words))
    return out
