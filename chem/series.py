"""Controlled series: ring substitutions and chain homologues of a scheduled scaffold.

Regulators control families: the fentanyl analogues differ by a ring fluorine or methoxy, the
cathinones by ring methyl/chloro groups and the length of the alkyl chain, the glycidates by the
ester's alkyl group. `series_key` writes a molecule's generic scaffold: the small groups on
aromatic rings removed (halogens, methyl, ethyl, trifluoromethyl, hydroxy, alkoxy) with methyl
groups on saturated rings of five to seven atoms; acids, primary amides, nitriles and alkyl
esters and ethers written as the methyl ester or ether; every unbranched chain longer than two
carbons cut to two. Two molecules with one key are members of one series: 4'-ethylpropiophenone
and butyrophenone are in the series of 4'-methylpropiophenone; acetophenone is not (its chain
is one carbon).
"""

from __future__ import annotations

from rdkit import Chem
from rdkit.Chem import AllChem

MIN_KEY_ATOMS = 7  # a scaffold smaller than this (benzene, toluene) is no series

# Groups on an aromatic ring that make a ring-substituted analogue (deleted from the scaffold).
# Only groups on ring carbons: removing one from an aromatic nitrogen would change its
# hydrogen count (a different compound class). Methyl groups on saturated ring carbons go too
# (3-methylfentanyl, 3-methyl-4-piperidone).
_RING_GROUPS = tuple(Chem.MolFromSmarts(s) for s in (
    "[F,Cl,Br,I;$(*-c)]",
    "[CX4;H3;$(C-c)]",
    "[CH3][CH2;$(C-c)]",
    "[CX4;$(C(F)(F)(F)-c)](F)(F)F",
    "[OX2;H1;$(O-c)]",
    "[CX4;H3;$(C-[C;r5,r6,r7;!a])]",
))
# Carboxylic acid derivatives written as the methyl ester: an acid, its primary amide and its
# nitrile hydrolyse to one another (APAA, APAAN and MAPA; a glycidic acid and its esters).
_ACID_FORMS = tuple(AllChem.ReactionFromSmarts(s) for s in (
    "[CX3:1](=[O:2])-[OX2H1]>>[C:1](=[O:2])OC",
    "[CX3:1](=[O:2])-[NX3H2]>>[C:1](=[O:2])OC",
    "[CX4:3]-[CX2:1]#[NX1]>>[C:3]-[C:1](=O)OC",
))
# An alkoxy on a ring: the oxygen and the first carbon are deleted, the rest falls off as a
# smaller fragment (only the largest fragment is kept).
_RING_ALKOXY = Chem.MolFromSmarts("[OX2;$(O(-c)-[CX4;!R])]-[CX4;!R]")
# An acyclic alkyl on an ester or ether oxygen (not a hydroxy): written as methyl.
_O_ALKYL = Chem.MolFromSmarts("[OX2;H0;$(O(-[#6])-[#6])]-[CX4;!R]")
MAX_ALKYL = 6  # carbons of an ester/ether alkyl group written as methyl


def series_key(mol: Chem.Mol) -> str | None:
    """The generic scaffold as stereo-free canonical SMILES; None when it is too small to name
    a series or cannot be written."""
    try:
        rw = Chem.RWMol(_methyl_ester_forms(mol))
        _refresh(rw)
        for patt in _RING_GROUPS:
            _delete(rw, [a for match in rw.GetSubstructMatches(patt) for a in match])
        _delete(rw, [a for match in rw.GetSubstructMatches(_RING_ALKOXY) for a in match])
        _methyl_esters(rw)
        _largest_fragment(rw)
        _cut_chains(rw)
        core = rw.GetMol()
        Chem.SanitizeMol(core)
    except (ValueError, RuntimeError):  # a scaffold RDKit cannot write: no series
        return None
    if core.GetNumHeavyAtoms() < MIN_KEY_ATOMS:
        return None
    return Chem.MolToSmiles(core, isomericSmiles=False)


