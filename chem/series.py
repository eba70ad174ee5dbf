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
# The one-atom groups are searched as one query (any of them), which finds the same atoms.
_RING_ATOMS = (
    "[F,Cl,Br,I]-c",
    "[CX4;H3]-c",
    "[OX2;H1]-c",
    "[CX4;H3]-[C;r5,r6,r7;!a]",
)
_RING_GROUPS = tuple(Chem.MolFromSmarts(s) for s in (
    "[" + ",".join(f"$({a})" for a in _RING_ATOMS) + "]",
    "[CH3][CH2;$(C-c)]",
    "[CX4;$(C(F)(F)(F)-c)](F)(F)F",
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
# The end of a chain of at least three carbons, each as `_sp3_carbon` sees it (acyclic, not
# aromatic, uncharged, sp3): only where this matches can `_long_chain_ends` cut anything.
_SP3_C = "[#6;!R;!a;+0;^3"
_CHAIN_END = Chem.MolFromSmarts(f"{_SP3_C};D1]~{_SP3_C};D2]~{_SP3_C};D2]")


def series_key(mol: Chem.Mol) -> str | None:
    """The generic scaffold as stereo-free canonical SMILES; None when it is too small to name
    a series or cannot be written."""
    return series_keys(mol, form=False)[0]


def form_key(mol: Chem.Mol) -> str | None:
    """The molecule with its acid, amide, nitrile and ester groups written as methyl esters and
    nothing else changed: BMK glycidic acid and its esters share one form key (they are one
    substance to a chemist), while 4'-methylpropiophenone and propiophenone do not."""
    return series_keys(mol, scaffold=False)[1]


def series_keys(mol: Chem.Mol, scaffold: bool = True, form: bool = True,
                smiles: str | None = None) -> tuple[str | None, str | None]:
    """`series_key` and `form_key` (each None when not asked for) from one shared start: the
    methyl ester forms and the ester/ether alkyl cuts are found once for both. Every edit is
    found on the molecule as given (one pass of substructure searches), then made at once.
    `smiles`: the molecule's stereo-free canonical SMILES when the caller has it (the key of a
    molecule nothing is removed from)."""
    try:
        base, acid_form = _methyl_ester_forms(mol)
        cuts, o_alkyl = _alkyl_cuts(base)
    except (ValueError, RuntimeError):  # a form RDKit cannot write: no key
        return None, None
    unchanged = (smiles or "") if base is mol else None
    skey = _scaffold_key(base, cuts, unchanged) if scaffold else None
    fkey = None
    # a form key only for a molecule with an acid form or an O-alkyl (as given: the ester
    # forms change `base` only where an acid form is found)
    if form and (acid_form or o_alkyl):
        fkey = _edited_smiles(base, cuts, set(), unchanged, 0)
    return skey, fkey


def _scaffold_key(mol: Chem.Mol, cuts: list[tuple[int, int]], unchanged: str | None,
                  ) -> str | None:
    try:
        gone: set[int] = set()
        for patt in (*_RING_GROUPS, _RING_ALKOXY):
            for match in mol.GetSubstructMatches(patt):
                gone.update(match)
        gone.update(_long_chain_ends(mol, gone))
    except (ValueError, RuntimeError):  # a scaffold RDKit cannot write: no series
        return None
    return _edited_smiles(mol, cuts, gone, unchanged, MIN_KEY_ATOMS)


def _alkyl_cuts(mol: Chem.Mol) -> tuple[list[tuple[int, int]], bool]:
    """The bonds that cut each short acyclic alkyl on an ester or ether oxygen down to its
    first carbon (written as methyl), and whether the molecule has any O-alkyl."""
    cuts = []
    matches = mol.GetSubstructMatches(_O_ALKYL)
    for o_idx, c_idx in matches:
        if _alkyl_branch(mol, c_idx, o_idx) is not None:
            cuts.extend((c_idx, nb.GetIdx()) for nb in mol.GetAtomWithIdx(c_idx).GetNeighbors()
                        if nb.GetIdx() != o_idx)
    return cuts, bool(matches)


def _edited_smiles(mol: Chem.Mol, cuts: list[tuple[int, int]], gone: set[int],
                   unchanged: str | None, min_atoms: int) -> str | None:
    """The largest fragment after the cuts and deletions as stereo-free canonical SMILES; None
    when it has fewer than `min_atoms` heavy atoms or cannot be written. `unchanged` is None
    for a molecule the ester forms changed, else its SMILES or "" (not known): a molecule with
    no edit at all (as parsed, one fragment) is written as it is (copying and sanitizing it
    again gives the same SMILES), or that SMILES is taken."""
    try:
        if unchanged is not None and not cuts and not gone and len(Chem.GetMolFrags(mol)) == 1:
            if unchanged and mol.GetNumHeavyAtoms() >= min_atoms:
                return unchanged
            core = mol
        else:
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
    if core.GetNumHeavyAtoms() < min_atoms:
        return None
    return Chem.MolToSmiles(core, isomericSmiles=False)


def _methyl_ester_forms(mol: Chem.Mol) -> tuple[Chem.Mol, bool]:
    """Every acid, primary amide and nitrile group written as a methyl ester (bounded), and
    whether the molecule as given has any of them (every search before the first change is on
    the molecule as given)."""
    found = False
    for rxn, query in zip(_ACID_FORMS, _ACID_QUERIES, strict=True):
        for _ in range(4):
            if not mol.HasSubstructMatch(query):
                break
            found = True
            products = rxn.RunReactants((mol,), maxProducts=1)
            if not products:
                break
            nxt = products[0][0]
            try:
                Chem.SanitizeMol(nxt)
            except (ValueError, RuntimeError):  # not writable that way: keep the form
                break
            mol = nxt
    return mol, found


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
    starts = {m[0] for m in mol.GetSubstructMatches(_CHAIN_END, uniquify=False,
                                                     maxMatches=mol.GetNumAtoms() + 1)}
    for idx in sorted(starts - gone):
        atom = mol.GetAtomWithIdx(idx)
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
