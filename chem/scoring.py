"""The one place for scores: evidence kinds, their weights and how evidence combines into a hit."""

from __future__ import annotations

from dataclasses import dataclass

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
    "family": 0.3,
}
KIND_RANK = {k: i for i, k in enumerate(SCORES)}
# Confidence that a structure candidate is what the text names, by the route that produced it
# (`chem.scan.Structure.confidence`): a SMILES field as given, an InChI, a CAS number resolved
# in the dictionary, then names resolved by OPSIN, the watchlist or the dictionary, and a SMILES
# found in running text.
ROUTE_CONFIDENCE = {
    "smiles_field": 1.0,
    "inchi": 0.98,
    "cas": 0.95,
    "opsin": 0.9,
    "watchlist": 0.9,
    "dictionary": 0.9,
    "smiles_in_text": 0.9,
}
FORMULA_BOOST = 0.8  # the entry's formula printed beside it removes a fifth of the doubt


@dataclass(frozen=True)
class Evidence:
    entry: str
    kind: str
    score: float
    text: str
    field: str  # the listing field it came from (title, cas, description:product name, ...)
    role: str  # offered | fallback | mention


@dataclass
class Hit:
    entry: str
    name: str
    inchikey: str
    match: str
    score: float
    evidence: str
    source_field: str
    role: str
    cas_conflict: bool = False

    def as_dict(self) -> dict:
        return {
            "entry": self.entry,
            "name": self.name,
            "inchikey": self.inchikey,
            "match": self.match,
            "score": round(self.score, 3),
            "evidence": self.evidence,
            "source_field": self.source_field,
            "role": self.role,
            "cas_conflict": self.cas_conflict,
        }


def combine(entry, evidences: list[Evidence], formulas: set[str], role: str) -> Hit:
    """One hit from every piece of evidence for an entry (noisy-or of the scores)."""
    ordered = sorted(evidences, key=lambda e: (-e.score, KIND_RANK.get(e.kind, 99)))
    miss = 1.0
    for ev in ordered:
        miss *= 1.0 - min(ev.score, 0.999)
    score = 1.0 - miss
    if entry.formula and entry.formula in formulas:
        score = 1.0 - (1.0 - score) * FORMULA_BOOST
    texts = list(dict.fromkeys(e.text for e in ordered))
    kind = ordered[0].kind
    if kind in ("smiles", "inchi"):
        kind = "exact"
    fields = list(dict.fromkeys(e.field for e in ordered))
    return Hit(entry.id, entry.name, entry.inchikey, kind, min(score, 1.0),
               " | ".join(texts[:4]), fields[0], role)
