"""Shortcuts of the structure stage that must never change a result (issue 17's speed target):
a dictionary structure that is its own parent is not parsed when its SMILES closes no ring
(every class rule and designer target holds one), and a matcher frees its indexes when it is
dropped although its construction froze the heap out of the cyclic garbage collector."""

from __future__ import annotations

import random
import weakref

import pytest
from rdkit import Chem

from chem.dictionary import default_dictionary
from chem.matcher import Matcher
from chem.structures import _has_ring, _ring_closure

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
    assert sum(not _ring_closure(c[0]) for c in cases) > 50
    fast = [index.hits(*c) for c in cases]
    index.rules_need_ring = False
    try:
        slow = [index.hits(*c) for c in cases]
    finally:
        index.rules_need_ring = True
    assert fast == slow
    assert any(fast)  # the sample is not all misses (watchlist entries hit their classes)


def test_a_dropped_matcher_is_freed() -> None:
    """`match` freezes the heap once its matcher is built (gc.freeze): a matcher in a
    reference cycle would then never be freed. Reference counting alone must free it."""
    m = Matcher(use_opsin=False)
    m.match_many([{"id": "1", "title": "4-piperidone 99%", "smiles": "CCO"}])
    refs = [weakref.ref(x) for x in (m, m.names, m.structures, m.scanner)]
    del m
    assert all(r() is None for r in refs)
