"""Class rules (SMARTS in chem/data/classes.csv): regulated families, reported as class matches."""

import pytest

FOUR_AP = "LKRMTUUCKBQGFO"
PIPERIDONE = "VRJHQPZVIGNGMX"
BMK_ACID = "UPEAOFCHTFWNFG"
PMK_ACID = "HZXMIVDAWKVPKJ"
PHENYLACETOACETIC = "LDXZZEGPQASJSK"


def class_hits(matcher, smiles):
    result = matcher.match_listing({"id": "t", "smiles": smiles})
    return {h.inchikey[:14] for h in result.hits if h.match == "class"}


@pytest.mark.parametrize(
    ("smiles", "expected_block"),
    [
        # N-acetyl-4-AP (an amide of 4-AP)
        ("CC(=O)N1CCC(Nc2ccccc2)CC1", FOUR_AP),
        # methyl carbamate of 4-AP
        ("COC(=O)N1CCC(Nc2ccccc2)CC1", FOUR_AP),
        # 4-AP with a chlorinated aniline ring (a halide of 4-AP)
        ("Clc1ccc(NC2CCNCC2)cc1", FOUR_AP),
        # N-acetyl-4-piperidone (an amide of 4-piperidone)
        ("CC(=O)N1CCC(=O)CC1", PIPERIDONE),
        # BMK glycidic acid pentyl ester
        ("CCCCCOC(=O)C1(C)OC1c1ccccc1", BMK_ACID),
        # PMK glycidic acid 2-methoxyethyl ester
        ("COCCOC(=O)C1(C)OC1c1ccc2OCOc2c1", PMK_ACID),
        # propyl 3-oxo-2-phenylbutanoate
        ("CCCOC(=O)C(C(C)=O)c1ccccc1", PHENYLACETOACETIC),
    ],
)
def test_class_rule_matches(matcher, smiles, expected_block):
    assert expected_block in class_hits(matcher, smiles)


@pytest.mark.parametrize(
    "smiles",
    [
        "CCC(=O)N(c1ccccc1)C1CCN(CCc2ccccc2)CC1",  # fentanyl: a drug, not a 4-AP amide precursor
        "CCOC(=O)C1OC1(C)c1ccccc1",  # strawberry aldehyde (3-methyl-3-phenyl isomer)
        "O=C1CCOCC1",  # tetrahydropyran-4-one
        "CC(=O)N1CCCCC1",  # N-acetylpiperidine
        "Nc1ccncc1",  # 4-aminopyridine
        "Oc1ccc2OCOc2c1",  # sesamol
    ],
)
def test_class_rule_does_not_match_lookalikes(matcher, smiles):
    assert class_hits(matcher, smiles) == set()
