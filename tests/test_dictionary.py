"""The offline dictionary (PubChem-derived tables of the `chemicals` package) and OPSIN."""

import pickle

import pytest

from chem import dictionary as dictionary_mod
from chem import opsin
from chem.dictionary import default_dictionary


@pytest.mark.parametrize(
    ("name", "inchikey"),
    [
        ("acetophenone", "KWOLFJPFCHCOCG-UHFFFAOYSA-N"),
        ("4-Aminopyridine", "NUKYPUAOHBNCPY-UHFFFAOYSA-N"),
        ("1-(beta-phenethyl)piperidone", "YDJXNYNKKXZBMP-UHFFFAOYSA-N"),
        ("sesamol", "LUSZGTFNYDARNI-UHFFFAOYSA-N"),
        ("ethyl methyl ketone azine", "LAWAERKRWYQEEN-FKJILZIQSA-N"),
    ],
)
def test_names_resolve_to_structures(name, inchikey):
    record = default_dictionary().lookup_name(name)
    assert record is not None and record.inchikey == inchikey


@pytest.mark.parametrize(
    ("cas", "inchikey"),
    [
        ("77-83-8", "LQKRYVGRPXFFAV"),  # strawberry aldehyde, a flavouring
        ("504-24-5", "NUKYPUAOHBNCPY"),  # 4-aminopyridine
        ("39742-60-4", "YDJXNYNKKXZBMP"),  # NPP
    ],
)
def test_cas_resolves_to_structures(cas, inchikey):
    record = default_dictionary().lookup_cas(cas)
    assert record is not None and record.inchikey.startswith(inchikey)


def test_unknown_name_and_cas():
    d = default_dictionary()
    assert d.lookup_name("definitely not a chemical name xyz") is None
    assert d.lookup_cas("1-23-4") is None


def test_corrupt_cache_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("PRECURSOR_WATCH_CACHE", str(tmp_path))
    small = [f for f in dictionary_mod.source_files() if "small" in f.name]
    monkeypatch.setattr(dictionary_mod, "source_files", lambda: small)
    dictionary_mod.default_dictionary.cache_clear()
    try:
        built = dictionary_mod.default_dictionary()
        cache_file = next(tmp_path.glob("dictionary-*.pickle"))
        cache_file.write_bytes(b"garbage")
        dictionary_mod.default_dictionary.cache_clear()
        rebuilt = dictionary_mod.default_dictionary()
        assert len(rebuilt.records) == len(built.records) > 1000
        with cache_file.open("rb") as fh:
            assert len(pickle.load(fh)[0]) == len(built.records)
    finally:
        dictionary_mod.default_dictionary.cache_clear()


@pytest.mark.skipif(not opsin.available(), reason="needs Java for OPSIN")
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("benzyl 4-anilinopiperidine-1-carboxylate", "O=C(OCc1ccccc1)N1CCC(Nc2ccccc2)CC1"),
        ("ethyl 3-oxo-2-phenylbutanoate", "CCOC(=O)C(C(C)=O)c1ccccc1"),
        ("not a chemical at all", None),
    ],
)
def test_opsin_parses_systematic_names(name, expected):
    from rdkit import Chem

    smiles = opsin.names_to_smiles([name])[name]
    if expected is None:
        assert smiles is None
    else:
        assert Chem.CanonSmiles(smiles) == Chem.CanonSmiles(expected)


def test_indexed_standardizations_equal_fresh_ones():
    """The index's standardized parents (salts, charged and labelled forms) and canonical SMILES
    (plain records) are what standardizing the record's SMILES now gives."""
    from rdkit import Chem

    from chem.standardize import _standardize, plain_mol

    d = default_dictionary()
    salts = sorted(d.parents)[::max(len(d.parents) // 150, 1)]
    assert len(salts) >= 100
    for smiles in salts:
        fresh, mol = _standardize.__wrapped__(smiles, None)
        indexed, indexed_mol = d.parent_of(smiles)
        assert indexed == fresh, smiles
        assert (indexed_mol is None) == (mol is None)
        if mol is not None:
            assert Chem.MolToSmiles(indexed_mol) == Chem.MolToSmiles(mol)
    plain = sorted(d.canonicals)[::max(len(d.canonicals) // 150, 1)]
    for smiles in plain:
        assert d.canonical_of(smiles) == Chem.MolToSmiles(plain_mol(smiles)), smiles


@pytest.mark.parametrize(
    ("smiles", "inchikey"),
    [
        ("CCN(CC)CC.Cl", "ZMANZCXQSJIPKH-UHFFFAOYSA-N"),  # triethylamine hydrochloride -> base
        ("O=C1CCN(CCc2ccccc2)CC1.Cl", "YDJXNYNKKXZBMP-UHFFFAOYSA-N"),  # NPP HCl -> NPP
        ("[Na+].CC([O-])=O", "QTBSBXVTEAMEQO-UHFFFAOYSA-N"),  # sodium acetate -> acetic acid
    ],
)
def test_salts_take_parent_keys_from_the_index_equal_to_inchi(smiles, inchikey):
    """A plain parent found in the index takes its InChIKey from there: the same key InChI gives."""
    from rdkit import Chem

    from chem.standardize import standardize

    d = default_dictionary()
    s = standardize(smiles, d)
    assert s.parent_inchikey == inchikey == Chem.MolToInchiKey(Chem.MolFromSmiles(s.parent_smiles))
