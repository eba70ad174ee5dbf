"""What an analyst typed, resolved with the project's chemistry: a name, synonym, abbreviation,
Chinese name, CAS number (any written form) or SMILES becomes watchlist entries and parent
InChIKeys. One Matcher per process, built on first use."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

# Hits that name the substance itself (class rules and designer analogues are relatives of it).
DIRECT = {"exact", "parent", "cas", "salt_cas", "inchikey", "name", "abbreviation",
          "ambiguous_abbreviation", "fuzzy_name"}

_lock = threading.Lock()
_matcher = None


def matcher():
    global _matcher
    with _lock:
        if _matcher is None:
            from chem.matcher import Matcher

            _matcher = Matcher(use_opsin=False)  # an analyst's query must answer at once
        return _matcher


@dataclass
class Resolved:
    query: str
    entries: list[str] = field(default_factory=list)
    inchikeys: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    how: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _looks_like_smiles(text: str) -> bool:
    if " " in text or len(text) > 500 or not any(c in text for c in "=#()[]@123456789"):
        return False
    from rdkit import Chem, RDLogger

    RDLogger.DisableLog("rdApp.*")
    return Chem.MolFromSmiles(text) is not None


def resolve(query: str) -> Resolved:
    """Entries and structures the query denotes; empty lists when nothing is recognised."""
    q = " ".join(query.split())
    out = Resolved(q)
    if not q:
        return out
    exact = matcher().watchlist.lookup(q)  # the lookup `watchlist show` uses
    if exact:
        for e, how in exact:
            out.entries.append(e.id)
            out.inchikeys.append(e.inchikey)
            out.names.append(e.name)
            out.how.append(how)
        return out
    field_name = "smiles" if _looks_like_smiles(q) else "name"
    result = matcher().match_listing({"id": "query", field_name: q})
    out.errors = list(result.errors)
    direct = [h for h in result.hits if h.match in DIRECT]
    for h in direct:
        if h.entry not in out.entries:
            out.entries.append(h.entry)
            out.inchikeys.append(h.inchikey)
            out.names.append(h.name)
            out.how.append(h.match)
    if not direct:
        for s in result.substances:
            if s.how != "watchlist" and s.inchikey not in out.inchikeys:
                out.inchikeys.append(s.inchikey)
                out.names.append(s.name or q)
                out.how.append(s.how)
    return out
