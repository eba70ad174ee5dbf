"""Routine synthesis steps applied with RDKit: forward from a substance, backward from a target.

A route is a row of routes.csv: a forward reaction SMARTS (one or two reactant templates; with
two, the substance may take either place and the other is a common reagent or a listed substance)
and a backward one (one template, one or two products). `RetroIndex` applies the backward
templates to every target (controlled drugs and listed precursors) up to two steps deep, once;
afterwards a substance's shortest route is a dictionary look-up of its key. `forward` applies the
forward templates to one substance, for explanation and for checking the index.

Keys are stereo-free canonical SMILES in which an alkyl chloride, iodide or sulfonate is written
as the bromide: equivalent leaving groups (phenethyl chloride, bromide, iodide and tosylate do the
same job in an N-alkylation), so one backward template serves them all.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from rdkit import Chem, RDLogger
from rdkit.Chem import AllChem

from chem.radar_data import Partner, Route

MAX_STEPS = 2
MAX_PRODUCTS = 12  # reaction applications kept per template and molecule
MAX_PATHS = 4  # routes kept per predecessor (shortest first)
SMALL_REAGENT_ATOMS = 8  # another reactant this small counts as a common reagent
MIN_PREDECESSOR_ATOMS = 6  # a predecessor smaller than this is a reagent, not a precursor
MIN_CONTRIBUTION = 0.25  # share of the target's heavy atoms a predecessor must bring

_LEAVING = (
    AllChem.ReactionFromSmarts("[CX4:1]-[Cl,I]>>[C:1]Br"),
    AllChem.ReactionFromSmarts("[CX4:1]-[OX2]-S(=O)(=O)-[#6]>>[C:1]Br"),
)
_LEAVING_QUERY = Chem.MolFromSmarts("[CX4]-[Cl,I,$([OX2]S(=O)(=O)[#6])]")


@contextmanager
def quiet_rdkit() -> Iterator[None]:
    """RDKit's messages off while candidate products are tried (an impossible product is an
    expected outcome, reported by returning None, not by a log line)."""
    RDLogger.DisableLog("rdApp.*")
    try:
        yield
    finally:
        RDLogger.EnableLog("rdApp.*")


def sanitized(mol: Chem.Mol) -> Chem.Mol | None:
    """The product as a sanitized molecule, or None when RDKit finds it impossible."""
    try:
        Chem.SanitizeMol(mol)
    except (ValueError, RuntimeError):  # valence and kekulization errors: not a molecule
        return None
    return mol


def normalize_leaving_groups(mol: Chem.Mol) -> Chem.Mol:
    """Alkyl chlorides, iodides and sulfonates written as the bromide (bounded)."""
    if not mol.HasSubstructMatch(_LEAVING_QUERY):
        return mol
    for _ in range(4):
        changed = False
        for rxn in _LEAVING:
            products = rxn.RunReactants((mol,), maxProducts=1)
            if products:
                nxt = sanitized(products[0][0])
                if nxt is not None:
                    mol, changed = nxt, True
        if not changed:
            break
    return mol


def keyed(mol: Chem.Mol) -> tuple[Chem.Mol, str]:
    """(the molecule with its leaving groups normalized, its route key): the molecule itself
    when nothing was normalized, so a caller can tell whether the key is its own SMILES."""
    norm = normalize_leaving_groups(mol)
    return norm, Chem.MolToSmiles(norm, isomericSmiles=False)


def route_key(mol: Chem.Mol) -> str:
    return keyed(mol)[1]


@dataclass(frozen=True)
class Target:
    """A controlled drug or a listed precursor a route may lead to."""

    id: str
    name: str
    kind: str  # drug | precursor | pre-precursor
    smiles: str
    key: str
    atoms: int


@dataclass(frozen=True)
class Path:
    """A route from a predecessor to a target: steps in forward order."""

    steps: tuple[str, ...]  # route names
    target: Target
    intermediate: str  # key of the substance after the first of two steps, else ""
    contribution: float  # share of the target's heavy atoms the predecessor brings (<= 1)

    @property
    def length(self) -> int:
        return len(self.steps)

    def describe(self) -> str:
        return f"{' then '.join(self.steps)}: {self.target.name}"


@dataclass(frozen=True)
class CompiledRoute:
    route: Route
    forward: AllChem.ChemicalReaction
    backward: AllChem.ChemicalReaction
    templates: tuple[Chem.Mol, ...]


def compile_routes(routes: Iterable[Route]) -> list[CompiledRoute]:
    """Routes whose reactions compile (`watchlist validate` reports the others)."""
    out = []
    for r in routes:
        try:
            fwd = AllChem.ReactionFromSmarts(r.rxn)
            back = AllChem.ReactionFromSmarts(r.retro)
        except ValueError:
            continue
        if fwd is None or back is None or back.GetNumReactantTemplates() != 1 \
                or fwd.GetNumReactantTemplates() not in (1, 2):
            continue
        fwd.Initialize()
        back.Initialize()
        templates = tuple(fwd.GetReactantTemplate(i)
                          for i in range(fwd.GetNumReactantTemplates()))
        out.append(CompiledRoute(r, fwd, back, templates))
    return out


def _run(rxn: AllChem.ChemicalReaction, reactants: tuple[Chem.Mol, ...],
         ) -> Iterator[tuple[Chem.Mol, ...]]:
    for products in rxn.RunReactants(reactants, maxProducts=MAX_PRODUCTS):
        mols = tuple(sanitized(p) for p in products)
        if all(m is not None for m in mols):
            yield mols  # type: ignore[misc]


def forward(mol: Chem.Mol, routes: list[CompiledRoute], partners: list[Chem.Mol],
            ) -> Iterator[tuple[str, Chem.Mol]]:
    """(route name, product) for every one-step product of `mol`; a two-reactant step takes
    its other reactant from `partners` (common reagents and listed substances)."""
    for cr in routes:
        if len(cr.templates) == 1:
            if mol.HasSubstructMatch(cr.templates[0]):
                for (p, *_rest) in _run(cr.forward, (mol,)):
                    yield cr.route.name, p
            continue
        for slot in (0, 1):
            if not mol.HasSubstructMatch(cr.templates[slot]):
                continue
            other = cr.templates[1 - slot]
            for partner in partners:
                if partner.HasSubstructMatch(other):
                    pair = (mol, partner) if slot == 0 else (partner, mol)
                    for (p, *_rest) in _run(cr.forward, pair):
                        yield cr.route.name, p


def forward_routes(mol: Chem.Mol, routes: list[CompiledRoute], partners: list[Chem.Mol],
                   targets: dict[str, Target], steps: int = MAX_STEPS,
                   ) -> list[tuple[tuple[str, ...], Target]]:
    """Every route of at most `steps` steps from `mol` to one of `targets` (by key)."""
    found: list[tuple[tuple[str, ...], Target]] = []
    frontier: list[tuple[Chem.Mol, tuple[str, ...]]] = [(mol, ())]
    seen = {route_key(mol)}
    for _ in range(steps):
        nxt = []
        for m, chain in frontier:
            for name, product in forward(m, routes, partners):
                key = route_key(product)
                if key in seen:
                    continue
                seen.add(key)
                if key in targets:
                    found.append((chain + (name,), targets[key]))
                nxt.append((product, chain + (name,)))
        frontier = nxt
    return found


class RetroIndex:
    """Predecessors of the targets, up to `steps` backward steps: key -> shortest paths.

    A backward step that splits a target into two pieces makes a piece a predecessor only when
    the other piece is at hand: a listed substance, one of the route partners or a small reagent.
    A predecessor must be a real share of the target (MIN_CONTRIBUTION of its heavy atoms, at
    least MIN_PREDECESSOR_ATOMS atoms): methylamine is a reagent of methamphetamine, not its
    precursor.
    """

    def __init__(self, targets: list[Target], routes: list[CompiledRoute],
                 partners: list[Partner], steps: int = MAX_STEPS):
        self.targets = {t.key: t for t in targets}
        at_hand = set(self.targets)
        for p in partners:
            m = Chem.MolFromSmiles(p.smiles)
            if m is not None:
                at_hand.add(route_key(m))
        self.paths: dict[str, list[Path]] = {}
        frontier: list[tuple[Chem.Mol, tuple[str, ...], Target, str]] = []
        for t in targets:
            m = Chem.MolFromSmiles(t.smiles)
            if m is not None:
                frontier.append((m, (), t, ""))
        for _ in range(steps):
            nxt = []
            for mol, steps_after, target, _first in frontier:
                for cr in routes:
                    for pieces in _run(cr.backward, (mol,)):
                        for i, piece in enumerate(pieces):
                            others = pieces[:i] + pieces[i + 1:]
                            if not all(_at_hand(o, at_hand) for o in others):
                                continue
                            atoms = piece.GetNumHeavyAtoms()
                            share = min(1.0, atoms / max(1, target.atoms))
                            if atoms < MIN_PREDECESSOR_ATOMS or share < MIN_CONTRIBUTION:
                                continue
                            key = route_key(piece)
                            if key in self.targets and key != target.key:
                                continue  # a listed substance: its own routes start there
                            chain = (cr.route.name,) + steps_after
                            inter = route_key(mol) if steps_after else ""
                            if self._add(key, Path(chain, target, inter, share)):
                                nxt.append((piece, chain, target, inter))
            frontier = nxt

    def _add(self, key: str, path: Path) -> bool:
        paths = self.paths.setdefault(key, [])
        if any(p.target.key == path.target.key and p.length <= path.length for p in paths):
            return False
        paths.append(path)
        paths.sort(key=lambda p: (p.length, p.target.kind != "drug", -p.contribution))
        del paths[MAX_PATHS:]
        return True

    def lookup(self, key: str) -> list[Path]:
        return self.paths.get(key, [])

    def __len__(self) -> int:
        return len(self.paths)


def _at_hand(mol: Chem.Mol, at_hand: set[str]) -> bool:
    return mol.GetNumHeavyAtoms() <= SMALL_REAGENT_ATOMS or route_key(mol) in at_hand
