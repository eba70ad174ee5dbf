"""Structure -> watchlist hits: parent connectivity, class rules (SMARTS), designer transforms.

Only a molecule that is one of the usual sold forms (neutral compound, its salt or hydrate) is
compared through its parent. Organometallics, carbocations/carbanions/radicals and mixtures of
several organic compounds never standardize to a listed parent: they match only exactly.
The designer search is bounded by a work budget (reaction applications per structure).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from rdkit import Chem
from rdkit.Chem import AllChem, rdMolDescriptors

from chem.scoring import SCORES
from chem.screens import (
    class_screens,
    formula_counts,
    organic_counts,
    organic_counts_of,
    relaxed,
    required_atoms,
)
from chem.standardize import (
    Known,
    is_plain,
    not_a_sold_form,
    parent_from_known,
    parent_from_smiles,
    standardize,
    standardize_known,
)
from chem.watchlist import Entry, Watchlist

MAX_TRANSFORM_DEPTH = 2
MAX_FRONTIER = 16
TRANSFORM_BUDGET = 48  # products tried per structure: bounded cost on hostile input
MAX_PRODUCTS = 4  # products taken from one reaction application


@dataclass(frozen=True)
class StructureHit:
    entry: str
    kind: str
    score: float
    evidence: str


class StructureIndex:
    """Watchlist structures by connectivity, compiled class rules and designer transforms."""

    def __init__(self, watchlist: Watchlist, budget: int = TRANSFORM_BUDGET,
                 known: Known | None = None):
        self.entries = {e.id: e for e in watchlist.entries}
        self.budget = budget
        self.known = known  # structures standardized once in the dictionary's index
        self.by_block: dict[str, list[Entry]] = {}
        for e in watchlist.entries:
            self.by_block.setdefault(e.connectivity, []).append(e)
        self.classes = []
        for rule in watchlist.classes:
            patt = Chem.MolFromSmarts(rule.smarts)
            if patt is not None and rule.entry in self.entries:
                self.classes.append((rule, patt, self.entries[rule.entry]))
        # Every class rule holds a ring (so does every designer target, below): a structure
        # without one needs no molecule for them.
        self.rules_need_ring = all(_has_ring(patt) for _, patt, _ in self.classes)
        # C, N and O atoms each rule needs: a molecule with fewer is not matched against it
        self.class_needs = [organic_counts_of(relaxed(patt)[1]) for _, patt, _ in self.classes]
        self.transforms = []
        self.excluded = {t.id: set(t.excluded_families) for t in watchlist.transforms}
        for t in watchlist.transforms:
            try:
                rxn = AllChem.ReactionFromSmarts(t.rxn)
            except ValueError:
                continue  # `watchlist validate` reports it
            if rxn is not None and rxn.GetNumReactantTemplates() == 1:
                rxn.Initialize()
                template = rxn.GetReactantTemplate(0)
                self.transforms.append((t, rxn, template, required_atoms(template)))
        self.designer_smiles: dict[str, list[Entry]] = {}
        self.designer_formulas: set[str] = set()  # a product of another formula is no target
        for e in watchlist.entries:
            target = parent_from_smiles(e.smiles) if e.designer_target else None
            if target is not None:
                key = Chem.MolToSmiles(target, isomericSmiles=False)
                self.designer_smiles.setdefault(key, []).append(e)
                self.designer_formulas.add(rdMolDescriptors.CalcMolFormula(target))
        self.skeletons = designer_skeletons(
            [Chem.MolFromSmiles(smi) for smi in self.designer_smiles])
        # A structure that holds neither a designer skeleton nor one of these graphs can match
        # no class rule and give no designer product: it is never sanitized or searched.
        self.class_screens = class_screens([patt for _, patt, _ in self.classes], self.skeletons)
        self._fitting_memo: tuple = (None, None, {}, (0, 0, 0))  # see _fitting

    def hits(self, smiles: str, kind: str, inchikey: str | None = None,
             formula: str | None = None) -> tuple[StructureHit, ...]:
        """Watchlist hits of one structure; `kind` is how the structure was found, `inchikey`
        its standard InChIKey when already known (dictionary records)."""
        known = self.known
        s = standardize_known(smiles, inchikey, formula, known) if inchikey \
            else standardize(smiles, known)
        if not s.ok:
            return ()
        odd = None
        if not is_plain(smiles) and not smiles.startswith("InChI="):
            indexed, odd = known.sold_form(smiles) if known is not None else (False, None)
            if not indexed:
                raw = Chem.MolFromSmiles(smiles)
                odd = not_a_sold_form(raw) if raw is not None else None
        out: list[StructureHit] = []
        matched: set[str] = set()
        for entry in self.by_block.get(s.connectivity or "", []):
            exact = not s.flags and entry.inchikey == s.parent_inchikey
            if odd and not exact:
                continue
            matched.add(entry.id)
            if kind == "watchlist":
                continue  # already a direct name hit
            if kind in ("smiles", "inchi"):
                how = "exact" if exact else "parent"
            else:
                how = kind if kind in SCORES else "name"
            flags = f" ({', '.join(s.flags)})" if s.flags else ""
            out.append(StructureHit(entry.id, how, SCORES[how],
                                    f"structure {s.parent_inchikey} = {entry.name}{flags}"))
        if odd or (self.rules_need_ring and not _ring_closure(s.parent_smiles or "")):
            # the parent (whose SMILES this is) has no ring: no class rule and no designer
            # target can match, and its molecule is never parsed or unpickled
            return tuple(out)
        parent = s.parent_smiles or ""
        counts = organic_counts(parent) if is_plain(parent) else None  # None: not known
        mol, held = self._screened_parent(smiles, inchikey, formula, counts)
        if mol is None:
            return tuple(out)
        for (rule, patt, entry), need in zip(self.classes, self.class_needs, strict=True):
            if entry.id not in matched and (counts is None or all(
                    have >= n for have, n in zip(counts, need, strict=True))) \
                    and mol.HasSubstructMatch(patt):
                out.append(StructureHit(entry.id, "class", SCORES["class"],
                                        f"class rule: {rule.name}"))
                matched.add(entry.id)
        if not mol.GetRingInfo().NumRings():
            return tuple(out)  # every designer target has a ring and no transform makes one
        for product, chain in self.designer_products(mol, self.designer_formulas, held):
            for entry in self.designer_smiles.get(product, []):
                if entry.id in matched or any(set(entry.family) & self.excluded.get(t, set())
                                              for t in chain):
                    continue  # e.g. 4-chlorophenylacetone is no masked P2P (see SOURCES.md)
                score = SCORES["designer"] * (0.9 ** (len(chain) - 1))
                out.append(StructureHit(
                    entry.id, "designer", score,
                    f"designer analogue: {' then '.join(chain)} gives {entry.name}"))
                matched.add(entry.id)
        return tuple(out)

    def _screened_parent(self, smiles: str, inchikey: str | None, formula: str | None,
                         counts: tuple[int, int, int] | None) -> tuple[Chem.Mol | None, bool]:
        """The parent molecule if it holds a designer skeleton or a class screen (else None: no
        class rule and no designer target can match it), and whether it holds a skeleton. A
        query needing more C, N or O atoms than `counts` (what a plain parent SMILES writes;
        None: not known) is not tried, and a parent that no query fits is never parsed."""
        skeletons, others = self._fitting(counts)
        if not skeletons and not others:
            return None, False
        held: list[bool] = []

        def screen(m: Chem.Mol) -> bool:
            held.append(any(m.HasSubstructMatch(k) for k in skeletons))
            return held[-1] or any(m.HasSubstructMatch(g) for g in others)

        if inchikey:
            mol = parent_from_known(smiles, inchikey, formula, self.known, screen)
        else:
            mol = parent_from_smiles(smiles, self.known)
            mol = mol if mol is not None and screen(mol) else None
        return mol, bool(held) and held[-1]

    def _fitting(self, counts: tuple[int, int, int] | None,
                 ) -> tuple[list[Chem.Mol], list[Chem.Mol]]:
        """The skeletons and the class screens a molecule with `counts` (C, N, O; None: not
        known) atoms may hold. Counts past what any query needs are one key of a small memo
        (kept while `skeletons` and `class_screens` are the same lists)."""
        if counts is None:
            return self.skeletons, self.class_screens
        memo = self._fitting_memo
        if memo[0] is not self.skeletons or memo[1] is not self.class_screens:
            queries = [*self.skeletons, *self.class_screens]
            needs = [organic_counts_of(q) for q in queries]
            cap = tuple(max((n[i] for n in needs), default=0) for i in range(3))
            memo = self._fitting_memo = (self.skeletons, self.class_screens, {}, cap)
        answers, cap = memo[2], memo[3]
        key = (min(counts[0], cap[0]), min(counts[1], cap[1]), min(counts[2], cap[2]))
        found = answers.get(key)
        if found is None:
            def fits(q: Chem.Mol) -> bool:
                return all(have >= need for have, need in zip(key, organic_counts_of(q),
                                                               strict=True))
            found = answers[key] = ([k for k in self.skeletons if fits(k)],
                                    [g for g in self.class_screens if fits(g)])
        return found

    def designer_products(self, mol: Chem.Mol, formulas: set[str] | None = None,
                          held: bool | None = None) -> list[tuple[str, list[str]]]:
        """Stereo-free SMILES of products reachable by up to MAX_TRANSFORM_DEPTH transforms,
        within `budget` products tried (a molecule with ten Boc groups stays cheap). With
        `formulas`, only products of one of these formulas are returned (a product of another
        formula cannot be a target), so the others' SMILES are never written. `held`: whether
        `mol` holds a target's skeleton, when the caller has tested it already."""
        results: list[tuple[str, list[str]]] = []
        if held is None and formulas is not None:
            held = any(mol.HasSubstructMatch(k) for k in self.skeletons)
        if formulas is not None and not held:
            return results  # no target's skeleton is here (each product is tested below)
        seen = _Seen()
        root = seen.add(mol)
        frontier: list[tuple[Chem.Mol, list[str], str]] = [(mol, [], root.formula if root else "")]
        work = 0
        for depth in range(MAX_TRANSFORM_DEPTH):
            # the last products are answers only: one of another formula than the targets' is
            # neither returned nor expanded, so it is never told apart from the others
            screen = formulas if formulas is not None and depth == MAX_TRANSFORM_DEPTH - 1 \
                else None
            nxt = []
            for m, chain, formula in frontier:
                if formulas is not None and depth and \
                        not any(m.HasSubstructMatch(k) for k in self.skeletons):
                    continue  # no target's skeleton is here: no chain of transforms can make one
                counts = formula_counts(formula)
                for t, rxn, template, needs in self.transforms:
                    if any(counts.get(e, 0) < n for e, n in needs) or \
                            not m.HasSubstructMatch(template):
                        continue  # atom-count and C++ match tests are far cheaper than reactions
                    if work >= self.budget:
                        return results
                    for p in _products(rxn, m, t.kind == "transesterification"):
                        work += 1
                        if screen is not None and \
                                rdMolDescriptors.CalcMolFormula(p) not in screen:
                            continue
                        item = seen.add(p)
                        if item is None:
                            continue
                        if formulas is None or item.formula in formulas:
                            results.append((item.smiles(), chain + [t.id]))
                        if t.kind != "transesterification":  # a new ester unmasks nothing more
                            nxt.append((p, chain + [t.id], item.formula))
            frontier = nxt[:MAX_FRONTIER]
        return results


