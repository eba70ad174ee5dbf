"""Name rules on real text: longest name wins, fuzzy only within one name span, plurals are
family mentions, text cleaning; class rules as worded; forms that never reach a listed parent.

Sources of the real texts are cited beside each row (tests/data/README.md).
"""

from __future__ import annotations

import pytest

from chem.text import clean_text


def hit_ids(matcher, **listing):
    return {h.entry for h in matcher.match_listing({"id": "t", **listing}).hits}


@pytest.mark.parametrize(
    "title",
    [
        "piperidine, 1,1'-thiobis-",  # CAS index name of 1,1'-thiobis(piperidine)
        "benzaldehyde, polymer with formaldehyde",
        "(toluene)tricarbonylchromium(0)",
        "benzyl cation",
        # https://www.arpadis.com/toluene-diisocyanate-tdi97/
        "Toluene Diisocyanate (TDI)",
        # https://blakbay.com/product/what-is-toluene-di-isocyanate/
        "What is Toluene di-isocyanate?",
        # http://agilesolutionsgroup.com/saccharin-chemical-synthesis.html
        "Methyl Anthranilate Butylated Hydroxy Toluene",
        # https://scentsandflavors.com/database/9dbb4fd1-... (methyl anthranilate synonyms)
        "anthranilic acid methyl ester",
        "Acetone oxime",
        "Benzaldehyde dimethyl acetal",
    ],
)
def test_a_listed_name_inside_a_longer_name_is_not_a_hit(matcher, title):
    assert hit_ids(matcher, title=title) == set()


@pytest.mark.parametrize(
    ("title", "entry"),
    [
        ("Buy toluene online", "toluene"),
        ("Toluene 99.9% industrial grade", "toluene"),
        ("Methylamine 40% solution", "methylamine"),
        ("Piperidine hydrochloride", "piperidine"),
        ("Factory supply Norfentany with best price", "norfentanyl"),  # a misspelling
    ],
)
def test_listing_words_do_not_make_a_longer_name(matcher, title, entry):
    assert entry in hit_ids(matcher, title=title)


@pytest.mark.parametrize(
    "title",
    [
        # https://m.chemicalbook.com/ProductChemicalPropertiesCB0371489_EN.htm
        "2-Ethylhexyl chloroformate",
        "2-etylhexyl chloroformate",  # misspelt: still not chloroform
        "2-chloroethyl methyl eher",  # not ethyl ether across the name
        "Vitamins",  # not "vitamin L" (a synonym of anthranilic acid) by one letter
        # https://m.molbase.com/moldata/1448119.html
        "nitromethane",  # an exact name of another compound, never a typo of nitroethane
    ],
)
def test_fuzzy_stays_within_one_name_span(matcher, title):
    assert hit_ids(matcher, title=title) == set()


@pytest.mark.parametrize(
    ("text", "family"),
    [
        ("Piperidines and related heterocycles", "piperidine"),
        # https://smolecule.com/products/s539396: "phenylacetic acids, related esters"
        ("phenyl ethyl alcohols, phenylacetic acids, related esters", "phenylacetic-acid"),
    ],
)
def test_plurals_are_family_mentions(matcher, text, family):
    result = matcher.match_listing({"id": "t", "title": text})
    assert family not in {h.entry for h in result.hits}
    assert family in {m.entry for m in result.mentions}
    assert {m.match for m in result.mentions if m.entry == family} == {"family"}


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("•Piperonal●Safrole", " ; Piperonal ; Safrole"),  # PDF catalogue bullets
        ("1 - phenyl - 2 - propanone", "1-phenyl-2-propanone"),  # spaced locants
        ("3, 4-methylenedioxyphenyl", "3,4-methylenedioxyphenyl"),
        ("C₆H₅CH₃", "C6H5CH3"),  # subscripts
        ("麻黃鹼鹽酸鹽", "麻黄碱盐酸盐"),  # traditional -> simplified Chinese
        ("Toluene，Acetone；MEK", "Toluene,Acetone;MEK"),  # full-width punctuation
        ("pH 5, 6-8 and price 10 - 20 kg", "pH 5, 6-8 and price 10 - 20 kg"),  # left alone
    ],
)
def test_text_cleaning(raw, clean):
    assert clean_text(raw) == clean


