"""Designer precursors: a listed precursor masked by a protecting group, ester, ketal or halogen."""

import pytest

FOUR_AP = "LKRMTUUCKBQGFO"
NORFENTANYL = "PMCBDBWCQQBSRJ"
PIPERIDONE = "VRJHQPZVIGNGMX"
BOC_PIPERIDONE = "ROUYFJUVMYHXFJ"
NPP = "YDJXNYNKKXZBMP"
MAPA = "CYSACHQWYQYLIG"
P2P = "QCCDLTOVEPVEJK"
PMK = "XIYKRJLTYKUWAM"
DEPAPD = "ZASPDQDIPTZTQQ"


def test_class_match_takes_precedence_over_designer(matcher):
    # Cbz-4-AP is a carbamate of 4-AP: the regulation's own class, reported as such.
    result = matcher.match_listing({"id": "t", "smiles": "O=C(OCc1ccccc1)N1CCC(Nc2ccccc2)CC1"})
    kinds = {h.inchikey[:14]: h.match for h in result.hits}
    assert kinds[FOUR_AP] == "class"


def designer_hits(matcher, smiles):
    result = matcher.match_listing({"id": "t", "smiles": smiles})
    return {h.inchikey[:14]: h for h in result.hits if h.match == "designer"}


@pytest.mark.parametrize(
    ("smiles", "expected_block", "step"),
    [
        ("O=C(OCc1ccccc1)N1CCC(N(C(=O)CC)c2ccccc2)CC1", NORFENTANYL, "cbz-removal"),
        ("CCC(=O)N(c1ccccc1)C1CCN(C(=O)OC(C)(C)C)CC1", NORFENTANYL, "boc-removal"),
        ("COC(=O)N1CCC(N(C(=O)CC)c2ccccc2)CC1", NORFENTANYL, "alkyl-carbamate-removal"),
        ("C1CC2(CCN1)OCCO2", PIPERIDONE, "ketal-hydrolysis"),  # 4-piperidone ethylene ketal
        ("CC(C)(C)OC(=O)N1CCC2(CC1)OCCO2", BOC_PIPERIDONE, "ketal-hydrolysis"),
        ("O=C1CCN(CCc2ccc(F)cc2)CC1", NPP, "aryl-defluorination"),  # 4-fluoro NPP
        ("CCOC(=O)C(C(C)=O)c1ccccc1", MAPA, "methyl-ester"),  # EAPA -> MAPA
        ("CCOC(=O)C(C(C)=O)c1ccccc1", P2P, "beta-keto-decarboxylation"),
        ("CCOC(=O)C1(C)OC1c1ccc2OCOc2c1", PMK, "glycidic-decarboxylation"),
        ("COC(=O)C(C(=O)OC)C(=O)Cc1ccccc1", DEPAPD, "ethyl-ester"),  # both esters swapped
        ("COC1(OC)CCNCC1", PIPERIDONE, "dimethyl-ketal-hydrolysis"),
        ("CC(C)(C)OC(=O)N1CCC(=NO)CC1", BOC_PIPERIDONE, "oxime-hydrolysis"),
    ],
)
def test_designer_transform_finds_parent(matcher, smiles, expected_block, step):
    hits = designer_hits(matcher, smiles)
    assert expected_block in hits
    assert step in hits[expected_block].evidence


@pytest.mark.parametrize(
    "smiles",
    [
        "CCOC(=O)n1ccc2ccccc21",  # ethyl indole-1-carboxylate
        "CC(C)(C)OC(=O)N1CCCC1",  # Boc-pyrrolidine
        "CCOC(=O)Cc1ccncc1",  # ethyl 4-pyridylacetate
        "CC(C)(C)C(=O)Nc1ccc(Br)cc1",  # N-(4-bromophenyl)pivalamide
        "CCC(=O)N(c1ccccc1)C1CCN(CCc2ccccc2)CC1",  # fentanyl
        "CCOC(=O)Cc1ccccc1",  # ethyl phenylacetate: phenylacetic acid is no designer target
        "CCOC(=O)C1OC1(C)c1ccccc1",  # strawberry aldehyde
        "CCNC(C)=O",  # N-ethylacetamide
    ],
)
def test_no_designer_hit_for_ordinary_chemicals(matcher, smiles):
    assert designer_hits(matcher, smiles) == {}
