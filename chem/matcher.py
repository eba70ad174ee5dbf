"""Match vendor listings against the watchlist, however the compound was written.

A listing's fields (title, name, cas, smiles, description) are read for every identifier a vendor
uses: CAS numbers (full or first block), SMILES/InChI/InChIKey, watchlist names, synonyms,
abbreviations and Chinese names, ordinary chemical names (offline PubChem dictionary), systematic
names (OPSIN) and, last, misspellings (rapidfuzz). Every resolved structure is standardized to its
parent and compared with the watchlist by connectivity, by class rules (SMARTS) and by designer
transforms (deprotection, hydrolysis, dehalogenation written as reaction SMARTS in chem/data).

`Matcher.match_many` works in three passes so that OPSIN runs once per batch.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import OSA
from rdkit import Chem
from rdkit.Chem import AllChem

from chem import opsin
from chem.cas import find_cas, find_partial_cas, normalize_cas
from chem.dictionary import Dictionary, default_dictionary
from chem.standardize import parent_from_smiles, standardize
from chem.text import (
    CJK,
    GENERIC_WORDS,
    clean_text,
    is_stopword,
    name_key,
    phonetic_variant,
    strip_salt_words,
    tokens,
)
from chem.watchlist import Entry, Watchlist, default_watchlist

FIELDS = ("title", "name", "cas", "smiles", "description")
DATA_DIR = Path(__file__).parent / "data"
MAX_FIELD_CHARS = 20_000  # text beyond this is not read for names (CAS still scanned below)
MAX_SCAN_CHARS = 200_000
MAX_WINDOW = 8
MAX_TRANSFORM_DEPTH = 2

# Scores by how a hit was found; evidence from several routes combines as a noisy-or.
SCORES = {
    "exact": 1.0,
    "parent": 0.95,
    "cas": 0.95,
    "salt_cas": 0.93,
    "inchikey": 0.97,
    "name": 0.9,
    "class": 0.85,
    "abbreviation": 0.8,
    "fuzzy_name": 0.7,
    "designer": 0.7,
    "ambiguous_abbreviation": 0.55,
    "partial_cas": 0.5,
}
_KIND_RANK = {k: i for i, k in enumerate(SCORES)}

_INCHIKEY_RE = re.compile(r"\b[A-Z]{14}-[A-Z]{10}-[A-Z]\b")
_INCHI_RE = re.compile(r"InChI=1S?/[^\s\"'<>]+")
_SMILES_TOKEN = re.compile(r"^[A-Za-z0-9@+\-\[\]()=#$/\\%.]{5,400}$")
_SMILES_HINT = re.compile(r"[=#()\[\]]|[cnos]1|C1|N1|O1")
_FORMULA_RE = re.compile(r"\bC\d{1,3}H\d{1,3}(?:(?:Br|Cl|[BFINOPS])\d{0,3})*\b")
_DIGITS = re.compile(r"\D")
_CHEM_MORPHEME = re.compile(
    r"(?:yl|ane|ene|yne|one|ol|al|ine|ide|ate|ite|ic|oxy|amino|amide|amine|ium|oxo|"
    r"carb|phen|benz|pyr|pip|diox|oxir|oxol|fur|thi|chlor|brom|fluor|iod|nitr|acid|ester)",
    re.IGNORECASE,
)


def _load_rewrites() -> list[tuple[re.Pattern, str]]:
    with (DATA_DIR / "name_rewrites.csv").open(encoding="utf-8") as fh:
        return [(re.compile(r["pattern"], re.IGNORECASE), r["replacement"])
                for r in csv.DictReader(fh)]


_REWRITES = _load_rewrites()


def opsin_candidates(phrase: str) -> list[str]:
    """The phrase, and its trade-name-free rewrite for OPSIN when that differs.

    >>> opsin_candidates("methyl 2-methyl-3-(3,4-methylenedioxyphenyl)glycidate")[1]
    'methyl 2-methyl-3-(1,3-benzodioxol-5-yl)oxirane-2-carboxylate'
    """
    rewritten = phrase
    for pattern, replacement in _REWRITES:
        rewritten = pattern.sub(replacement, rewritten)
    return [phrase] if rewritten == phrase else [phrase, rewritten]


@dataclass
class Hit:
    entry: str
    name: str
    inchikey: str
    match: str
    score: float
    evidence: str

    def as_dict(self) -> dict:
        return {
            "entry": self.entry,
            "name": self.name,
            "inchikey": self.inchikey,
            "match": self.match,
            "score": round(self.score, 3),
            "evidence": self.evidence,
        }


@dataclass
class Substance:
    inchikey: str  # parent InChIKey
    smiles: str | None
    formula: str | None
    name: str | None
    cas: str | None
    how: str  # cas | smiles | inchi | inchikey | name | dictionary | opsin | watchlist
    confidence: float
    evidence: str

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class Result:
    id: str
    hits: list[Hit] = field(default_factory=list)
    substances: list[Substance] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def as_dict(self, with_substances: bool = False) -> dict:
        out: dict = {"id": self.id, "hits": [h.as_dict() for h in self.hits]}
        if with_substances:
            out["substances"] = [s.as_dict() for s in self.substances]
        if self.errors:
            out["errors"] = self.errors
        return out


@dataclass
class _Structure:
    smiles: str
    how: str
    evidence: str
    confidence: float
    name: str | None = None
    cas: str | None = None
    kind: str = "name"  # the hit kind a watchlist match through this structure gets


@dataclass
class _Span:
    start: int
    end: int
    kind: str  # watchlist | abbreviation | dictionary
    payload: object
    phrase: str


@dataclass
class _Run:
    field: str
    toks: list[str]
    spans: list[_Span]
    phrase: str
    covered: bool


@dataclass
class _State:
    id: str
    result: Result
    direct: list[tuple[Entry, str, str]] = field(default_factory=list)  # entry, kind, evidence
    structures: list[_Structure] = field(default_factory=list)
    runs: list[_Run] = field(default_factory=list)
    text_key: str = ""
    formulas: set[str] = field(default_factory=set)


class Matcher:
    """Watchlist matching with indexes built once; cheap per listing."""

    def __init__(
        self,
        watchlist: Watchlist | None = None,
        dictionary: Dictionary | None = None,
        use_opsin: bool = True,
    ):
        self.watchlist = watchlist or default_watchlist()
        self.dictionary = dictionary if dictionary is not None else default_dictionary()
        self.use_opsin = use_opsin
        if use_opsin:
            opsin.warm_up()
        self._build_indexes()

    # ------------------------------------------------------------------ indexes
    def _build_indexes(self) -> None:
        wl = self.watchlist
        self.entries = {e.id: e for e in wl.entries}
        self.by_block: dict[str, list[Entry]] = {}
        for e in wl.entries:
            self.by_block.setdefault(e.connectivity, []).append(e)
        self.by_cas: dict[str, tuple[Entry, str]] = {}
        self.by_cas_block: dict[str, list[Entry]] = {}
        for e in wl.entries:
            for cas in e.cas:
                self.by_cas.setdefault(cas, (e, ""))
            for cas, form in e.salt_cas:
                self.by_cas.setdefault(cas, (e, form or "salt"))
            for cas in e.all_cas:
                block = cas.split("-")[0]
                if len(block) >= 4:
                    self.by_cas_block.setdefault(block, []).append(e)
        # Names: curated names first, then the dictionary's synonyms of each entry's structure.
        self.by_name: dict[str, list[Entry]] = {}
        for e in wl.entries:
            for n in (e.name, *e.synonyms, *e.names_other):
                self._add_name(name_key(n), e)
        dict_names = self.dictionary.names_for_inchikey_blocks(set(self.by_block))
        for block, keys in dict_names.items():
            for key in keys:
                if len(key) >= 6 and not key.isdigit():
                    for e in self.by_block[block]:
                        self._add_name(key, e)
        self.by_abbrev: dict[str, list[Entry]] = {}
        for e in wl.entries:
            for a in e.abbreviations:
                self.by_abbrev.setdefault(name_key(a), []).append(e)
        self.clash_guards: dict[str, list[str]] = {}
        self.clash_cas: dict[str, set[str]] = {}
        for c in wl.clashes:
            key = name_key(c.abbreviation)
            self.clash_guards.setdefault(key, []).extend(
                name_key(g) for g in c.guard_terms if name_key(g)
            )
            if c.cas:
                self.clash_cas.setdefault(key, set()).add(c.cas)
        self.zh_names: list[tuple[str, Entry]] = sorted(
            ((clean_text(strip_salt_words(n)[0]), e) for e in wl.entries for n in e.names_zh),
            key=lambda p: -len(p[0]),
        )
        self.fuzzy_choices: dict[int, list[str]] = {}
        for key in self.by_name:
            if len(key) >= 6:
                self.fuzzy_choices.setdefault(len(key), []).append(key)
        self.classes = []
        for rule in wl.classes:
            patt = Chem.MolFromSmarts(rule.smarts)
            if patt is not None and rule.entry in self.entries:
                self.classes.append((rule, patt, self.entries[rule.entry]))
        self.transforms = []
        for t in wl.transforms:
            try:
                rxn = AllChem.ReactionFromSmarts(t.rxn)
            except ValueError:
                continue  # `watchlist validate` reports it
            if rxn is not None and rxn.GetNumReactantTemplates() == 1:
                rxn.Initialize()
                template = rxn.GetReactantTemplate(0)
                needs = frozenset(a.GetAtomicNum() for a in template.GetAtoms()
                                  if a.GetAtomicNum() > 1)
                self.transforms.append((t, rxn, needs))
        # Designer targets by stereo-free canonical SMILES: cheaper than an InChIKey per product.
        self.designer_smiles: dict[str, list[Entry]] = {}
        for e in wl.entries:
            target = parent_from_smiles(e.smiles) if e.designer_target else None
            if target is not None:
                key = Chem.MolToSmiles(target, isomericSmiles=False)
                self.designer_smiles.setdefault(key, []).append(e)
        self._fuzzy_cache: dict[str, tuple[str, int] | None] = {}
        self._structure_hits_cached = lru_cache(maxsize=50_000)(self._structure_hits)

    def _add_name(self, key: str, entry: Entry) -> None:
        if len(key) < 3:
            return
        bucket = self.by_name.setdefault(key, [])
        if entry not in bucket:
            bucket.append(entry)

    # ------------------------------------------------------------------ public API
    def match_listing(self, listing: dict) -> Result:
        return self.match_many([listing])[0]

    def match_text(self, text: str) -> Result:
        return self.match_listing({"id": "text", "title": text})

    def match_many(self, listings: Iterable[dict]) -> list[Result]:
        states = [self._collect(listing) for listing in listings]
        if self.use_opsin:
            pending = [
                c for s in states for r in s.runs if self._wants_opsin(r)
                for c in opsin_candidates(r.phrase)
            ]
            if pending:
                opsin.names_to_smiles(pending)
        return [self._finish(s) for s in states]

    # ------------------------------------------------------------------ pass 1
    def _collect(self, listing: dict) -> _State:
        lid = str(listing.get("id", ""))
        state = _State(lid, Result(lid))
        fields = {f: listing.get(f) for f in FIELDS}
        for f, v in fields.items():
            if v is not None and not isinstance(v, str):
                fields[f] = str(v)
        all_text = " ".join(v for v in fields.values() if v)[:MAX_SCAN_CHARS]
        state.text_key = name_key(all_text[:MAX_FIELD_CHARS])

        cas_field = (fields.get("cas") or "").strip()
        if cas_field:
            self._read_cas_field(state, cas_field)
        smiles_field = (fields.get("smiles") or "").strip()
        if smiles_field:
            state.structures.append(
                _Structure(smiles_field, "smiles", f"smiles field {smiles_field!r}", 1.0,
                           kind="smiles")
            )
        for f in ("title", "name", "description"):
            value = fields.get(f)
            if value:
                self._read_text(state, f, value)
        return state

    def _read_cas_field(self, state: _State, value: str) -> None:
        cas = normalize_cas(value)
        mentions = [cas] if cas else [m.cas for m in find_cas(value)]
        if not mentions:
            partial = find_partial_cas(f"CAS {value}")
            if partial:
                for m in partial:
                    self._partial_cas(state, m.cas, f"cas field {value!r}")
            else:
                state.result.errors.append(f"cas field {value!r} is not a valid CAS number")
            return
        for c in mentions:
            self._cas(state, c, f"cas field {value!r}")

    def _cas(self, state: _State, cas: str, evidence: str) -> None:
        hit = self.by_cas.get(cas)
        if hit:
            entry, form = hit
            kind = "salt_cas" if form else "cas"
            note = f" ({form})" if form else ""
            state.direct.append((entry, kind, f"{evidence}: CAS {cas}{note}"))
        record = self.dictionary.lookup_cas(cas)
        if record:
            state.structures.append(
                _Structure(record.smiles, "cas", f"{evidence}: CAS {cas} = {record.name}", 0.95,
                           name=record.name, cas=cas, kind="cas")
            )

    def _partial_cas(self, state: _State, block: str, evidence: str) -> None:
        for entry in self.by_cas_block.get(block, []):
            state.direct.append((entry, "partial_cas", f"{evidence}: CAS first block {block}"))

    def _read_text(self, state: _State, fname: str, value: str) -> None:
        scan = value[:MAX_SCAN_CHARS]
        for m in find_cas(scan):
            self._cas(state, m.cas, f"{fname}: {m.written!r}")
        for m in find_partial_cas(scan):
            self._partial_cas(state, m.cas, f"{fname}: {m.written!r}")
        text = clean_text(value[:MAX_FIELD_CHARS])
        for key in _INCHIKEY_RE.findall(text):
            self._inchikey(state, key, fname)
        for inchi in _INCHI_RE.findall(text):
            state.structures.append(_Structure(inchi, "inchi", f"{fname}: {inchi[:60]!r}", 0.98,
                                               kind="inchi"))
        state.formulas.update(_FORMULA_RE.findall(text))
        if CJK.search(text):
            self._read_chinese(state, fname, text)
        variants = [text]
        phon = phonetic_variant(text)
        if phon:
            variants.append(phon)
        for variant in variants:
            self._read_words(state, fname, variant)

    def _inchikey(self, state: _State, key: str, fname: str) -> None:
        for entry in self.by_block.get(key[:14], []):
            state.direct.append((entry, "inchikey", f"{fname}: InChIKey {key}"))

    def _read_chinese(self, state: _State, fname: str, text: str) -> None:
        remaining = text
        for zh, entry in self.zh_names:
            if zh and zh in remaining:
                state.direct.append((entry, "name", f"{fname}: Chinese name {zh!r}"))
                remaining = remaining.replace(zh, " ")

    def _read_words(self, state: _State, fname: str, text: str) -> None:
        toks = tokens(text)
        if not toks:
            return
        n = len(toks)
        stop = [is_stopword(t) for t in toks]
        # SMILES written into free text
        for t in toks:
            if _SMILES_TOKEN.match(t) and _SMILES_HINT.search(t) and not CJK.search(t):
                s = standardize(t)
                if s.ok and s.parent_smiles and len(s.parent_smiles) > 3:
                    state.structures.append(
                        _Structure(t, "smiles", f"{fname}: SMILES {t!r}", 0.9, kind="smiles")
                    )
        # Maximal runs of non-stopword tokens are the name candidates.
        i = 0
        while i < n:
            if stop[i]:
                i += 1
                continue
            j = i
            while j < n and not stop[j]:
                j += 1
            self._read_run(state, fname, toks[i:j])
            i = j

    def _read_run(self, state: _State, fname: str, toks: list[str]) -> None:
        n = len(toks)
        found: list[_Span] = []
        for length in range(min(n, MAX_WINDOW), 0, -1):
            for i in range(0, n - length + 1):
                j = i + length
                if any(s.start < j and i < s.end for s in found if s.kind != "abbreviation"):
                    continue
                phrase = " ".join(toks[i:j])
                span = self._lookup_phrase(phrase, i, j)
                if span is not None:
                    found.append(span)
        covered = self._covers(found, n)
        run = _Run(fname, toks, found, " ".join(toks), covered)
        state.runs.append(run)

    @staticmethod
    def _covers(spans: list[_Span], n: int) -> bool:
        seen = [False] * n
        for s in spans:
            if s.kind == "abbreviation":
                continue
            for k in range(s.start, s.end):
                seen[k] = True
        return all(seen)

    def _lookup_phrase(self, phrase: str, i: int, j: int) -> _Span | None:
        key = name_key(phrase)
        if len(key) < 2:
            return None
        variants = [(key, phrase)]
        stripped, removed = strip_salt_words(phrase)
        if removed:
            skey = name_key(stripped)
            if len(skey) >= 2:
                variants.append((skey, stripped))
        for k, p in variants:
            entries = self.by_name.get(k)
            if entries:
                return _Span(i, j, "watchlist", entries, phrase)
            generic = p.lower().strip(".,;:()") in GENERIC_WORDS
            record = self.dictionary.lookup_key(k) if len(k) >= 4 and not generic else None
            if record is not None:
                return _Span(i, j, "dictionary", record, phrase)
            entries = self.by_abbrev.get(k)
            if entries and self._abbrev_case_ok(p):
                return _Span(i, j, "abbreviation", entries, phrase)
        return None

    @staticmethod
    def _abbrev_case_ok(written: str) -> bool:
        letters = [c for c in written if c.isalpha()]
        if len(letters) <= 3:
            return all(c.isupper() for c in letters) or "boc" in written.lower()
        return True

    # ------------------------------------------------------------------ pass 3
    def _finish(self, state: _State) -> Result:
        for run in state.runs:
            self._resolve_run(state, run)
        found: dict[str, list[tuple[str, float, str]]] = {}
        for entry, kind, evidence in state.direct:
            found.setdefault(entry.id, []).append((kind, SCORES[kind], evidence))
        substance_keys: set[str] = set()
        for st in state.structures:
            s = standardize(st.smiles)
            if not s.ok:
                state.result.errors.append(f"{st.evidence}: {s.error}")
                continue
            if s.parent_inchikey not in substance_keys:
                substance_keys.add(s.parent_inchikey)
                state.result.substances.append(
                    Substance(s.parent_inchikey, s.parent_smiles, s.formula, st.name, st.cas,
                              st.how, st.confidence, st.evidence)
                )
            for entry_id, kind, score, ev in self._structure_hits_cached(st.smiles, st.kind):
                found.setdefault(entry_id, []).append((kind, score * st.confidence,
                                                       f"{st.evidence}; {ev}"))
        for entry_id, evidences in found.items():
            entry = self.entries[entry_id]
            if entry.inchikey not in substance_keys and evidences[0][0] != "partial_cas":
                substance_keys.add(entry.inchikey)
                state.result.substances.append(
                    Substance(entry.inchikey, entry.smiles, entry.formula, entry.name,
                              entry.cas[0] if entry.cas else None, "watchlist",
                              max(e[1] for e in evidences), evidences[0][2])
                )
            state.result.hits.append(self._combine(entry, evidences, state.formulas))
        state.result.hits.sort(key=lambda h: (-h.score, h.entry))
        return state.result

    def _combine(self, entry: Entry, evidences: list[tuple[str, float, str]],
                 formulas: set[str]) -> Hit:
        evidences = sorted(evidences, key=lambda e: (-e[1], _KIND_RANK.get(e[0], 99)))
        miss = 1.0
        for _, score, _ in evidences:
            miss *= 1.0 - min(score, 0.999)
        score = 1.0 - miss
        if entry.formula and entry.formula in formulas:
            score = 1.0 - (1.0 - score) * 0.8
        texts = list(dict.fromkeys(e[2] for e in evidences))
        kind = evidences[0][0]
        if kind in ("smiles", "inchi"):
            kind = "exact"
        return Hit(entry.id, entry.name, entry.inchikey, kind, min(score, 1.0),
                   " | ".join(texts[:4]))

    @staticmethod
    def _wants_opsin(run: _Run) -> bool:
        """Uncovered runs that look like systematic names (a chemical morpheme, enough letters)."""
        return (
            not run.covered
            and sum(c.isalpha() for c in run.phrase) >= 4
            and bool(_CHEM_MORPHEME.search(run.phrase))
        )

    def _resolve_run(self, state: _State, run: _Run) -> None:
        """Turn a run's spans into hits/structures; OPSIN and fuzzy matching fill the gaps."""
        spans = run.spans
        if self.use_opsin and self._wants_opsin(run):
            parsed = opsin.names_to_smiles(opsin_candidates(run.phrase))
            smiles = next((v for v in parsed.values() if v), None)
            if smiles:
                state.structures.append(
                    _Structure(smiles, "opsin", f"{run.field}: {run.phrase!r} (OPSIN)", 0.9,
                               name=run.phrase)
                )
                spans = [s for s in spans if s.kind == "watchlist"]
                run.covered = True
        if not run.covered:
            fuzzy = self._fuzzy_spans(run)
            spans = [
                s for s in spans
                if s.kind != "dictionary"
                or not any(f.start < s.end and s.start < f.end for f in fuzzy)
            ] + fuzzy
        # An abbreviation inside a longer recognised name is part of that name.
        named = [s for s in spans if s.kind != "abbreviation"]
        for s in spans:
            if s.kind == "abbreviation" and any(
                o.start <= s.start and s.end <= o.end and (o.end - o.start) > (s.end - s.start)
                for o in named
            ):
                continue
            self._span_to_evidence(state, run.field, s)

    def _span_to_evidence(self, state: _State, fname: str, span: _Span) -> None:
        if span.kind == "watchlist":
            for entry in span.payload:  # type: ignore[union-attr]
                state.direct.append((entry, "name", f"{fname}: {span.phrase!r}"))
                state.structures.append(
                    _Structure(entry.smiles, "watchlist", f"{fname}: {span.phrase!r}", 0.9,
                               name=entry.name, kind="watchlist")
                )
        elif span.kind == "fuzzy":
            entries, target, dist = span.payload  # type: ignore[misc]
            for entry in entries:
                state.direct.append(
                    (entry, "fuzzy_name",
                     f"{fname}: {span.phrase!r} ~ {target!r} ({dist} edit{'s' * (dist != 1)})")
                )
        elif span.kind == "dictionary":
            rec = span.payload
            state.structures.append(
                _Structure(rec.smiles, "dictionary",  # type: ignore[union-attr]
                           f"{fname}: {span.phrase!r} = {rec.name} (CAS {rec.cas})", 0.9,  # type: ignore[union-attr]
                           name=span.phrase, cas=rec.cas or None)  # type: ignore[union-attr]
            )
        elif span.kind == "abbreviation":
            key = name_key(span.phrase)
            guards = self.clash_guards.get(key, [])
            clash_cas = self.clash_cas.get(key, set())
            clashing = any(g and g in state.text_key for g in guards) or any(
                c.replace("-", "") in state.text_key for c in clash_cas
            )
            if clashing:
                return  # the text says it means the other compound (e.g. 4-aminopyridine)
            kind = "ambiguous_abbreviation" if key in self.clash_guards else "abbreviation"
            for entry in span.payload:  # type: ignore[union-attr]
                state.direct.append((entry, kind, f"{fname}: abbreviation {span.phrase!r}"))

    def _fuzzy_spans(self, run: _Run) -> list[_Span]:
        toks = run.toks
        n = len(toks)
        taken = [s for s in run.spans if s.kind == "watchlist"]
        dict_spans = [s for s in run.spans if s.kind == "dictionary"]
        out: list[_Span] = []
        for length in range(min(n, MAX_WINDOW), 0, -1):
            for i in range(0, n - length + 1):
                j = i + length
                if any(s.start < j and i < s.end for s in taken + out):
                    continue
                if any(s.start < j and i < s.end and s.end - s.start >= length
                       for s in dict_spans):
                    continue  # a known compound name at least as long wins
                phrase = " ".join(toks[i:j])
                key = name_key(strip_salt_words(phrase)[0])
                best = self._fuzzy_lookup(key)
                if best:
                    target, dist = best
                    out.append(_Span(i, j, "fuzzy", (self.by_name[target], target, dist), phrase))
        return out

    def _fuzzy_lookup(self, key: str) -> tuple[str, int] | None:
        if key in self._fuzzy_cache:
            return self._fuzzy_cache[key]
        best = None
        size = len(key)
        digits = _DIGITS.sub("", key)
        allowed = 0 if size < 7 else 1 if size < 10 else 2 if size < 18 else 3
        if allowed and not key.isdigit() and self.dictionary.lookup_key(key) is None:
            for length in range(size - allowed, size + allowed + 1):
                choices = self.fuzzy_choices.get(length)
                if not choices:
                    continue
                # Locants are not typos: a candidate must carry the same digits in the same order
                # (1,3-butanediol is not 1,4-butanediol).
                for target, dist, _ in process.extract(key, choices, scorer=OSA.distance,
                                                       score_cutoff=allowed, limit=5):
                    if _DIGITS.sub("", target) == digits and (best is None or dist < best[1]):
                        best = (target, int(dist))
        self._fuzzy_cache[key] = best
        return best

    # ------------------------------------------------------------------ structures
    def _structure_hits(self, smiles: str, kind: str) -> tuple[tuple[str, str, float, str], ...]:
        """(entry id, match kind, score, evidence) for one structure; cached by SMILES."""
        s = standardize(smiles)
        if not s.ok:
            return ()
        out: list[tuple[str, str, float, str]] = []
        matched_ids: set[str] = set()
        for entry in self.by_block.get(s.connectivity or "", []):
            matched_ids.add(entry.id)
            if kind == "watchlist":
                continue  # already a direct name hit
            if kind in ("smiles", "inchi"):
                exact = entry.inchikey in (s.inchikey, s.parent_inchikey) and not s.flags
                how = "exact" if exact else "parent"
            else:
                how = kind if kind in SCORES else "name"
            flags = f" ({', '.join(s.flags)})" if s.flags else ""
            out.append((entry.id, how, SCORES[how],
                        f"structure {s.parent_inchikey} = {entry.name}{flags}"))
        mol = parent_from_smiles(smiles)
        if mol is None:
            return tuple(out)
        for rule, patt, entry in self.classes:
            if entry.id not in matched_ids and mol.HasSubstructMatch(patt):
                out.append((entry.id, "class", SCORES["class"], f"class rule: {rule.name}"))
                matched_ids.add(entry.id)
        for product, chain in self._designer_products(mol):
            for entry in self.designer_smiles.get(product, []):
                if entry.id in matched_ids:
                    continue
                score = SCORES["designer"] * (0.9 ** (len(chain) - 1))
                out.append((entry.id, "designer", score,
                            f"designer analogue: {' then '.join(chain)} gives {entry.name}"))
                matched_ids.add(entry.id)
        return tuple(out)

    @staticmethod
    def _exhaust(rxn: AllChem.ChemicalReaction, mol: Chem.Mol, limit: int = 4) -> Chem.Mol:
        """Apply a reaction again and again until nothing matches (bounded)."""
        for _ in range(limit):
            products = rxn.RunReactants((mol,), maxProducts=1)
            if not products:
                break
            nxt = products[0][0]
            Chem.SanitizeMol(nxt)
            mol = nxt
        return mol

    def _designer_products(self, mol: Chem.Mol) -> list[tuple[str, list[str]]]:
        """Stereo-free SMILES of products reachable by up to MAX_TRANSFORM_DEPTH transforms."""
        results: list[tuple[str, list[str]]] = []
        seen = {Chem.MolToSmiles(mol, isomericSmiles=False)}
        frontier = [(mol, [])]
        for _ in range(MAX_TRANSFORM_DEPTH):
            nxt = []
            for m, chain in frontier:
                elements = {a.GetAtomicNum() for a in m.GetAtoms()}
                for t, rxn, needs in self.transforms:
                    if not needs <= elements:
                        continue  # the template names an element the molecule lacks
                    try:
                        products = rxn.RunReactants((m,), maxProducts=8)
                    except Exception:
                        continue
                    for prods in products:
                        p = prods[0]
                        try:
                            Chem.SanitizeMol(p)
                            if t.kind == "transesterification":
                                p = self._exhaust(rxn, p)  # every ester, not just one
                            smi = Chem.MolToSmiles(p, isomericSmiles=False)
                        except Exception:
                            continue
                        if smi in seen:
                            continue
                        seen.add(smi)
                        results.append((smi, chain + [t.id]))
                        if t.kind != "transesterification":  # a new ester unmasks nothing more
                            nxt.append((p, chain + [t.id]))
            frontier = nxt[:64]
        return results