@pytest.mark.parametrize(
    ("title", "entry"),
    [
        ("•Piperonal 99%", "piperonal"),
        ("1 - phenyl - 2 - propanone", "p2p"),
        ("麻黃鹼", "ephedrine"),  # traditional characters
        ("盐酸麻黄碱", "ephedrine"),  # the salt word before the name is not hydrochloric acid
        ("Toluene，Acetone", "acetone"),
    ],
)
def test_cleaned_text_finds_the_name(matcher, title, entry):
    assert entry in hit_ids(matcher, title=title)


@pytest.mark.parametrize("title", ["对甲苯磺酸", "盐酸麻黄碱"])
def test_chinese_names_inside_longer_names(matcher, title):
    assert "hydrochloric-acid" not in hit_ids(matcher, title=title)


@pytest.mark.parametrize(
    ("smiles", "name"),
    [
        ("CC1(C)CC(=O)CC(C)(C)N1", "triacetonamine 826-36-8"),
        ("CCC1(CC)C(=O)CCNC1=O", "3,3-diethylpiperidine-2,4-dione"),
        ("COC(=O)C1(C)CN(C(=O)OC(C)(C)C)CCC1=O", "C-substituted 4-piperidone carbamate"),
        ("CC1(C)CN(C(=O)OCc2ccccc2)CCC1=O", "benzyl 3,3-dimethyl-4-oxopiperidine-1-carboxylate"),
        ("CC(C)(C)OC(=O)N1CCCCC1=O", "1-Boc-2-piperidone (lactam)"),
        ("O=C1CCCNC1", "piperidin-3-one"),
        ("CC(C)(C)OC(=O)N1CCCC(=O)C1", "1-Boc-3-piperidone"),
        ("CC(=O)Nc1ccncc1", "N-(pyridin-4-yl)acetamide (4-aminopyridine amide)"),
        ("Nc1ccncc1", "4-aminopyridine"),
        ("CC1CNCCC1Nc1ccccc1", "3-methyl-4-anilinopiperidine (C-substituted)"),
        ("Nc1cccc(C2CCNCC2)c1", "3-(piperidin-4-yl)aniline (C-linked)"),
    ],
)
def test_class_rules_leave_the_nearest_non_members_alone(matcher, smiles, name):
    classes = {h.entry for h in matcher.match_listing({"id": "t", "smiles": smiles}).hits
               if h.match == "class"}
    assert classes == set(), name


@pytest.mark.parametrize(
    ("smiles", "entry"),
    [
        ("CC(=O)N1CCC(=O)CC1", "4-piperidone"),  # an amide of 4-piperidone
        ("O=C1CCN(C(=O)OCc2ccccc2)CC1", "4-piperidone"),  # a carbamate
        ("OC1(O)CCNCC1.Cl", "4-piperidone"),  # the hydrate hydrochloride (its salt)
        ("Clc1ccc(NC2CCNCC2)cc1", "4-ap"),  # a halide of 4-AP
        ("CCC(=O)N(c1ccccc1)C1CCN(C(=O)OC(C)(C)C)CC1", "4-ap"),  # amide + carbamate
    ],
)
def test_class_rules_catch_the_members_as_worded(matcher, smiles, entry):
    assert entry in {h.entry for h in matcher.match_listing({"id": "t", "smiles": smiles}).hits}


@pytest.mark.parametrize(
    ("smiles", "what"),
    [
        ("Cc1ccccc1[Cr](=C=O)(=C=O)=C=O", "organometallic (toluene chromium tricarbonyl)"),
        ("C[Mg]Br.Cc1ccccc1", "Grignard reagent in toluene (organometallic)"),
        ("[CH2+]c1ccccc1", "benzyl cation"),
        ("[CH2]c1ccccc1", "benzyl radical"),
        ("CC(C)=O.Cc1ccccc1", "a mixture of acetone and toluene"),
        ("*C(=O)c1ccccc1", "a benzoyl repeat unit (polymer end group)"),
    ],
)
def test_odd_forms_never_standardize_to_a_listed_parent(matcher, smiles, what):
    assert hit_ids(matcher, smiles=smiles) == set(), what


@pytest.mark.parametrize(
    ("smiles", "entry"),
    [
        ("CNC(C)C(O)c1ccccc1.Cl", "ephedrine"),  # a salt is still its parent
        ("CNC(C)C(O)c1ccccc1.OC(=O)CC(O)(CC(=O)O)C(=O)O", "ephedrine"),  # citrate (acid)
    ],
)
def test_salts_still_standardize_to_the_parent(matcher, smiles, entry):
    assert entry in hit_ids(matcher, smiles=smiles)
