"""Shortcuts of the matcher that must never change a result (issue 17's speed target): a
structure whose parent SMILES closes no ring is not parsed (every class rule and designer
target holds one); an own parent's molecule is parsed without stereo perception (nothing it
serves reads stereo); cleaning is skipped where it cannot write a prime or a CAS block; and a
matcher frees its indexes when it is dropped although its construction froze the heap out of
the cyclic garbage collector."""

from __future__ import annotations

import random
import weakref

import pytest
from rdkit import Chem

from chem.cas import find_partial_cas
from chem.dictionary import default_dictionary
from chem.matcher import Matcher
from chem.standardize import _own_mol, is_plain
from chem.structures import _has_ring, _ring_closure
from chem.text import TextTables, primed_key, tables

RING_CLOSURES = [
    ("CCO", False),
    ("CC(=O)OCC", False),
    ("c1ccccc1", True),
    ("O=C1CCNCC1", True),
    ("C%10CCCCC%10", True),  # two-digit ring bond
    ("[CH2]=[CH2]", False),  # a hydrogen count is no ring bond
    ("[13CH3]C(=O)O", False),  # nor an isotope
    ("[nH]1cccc1", True),
    ("C[C@@H](N)Cc1ccccc1", True),
    ("C[C@@H](N)CC", False),
]


@pytest.mark.parametrize(("smiles", "ring"), RING_CLOSURES)
def test_ring_closure_read_from_the_smiles(smiles: str, ring: bool) -> None:
    assert _ring_closure(smiles) is ring
    assert (Chem.MolFromSmiles(smiles).GetRingInfo().NumRings() > 0) is ring


@pytest.mark.parametrize(("smarts", "ring"), [
    ("O=C1CCNCC1", True), ("[CH3]C(=O)[CH1]c1ccccc1", True), ("CC(=O)O", False),
    ("[N;R]CC", False),  # a ring *property* of an atom is no cycle of the query
])
def test_query_ring(smarts: str, ring: bool) -> None:
    assert _has_ring(Chem.MolFromSmarts(smarts)) is ring


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(use_opsin=False)


def test_bundled_class_rules_all_need_a_ring(matcher: Matcher) -> None:
    assert matcher.structures.classes
    assert matcher.structures.rules_need_ring


def test_ringless_shortcut_changes_no_hit(matcher: Matcher) -> None:
    """Acyclic and ring structures of the dictionary (own parents, with their known keys), and
    watchlist entries: the same hits with the shortcut as through their molecules."""
    index = matcher.structures
    dictionary = default_dictionary()
    records = [r for r in dictionary.records if r.smiles in dictionary.canonicals]
    sample = random.Random(17).sample(records, 400)
    cases = [(r.smiles, "name", r.inchikey, r.formula) for r in sample]
    cases += [(e.smiles, "watchlist", e.inchikey, e.formula) for e in matcher.watchlist.entries]
    # salts and other forms standardized in the index: the shortcut reads their parent SMILES
    forms = [r for r in dictionary.records if r.smiles in dictionary.parents and r.inchikey]
    cases += [(r.smiles, "name", r.inchikey, r.formula)
              for r in random.Random(19).sample(forms, 200)]
    assert sum(not _ring_closure(c[0]) for c in cases) > 50
    assert sum(not _ring_closure(dictionary.parents[c[0]][0].parent_smiles or "C1CC1")
               for c in cases if c[0] in dictionary.parents) > 10
    fast = [index.hits(*c) for c in cases]
    index.rules_need_ring = False
    try:
        slow = [index.hits(*c) for c in cases]
    finally:
        index.rules_need_ring = True
    assert fast == slow
    assert any(fast)  # the sample is not all misses (watchlist entries hit their classes)


def test_own_parent_molecule_answers_as_a_full_parse(matcher: Matcher) -> None:
    """`_own_mol` (parse, then SanitizeMol; no stereo perception, no hydrogen pass) gives the
    class rules and the designer search (every product, in order) the answers of
    MolFromSmiles's molecule with its stereo assigned, stereo centres and double bonds
    included."""
    index = matcher.structures
    dictionary = default_dictionary()
    ring = [s for s in dictionary.canonicals if _ring_closure(s)]
    sample = random.Random(23).sample(ring, 300)
    sample += [s for s in ring if "@" in s or "/" in s][:150]
    sample += [e.smiles for e in matcher.watchlist.entries if is_plain(e.smiles)]
    found = 0
    for smiles in sample:
        own = _own_mol.__wrapped__(smiles)
        full = Chem.MolFromSmiles(smiles)
        Chem.AssignStereochemistry(full, cleanIt=True, force=True)
        assert Chem.MolToSmiles(own, isomericSmiles=False) == \
            Chem.MolToSmiles(full, isomericSmiles=False)
        classes = [own.HasSubstructMatch(q) for _, q, _ in index.classes]
        assert classes == [full.HasSubstructMatch(q) for _, q, _ in index.classes], smiles
        products = index.designer_products(own)
        assert products == index.designer_products(full), smiles
        assert index.designer_products(own, index.designer_formulas) == \
            index.designer_products(full, index.designer_formulas), smiles
        found += any(classes) + bool(products)
    assert found > 20  # the sample reaches class rules and transforms, not only misses


@pytest.mark.parametrize(("name", "key"), [
    ("3'-Chloropropiophenone", "3pchloropropiophenone"),
    ("3-Chloropropiophenone", None),
    ("3\u2032-chloropropiophenone", "3pchloropropiophenone"),  # a prime sign
    ("\uff13\uff07-chloropropiophenone", "3pchloropropiophenone"),  # full-width 3 and '
    ("Toluene", None),
])
def test_primed_key_with_and_without_cleaning(name: str, key: str | None) -> None:
    assert tables().ascii_kept  # the bundled table rewrites no ASCII character
    assert primed_key(name) == key


