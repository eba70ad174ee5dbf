"""Match vendor listings against the watchlist: what a listing sells, and what it only mentions.

Stages, each in its own module and testable alone:
- `chem.subject`: cut a listing into segments with a source field and a role (offered,
  fallback, mention);
- `chem.scan`: identifiers and name spans in each segment (`chem.names` answers the names);
- OPSIN for systematic names, once per batch (`chem.opsin`);
- `chem.structures`: structure -> hits (parent connectivity, class rules, designer transforms);
- this module: subject resolution (fallback sentences count only when the identifying fields
  name nothing), CAS conflicts, and `chem.scoring.combine` for the scores.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache, partial

from rdkit import Chem

from chem import opsin
from chem.caches import STRUCTURE_CACHE
from chem.cas import find_cas, find_partial_cas, normalize_cas
from chem.dictionary import Dictionary, default_dictionary
from chem.genre import CAN_OFFER, OFFER, page_kind, restrict
from chem.knowledge import Knowledge, default_knowledge
from chem.names import NameIndex, Span
from chem.scan import MAX_FIELD_CHARS, MAX_SCAN_CHARS, Run, Scanner, State, Structure, is_fragment
from chem.scoring import ROUTE_CONFIDENCE, SCORES, Evidence, Hit, combine
from chem.standardize import MAX_SMILES_LENGTH, is_plain, standardize, standardize_known
from chem.structures import StructureIndex
from chem.subject import FALLBACK, MENTION, OFFERED, Segment, segments
from chem.text import name_key, tables
from chem.watchlist import Entry, Watchlist

FIELDS = ("title", "name", "synonyms", "cas", "smiles", "description")
MAX_WINDOW = 8
# Evidence that only names the compound: a CAS of another compound on the page outweighs it.
_WEAK_KINDS = frozenset({"abbreviation", "ambiguous_abbreviation", "fuzzy_name", "partial_cas",
                         "family", "short_form"})
_SHORT_FORM_FIELDS = ("title", "name")
_SENTENCE = re.compile(r"\?|\b(?:is|are|was|were|what|how|why|when|does|do|can)\b", re.IGNORECASE)
_NAME_KINDS = frozenset({"name", "class", "designer"}) | _WEAK_KINDS


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
    mentions: list[Hit] = field(default_factory=list)
    substances: list[Substance] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    page_kind: str = OFFER  # offer | catalogue | sds | regulation | article | forum | other
    page_cues: tuple[str, ...] = ()  # the cues that decided the page kind

    def as_dict(self, with_substances: bool = False) -> dict:
        out: dict = {"id": self.id, "page_kind": self.page_kind,
                     "hits": [h.as_dict() for h in self.hits],
                     "mentions": [h.as_dict() for h in self.mentions]}
        if with_substances:
            out["substances"] = [s.as_dict() for s in self.substances]
        if self.errors:
            out["errors"] = self.errors
        return out


class Matcher:
    """Watchlist matching with indexes built once from one `Knowledge`; cheap per listing."""

    def __init__(self, watchlist: Watchlist | None = None, dictionary: Dictionary | None = None,
                 use_opsin: bool = True, knowledge: Knowledge | None = None):
        self.knowledge = knowledge or default_knowledge()
        if watchlist is not None and watchlist is not self.knowledge.watchlist:
            self.knowledge = Knowledge(self.knowledge.data_dir, watchlist, self.knowledge.rewrites,
                                       self.knowledge.words, watchlist.version,
                                       self.knowledge.pages, self.knowledge.false_friends)
        self.watchlist = self.knowledge.watchlist
        self.knowledge.activate()  # every stage reads the one data directory given
        self.dictionary = dictionary if dictionary is not None else default_dictionary()
        self.use_opsin = use_opsin
        if use_opsin:
            opsin.warm_up()
        self.entries = {e.id: e for e in self.watchlist.entries}
        self.names = NameIndex(self.watchlist, self.dictionary, self.knowledge.false_friends)
        self.structures = StructureIndex(self.watchlist, known=self.dictionary)
        by_cas: dict[str, tuple[Entry, str]] = {}
        by_cas_block: dict[str, list[Entry]] = {}
        for e in self.watchlist.entries:
            for cas in e.cas:
                by_cas.setdefault(cas, (e, ""))
            for cas, form in e.salt_cas:
                by_cas.setdefault(cas, (e, form or "salt"))
            for cas in e.all_cas:
                block = cas.split("-")[0]
                if len(block) >= 4:
                    by_cas_block.setdefault(block, []).append(e)
        self.by_cas = by_cas
        self.scanner = Scanner(self.names, by_cas, by_cas_block, self.structures.by_block,
                               self.knowledge.words)
        self._structure_hits = lru_cache(maxsize=STRUCTURE_CACHE)(self.structures.hits)
        # (a function of the dictionary, not a bound method: no reference cycle through self)
        self._known = lru_cache(maxsize=STRUCTURE_CACHE)(partial(_known_record, self.dictionary))

    # ------------------------------------------------------------------ public API
    def match_listing(self, listing: dict) -> Result:
        return self.match_many([listing])[0]

    def match_text(self, text: str) -> Result:
        """One pasted text, read as a listing's description: what it says is for sale is the
        subject, its solubility/use sentences are mentions."""
        return self.match_listing({"id": "text", "description": text})

    def match_many(self, listings: Iterable[dict]) -> list[Result]:
        states = [self.collect(listing) for listing in listings]
        if self.use_opsin:
            pending = [c for s in states for r in s.runs
                       if _wants_opsin(r) and name_key(r.phrase) not in self.names.blocked
                       for c in self.knowledge.opsin_candidates(r.phrase)]
            if pending:
                opsin.names_to_smiles(pending)
        return [self.finish(s) for s in states]

    # ------------------------------------------------------------------ pass 1: scan
    def collect(self, listing: dict) -> State:
        self.knowledge.activate()  # a no-op unless another matcher switched the directory
        lid = str(listing.get("id", ""))
        state = State(lid)
        fields = {f: listing.get(f) for f in FIELDS}
        if fields["name"] is None and listing.get("product_name"):
            fields["name"] = listing.get("product_name")
        for f, v in fields.items():
            if v is not None and not isinstance(v, str):
                fields[f] = str(v)
        all_text = " ".join(v for v in fields.values() if v)[:MAX_SCAN_CHARS]
        head = state.head = all_text[:MAX_FIELD_CHARS]
        state.chemical_context = bool(_CHEMICAL_CONTEXT.search(head))
        ff = self.knowledge.false_friends
        state.supplement = bool(ff.supplement_cues) and _has_word(ff.supplement_cues, head.lower())
        kind = page_kind({**fields, "url": listing.get("url")}, self.knowledge.pages)
        state.page_kind, state.page_cues = kind.kind, kind.cues
        state.commerce = kind.scores.get("commerce", 0) > 0
        field_role = OFFERED if kind.can_offer else MENTION
        cas_field = (fields.get("cas") or "").strip()
        if cas_field:
            self._read_cas_field(state, cas_field, field_role)
        smiles_field = (fields.get("smiles") or "").strip()
        if smiles_field:
            state.structures.append(Structure(smiles_field, "smiles",
                                              f"smiles field {smiles_field!r}",
                                              ROUTE_CONFIDENCE["smiles_field"], "smiles",
                                              field_role, kind="smiles"))
        segs, state.title_topic = restrict(segments(fields, self.knowledge.words), kind.kind,
                                           self.knowledge.pages)
        for seg in segs:
            self.scanner.read(state, seg)
        return state

    def _read_cas_field(self, state: State, value: str, role: str = OFFERED) -> None:
        seg = Segment("cas", role, value)
        cas = normalize_cas(value)
        found = [cas] if cas else [m.cas for m in find_cas(value)]
        if not found:
            partial = find_partial_cas(f"CAS {value}")
            for m in partial:
                self.scanner.partial_cas(state, m.cas, f"cas field {value!r}", seg)
            if not partial:
                state.errors.append(f"cas field {value!r} is not a valid CAS number")
            return
        for c in found:
            self.scanner.cas(state, c, f"cas field {value!r}", seg)

    # ------------------------------------------------------------------ pass 2: resolve
    def finish(self, state: State) -> Result:
        result = Result(state.id, errors=state.errors, page_kind=state.page_kind,
                        page_cues=state.page_cues)
        for run in state.runs:
            self._resolve_run(state, run)
        self._settle_fallback(state)
        substance_keys: set[str] = set()
        structure_of: dict[str, str] = {}
        for st in state.structures:
            if st.inchikey is None and not st.smiles.startswith("InChI="):
                rec = self._known(st.smiles)
                if rec is not None:
                    st.inchikey, st.formula = rec.inchikey, rec.formula
                    if is_plain(st.smiles) and rec.smiles in self.dictionary.canonicals:
                        st.smiles = rec.smiles  # the same structure, its canonical SMILES indexed
            known = self.dictionary
            s = standardize_known(st.smiles, st.inchikey, st.formula, known) if st.inchikey \
                else standardize(st.smiles, known)
            if not s.ok:
                result.errors.append(f"{st.evidence}: {s.error}")
                continue
            if st.role == OFFERED and s.parent_inchikey not in substance_keys:
                substance_keys.add(s.parent_inchikey)
                result.substances.append(Substance(
                    s.parent_inchikey, s.parent_smiles, s.formula, st.name, st.cas, st.how,
                    st.confidence, st.evidence))
            if st.cas and st.role == OFFERED:
                structure_of[st.cas] = s.connectivity or ""
            for h in self._structure_hits(st.smiles, st.kind, st.inchikey, st.formula):
                state.evidence.append(Evidence(h.entry, h.kind, h.score * st.confidence,
                                               f"{st.evidence}; {h.evidence}", st.field, st.role))
        offered: dict[str, list[Evidence]] = {}
        mentioned: dict[str, list[Evidence]] = {}
        for ev in state.evidence:
            (offered if ev.role == OFFERED else mentioned).setdefault(ev.entry, []).append(ev)
        for entry_id, evs in offered.items():
            entry = self.entries[entry_id]
            hit = combine(entry, evs, state.formulas, OFFERED)
            conflict = self._cas_conflict(state, entry, evs, structure_of)
            if conflict == "decided":
                mentioned.setdefault(entry_id, []).extend(evs)
                continue
            hit.cas_conflict = conflict == "flag"
            result.hits.append(hit)
            if entry.inchikey not in substance_keys and hit.match != "partial_cas":
                substance_keys.add(entry.inchikey)
                result.substances.append(Substance(
                    entry.inchikey, entry.smiles, entry.formula, entry.name,
                    entry.cas[0] if entry.cas else None, "watchlist", hit.score, evs[0].text))
        if state.supplement:
            self._supplement_elements(result, mentioned)
        hit_ids = {h.entry for h in result.hits}
        for entry_id, evs in mentioned.items():
            if entry_id not in hit_ids:
                result.mentions.append(combine(self.entries[entry_id], evs, state.formulas,
                                               MENTION))
        result.hits.sort(key=lambda h: (-h.score, h.entry))
        result.mentions.sort(key=lambda h: (-h.score, h.entry))
        return result

    def _supplement_elements(self, result: Result, mentioned: dict[str, list[Evidence]]) -> None:
        """On a dietary-supplement page an element named by word ("Phosphorus 250 mg") is the
        nutrient: red phosphorus or iodine found only by name becomes a mention."""
        elements = self.knowledge.false_friends.element_entries
        keep = []
        for hit in result.hits:
            if hit.entry in elements and hit.match in ("name", "fuzzy_name", "family"):
                mentioned.setdefault(hit.entry, []).append(
                    Evidence(hit.entry, hit.match, hit.score, hit.evidence, hit.source_field,
                             MENTION))
            else:
                keep.append(hit)
        result.hits = keep

    def _settle_fallback(self, state: State) -> None:
        """Fallback sentences are the subject only when nothing offered resolved anything."""
        identified = state.title_topic or state.page_kind not in CAN_OFFER \
            or any(e.role == OFFERED for e in state.evidence) \
            or any(s.role == OFFERED for s in state.structures) \
            or any(role == OFFERED for _, _, role in state.cas)
        role = OFFERED if not identified else MENTION
        state.evidence = [e if e.role != FALLBACK else Evidence(e.entry, e.kind, e.score, e.text,
                                                                e.field, role)
                          for e in state.evidence]
        for s in state.structures:
            if s.role == FALLBACK:
                s.role = role

    def _cas_conflict(self, state: State, entry: Entry, evs: list[Evidence],
                      structure_of: dict[str, str]) -> str | None:
        """None, "flag" (a clear name beside another compound's CAS) or "decided" (an ambiguous
        name, decided against by the listing's CAS)."""
        if not all(e.kind in _NAME_KINDS for e in evs):
            return None  # a CAS, InChIKey or structure of the entry itself is on the page
        listed = {c for c, _, role in state.cas if role == OFFERED}
        others = {c for c in listed if c not in entry.all_cas and (
            (c in self.by_cas and self.by_cas[c][0].connectivity != entry.connectivity)
            or (structure_of.get(c) and structure_of[c] != entry.connectivity))}
        if not others or listed & set(entry.all_cas):
            return None
        weak = all(e.kind in _WEAK_KINDS for e in evs) or \
            any(self.names.ambiguous(name_key(_phrase(e.text)), entry) for e in evs
                if e.kind == "name")
        return "decided" if weak else "flag"

    def _resolve_run(self, state: State, run: Run) -> None:
        """Turn a run's spans into evidence; OPSIN and fuzzy matching fill the gaps."""
        spans = run.spans
        seg = Segment(run.field, run.role, run.phrase)
        if self.use_opsin and _wants_opsin(run) and name_key(run.phrase) not in self.names.blocked:
            parsed = opsin.names_to_smiles(self.knowledge.opsin_candidates(run.phrase))
            smiles = next((v for v in parsed.values() if v), None)
            if smiles:
                state.structures.append(Structure(
                    smiles, "opsin", f"{run.field}: {run.phrase!r} (OPSIN)",
                    ROUTE_CONFIDENCE["opsin"], run.field, run.role, name=run.phrase))
                whole = len(run.toks)
                spans = [s for s in spans if s.kind == "watchlist" and s.end - s.start == whole]
                run.covered = True
        if not run.covered and (state.chemical_context or state.cas or state.formulas
                                or state.commerce or _CHEM_MORPHEME.search(run.phrase)):
            # misspellings only where the text is about chemicals ("Heliotrope" on a perfume
            # blog is a flower, not a typo of heliotropin)
            fuzzy = self._fuzzy_spans(run)
            spans = [s for s in spans if s.kind != "dictionary"
                     or not any(f.start < s.end and s.start < f.end for f in fuzzy)] + fuzzy
        named = [s for s in spans if s.kind not in ("abbreviation", "short_form")]
        generic = tables().generic_words
        for s in spans:
            if s.kind == "short_form" and any(t.lower().strip(".,;:()") not in generic
                                              for t in run.toks[:s.start]):
                continue  # "Ephedrine HCl", "X HCl": a salt word after a name, not the acid
            if s.kind in ("abbreviation", "short_form") and any(
                    o.start <= s.start and s.end <= o.end and (o.end - o.start) > (s.end - s.start)
                    for o in named):
                continue  # an abbreviation inside a longer recognised name is part of it
            self._span_to_evidence(state, seg, s)

    def _span_to_evidence(self, state: State, seg: Segment, span: Span) -> None:
        add = self.scanner.add
        if span.kind == "watchlist":
            for entry in span.payload:  # type: ignore[union-attr]
                add(state, entry, "name", f"{seg.field}: {span.phrase!r}", seg)
                state.structures.append(Structure(
                    entry.smiles, "watchlist", f"{seg.field}: {span.phrase!r}",
                    ROUTE_CONFIDENCE["watchlist"], seg.field,
                    seg.role, name=entry.name, kind="watchlist", inchikey=entry.inchikey,
                    formula=entry.formula))
        elif span.kind == "family":
            for entry in span.payload:  # type: ignore[union-attr]
                add(state, entry, "family", f"{seg.field}: {span.phrase!r} (family word)",
                    Segment(seg.field, MENTION, seg.text))
        elif span.kind == "fuzzy":
            entries, target, dist = span.payload  # type: ignore[misc]
            for entry in entries:
                add(state, entry, "fuzzy_name",
                    f"{seg.field}: {span.phrase!r} ~ {target!r} ({dist} edit{'s' * (dist != 1)})",
                    seg)
        elif span.kind == "dictionary":
            rec = span.payload
            state.structures.append(Structure(
                rec.smiles, "dictionary",  # type: ignore[union-attr]
                f"{seg.field}: {span.phrase!r} = {rec.name} (CAS {rec.cas})",  # type: ignore[union-attr]
                ROUTE_CONFIDENCE["dictionary"], seg.field, seg.role, name=span.phrase,
                cas=rec.cas or None,  # type: ignore[union-attr]
                inchikey=rec.inchikey, formula=rec.formula))  # type: ignore[union-attr]
        elif span.kind == "short_form":
            # a formula names the product only where a product is named: an offer's title that
            # is a heading, not a sentence or a question ("What is HCl?")
            heading = seg.field in _SHORT_FORM_FIELDS and not _SENTENCE.search(seg.text)
            role = seg.role if heading else MENTION
            for entry in span.payload:  # type: ignore[union-attr]
                add(state, entry, "short_form", f"{seg.field}: formula {span.phrase!r}",
                    Segment(seg.field, role, seg.text))
        elif span.kind == "abbreviation":
            key = name_key(span.phrase)
            guards = self.names.clash_guards.get(key, [])
            clash_cas = self.names.clash_cas.get(key, set())
            if any(g and g in state.text_key for g in guards) or any(
                    c.replace("-", "") in state.text_key for c in clash_cas):
                return  # the text says it means the other compound (e.g. 4-aminopyridine)
            kind = "ambiguous_abbreviation" if key in self.names.clash_guards else "abbreviation"
            for entry in span.payload:  # type: ignore[union-attr]
                add(state, entry, kind, f"{seg.field}: abbreviation {span.phrase!r}", seg)

    def _fuzzy_spans(self, run: Run) -> list[Span]:
        """Misspelt names, each window one whole name span: bounded by the run's ends or by
        tokens that are no part of a chemical name, never over a token that is a name itself."""
        toks = run.toks
        n = len(toks)
        taken = [s for s in run.spans if s.kind in ("watchlist", "dictionary", "family")]
        words = self.knowledge.words
        out: list[Span] = []
        for length in range(min(n, MAX_WINDOW), 0, -1):
            for i in range(0, n - length + 1):
                j = i + length
                if any(s.start < j and i < s.end for s in taken + out):
                    continue
                if (i > 0 and is_fragment(toks[i - 1], words)) or \
                        (j < n and is_fragment(toks[j], words)):
                    continue  # the window is part of a longer chemical name
                phrase = " ".join(toks[i:j])
                best = self.names.fuzzy(phrase)
                if best:
                    target, dist = best
                    out.append(Span(i, j, "fuzzy", (self.names.by_name[target], target, dist),
                                    phrase))
        return out


def _known_record(dictionary: Dictionary, smiles: str):
    """The dictionary record with this structure (canonical SMILES), if any: its InChIKey is
    then reused instead of computing InChI for a SMILES a listing prints, and for a salt or
    other form that is not plain, the standardization the index holds for the record."""
    if len(smiles) > MAX_SMILES_LENGTH:
        return None
    rec = dictionary.lookup_record_smiles(smiles)
    if not is_plain(smiles):
        # a salt or other form: standardized in the index only as the record prints it
        # (RDKit's standardization of such forms can depend on how the SMILES is written)
        return rec if smiles in dictionary.parents else None
    if rec is None:
        mol = Chem.MolFromSmiles(smiles)
        rec = dictionary.lookup_smiles(Chem.MolToSmiles(mol)) if mol is not None else None
    return rec


_CHEMICAL_CONTEXT = re.compile(
    r"\b(?:cas|purity|assay|grade|reagent|chemicals?|molecular|formula|einecs|msds|sds|"
    r"synonyms?|mw|mf|iupac|cas no|boiling point|melting point)\b|\d\s*%|\bC\d+H\d+",
    re.IGNORECASE)


@lru_cache(maxsize=8)
def _word_re(words: tuple[str, ...]) -> re.Pattern:
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)")