_BRACKET_ATOM = re.compile(r"\[[^\]]*\]")
_RING_BOND = re.compile(r"[0-9%]")


def _ring_closure(smiles: str) -> bool:
    """Whether a SMILES closes a ring: a digit or % outside bracket atoms (inside them digits
    are hydrogen counts, charges or isotopes). A molecule has a ring exactly when its SMILES
    closes one."""
    bare = _BRACKET_ATOM.sub("", smiles) if "[" in smiles else smiles
    if bare.isascii():
        return bool(_RING_BOND.search(bare))
    return "%" in bare or any(c.isdigit() for c in bare)


def _has_ring(query: Chem.Mol) -> bool:
    """Whether a query's graph has a cycle (more bonds than a forest of its atoms): only a
    molecule with a ring can match it."""
    return query.GetNumBonds() > query.GetNumAtoms() - len(Chem.GetMolFrags(query))
# Atoms a transform can add (see chem/data/transforms.csv): an oxygen on one bond (the C=O of a
# hydrolysed ketal, oxime or glycidate, the OH of a hydrolysed ester) and an ester's alkoxy part
# (transesterification writes a new O-methyl or O-ethyl).
_NEW_O = Chem.MolFromSmarts("[OX1]")
_ESTER_O = Chem.MolFromSmarts("[CX3](=O)[OX2][#6]")