def _methyl_ester_forms(mol: Chem.Mol) -> Chem.Mol:
    """Every acid, primary amide and nitrile group written as a methyl ester (bounded)."""
    for rxn in _ACID_FORMS:
        for _ in range(4):
            if not mol.HasSubstructMatch(rxn.GetReactantTemplate(0)):
                break
            products = rxn.RunReactants((mol,), maxProducts=1)
            if not products:
                break
            nxt = products[0][0]
            try:
                Chem.SanitizeMol(nxt)
            except (ValueError, RuntimeError):  # not writable that way: keep the form
                break
            mol = nxt
    return mol


def _delete(rw: Chem.RWMol, atoms: list[int]) -> None:
    for idx in sorted(set(atoms), reverse=True):
        rw.RemoveAtom(idx)
    _refresh(rw)


def _refresh(rw: Chem.RWMol) -> None:
    """Ring information again after an edit (substructure queries with ring terms need it)."""
    rw.UpdatePropertyCache(strict=False)
    Chem.FastFindRings(rw)


def _alkyl_branch(rw: Chem.RWMol, start: int, came_from: int) -> list[int] | None:
    """The atoms of an acyclic saturated all-carbon branch from `start` (away from
    `came_from`), or None when the branch has anything else or is too long."""
    seen, todo = {start}, [start]
    while todo:
        atom = rw.GetAtomWithIdx(todo.pop())
        if atom.GetAtomicNum() != 6 or atom.IsInRing() or atom.GetIsAromatic() \
                or atom.GetHybridization() != Chem.HybridizationType.SP3:
            return None
        for nb in atom.GetNeighbors():
            idx = nb.GetIdx()
            if idx != came_from and idx not in seen:
                seen.add(idx)
                todo.append(idx)
        if len(seen) > MAX_ALKYL:
            return None
    return sorted(seen)


def _methyl_esters(rw: Chem.RWMol) -> None:
    """Each acyclic alkyl on an O written as CH3: cut the alkyl beyond its first carbon."""
    for o_idx, c_idx in rw.GetSubstructMatches(_O_ALKYL):
        if _alkyl_branch(rw, c_idx, o_idx) is None:
            continue
        carbon = rw.GetAtomWithIdx(c_idx)
        beyond = [nb.GetIdx() for nb in carbon.GetNeighbors() if nb.GetIdx() != o_idx]
        for nb_idx in beyond:
            rw.RemoveBond(c_idx, nb_idx)
    _refresh(rw)


def _largest_fragment(rw: Chem.RWMol) -> None:
    frags = Chem.GetMolFrags(rw, asMols=False, sanitizeFrags=False)
    if len(frags) <= 1:
        return
    keep = set(max(frags, key=len))
    for idx in sorted((i for i in range(rw.GetNumAtoms()) if i not in keep), reverse=True):
        rw.RemoveAtom(idx)
    _refresh(rw)


def _cut_chains(rw: Chem.RWMol) -> None:
    """Unbranched alkyl chains longer than two carbons cut to two (bounded)."""
    for _ in range(12):
        victim = None
        for atom in rw.GetAtoms():
            if not _chain_end(atom):
                continue
            nb = atom.GetNeighbors()[0]
            if not _chain_link(nb):
                continue
            further = [x for x in nb.GetNeighbors() if x.GetIdx() != atom.GetIdx()]
            if further and _chain_link(further[0]):
                victim = atom.GetIdx()
                break
        if victim is None:
            return
        rw.RemoveAtom(victim)
        _refresh(rw)


def _chain_end(atom: Chem.Atom) -> bool:
    return atom.GetAtomicNum() == 6 and atom.GetDegree() == 1 and not atom.IsInRing() \
        and not atom.GetIsAromatic() and atom.GetFormalCharge() == 0 \
        and atom.GetHybridization() == Chem.HybridizationType.SP3


def _chain_link(atom: Chem.Atom) -> bool:
    return atom.GetAtomicNum() == 6 and atom.GetDegree() == 2 and not atom.IsInRing() \
        and atom.GetHybridization() == Chem.HybridizationType.SP3