def test_ascii_kept_follows_the_character_table() -> None:
    bundled = tables()
    assert not TextTables({ord("`"): "'"}, bundled.salt_words, bundled.stopwords,
                          bundled.generic_words).ascii_kept
    assert TextTables({ord("\u2019"): "'"}, bundled.salt_words, bundled.stopwords,
                      bundled.generic_words).ascii_kept


@pytest.mark.parametrize(("text", "blocks"), [
    ("Acetone 99%, 25kg drum", []),  # no four digits in a row: no pattern can match
    ("CAS79099 powder", ["79099"]),
    ("CAS\uff17\uff19\uff10\uff19\uff19 powder", ["79099"]),  # full-width digits
    ("28578 powder", ["28578"]),
])
def test_partial_cas_digit_screen(text: str, blocks: list[str]) -> None:
    assert [m.cas for m in find_partial_cas(text)] == blocks


def test_a_dropped_matcher_is_freed() -> None:
    """`match` freezes the heap once its matcher is built (gc.freeze): a matcher in a
    reference cycle would then never be freed. Reference counting alone must free it."""
    m = Matcher(use_opsin=False)
    m.match_many([{"id": "1", "title": "4-piperidone 99%", "smiles": "CCO"}])
    refs = [weakref.ref(x) for x in (m, m.names, m.structures, m.scanner)]
    del m
    assert all(r() is None for r in refs)


def test_indexed_form_parent_unpickled_only_when_asked() -> None:
    """A salt or other form standardized in the index: `standardize_known` answers from the
    index without unpickling its parent molecule; `parent_from_known` unpickles the same
    molecule `Dictionary.parent_of` holds."""
    from chem.standardize import _standardize_known, parent_from_known, standardize_known

    dictionary = default_dictionary()
    records = [r for r in dictionary.records if r.smiles in dictionary.parents and r.inchikey]
    with_mol = 0
    for rec in random.Random(31).sample(records, 150):
        indexed, indexed_mol = dictionary.parent_of(rec.smiles)
        assert dictionary.standardized_of(rec.smiles) == indexed
        assert standardize_known(rec.smiles, rec.inchikey, rec.formula, dictionary) == indexed
        assert _standardize_known(rec.smiles, rec.inchikey, rec.formula, dictionary)[1] is None
        mol = parent_from_known(rec.smiles, rec.inchikey, rec.formula, dictionary)
        assert (mol is None) == (indexed_mol is None), rec.smiles
        if mol is not None:
            with_mol += 1
            assert Chem.MolToSmiles(mol) == Chem.MolToSmiles(indexed_mol), rec.smiles
    assert with_mol > 100


@pytest.mark.parametrize("text", [
    "".join(chr(c) for c in range(128)),  # every ASCII character, controls included
    "Factory supply 1 - phenyl - 2 - propanone, 3, 4-MDP2P CAS 4676-39-5 BenzyI cyanide",
])
def test_ascii_text_skips_normalization_without_changing_it(text: str) -> None:
    """NFKC keeps ASCII and neither the dash table nor the bundled confusables rewrite an ASCII
    character: an ASCII text is cleaned and CAS-normalized as by the full path."""
    import unicodedata

    from chem.cas import _DASH_TABLE, normalize_text
    from chem.text import clean_text

    assert unicodedata.normalize("NFKC", text) == text
    assert normalize_text(text) == text.translate(_DASH_TABLE) == text
    confusables = tables().confusables
    assert text.translate(confusables) == text
    assert clean_text(text) == clean_text(text + "\u00e9")[:-1]  # the same rewrites, non-ASCII


def test_phrase_search_skips_only_texts_without_a_leading_word() -> None:
    """`chem.subject._search` (the context/sale/catalog phrase regex, skipped when no phrase's
    leading word is a word of the text) finds what the regex finds: every line of the
    real-text sets and cut-up phrases, for each phrase list of the subject words."""
    import json
    from pathlib import Path

    from chem.knowledge import default_knowledge
    from chem.subject import _phrases_re, _search

    words = default_knowledge().words
    lists = [words.context, words.sale, words.catalog, words.catalog + words.sale]
    texts = []
    for path in sorted((Path(__file__).parent / "data").glob("real_text*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            listing = json.loads(line)["listing"] if line.strip() else {}
            for value in listing.values():
                if isinstance(value, str):
                    texts.extend(value.lower().splitlines())
    for phrases in lists:
        for p in phrases[:40]:
            texts += [p, f"x {p}", f"x{p}", f"{p}s", f"acetone, {p} y", f"({p})"]
    found = 0
    for phrases in lists:
        for text in texts:
            m = _search(phrases, text)
            expected = _phrases_re(phrases).search(text)
            assert (m and m.span()) == (expected and expected.span()), (phrases[:3], text)
            found += m is not None
    assert found > 100


@pytest.mark.parametrize("text", [
    "supplement facts serving size 2 capsules", "phosphorus supplements 250 mg",
    "dietary-supplement", "supplementation", "nutritional supplements, daily value",
    "acetone 99% 25kg drum", "supplement_facts", "über supplement", "",
])
def test_whole_word_check_skips_only_texts_without_a_leading_word(text: str) -> None:
    from chem.knowledge import default_knowledge
    from chem.matcher import _has_word, _word_re

    cues = default_knowledge().false_friends.supplement_cues
    assert cues
    assert _has_word(cues, text) == bool(_word_re(cues).search(text))
