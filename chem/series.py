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
_ACID_QUERIES = tuple(r.GetReactantTemplate(0) for r in _ACID_FORMS)
# An alkoxy on a ring: the oxygen and the first carbon are deleted, the rest falls off as a
# smaller fragment (only the largest fragment is kept).
_RING_ALKOXY = Chem.MolFromSmarts("[OX2;$(O(-c)-[CX4;!R])]-[CX4;!R]")
# An acyclic alkyl on an ester or ether oxygen (not a hydroxy): written as methyl.
_O_ALKYL = Chem.MolFromSmarts("[OX2;H0;$(O(-[#6])-[#6])]-[CX4;!R]")
MAX_ALKYL = 6  # carbons of an ester/ether alkyl group written as methyl


def series_key(mol: Chem.Mol) -> str | None:
    """The generic scaffold as stereo-free canonical SMILES; None when it is too small to name
    a series or cannot be written."""
    return _generic(mol, scaffold=True)


def form_key(mol: Chem.Mol) -> str | None:
    """The molecule with its acid, amide, nitrile and ester groups written as methyl esters and
    nothing else changed: BMK glycidic acid and its esters share one form key (they are one
    substance to a chemist), while 4'-methylpropiophenone and propiophenone do not."""
    if not any(mol.HasSubstructMatch(p) for p in (_O_ALKYL, *_ACID_QUERIES)):
        return None
    return _generic(mol, scaffold=False)


def _generic(mol: Chem.Mol, scaffold: bool) -> str | None:
    """Every edit is found on the molecule as given (one pass of substructure searches), then
    made at once."""
    try:
        mol = _methyl_ester_forms(mol)
        gone: set[int] = set()
        for patt in (*_RING_GROUPS, _RING_ALKOXY) if scaffold else ():
            for match in mol.GetSubstructMatches(patt):
                gone.update(match)
        cuts = []
        for o_idx, c_idx in mol.GetSubstructMatches(_O_ALKYL):
            if _alkyl_branch(mol, c_idx, o_idx) is not None:
                cuts.extend((c_idx, nb.GetIdx()) for nb in mol.GetAtomWithIdx(c_idx).GetNeighbors()
                            if nb.GetIdx() != o_idx)
        if scaffold:
            gone.update(_long_chain_ends(mol, gone))
        rw = Chem.RWMol(mol)
        rw.BeginBatchEdit()
        for a, b in cuts:
            rw.RemoveBond(a, b)
        for idx in gone:
            rw.RemoveAtom(idx)
        rw.CommitBatchEdit()
        core = _largest_fragment(rw)
        Chem.SanitizeMol(core)
    except (ValueError, RuntimeError):  # a scaffold RDKit cannot write: no series
        return None
    if scaffold and core.GetNumHeavyAtoms() < MIN_KEY_ATOMS:
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


def _alkyl_branch(mol: Chem.Mol, start: int, came_from: int) -> list[int] | None:
    """The atoms of an acyclic saturated all-carbon branch from `start` (away from
    `came_from`), or None when the branch has anything else or is too long."""
    seen, todo = {start}, [start]
    while todo:
        atom = mol.GetAtomWithIdx(todo.pop())
        if not _sp3_carbon(atom):
            return None
        for nb in atom.GetNeighbors():
            idx = nb.GetIdx()
            if idx != came_from and idx not in seen:
                seen.add(idx)
                todo.append(idx)
        if len(seen) > MAX_ALKYL:
            return None
    return sorted(seen)


def _long_chain_ends(mol: Chem.Mol, gone: set[int]) -> list[int]:
    """Atoms that cut every unbranched alkyl chain longer than two carbons to two: from each
    chain end, the carbons beyond the two nearest the rest of the molecule."""
    out: list[int] = []
    for atom in mol.GetAtoms():
        if atom.GetIdx() in gone or atom.GetDegree() != 1 or not _sp3_carbon(atom):
            continue
        run = [atom]
        prev, cur = atom, atom.GetNeighbors()[0]
        while _sp3_carbon(cur) and cur.GetDegree() == 2 and cur.GetIdx() not in gone:
            run.append(cur)
            prev, cur = cur, next(n for n in cur.GetNeighbors() if n.GetIdx() != prev.GetIdx())
            if len(run) > 40:
                break
        if cur.GetDegree() == 1:
            continue  # the whole molecule is one chain
        out.extend(a.GetIdx() for a in run[:-2])
    return out


def _sp3_carbon(atom: Chem.Atom) -> bool:
    return atom.GetAtomicNum() == 6 and not atom.IsInRing() and not atom.GetIsAromatic() \
        and atom.GetFormalCharge() == 0 \
        and atom.GetHybridization() == Chem.HybridizationType.SP3


def _largest_fragment(rw: Chem.RWMol) -> Chem.Mol:
    mol = rw.GetMol()
    frags = Chem.GetMolFrags(mol, asMols=True, sanitizeFrags=False)
    return max(frags, key=lambda f: f.GetNumAtoms()) if len(frags) > 1 else mol
