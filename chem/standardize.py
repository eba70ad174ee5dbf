"""Structure standardization in the ChEMBL order, with RDKit's rdMolStandardize.

as-sold form: parsed, sanitized, cleaned up (functional-group normalization);
parent: isotopes removed, the largest organic fragment kept (salts and solvents stripped),
neutralized, stereo kept; hydrates of ketones collapsed; connectivity = InChIKey first block.
Every failure is returned as an error on the result, never raised.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from rdkit import Chem, RDLogger
from rdkit.Chem import AllChem, rdMolDescriptors
from rdkit.Chem.MolStandardize import rdMolStandardize

from chem.caches import STRUCTURE_CACHE

RDLogger.DisableLog("rdApp.*")

DATA_DIR = Path(__file__).parent / "data"
MAX_SMILES_LENGTH = 1000  # longer strings are not product structures; refuse before parsing
MAX_HEAVY_ATOMS = 200

_cleanup_params = rdMolStandardize.CleanupParameters()
_normalizer = rdMolStandardize.NormalizerFromParams(_cleanup_params)
_fragment_chooser = rdMolStandardize.LargestFragmentChooser(preferOrganic=True)
_uncharger = rdMolStandardize.Uncharger(canonicalOrder=True)
_metal_disconnector = rdMolStandardize.MetalDisconnector()
_reionizer = rdMolStandardize.Reionizer()
_ORGANIC = frozenset({1, 5, 6, 7, 8, 9, 14, 15, 16, 17, 34, 35, 53})


class Known(Protocol):
    """Structures whose standardization is already known (the offline dictionary's index)."""

    def inchikey_of(self, canonical: str) -> str | None:
        """Standard InChIKey of a canonical SMILES: a plain parent found there takes it
        instead of computing InChI again."""

    def parent_of(self, smiles: str) -> tuple[Standardized, Chem.Mol | None] | None:
        """`_standardize(smiles)` computed once when the index was built."""

    def standardized_of(self, smiles: str) -> Standardized | None:
        """The `Standardized` of `parent_of`, without its molecule."""

    def parent_mol_of(self, smiles: str) -> Chem.Mol | None:
        """The molecule of `parent_of` (asked only when the class rules need it)."""

    def canonical_of(self, smiles: str) -> str | None:
        """Canonical SMILES of a `plain_mol` structure, computed once when the index was built."""

    def sold_form(self, smiles: str) -> tuple[bool, str | None]:
        """(indexed, `not_a_sold_form` of its molecule) for a SMILES standardized when the index
        was built."""


def _load_normalizations(data_dir: Path) -> list[tuple[str, AllChem.ChemicalReaction, Chem.Mol]]:
    out = []
    with (data_dir / "normalizations.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            rxn = AllChem.ReactionFromSmarts(r["rxn"])
            out.append((r["id"], rxn, rxn.GetReactantTemplate(0)))
    return out




@lru_cache(maxsize=4)
def _normalizations_of(data_dir: Path) -> list[tuple[str, AllChem.ChemicalReaction, Chem.Mol]]:
    return _load_normalizations(data_dir)  # read on first use, never at import


# The data directory whose normalizations.csv applies (`use_data_dir`, set by the matcher).
_ACTIVE = [DATA_DIR.resolve()]


def use_data_dir(data_dir: Path | str) -> bool:
    """Apply `data_dir`'s normalizations from now on; True when that changed the directory (the
    standardizations cached under the previous one are then dropped)."""
    path = Path(data_dir).resolve()
    if path == _ACTIVE[0]:
        return False
    _ACTIVE[0] = path
    _standardize_known.cache_clear()
    _standardize.cache_clear()
    _own_mol.cache_clear()
    return True


def _normalizations() -> list[tuple[str, AllChem.ChemicalReaction, Chem.Mol]]:
    return _normalizations_of(_ACTIVE[0])


_METALS = frozenset(range(3, 5)) | frozenset(range(11, 14)) | frozenset(range(19, 33)) \
    | frozenset(range(37, 52)) | frozenset(range(55, 85)) | frozenset(range(87, 119))
_ACID = Chem.MolFromSmarts("[$([CX3](=O)[OX2H1]),$([SX4](=O)(=O)[OX2H1]),$([PX4](=O)[OX2H1])]")


def not_a_sold_form(mol: Chem.Mol) -> str | None:
    """Why a molecule must not be read as a listed parent (organometallic, ion, mixture), if so."""
    get = mol.GetAtomWithIdx  # indexing is twice as fast as RDKit's atom sequence
    for i in range(mol.GetNumAtoms()):
        atom = get(i)
        z = atom.GetAtomicNum()
        if z == 0:
            return "polymer or unspecified group"  # "*" attachment points (repeat units)
        if atom.GetNumRadicalElectrons():
            return "radical"
        if z == 6 and atom.GetFormalCharge() != 0:
            return "carbon ion"
        if z in _METALS and any(n.GetAtomicNum() == 6 for n in atom.GetNeighbors()):
            return "organometallic"
    if len(Chem.GetMolFrags(mol)) < 2:
        return None  # one fragment is never a mixture
    frags = Chem.GetMolFrags(mol, asMols=True, sanitizeFrags=False)
    organic = [f for f in frags if f.GetNumHeavyAtoms() >= 4
               and any(a.GetAtomicNum() == 6 for a in f.GetAtoms())
               and not any(a.GetFormalCharge() for a in f.GetAtoms())
               and not f.HasSubstructMatch(_ACID)]
    return "mixture" if len(organic) > 1 else None


@dataclass(frozen=True)
class Standardized:
    input: str
    smiles: str | None = None  # as-sold form (all fragments), canonical
    parent_smiles: str | None = None
    inchikey: str | None = None  # of the as-sold form when it is its own parent (else None)
    parent_inchikey: str | None = None
    formula: str | None = None  # of the parent
    flags: tuple[str, ...] = field(default_factory=tuple)  # salt_stripped, charge_neutralized, ...
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def connectivity(self) -> str | None:
        return self.parent_inchikey[:14] if self.parent_inchikey else None


def _parse(text: str) -> Chem.Mol | None:
    text = text.strip()
    if text.startswith("InChI="):
        return Chem.MolFromInchi(text, sanitize=True, treatWarningAsError=False)
    return Chem.MolFromSmiles(text)


def _apply_normalizations(mol: Chem.Mol) -> tuple[Chem.Mol, list[str]]:
    flags = []
    for rid, rxn, template in _normalizations():
        if not mol.HasSubstructMatch(template):
            continue
        for _ in range(4):  # each rule at most a few times (bounded)
            products = rxn.RunReactants((mol,))
            if not products:
                break
            candidate = products[0][0]
            try:
                Chem.SanitizeMol(candidate)
            except (ValueError, RuntimeError):  # MolSanitizeException and kin
                break
            mol = candidate
            flags.append(rid)
    return mol, flags


@dataclass(frozen=True)
class _Survey:
    """What one pass over the atoms tells about which standardization steps can act."""

    carbon: bool
    hydrogen: bool
    non_organic: bool
    charged: bool
    hypervalent: bool
    isotopes: bool

    @classmethod
    def of(cls, mol: Chem.Mol) -> _Survey:
        carbon = hydrogen = non_organic = charged = hypervalent = isotopes = False
        atom = mol.GetAtomWithIdx  # indexing is twice as fast as RDKit's atom sequence
        for i in range(mol.GetNumAtoms()):
            a = atom(i)
            z = a.GetAtomicNum()
            carbon |= z == 6
            hydrogen |= z == 1
            non_organic |= z not in _ORGANIC
            charged |= a.GetFormalCharge() != 0
            hypervalent |= z in (7, 15, 16) and a.GetExplicitValence() > 3
            isotopes |= a.GetIsotope() != 0
        return cls(carbon, hydrogen, non_organic, charged, hypervalent, isotopes)


def cleanup(mol: Chem.Mol, survey: _Survey) -> Chem.Mol:
    """rdMolStandardize.Cleanup, doing each step only where it can change something."""
    if survey.hydrogen:
        mol = Chem.RemoveHs(mol)
    if survey.non_organic:
        mol = _metal_disconnector.Disconnect(mol)
    # The normalizer's transforms (nitro, N-oxide, sulfoxide, azide...) need a charged atom or a
    # hypervalent N/P/S to act on: skip it for the plain neutral structures most listings carry.
    if survey.charged or survey.hypervalent or survey.non_organic:
        mol = _normalizer.normalize(mol)
        mol = _reionizer.reionize(mol)
    Chem.AssignStereochemistry(mol, cleanIt=True, force=True)
    return mol


def parent_mol(mol: Chem.Mol, survey: _Survey | None = None) -> tuple[Chem.Mol, list[str]]:
    """The parent of a sanitized molecule: isotopes, salts/solvents and charges removed."""
    survey = survey or _Survey.of(mol)
    flags: list[str] = []
    if not survey.carbon:
        return mol, flags  # an inorganic salt (NaCl, KMnO4) is itself the substance
    if survey.isotopes:
        mol = Chem.Mol(mol)
        for atom in mol.GetAtoms():
            atom.SetIsotope(0)
        flags.append("isotopes_removed")
    if len(Chem.GetMolFrags(mol)) > 1:
        mol = _fragment_chooser.choose(mol)
        flags.append("fragments_stripped")
    if survey.charged:
        mol = _uncharger.uncharge(mol)
        flags.append("neutralized")
    mol, norm_flags = _apply_normalizations(mol)
    flags.extend(norm_flags)
    return mol, flags


def standardize(text: str, known: Known | None = None) -> Standardized:
    """SMILES or InChI -> as-sold form and parent. Never raises.

    >>> s = standardize("O=C1CCN(CCc2ccccc2)CC1.Cl")
    >>> s.parent_smiles, s.parent_inchikey, s.flags
    ('O=C1CCN(CCc2ccccc2)CC1', 'YDJXNYNKKXZBMP-UHFFFAOYSA-N', ('fragments_stripped',))
    >>> standardize("C1CC(").error
    'unparsable structure'
    """
    return _standardize(text, known)[0]


_PLAIN = re.compile(r"^[BCNOPSFIclnosbrp0-9=#()/\\%@-]+$")
# Bracket atoms that only carry stereo or hydrogens of an organic atom: "[C@@H]", "[nH]".
_NEUTRAL_BRACKET = re.compile(r"\[(?:C|N|O|S|P|c|n|o|s)(?:@{1,2})?(?:H\d?)?\]")


# A listing's structure is asked this several times (matcher, index, hits): a small cache.
@lru_cache(maxsize=4096)
def is_plain(smiles: str) -> bool:
    """One neutral organic fragment: organic-subset atoms (bracket atoms only for stereo or
    hydrogens, so no charges, isotopes or metals) and no dots (no salts, solvents, mixtures)."""
    return bool(_PLAIN.match(_NEUTRAL_BRACKET.sub("C", smiles) if "[" in smiles else smiles))


def standardize_known(smiles: str, inchikey: str, formula: str | None = None,
                      known: Known | None = None) -> Standardized:
    """`standardize` for a dictionary structure whose standard InChIKey is already known: a plain
    SMILES (see `is_plain`) that no normalization touches is its own parent, so the known key is
    used instead of computing InChI again. Anything else goes the full way."""
    return _standardize_known(smiles, inchikey, formula or "", known)[0]


def parent_from_known(smiles: str, inchikey: str, formula: str | None = None,
                      known: Known | None = None,
                      screen: Callable[[Chem.Mol], bool] | None = None) -> Chem.Mol | None:
    """The parent molecule for substructure work. With `screen`, None for a molecule that fails
    it: a screen reads only atoms, elements and bonds, so an own parent's molecule is screened
    as parsed and sanitized only when it passes."""
    _, mol = _standardize_known(smiles, inchikey, formula or "", known)
    if mol is None and inchikey and known is not None:
        mol = known.parent_mol_of(smiles)  # an indexed salt or other form: unpickled only now
    if mol is None and own_parent(smiles, inchikey, known):
        if screen is None:
            return _own_mol(smiles)  # parsed only when asked: the key and formula were known
        raw = Chem.MolFromSmiles(smiles, _UNSANITIZED)
        return _sanitized(raw) if raw is not None and screen(raw) else None
    return mol if mol is None or screen is None or screen(mol) else None


def own_parent(smiles: str, inchikey: str | None, known: Known | None) -> bool:
    """Whether `standardize_known` answers `smiles` as its own parent from the index (a plain
    SMILES, see `plain_mol`): its parent molecule is then the molecule this SMILES writes."""
    return bool(inchikey) and known is not None and known.canonical_of(smiles) is not None


@lru_cache(maxsize=STRUCTURE_CACHE)
def _standardize_known(smiles: str, inchikey: str, formula: str,
                       known: Known | None) -> tuple[Standardized, Chem.Mol | None]:
    if inchikey and known is not None:
        pre = known.standardized_of(smiles)
        if pre is not None:  # its molecule is unpickled by parent_from_known when asked
            return pre, None
        canonical = known.canonical_of(smiles)
        if canonical is not None:  # its own parent, as `plain_mol` found when indexing
            mol = None if formula else _own_mol(smiles)  # see parent_from_known
            return _own_parent(smiles, canonical, inchikey, formula, mol), mol
    mol = plain_mol(smiles) if inchikey else None
    if mol is None:
        return _standardize(smiles, known)
    return _own_parent(smiles, Chem.MolToSmiles(mol), inchikey, formula, mol), mol


# Only for the few calls about one structure while a listing is matched (its hits are cached
# by the matcher): a small cache keeps memory where it was before the parse became lazy.
@lru_cache(maxsize=256)
def _own_mol(smiles: str) -> Chem.Mol | None:
    """The molecule of an indexed plain SMILES for the class rules and the designer search:
    parsed and sanitized (aromaticity, hydrogen counts, rings), without the stereo perception
    the SMILES parser adds (about 40 % of a parse). Nothing it serves reads stereo: substructure
    matches ignore chirality, reaction products are compared by formula and stereo-free SMILES,
    and the formula has none."""
    mol = Chem.MolFromSmiles(smiles, _UNSANITIZED)
    return _sanitized(mol) if mol is not None else None


def _sanitized(mol: Chem.Mol) -> Chem.Mol | None:
    """`mol` (parsed with `_UNSANITIZED`) sanitized in place; None when it cannot be."""
    try:
        Chem.SanitizeMol(mol)
    except (ValueError, RuntimeError):  # Chem.MolSanitizeException and kin (never for the index)
        return None
    return mol


# Parsed as written, checked by SanitizeMol after: a plain SMILES has no hydrogen atoms to
# remove (the parser's own removal pass is most of the cost of an unsanitized parse).
_UNSANITIZED = Chem.SmilesParserParams()
_UNSANITIZED.sanitize = False
_UNSANITIZED.removeHs = False


def plain_mol(smiles: str) -> Chem.Mol | None:
    """The molecule of a plain SMILES (see `is_plain`) that no normalization touches, so that it
    is its own parent; None when the full standardization is needed."""
    if not is_plain(smiles) or len(smiles) > MAX_SMILES_LENGTH:
        return None
    mol = Chem.MolFromSmiles(smiles)
    if mol is None or mol.GetNumHeavyAtoms() > MAX_HEAVY_ATOMS or any(
            mol.HasSubstructMatch(template) for _, _, template in _normalizations()):
        return None
    Chem.AssignStereochemistry(mol, cleanIt=True, force=True)
    return mol


def _own_parent(smiles: str, canonical: str, inchikey: str, formula: str,
                mol: Chem.Mol | None) -> Standardized:
    return Standardized(input=smiles, smiles=canonical, parent_smiles=canonical, inchikey=inchikey,
                        parent_inchikey=inchikey,
                        formula=formula or rdMolDescriptors.CalcMolFormula(mol))


def parent_from_smiles(smiles: str, known: Known | None = None) -> Chem.Mol | None:
    """The parent molecule for substructure work (computed once, with `standardize`)."""
    return _standardize(smiles, known)[1]


@lru_cache(maxsize=STRUCTURE_CACHE)
def _standardize(text: str, known: Known | None = None,
                 ) -> tuple[Standardized, Chem.Mol | None]:
    if not text or not text.strip():
        return Standardized(text, error="empty structure"), None
    if len(text) > MAX_SMILES_LENGTH:
        error = f"structure longer than {MAX_SMILES_LENGTH} characters"
        return Standardized(text, error=error), None
    try:
        mol = _parse(text)
        if mol is None:
            return Standardized(text, error="unparsable structure"), None
        if mol.GetNumHeavyAtoms() > MAX_HEAVY_ATOMS:
            return Standardized(text, error=f"more than {MAX_HEAVY_ATOMS} heavy atoms"), None
        survey = _Survey.of(mol)
        if survey.carbon:
            mol = cleanup(mol, survey)
            if survey.charged or survey.non_organic:
                survey = _Survey.of(mol)
        smiles = Chem.MolToSmiles(mol)
        parent, flags = parent_mol(mol, survey)
        parent_smiles = Chem.MolToSmiles(parent)
        found = known.inchikey_of(parent_smiles) \
            if known is not None and is_plain(parent_smiles) else None
        parent_key = found or Chem.MolToInchiKey(parent) or None
        # The as-sold form's own InChIKey is never compared (a salt or isotope-labelled form
        # matches only through its parent), so a second InChI is not computed for it.
        inchikey = None if flags else parent_key
        if not parent_key:
            return Standardized(text, smiles=smiles, error="no InChIKey for structure"), None
        return Standardized(
            input=text,
            smiles=smiles,
            parent_smiles=parent_smiles,
            inchikey=inchikey,
            parent_inchikey=parent_key,
            formula=rdMolDescriptors.CalcMolFormula(parent),
            flags=tuple(flags),
        ), parent
    except (ValueError, RuntimeError, OverflowError) as exc:  # RDKit's exception family
        error = f"standardization failed: {type(exc).__name__}: {exc}"
        return Standardized(text, error=error), None
