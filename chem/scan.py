"""Text scan: identifiers and name spans in one segment of a listing.

`Scanner.read(state, segment)` finds CAS numbers, InChIKeys, InChI, SMILES tokens, Chinese names
and the name spans of every run of non-stopword tokens, all tagged with the segment's field and
role. Longest names win: a listed name glued to more of a chemical name ("piperidine,
1,1'-thiobis-", "benzaldehyde, polymer with ...") is dropped so the longer name is resolved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from chem.cas import find_cas, find_partial_cas
from chem.knowledge import SubjectWords
from chem.names import NameIndex, Span
from chem.scoring import ROUTE_CONFIDENCE, SCORES, Evidence
from chem.standardize import standardize
from chem.subject import Segment
from chem.text import CJK, clean_text, is_stopword, name_key, phonetic_variant

MAX_FIELD_CHARS = 20_000  # text beyond this is not read for names (CAS still scanned)
MAX_SCAN_CHARS = 200_000
MAX_WINDOW = 8
MAX_IDENTIFIERS = 200  # more CAS numbers than this in one text: a catalog, read by CAS alone

_INCHIKEY_RE = re.compile(r"\b[A-Z]{14}-[A-Z]{10}-[A-Z]\b")
_INCHI_RE = re.compile(r"InChI=1S?/[^\s\"'<>]+")
_SMILES_TOKEN = re.compile(r"^[A-Za-z0-9@+\-\[\]()=#$/\\%.]{5,400}$")
_SMILES_HINT = re.compile(r"[=#()\[\]]|[cnos]1|C1|N1|O1")
_FORMULA_RE = re.compile(r"\bC\d{1,3}H\d{1,3}(?:(?:Br|Cl|[BFINOPS])\d{0,3})*\b")
_CAS_SHAPE = re.compile(r"^\(?\d{2,7}-\d{2}-\d\)?[,;.]?$")
_LOCANT_PREFIX = re.compile(r"^[\d,'′\[\]()NOSH]+-|-$")
_SUBSTITUENT = re.compile(r"(?:yl|oxy|ylidene|amino|bis|tris|tetrakis)\)?$", re.IGNORECASE)
_SEPARATORS = ",;|/"
# What follows the comma of a CAS index name ("piperidine, 1,1'-thiobis-", "ephedrine, (-)-"):
# a locant, a bracket or a substituent prefix ending in a hyphen.
_INVERTED_PART = re.compile(r"^[\d(\[]|-$")


@dataclass
class Structure:
    smiles: str
    how: str  # cas | smiles | inchi | dictionary | opsin | watchlist
    evidence: str
    confidence: float
    field: str
    role: str
    name: str | None = None
    cas: str | None = None
    kind: str = "name"  # the hit kind a watchlist match through this structure gets
    inchikey: str | None = None  # known standard InChIKey (dictionary, watchlist): not recomputed
    formula: str | None = None


@dataclass
class Run:
    field: str
    role: str
    toks: list[str]
    spans: list[Span]
    phrase: str
    covered: bool


@dataclass
class State:
    id: str
    evidence: list[Evidence] = field(default_factory=list)
    structures: list[Structure] = field(default_factory=list)
    runs: list[Run] = field(default_factory=list)
    cas: list[tuple[str, str, str]] = field(default_factory=list)  # (cas, field, role)
    head: str = ""  # the listing's text as read for names (its first MAX_FIELD_CHARS)
    formulas: set[str] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)
    page_kind: str = "offer"  # chem.genre: what kind of page the listing is
    page_cues: tuple[str, ...] = ()
    title_topic: bool = False  # the title names a topic (market, tanks), not the product
    chemical_context: bool = False  # CAS, formula, purity or chemistry words: misspellings read
    supplement: bool = False  # a dietary-supplement text: element words name the nutrient
    commerce: bool = False  # the page has commerce cues (chem.genre)
    _text_key: str | None = field(default=None, repr=False)

    @property
    def text_key(self) -> str:
        """The name key of `head`, computed when first asked (only a clashing abbreviation
        asks): most listings never need their whole text normalized."""
        if self._text_key is None:
            self._text_key = name_key(self.head)
        return self._text_key


# Not part of a name: concentration ranges and grades ("90-98", "32-35%", "12-34"), stock and part
# numbers ("6810-00-264-8955"), separators ("--", "|", "/").
_NON_NAME = re.compile(r"^[#(\[]?\d+(?:[.,]\d+)?%?(?:\s*[-–~/x×]\s*\d+(?:[.,]\d+)?%?)+[)\]]?[,;.]?$"
                       r"|^[-–—=_*|:/~]+$")


def _not_name(tok: str) -> bool:
    return bool(_NON_NAME.match(tok))


_LOCANTS = re.compile(r"^\d{1,2}(?:,\d{1,2})+-?$")


def _join_locants(raw: list[str]) -> list[str]:
    """A locant list typed apart from its name ("1,3 butylene glycol") belongs to it: without
    it the name is another isomer's."""
    out: list[str] = []
    i = 0
    while i < len(raw):
        tok = raw[i]
        if _LOCANTS.match(tok) and i + 1 < len(raw) and raw[i + 1][:1].isalpha():
            out.append(tok.rstrip("-") + "-" + raw[i + 1])
            i += 2
            continue
        out.append(tok)
        i += 1
    return out


