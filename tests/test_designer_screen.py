"""The designer search's skeleton screen (chem.structures.designer_skeletons): a molecule that
holds no target's skeleton cannot become a target by any chain of transforms, so the reactions
are not run for it. The screen must never change a result: it is checked against a screen that
lets everything through, on masked precursors and on ordinary ring compounds of the offline
dictionary."""

from __future__ import annotations

import random

import pytest
from rdkit import Chem

from chem.dictionary import default_dictionary
from chem.matcher import Matcher
from chem.standardize import parent_from_smiles


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(use_opsin=False)


def test_every_designer_target_holds_a_skeleton(matcher: Matcher) -> None:
    index = matcher.structures
    assert index.skeletons
    for smiles in index.designer_smiles:
        mol = Chem.MolFromSmiles(smiles)
        assert any(mol.HasSubstructMatch(k) for k in index.skeletons), smiles


MASKED = [
    ("CC(C)(C)OC(=O)N1CCC(Nc2ccccc2)CC1", "4-ap"),  # Boc-4-AP: deprotection
    ("C1CC2(CCN1)OCCO2", "4-piperidone"),  # 4-piperidone ethylene ketal: ketal hydrolysis
    ("CCCCCCOC(=O)C1(C)OC1c1ccc2c(c1)OCO2", "pmk-methyl-glycidate"),  # hexyl ester
    ("O=C1CCN(C(=O)OC(C)C)CC1", "4-piperidone"),  # isopropyl carbamate
    ("CC(=NO)Cc1ccccc1", "p2p"),  # P2P oxime
]


def _screened_hits(matcher: Matcher, smiles: str, open_screen: bool) -> set[tuple[str, str]]:
    index = matcher.structures
    saved = index.skeletons
    if open_screen:
        index.skeletons = [Chem.MolFromSmarts("*")]
    try:
        return {(h.entry, h.kind) for h in index.hits(smiles, "smiles")}
    finally:
        index.skeletons = saved


@pytest.mark.parametrize("smiles,entry", MASKED)
def test_masked_precursors_pass_the_screen(matcher: Matcher, smiles: str, entry: str) -> None:
    hits = _screened_hits(matcher, smiles, open_screen=False)
    assert entry in {e for e, _ in hits}
    assert hits == _screened_hits(matcher, smiles, open_screen=True)


def test_screen_changes_no_result_on_dictionary_ring_compounds(matcher: Matcher) -> None:
    rng = random.Random(17)
    records = [r for r in default_dictionary().records if r.smiles and len(r.smiles) < 80]
    rng.shuffle(records)
    tried = screened_out = 0
    for rec in records[:3000]:
        mol = parent_from_smiles(rec.smiles)
        if mol is None or not mol.GetRingInfo().NumRings():
            continue
        tried += 1
        screened_out += not any(mol.HasSubstructMatch(k) for k in matcher.structures.skeletons)
        assert _screened_hits(matcher, rec.smiles, False) == \
            _screened_hits(matcher, rec.smiles, True), rec.smiles
        if tried >= 400:
            break
    assert tried >= 400 and screened_out > 0


@pytest.mark.parametrize(("smarts", "expected"), [
    ("O=C1CCNCC1", "[#8]~[#6]1~[#6]~[#6]~[#7]~[#6]~[#6]~1"),
    ("[CH3]C(=O)[OX2]", "[#6]~[#6](~[#8])~[#8]"),  # counts and degrees dropped, element kept
    ("[N;H1,H2]c", "[#7]~[#6]"),  # an alternative of hydrogen counts beside the element
    ("[NX3;$([H1]),$(N(C)C=O)]C", "[#7]~[#6]"),  # or of recursive queries
    ("[c;$([cH1]),$(c[F,Cl,Br,I])]", "[#6]"),
    ("[N,O;X3]C", "*~[#6]"),  # an alternative of elements: any atom
    ("[F,Cl,Br]c", "*~[#6]"),
    ("[$([NX3;H1;R]),$([NX3;R]!@C=O)]C", "*~[#6]"),  # alternatives of recursive queries
    ("[X3;R]C", "*~[#6]"),  # no element named
    ("[!#1]C", "*~[#6]"),  # a negation: any atom
    ("[$(NC=O)]C", "*~[#6]"),  # a recursive query: any atom
])
def test_relaxed_rule_graph(smarts: str, expected: str) -> None:
    from chem.screens import relaxed

    graph, query = relaxed(Chem.MolFromSmarts(smarts))
    assert Chem.MolToSmarts(query) == expected
    assert graph.GetNumAtoms() == query.GetNumAtoms()


def test_every_class_rule_target_passes_the_screen(matcher: Matcher) -> None:
    """The structure each class rule is written for (its watchlist entry) holds a designer
    skeleton or a class screen, as parsed (unsanitized) and as sanitized."""
    from chem.standardize import _UNSANITIZED

    index = matcher.structures
    screens = [*index.skeletons, *index.class_screens]
    for _, patt, entry in index.classes:
        mol = parent_from_smiles(entry.smiles)
        assert mol.HasSubstructMatch(patt), entry.id
        raw = Chem.MolFromSmiles(entry.smiles, _UNSANITIZED)
        assert any(mol.HasSubstructMatch(q) for q in screens), entry.id
        assert any(raw.HasSubstructMatch(q) for q in screens), entry.id


def _hits_with_screens(matcher: Matcher, case: tuple, open_screen: bool) -> set:
    index = matcher.structures
    saved = index.class_screens
    if open_screen:
        index.class_screens = [Chem.MolFromSmarts("*")]  # every molecule sanitized and tried
    try:
        return {(h.entry, h.kind, h.evidence) for h in index.hits(*case)}
    finally:
        index.class_screens = saved


