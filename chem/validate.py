"""Watchlist quality checks: every structure, CAS number, rule and cross-reference.

Public precursor lists carry wrong CAS check digits, mislabelled structures and duplicated
entries; `validate` finds those in ours. It never raises: each problem is reported.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from rdkit import Chem, RDLogger
from rdkit.Chem import AllChem, rdMolDescriptors

from chem.cas import check_digit_ok
from chem.watchlist import Watchlist

TIERS = {"precursor", "pre-precursor", "reagent"}
REGIMES = {
    "UN-I", "UN-II", "US-ListI", "US-ListII", "US-CII-IP", "US-proposed",
    "EU-1", "EU-2A", "EU-2B", "EU-3", "EU-4", "EU-listed",
    "CA-VI-A", "CA-VI-B", "CA-V-temp", "CN-1", "CN-2", "CN-3", "CN-listed", "VN-IVA",
}
FAMILIES = {
    "fentanyl", "methamphetamine", "amphetamine", "MDMA", "LSD", "heroin", "cocaine", "GHB",
    "PCP", "ketamine", "methaqualone", "cannabinoid", "nitazene", "other", "general",
}


@dataclass(frozen=True)
class Problem:
    where: str  # entry id, or the data file
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.field}: {self.message}"


def _entry_problems(e) -> list[Problem]:
    out: list[Problem] = []

    def bad(field: str, message: str) -> None:
        out.append(Problem(e.id, field, message))

    mol = Chem.MolFromSmiles(e.smiles) if e.smiles else None
    if mol is None:
        bad("smiles", f"does not parse: {e.smiles!r}")
    else:
        key = Chem.MolToInchiKey(mol)
        if key != e.inchikey:
            bad("inchikey", f"{e.inchikey!r} but the structure gives {key!r}")
        formula = rdMolDescriptors.CalcMolFormula(mol)
        if e.formula and formula != e.formula:
            bad("formula", f"{e.formula!r} but the structure gives {formula!r}")
    for cas in e.all_cas:
        if not check_digit_ok(cas):
            bad("cas", f"{cas!r} fails the CAS check digit")
    if e.tier not in TIERS:
        bad("tier", f"{e.tier!r} is not one of {sorted(TIERS)}")
    for regime in e.regimes:
        if regime not in REGIMES:
            bad("regimes", f"unknown regime code {regime!r}")
    for family in e.family:
        if family not in FAMILIES:
            bad("family", f"unknown family {family!r}")
    if not e.sources:
        bad("sources", "no source for this entry")
    if not e.name:
        bad("name", "empty")
    return out


def validate(wl: Watchlist) -> list[Problem]:
    """Every problem in the watchlist data; an empty list means it is sound."""
    RDLogger.DisableLog("rdApp.*")  # parse failures become Problems, not stderr noise
    try:
        return _validate(wl)
    finally:
        RDLogger.EnableLog("rdApp.*")


def _validate(wl: Watchlist) -> list[Problem]:
    problems: list[Problem] = []
    ids: dict[str, int] = defaultdict(int)
    cas_owner: dict[str, str] = {}
    keys: dict[str, str] = {}
    for e in wl.entries:
        ids[e.id] += 1
        problems.extend(_entry_problems(e))
        for cas in e.all_cas:
            if cas in cas_owner and cas_owner[cas] != e.id:
                problems.append(Problem(e.id, "cas", f"{cas} also belongs to {cas_owner[cas]}"))
            cas_owner.setdefault(cas, e.id)
        if e.inchikey in keys:
            problems.append(Problem(e.id, "inchikey", f"same structure as {keys[e.inchikey]}"))
        keys.setdefault(e.inchikey, e.id)
    problems.extend(Problem(i, "id", f"used by {n} entries") for i, n in ids.items() if n > 1)
    for rule in wl.classes:
        if Chem.MolFromSmarts(rule.smarts) is None:
            problems.append(Problem("classes.csv", rule.id, f"SMARTS does not compile: "
                                                            f"{rule.smarts!r}"))
        if rule.entry not in ids:
            problems.append(Problem("classes.csv", rule.id, f"unknown entry {rule.entry!r}"))
        for regime in rule.regimes:
            if regime not in REGIMES:
                problems.append(Problem("classes.csv", rule.id, f"unknown regime {regime!r}"))
    for t in wl.transforms:
        try:
            rxn = AllChem.ReactionFromSmarts(t.rxn)
        except Exception:
            rxn = None
        if rxn is None:
            problems.append(Problem("transforms.csv", t.id, f"reaction does not compile: "
                                                            f"{t.rxn!r}"))
        elif rxn.GetNumReactantTemplates() != 1:
            problems.append(Problem("transforms.csv", t.id, "needs exactly one reactant"))
    for c in wl.clashes:
        if c.cas and not check_digit_ok(c.cas):
            problems.append(Problem("abbreviation_clashes.csv", c.abbreviation,
                                    f"{c.cas!r} fails the CAS check digit"))
    return problems