_GLUED = re.compile(r"(?<=[A-Za-z\u3400-\u9fff)]),(?=[A-Za-z\u3400-\u9fff])")


def _split_glued(chunk: str) -> list[str]:
    """Names glued by a comma without a space ("Toluene,Acetone" from a full-width comma) are
    two tokens; the comma of a CAS index name ("4-piperidinamine,n-phenyl-") stays."""
    if "," not in chunk:
        return [chunk]
    parts = _GLUED.split(chunk)
    if len(parts) == 1 or any(_INVERTED_PART.search(p) for p in parts[1:]):
        return [chunk]
    return [p + "," for p in parts[:-1]] + [parts[-1]]


_SMILES_LETTERS = frozenset("BCNOPSFIHcnops")


def _looks_like_smiles(tok: str) -> bool:
    """A SMILES written into free text: SMILES characters only and, outside brackets and
    Cl/Br, only element letters (a name like "N-phenyl-N-(piperidin-4-yl)..." is not one)."""
    if not (_SMILES_TOKEN.match(tok) and _SMILES_HINT.search(tok)):
        return False
    bare = re.sub(r"\[[^\]]*\]|Cl|Br", "", tok)
    return all(c in _SMILES_LETTERS for c in bare if c.isalpha())


def is_fragment(tok: str, words: SubjectWords) -> bool:
    """A token that is part of a longer chemical name: a locant prefix ("1,1'-thiobis-"), a
    substituent ("ethyl"), a word like "polymer" or a functional-class word ("diisocyanate")."""
    if _CAS_SHAPE.match(tok):
        return False
    low = tok.lower().strip(".,;:()[]?!\"'")
    return (low in words.longer_name or bool(_LOCANT_PREFIX.search(tok))
            or (len(low) > 3 and bool(_SUBSTITUENT.search(low)))
            or (len(low) > 4 and low.endswith(words.longer_suffixes)))