def designer_skeletons(targets: list[Chem.Mol]) -> list[Chem.Mol]:
    """What a molecule must contain for a chain of transforms to give one of `targets`: each
    target without the atoms a transform can add, as element-only atoms joined by any bond.

    Transforms delete atoms and change bond orders, but never change an atom's element, join two
    atoms that were apart, or add atoms other than those above; so a molecule that holds none of
    these skeletons cannot reach a target, and the reactions need not run. Skeletons that hold a
    smaller one are dropped (the smaller one's test already lets their molecules through)."""
    found: list[Chem.Mol] = []
    for target in targets:
        if target is None:
            continue
        drop = {i for (i,) in target.GetSubstructMatches(_NEW_O)}
        for _, _, o, _ in target.GetSubstructMatches(_ESTER_O):
            drop |= _beyond(target, o, set(drop))
        found.append(_skeleton(target, drop))
    found.sort(key=lambda q: q.GetNumAtoms())
    kept: list[Chem.Mol] = []
    for query in found:
        if not any(_generic(query).HasSubstructMatch(k) for k in kept):
            kept.append(query)
    return kept


def _beyond(mol: Chem.Mol, start: int, dropped: set[int]) -> set[int]:
    """An ester's alkoxy oxygen and every atom reached from it away from the carbonyl (in a
    lactone, whose alkoxy side is the ring itself, the oxygen alone)."""
    if mol.GetAtomWithIdx(start).IsInRing():
        return {start}
    out, todo = {start}, [start]
    while todo:
        atom = mol.GetAtomWithIdx(todo.pop())
        for nb in atom.GetNeighbors():
            i = nb.GetIdx()
            if i not in out and i not in dropped and not (
                    atom.GetIdx() == start and nb.GetSymbol() == "C" and nb.GetDegree() == 3
                    and any(b.GetBondTypeAsDouble() == 2 for b in nb.GetBonds())):
                out.add(i)
                todo.append(i)
    return out