_RUN = re.compile(r"\w+")


@lru_cache(maxsize=8)
def _leading_runs(words: tuple[str, ...]) -> frozenset[str] | None:
    """Each phrase's leading word (None when one starts with no word character)."""
    runs = [_RUN.match(w) for w in words]
    return frozenset(m.group(0) for m in runs if m) if all(runs) else None


def _has_word(words: tuple[str, ...], low: str) -> bool:
    """Whether one of `words` stands in `low` as whole words (`_word_re`); the regex is run
    only where a phrase's leading word is one of the text's words."""
    firsts = _leading_runs(words)
    if firsts is not None and firsts.isdisjoint(_RUN.findall(low)):
        return False
    return bool(_word_re(words).search(low))


def _phrase(evidence_text: str) -> str:
    """The quoted phrase of a name evidence text ("title: 'Ephedrine'" -> "Ephedrine")."""
    start = evidence_text.find("'")
    end = evidence_text.rfind("'")
    return evidence_text[start + 1:end] if 0 <= start < end else evidence_text


_CHEM_MORPHEME = re.compile(
    r"(?:yl|ane|ene|yne|one|ol|al|ine|ide|ate|ite|ic|oxy|amino|amide|amine|ium|oxo|"
    r"carb|phen|benz|pyr|pip|diox|oxir|oxol|fur|thi|chlor|brom|fluor|iod|nitr|acid|ester)",
    re.IGNORECASE,
)


def _wants_opsin(run: Run) -> bool:
    """Uncovered runs that look like systematic names (a chemical morpheme, enough letters)."""
    return (not run.covered and sum(c.isalpha() for c in run.phrase) >= 4
            and bool(_CHEM_MORPHEME.search(run.phrase)))


__all__ = ["SCORES", "Hit", "Matcher", "Result", "Substance"]