def test_class_screen_changes_no_result(matcher: Matcher) -> None:
    """Class rules and designer search behind the screen (a molecule failing it is neither
    sanitized nor searched) answer as without it: dictionary ring compounds, by their own
    record (the lazily parsed own-parent path and the indexed salts) and as a SMILES field,
    and the watchlist's own structures."""
    rng = random.Random(29)
    dictionary = default_dictionary()
    records = [r for r in dictionary.records if r.smiles and r.inchikey and len(r.smiles) < 120]
    rng.shuffle(records)
    cases: list[tuple] = []
    for rec in records[:1500]:
        cases.append((rec.smiles, "dictionary", rec.inchikey, rec.formula))
        cases.append((rec.smiles, "smiles"))
    for e in matcher.watchlist.entries:
        cases.append((e.smiles, "smiles"))
        cases.append((e.smiles, "dictionary", e.inchikey, e.formula))
    found = 0
    for case in cases:
        fast = _hits_with_screens(matcher, case, False)
        assert fast == _hits_with_screens(matcher, case, True), case
        found += any(kind in ("class", "designer") for _, kind, _ in fast)
    assert found > 20  # the sample reaches class rules and transforms, not only misses


@pytest.mark.parametrize(("smiles", "counts"), [
    ("ClCCl", (1, 0, 0)),  # chlorine is no carbon
    ("Clc1ccc(Br)cc1", (6, 0, 0)),
    ("C[C@@H](N)Cc1ccccc1", (9, 1, 0)),  # a bracket atom is one atom
    ("O=C1CCNCC1", (5, 1, 1)),
    ("c1cc[nH]c1", (4, 1, 0)),
    ("CSc1ccco1", (5, 0, 1)),  # S then an aromatic c, an aromatic o
])
def test_organic_counts_of_a_plain_smiles(smiles: str, counts: tuple[int, int, int]) -> None:
    from chem.screens import organic_counts
    from chem.standardize import is_plain

    assert is_plain(smiles)
    assert organic_counts(smiles) == counts


def test_organic_counts_agree_with_rdkit_on_dictionary_parents() -> None:
    from chem.screens import organic_counts

    dictionary = default_dictionary()
    for smiles in random.Random(37).sample(sorted(dictionary.canonicals.values()), 2000):
        mol = Chem.MolFromSmiles(smiles)
        elements = [a.GetAtomicNum() for a in mol.GetAtoms()]
        assert organic_counts(smiles) == (elements.count(6), elements.count(7),
                                           elements.count(8)), smiles


@pytest.mark.parametrize(("formula", "counts"), [
    ("C9H10O", {"C": 9, "H": 10, "O": 1}),
    ("C16H23BrN2O2", {"C": 16, "H": 23, "Br": 1, "N": 2, "O": 2}),
    ("C6H5ClO-", {"C": 6, "H": 5, "Cl": 1, "O": 1}),
])
def test_formula_counts(formula: str, counts: dict[str, int]) -> None:
    from chem.screens import formula_counts

    assert formula_counts(formula) == counts


def test_transform_atom_needs(matcher: Matcher) -> None:
    """Each transform's template needs its single-element atoms, counted (a Boc group two O,
    five C and the N; a Troc group three Cl), and a molecule short of them never matches it."""
    from rdkit.Chem import rdMolDescriptors

    from chem.screens import formula_counts

    needs = {t.id: dict(n) for t, _, _, n in matcher.structures.transforms}
    assert needs["boc-removal"] == {"N": 1, "C": 5, "O": 2}
    assert needs["troc-removal"]["Cl"] == 3
    assert needs["aryl-dechlorination"] == {"C": 1, "Cl": 1}
    records = [r for r in default_dictionary().records if r.smiles and len(r.smiles) < 100]
    short = 0
    for rec in random.Random(41).sample(records, 1500):
        mol = parent_from_smiles(rec.smiles)
        if mol is None:
            continue
        counts = formula_counts(rdMolDescriptors.CalcMolFormula(mol))
        for _, _, template, need in matcher.structures.transforms:
            if any(counts.get(e, 0) < n for e, n in need):
                short += 1
                assert not mol.HasSubstructMatch(template), rec.smiles
    assert short > 1000


def test_class_rule_atom_needs(matcher: Matcher) -> None:
    """A class rule is tried only on a parent with the C, N and O atoms it needs; a dictionary
    parent short of them never matches it, and the rules' own entries have them."""
    from chem.screens import organic_counts

    index = matcher.structures
    needs = dict(zip([rule.name for rule, _, _ in index.classes], index.class_needs,
                     strict=True))
    assert any(n[2] >= 3 for n in needs.values())  # the glycidic and oxo-ester rules: three O
    dictionary = default_dictionary()
    short = 0
    for smiles in random.Random(43).sample(sorted(dictionary.canonicals.values()), 3000):
        counts = organic_counts(smiles)
        mol = Chem.MolFromSmiles(smiles)
        for (_, patt, _), need in zip(index.classes, index.class_needs, strict=True):
            if any(have < n for have, n in zip(counts, need, strict=True)):
                short += 1
                assert not mol.HasSubstructMatch(patt), smiles
    assert short > 3000
    for (_, _, entry), need in zip(index.classes, index.class_needs, strict=True):
        counts = organic_counts(Chem.MolToSmiles(parent_from_smiles(entry.smiles)))
        assert all(have >= n for have, n in zip(counts, need, strict=True)), entry.id
