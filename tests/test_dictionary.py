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
