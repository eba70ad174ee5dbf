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
