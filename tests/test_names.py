"""Name normalization: spellings vendors use reduce to one key."""

import pytest

from chem.text import clean_text, name_key, phonetic_variant, strip_salt_words


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("1-boc-4-piperidone", "N-Boc-4-piperidone"),
        ("1-T-Boc-4-Piperidone", "1-(tert-butoxycarbonyl)-4-piperidone"),
        ("tert-butoxycarbonyl-4-piperidone", "BOC-4-piperidone"),
        ("α-phenylacetoacetonitrile", "alpha-Phenylacetoacetonitrile"),
        ("alfa-phenylacetoacetamide", ".alpha.-phenylacetoacetamide"),
        ("N-Phenethyl-4-piperidone", "n phenethyl 4 piperidone"),
        ("BenzyI cyanide", "benzyl cyanide"),  # OCR capital I for l
        ("Pipеridine", "piperidine"),  # Cyrillic e
        ("４－ＡＮＰＰ", "4-ANPP"),  # full-width
        ("N-Cbz-4-piperidone", "1-(benzyloxycarbonyl)-4-piperidone"),
    ],
)
def test_same_key(a, b):
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("4-piperidone", "4-piperidinol"),
        ("ethyl 2-methyl-3-phenylglycidate", "ethyl 3-methyl-3-phenylglycidate"),
        ("4-aminopyridine", "4-anilinopiperidine"),
    ],
)
def test_different_key(a, b):
    assert name_key(a) != name_key(b)


@pytest.mark.parametrize(
    ("name", "stripped", "removed"),
    [
        ("Norfentanyl HCl", "Norfentanyl", ["hcl"]),
        ("4-piperidone hydrochloride monohydrate", "4-piperidone",
         ["monohydrate", "hydrochloride"]),
        ("BMK glycidate sodium salt", "BMK glycidate", ["sodium salt"]),
        ("1-Benzyl-4-piperidone oxalate", "1-Benzyl-4-piperidone", ["oxalate"]),
        ("伪麻黄碱盐酸盐", "伪麻黄碱", ["盐酸盐"]),
        ("tributyl phosphate", "tributyl", ["phosphate"]),
        ("triphosphate", "triphosphate", []),
        ("sodium", "sodium", []),
    ],
)
def test_strip_salt_words(name, stripped, removed):
    assert strip_salt_words(name) == (stripped, removed)


def test_clean_text_keeps_chinese_and_maps_greek():
    assert clean_text("α-苯乙酰乙酰胺") == "alpha-苯乙酰乙酰胺"


def test_phonetic_variant_for_cyrillic_r():
    assert phonetic_variant("Pipeрonal") == "Piperonal"
    assert phonetic_variant("Piperonal") is None