def _skeleton(mol: Chem.Mol, drop: set[int]) -> Chem.Mol:
    """A query of `mol` without the atoms `drop`: element-only atoms, any bond."""
    rw = Chem.RWMol(mol)
    for i in sorted(drop, reverse=True):
        rw.RemoveAtom(i)
    return Chem.MolFromSmarts(Chem.MolToSmarts(_generic(rw.GetMol())).replace("-", "~"))


def _generic(mol: Chem.Mol) -> Chem.Mol:
    """`mol` with every bond single and no aromaticity, charge or hydrogen count: its graph."""
    rw = Chem.RWMol(mol)
    for atom in rw.GetAtoms():
        atom.SetIsAromatic(False)
        atom.SetFormalCharge(0)
        atom.SetNoImplicit(True)
        atom.SetNumExplicitHs(0)
        atom.SetIsotope(0)
        atom.SetChiralTag(Chem.ChiralType.CHI_UNSPECIFIED)
    for bond in rw.GetBonds():
        bond.SetBondType(Chem.BondType.SINGLE)
        bond.SetIsAromatic(False)
    m = rw.GetMol()
    m.UpdatePropertyCache(strict=False)
    return m


class _Product:
    def __init__(self, mol: Chem.Mol, formula: str):
        self.mol, self.formula, self._smiles = mol, formula, ""

    def smiles(self) -> str:
        if not self._smiles:
            self._smiles = Chem.MolToSmiles(self.mol, isomericSmiles=False)
        return self._smiles


class _Seen:
    """Molecules met in one search, told apart by formula first: the costly stereo-free SMILES
    is written only when two share a formula (or a caller asks for it)."""

    def __init__(self) -> None:
        self.by_formula: dict[str, list[_Product]] = {}

    def add(self, mol: Chem.Mol) -> _Product | None:
        """The new product, or None when the same molecule was met before."""
        formula = rdMolDescriptors.CalcMolFormula(mol)
        item = _Product(mol, formula)
        group = self.by_formula.setdefault(formula, [])
        if group and any(other.smiles() == item.smiles() for other in group):
            return None
        group.append(item)
        return item


def _products(rxn: AllChem.ChemicalReaction, mol: Chem.Mol, exhaust: bool) -> Iterator[Chem.Mol]:
    """Sanitizable products of one reaction on `mol` (RDKit signals a bad product by raising)."""
    for prods in rxn.RunReactants((mol,), maxProducts=MAX_PRODUCTS):
        p = prods[0]
        try:
            Chem.SanitizeMol(p)
            if exhaust:
                p = _exhaust(rxn, p)
        except (ValueError, RuntimeError):  # Chem.AtomValenceException and kin: not a molecule
            continue
        yield p


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
