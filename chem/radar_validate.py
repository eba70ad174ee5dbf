"""Checks of the radar's data: controlled drugs, schedule codes, reaction templates, reagents.

Run by `chem.validate.validate` (and so by `precursor-watch watchlist validate`): every drug's
structure re-derived (InChIKey, formula) and sourced, every schedule code known, every route's
forward and backward reaction compiled and replayed on its own textbook example.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

from rdkit import Chem
from rdkit.Chem import AllChem, rdMolDescriptors

from chem.radar_data import Drug, Route
from chem.routes import sanitized

DRUG_FAMILIES = {"fentanyl", "nitazene", "cathinone", "amphetamine", "methamphetamine", "MDMA",
                 "PCP", "ketamine", "methaqualone", "GHB", "LSD", "other"}


def radar_problems(wl) -> list[tuple[str, str, str]]:
    """(where, field, message) for every problem in the radar data of watchlist `wl`."""
    out: list[tuple[str, str, str]] = []
    for ident, n in Counter(d.id for d in wl.drugs).items():
        if n > 1:
            out.append((ident, "id", f"used by {n} drugs"))
    listed = {e.inchikey: e.id for e in wl.entries}
    keys: dict[str, str] = {}
    for d in wl.drugs:
        out.extend((d.id, f, m) for f, m in _drug_problems(d, wl.drug_schedules))
        if d.inchikey in keys:
            out.append((d.id, "inchikey", f"same structure as {keys[d.inchikey]}"))
        keys.setdefault(d.inchikey, d.id)
        if d.inchikey in listed:
            out.append((d.id, "inchikey", f"also the watchlist entry {listed[d.inchikey]}"))
    for ident, n in Counter(r.id for r in wl.routes).items():
        if n > 1:
            out.append(("routes.csv", ident, f"used by {n} routes"))
    for r in wl.routes:
        out.extend(("routes.csv", r.id, m) for m in route_problems(r))
    for p in wl.route_partners:
        if Chem.MolFromSmiles(p.smiles) is None:
            out.append(("route_partners.csv", p.id, f"SMILES does not parse: {p.smiles!r}"))
    for code, s in wl.drug_schedules.items():
        if not s.meaning or not s.source:
            out.append(("drug_schedules.csv", code, "needs a meaning and a source"))
    return out


@lru_cache(maxsize=4096)
def structure_facts(smiles: str) -> tuple[str, str] | None:
    """(InChIKey, formula) of a SMILES, None when it does not parse. Cached: a validation
    derives every structure of the data again, and an edited copy of the data (a test, a
    reviewer's draft) shares nearly all of them."""
    mol = Chem.MolFromSmiles(smiles) if smiles else None
    if mol is None:
        return None
    return Chem.MolToInchiKey(mol), rdMolDescriptors.CalcMolFormula(mol)


def _drug_problems(d: Drug, schedules) -> list[tuple[str, str]]:
    out = []
    facts = structure_facts(d.smiles)
    if facts is None:
        out.append(("smiles", f"does not parse: {d.smiles!r}"))
    else:
        key, formula = facts
        if key != d.inchikey:
            out.append(("inchikey", f"{d.inchikey!r} but the structure gives {key!r}"))
        if d.formula and formula != d.formula:
            out.append(("formula", f"{d.formula!r} but the structure gives {formula!r}"))
    if not d.schedules:
        out.append(("schedules", "no schedule"))
    for code in d.schedules:
        if code not in schedules:
            out.append(("schedules", f"unknown schedule code {code!r}"))
    if d.family not in DRUG_FAMILIES:
        out.append(("family", f"unknown family {d.family!r}"))
    if not 1900 <= d.controlled_since <= 2100:
        out.append(("controlled_since", f"{d.controlled_since} is not a year"))
    if not d.sources:
        out.append(("sources", "no source for this drug"))
    for source in d.sources:
        if source.count("(") != source.count(")"):
            out.append(("sources", f"unbalanced parentheses: {source!r}"))
    if not d.name:
        out.append(("name", "empty"))
    return out


def _compile(smarts: str) -> AllChem.ChemicalReaction | None:
    try:
        rxn = AllChem.ReactionFromSmarts(smarts)
    except ValueError:  # RDKit's reaction parser exception
        return None
    if rxn is not None:
        rxn.Initialize()
    return rxn


def _canonical(smiles: str) -> str | None:
    mol = Chem.MolFromSmiles(smiles) if smiles else None
    return Chem.MolToSmiles(mol, isomericSmiles=False) if mol is not None else None


def _outcomes(rxn: AllChem.ChemicalReaction, reactants: tuple[Chem.Mol, ...]) -> set[str]:
    out = set()
    for products in rxn.RunReactants(reactants):
        for p in products:
            m = sanitized(p)
            if m is not None:
                out.add(Chem.MolToSmiles(m, isomericSmiles=False))
    return out


def route_problems(r: Route) -> list[str]:
    """Messages for one route: its reactions compile with the right shapes, the forward one
    turns `example_in` (with `example_partner`) into `example_out`, and the backward one gives
    `example_in` back from `example_out`."""
    return list(_route_problems(r))


@lru_cache(maxsize=1024)
def _route_problems(r: Route) -> tuple[str, ...]:
    return tuple(_replay(r))


def _replay(r: Route) -> list[str]:
    out = []
    fwd, back = _compile(r.rxn), _compile(r.retro)
    if fwd is None:
        out.append(f"forward reaction does not compile: {r.rxn!r}")
    elif fwd.GetNumReactantTemplates() not in (1, 2) or fwd.GetNumProductTemplates() != 1:
        out.append("forward reaction needs one or two reactants and one product")
    if back is None:
        out.append(f"backward reaction does not compile: {r.retro!r}")
    elif back.GetNumReactantTemplates() != 1 or back.GetNumProductTemplates() not in (1, 2):
        out.append("backward reaction needs one reactant and one or two products")
    if not r.source:
        out.append("no source")
    if not r.name:
        out.append("no name")
    ex_in, ex_partner, ex_out = (_canonical(r.example_in), _canonical(r.example_partner),
                                 _canonical(r.example_out))
    if ex_in is None or ex_out is None or (r.example_partner and ex_partner is None):
        out.append("the example's SMILES do not parse (example_in, example_partner, example_out)")
        return out
    if out:
        return out
    reactants = [Chem.MolFromSmiles(ex_in)]
    if fwd.GetNumReactantTemplates() == 2:
        if ex_partner is None:
            return out + ["a two-reactant step needs example_partner"]
        reactants.append(Chem.MolFromSmiles(ex_partner))
    if ex_out not in _outcomes(fwd, tuple(reactants)):
        out.append(f"forward reaction does not turn {r.example_in} into {r.example_out}")
    if ex_in not in _outcomes(back, (Chem.MolFromSmiles(ex_out),)):
        out.append(f"backward reaction does not give {r.example_in} from {r.example_out}")
    return out
