"""What an analyst types into "Who sells X?" resolves to watchlist entries and structures with
the project's chemistry: names, synonyms, abbreviations, Chinese names, CAS numbers in any
written form and SMILES of one substance resolve alike; class and designer relatives do not
count as the substance itself."""

from __future__ import annotations

import pytest

from precursor_watch.web.resolve import resolve


@pytest.mark.parametrize("query, entry", [
    ("BMK methyl glycidate", "bmk-methyl-glycidate"),
    ("CAS 80532-66-7", "bmk-methyl-glycidate"),
    ("80532 66 7", "bmk-methyl-glycidate"),
    ("COC(=O)C1(C)OC1c1ccccc1", "bmk-methyl-glycidate"),
    ("1-boc-4-piperidone", "boc-4-piperidone"),
    ("N-Boc-4-哌啶酮", "boc-4-piperidone"),
    ("O=C1CCN(C(=O)OC(C)(C)C)CC1", "boc-4-piperidone"),
    ("NPP", "npp"),
    ("1-苯乙基-4-哌啶酮", "npp"),
])
def test_queries_resolve_to_the_entry(query, entry):
    assert resolve(query).entries == [entry]


def test_unlisted_substance_resolves_to_its_structure_only():
    r = resolve("piperonyl butoxide")
    assert r.entries == [] and r.inchikeys == ["FIPWRIJSWJWJAI-UHFFFAOYSA-N"]


def test_nothing_for_noise():
    r = resolve("   ")
    assert r.entries == [] and r.inchikeys == []
    assert resolve("qwzx plorp").entries == []


@pytest.mark.parametrize("query, entry", [
    ("npp", "npp"), ("Npp", "npp"), ("4-ap", "4-ap"), ("4-AP", "4-ap"), ("p2p", "p2p"),
    ("pmk", "pmk"), ("  BOC-4-piperidone ", "boc-4-piperidone"), ("79099-07-3", "boc-4-piperidone"),
])
def test_entry_ids_and_abbreviations_resolve_in_any_case(query, entry):
    assert resolve(query).entries == [entry]


def test_every_entry_id_resolves_to_itself():
    from precursor_watch.web.resolve import matcher

    for e in matcher().watchlist.entries:
        for q in (e.id, e.id.upper()):
            assert e.id in resolve(q).entries, q


@pytest.mark.parametrize("query, how", [
    ("npp", "entry id"), ("BMK", "abbreviation"), ("79099-07-3", "cas"),
    ("1-boc-4-piperidone", "name"), ("1-苯乙基-4-哌啶酮", "name"), ("4-苯胺基哌啶二盐酸盐", "name"),
])
def test_the_web_and_watchlist_show_share_one_exact_lookup(query, how):
    """The query box and `watchlist show` read a query with the one `Watchlist.lookup`: the
    same entries, and the page says how the query named them."""
    from precursor_watch.web.resolve import matcher

    r = resolve(query)
    assert r.entries == [e.id for e in matcher().watchlist.find(query)] != []
    assert r.how[0] == how