class Scanner:
    def __init__(self, names: NameIndex, by_cas: dict, by_cas_block: dict, by_block: dict,
                 words: SubjectWords):
        self.names = names
        self.by_cas = by_cas
        self.by_cas_block = by_cas_block
        self.by_block = by_block
        self.subject_words = words

    def add(self, state: State, entry, kind: str, text: str, seg: Segment) -> None:
        state.evidence.append(Evidence(entry.id, kind, SCORES[kind], text, seg.field, seg.role))

    # ------------------------------------------------------------------ identifiers
    def cas(self, state: State, cas: str, evidence: str, seg: Segment,
            resolve: bool = True) -> None:
        state.cas.append((cas, seg.field, seg.role))
        hit = self.by_cas.get(cas)
        if hit:
            entry, form = hit
            kind = "salt_cas" if form else "cas"
            note = f" ({form})" if form else ""
            self.add(state, entry, kind, f"{evidence}: CAS {cas}{note}", seg)
        record = self.names.dictionary.lookup_cas(cas) if resolve else None
        if record:
            state.structures.append(Structure(
                record.smiles, "cas", f"{evidence}: CAS {cas} = {record.name}",
                ROUTE_CONFIDENCE["cas"],
                seg.field, seg.role, name=record.name, cas=cas, kind="cas",
                inchikey=record.inchikey, formula=record.formula))

    def partial_cas(self, state: State, block: str, evidence: str, seg: Segment) -> None:
        for entry in self.by_cas_block.get(block, []):
            self.add(state, entry, "partial_cas", f"{evidence}: CAS first block {block}", seg)

    def read(self, state: State, seg: Segment) -> None:
        scan = seg.text[:MAX_SCAN_CHARS]
        found = find_cas(scan)
        catalog = len(found) > MAX_IDENTIFIERS
        if catalog:  # a catalog: each watchlist CAS once, offered; no per-number structure work
            seg = Segment(seg.field if seg.role != "mention" else "description:catalog",
                          "offered", seg.text)
        for m in found:
            self.cas(state, m.cas, f"{seg.field}: {m.written!r}", seg, resolve=not catalog)
        for m in find_partial_cas(scan)[:MAX_IDENTIFIERS]:
            self.partial_cas(state, m.cas, f"{seg.field}: {m.written!r}", seg)
        if catalog:
            return
        text = clean_text(seg.text[:MAX_FIELD_CHARS])
        for key in _INCHIKEY_RE.findall(text)[:MAX_IDENTIFIERS]:
            for entry in self.by_block.get(key[:14], []):
                self.add(state, entry, "inchikey", f"{seg.field}: InChIKey {key}", seg)
        for inchi in _INCHI_RE.findall(text)[:MAX_IDENTIFIERS]:
            state.structures.append(Structure(inchi, "inchi", f"{seg.field}: {inchi[:60]!r}",
                                              ROUTE_CONFIDENCE["inchi"], seg.field, seg.role,
                                              kind="inchi"))
        state.formulas.update(_FORMULA_RE.findall(text))
        if CJK.search(text):
            for zh, entry in self.names.chinese(text):
                self.add(state, entry, "name", f"{seg.field}: Chinese name {zh!r}", seg)
        if not seg.text.isascii():
            for name, entry in self.names.local(seg.text[:MAX_FIELD_CHARS]):
                self.add(state, entry, "name", f"{seg.field}: {name!r}", seg)
        self.words(state, seg, text)
        phon = phonetic_variant(text)
        if phon:
            self.words(state, seg, phon)

    # ------------------------------------------------------------------ names
    def words(self, state: State, seg: Segment, text: str) -> None:
        raw = _join_locants([piece for chunk in text.split() for piece in _split_glued(chunk)])
        toks, seps = [], []
        for r in raw:
            t = r.strip(_SEPARATORS)
            if t:
                toks.append(t)
                seps.append(r[-1] in _SEPARATORS)
        stop = [is_stopword(t) or _not_name(t) for t in toks]
        for t in toks:
            if _looks_like_smiles(t):
                s = standardize(t)
                if s.ok and s.parent_smiles and len(s.parent_smiles) > 3:
                    state.structures.append(Structure(t, "smiles", f"{seg.field}: SMILES {t!r}",
                                                      ROUTE_CONFIDENCE["smiles_in_text"], seg.field,
                                                      seg.role, kind="smiles"))
        i, n = 0, len(toks)
        while i < n:
            if stop[i]:
                i += 1
                continue
            j = i
            while j < n and not stop[j]:
                j += 1
            self.run(state, seg, toks[i:j], seps[i:j])
            i = j

    def run(self, state: State, seg: Segment, toks: list[str], seps: list[bool]) -> None:
        n = len(toks)
        found: list[Span] = []
        # Tokens under a name found so far (abbreviations excepted): a window overlaps a found
        # name exactly when it holds one of them; per token, so a huge text costs no n^2 scan.
        claimed = [False] * n
        for length in range(min(n, MAX_WINDOW), 0, -1):
            for i in range(0, n - length + 1):
                j = i + length
                if any(claimed[i:j]):
                    continue
                if any(seps[k] and not _INVERTED_PART.search(toks[k + 1])
                       for k in range(i, j - 1)):
                    continue  # a list separator, not the comma of a CAS index name
                span = self.names.lookup(" ".join(toks[i:j]), i, j)
                if span is not None:
                    found.append(span)
                    if span.kind not in ("abbreviation", "short_form"):
                        claimed[i:j] = [True] * length
        taken = {k for s in found for k in range(s.start, s.end)}
        found = [s for s in found if not self.inside_longer_name(s, toks, seps, taken)]
        state.runs.append(Run(seg.field, seg.role, toks, found, " ".join(toks),
                              _covers(found, n)))

    def inside_longer_name(self, span: Span, toks: list[str], seps: list[bool],
                           taken: set[int]) -> bool:
        """A span glued to more of a chemical name on either side (not to another name).
        `taken`: the tokens under any name found (never the ones beside this span)."""
        if span.kind not in ("watchlist", "dictionary", "abbreviation", "short_form"):
            return False
        words = self.subject_words
        before, after = span.start - 1, span.end
        if before >= 0 and before not in taken and not seps[before] and \
                is_fragment(toks[before], words):
            return True
        if after < len(toks):
            tok = toks[after]
            across = seps[span.end - 1]
            low = tok.lower().strip(".,;:()")
            if low in words.longer_name:  # "benzaldehyde, polymer with ..." (even if "polymer"
                return True               # is itself a dictionary word)
            if after not in taken and not across and is_fragment(tok, words):
                return True
            if after not in taken and across and tok.endswith("-"):
                return True
        return False


def _covers(spans: list[Span], n: int) -> bool:
    seen = [False] * n
    for s in spans:
        if s.kind in ("abbreviation", "family", "short_form"):
            continue
        for k in range(s.start, s.end):
            seen[k] = True
    return all(seen)
