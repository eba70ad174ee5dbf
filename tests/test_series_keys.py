"""The series and form keys computed together (`chem.series.series_keys`): the table of input
-> expected keys was written with the one-key-at-a-time code of main 908eca5 and covers the
shortcuts of the shared computation: chains that cannot be cut (two carbons, a double bond, a
branch, a charged carbon, a ring, a whole-molecule chain), molecules nothing is removed from
(written from the caller's SMILES), acid forms, ester/ether alkyls, salts and mixtures."""

from __future__ import annotations

import pytest
from rdkit import Chem

from chem.series import form_key, series_key, series_keys

# (input SMILES, expected series key, expected form key)
KEYS = [
    ("CCC(=O)c1ccccc1", "CCC(=O)c1ccccc1", None),
    ("CCCCC(=O)c1ccccc1", "CCC(=O)c1ccccc1", None),
    ("CCCCCCCC(=O)c1ccccc1", "CCC(=O)c1ccccc1", None),
    ("CCCCCCCCc1ccccc1", "CCc1ccccc1", None),
    ("CC=CCCc1ccccc1", "CC=CCCc1ccccc1", None),
    ("CCCC1CCCCC1C(=O)c1ccccc1", "CCC1CCCCC1C(=O)c1ccccc1", None),
    ("CCCCOC(=O)c1ccccc1", "COC(=O)c1ccccc1", "COC(=O)c1ccccc1"),
    ("CCCCCOc1ccc(C=O)cc1", "O=Cc1ccccc1", "COc1ccc(C=O)cc1"),
    ("OC(=O)Cc1ccccc1", "COC(=O)Cc1ccccc1", "COC(=O)Cc1ccccc1"),
    ("NC(=O)Cc1ccccc1", "COC(=O)Cc1ccccc1", "COC(=O)Cc1ccccc1"),
    ("N#CCc1ccccc1", "COC(=O)Cc1ccccc1", "COC(=O)Cc1ccccc1"),
    ("CCC(=O)c1ccccc1.Cl", "CCC(=O)c1ccccc1", None),
    ("CCCCC(=O)c1ccccc1.CCCCCC", "CCC(=O)c1ccccc1", None),
    ("CCC(Br)C(=O)c1ccccc1", "CCC(Br)C(=O)c1ccccc1", None),
    ("Cc1ccccc1", None, None),
    ("CCCCCCCC", "CCCCCCCC", None),
    ("C[C@H](N)Cc1ccccc1", "CC(N)Cc1ccccc1", None),
    ("CC(C)CCC(=O)c1ccccc1", "CC(C)CCC(=O)c1ccccc1", None),
    ("CCC[N+](C)(C)CCc1ccccc1", "CC[N+](C)(C)CCc1ccccc1", None),
    ("CCC[C-](C)c1ccccc1", "CC[C-](C)c1ccccc1", None),
    ("FC(F)(F)c1ccc(CCCN)cc1O", "NCCCc1ccccc1", None),
    ("CCc1ccc(CC(N)C)cc1C", "CC(N)Cc1ccccc1", None),
    ("CC1CCN(CCc2ccccc2)CC1", "c1ccc(CCN2CCCCC2)cc1", None),
    ("COc1ccc(CC(C)=O)cc1OC", "CC(=O)Cc1ccccc1", "COc1ccc(CC(C)=O)cc1OC"),
    ("O=C(O)c1ccccc1C(=O)O", "COC(=O)c1ccccc1C(=O)OC", "COC(=O)c1ccccc1C(=O)OC"),
]


@pytest.mark.parametrize("smiles,skey,fkey", KEYS)
def test_series_and_form_keys(smiles, skey, fkey):
    mol = Chem.MolFromSmiles(smiles)
    assert series_keys(mol) == (skey, fkey)
    assert (series_key(mol), form_key(mol)) == (skey, fkey)


@pytest.mark.parametrize("smiles,skey,fkey", KEYS)
def test_keys_from_the_callers_smiles_are_the_same(smiles, skey, fkey):
    mol = Chem.MolFromSmiles(smiles)
    plain = Chem.MolToSmiles(mol, isomericSmiles=False)
    assert series_keys(mol, smiles=plain) == (skey, fkey)


@pytest.mark.parametrize("smiles,skey", [(s, k) for s, k, _ in KEYS])
def test_only_what_is_asked_for(smiles, skey):
    mol = Chem.MolFromSmiles(smiles)
    assert series_keys(mol, form=False) == (skey, None)
    assert series_keys(mol, scaffold=False)[0] is None
