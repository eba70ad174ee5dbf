"""Standardization: input structure -> expected parent InChIKey (ChEMBL order)."""

import pytest

from chem.standardize import standardize

NPP = "YDJXNYNKKXZBMP-UHFFFAOYSA-N"


@pytest.mark.parametrize(
    ("smiles", "parent_inchikey", "flag"),
    [
        ("O=C1CCN(CCc2ccccc2)CC1", NPP, None),
        ("O=C1CCN(CCc2ccccc2)CC1.OC(=O)C(=O)O", NPP, "fragments_stripped"),  # oxalate salt
        ("O=C1CC[NH+](CCc2ccccc2)CC1.[Cl-]", NPP, "fragments_stripped"),  # charged HCl salt
        ("[2H]C([2H])(c1ccccc1)CN1CCC(=O)CC1", NPP, "isotopes_removed"),  # deuterated
        ("OC1(O)CCNCC1.Cl", "VRJHQPZVIGNGMX-UHFFFAOYSA-N", "gem-diol"),  # 4-piperidone hydrate
        ("[Na+].[O-]C(=O)C1(C)OC1c1ccccc1", "UPEAOFCHTFWNFG-UHFFFAOYSA-N", "neutralized"),
        ("CC(C)(C)OC(=O)N1CCC(Nc2ccccc2)CC1.Br", "HTIWISWAPVQGMI-UHFFFAOYSA-N", None),
        ("InChI=1S/C3H6O/c1-3(2)4/h1-2H3", "CSCPPACGZOOCGX-UHFFFAOYSA-N", None),
        ("C[C@@H]([C@@H](c1ccccc1)O)NC.Cl", "KWGRBVOPPLSCSI-WPRPVWTQSA-N", None),
    ],
)
def test_parent_inchikey(smiles, parent_inchikey, flag):
    result = standardize(smiles)
    assert result.ok, result.error
    assert result.parent_inchikey == parent_inchikey
    if flag:
        assert flag in result.flags


@pytest.mark.parametrize(
    ("smiles", "error"),
    [
        ("C1CC(", "unparsable structure"),
        ("not a smiles", "unparsable structure"),
        ("", "empty structure"),
        ("C" * 5000, "structure longer than"),
        ("C1=CC=CC=C1" + ".C" * 300, "more than"),
    ],
)
def test_bad_structures_give_errors_not_exceptions(smiles, error):
    result = standardize(smiles)
    assert not result.ok
    assert result.error.startswith(error)


def test_stereo_insensitive_connectivity():
    ephedrine = standardize("CN[C@@H](C)[C@H](O)c1ccccc1")
    pseudoephedrine = standardize("CN[C@@H](C)[C@@H](O)c1ccccc1")
    assert ephedrine.parent_inchikey != pseudoephedrine.parent_inchikey
    assert ephedrine.connectivity == pseudoephedrine.connectivity == "KWGRBVOPPLSCSI"
