"""The shipped watchlist: sound data, sourced facts, and Chinese names the matcher finds."""

import re

import pytest
from click.testing import CliRunner

from chem.data_files import DATA_DIR
from chem.validate import validate
from chem.watchlist import load_watchlist
from precursor_watch.cli import main


@pytest.fixture(scope="module")
def wl():
    return load_watchlist()


def test_shipped_watchlist_has_no_problems(wl):
    assert validate(wl) == []
    result = CliRunner().invoke(main, ["watchlist", "validate"])
    assert result.exit_code == 0, result.output
    assert "0 problems" in result.output


@pytest.mark.parametrize(
    ("entry_id", "cas", "inchikey"),
    [
        ("npp", "39742-60-4", "YDJXNYNKKXZBMP-UHFFFAOYSA-N"),
        ("anpp", "21409-26-7", "ZCMDXDQUYIWEKB-UHFFFAOYSA-N"),
        ("4-ap", "23056-29-3", "LKRMTUUCKBQGFO-UHFFFAOYSA-N"),
        ("norfentanyl", "1609-66-1", "PMCBDBWCQQBSRJ-UHFFFAOYSA-N"),  # not the published 1609-66-5
        ("boc-4-piperidone", "79099-07-3", "ROUYFJUVMYHXFJ-UHFFFAOYSA-N"),
        ("bmk-ethyl-glycidate", "41232-97-7", "PTJLNEHAZVPEFQ-UHFFFAOYSA-N"),
        ("pcc", "3867-15-0", "WWSAYKJWUZJLRT-UHFFFAOYSA-N"),  # CAS from the PubChem-derived table
        ("cbz-4-piperidone", "19099-93-5", "VZOVOHRDLOYBJX-UHFFFAOYSA-N"),
    ],
)
def test_key_facts(wl, entry_id, cas, inchikey):
    entry = wl.by_id()[entry_id]
    assert cas in entry.cas
    assert entry.inchikey == inchikey


@pytest.mark.parametrize(
    ("entry_id", "salt_cas", "form"),
    [
        ("4-ap", "99918-43-1", "dihydrochloride"),
        ("4-piperidone", "40064-34-4", "hydrochloride monohydrate"),
        ("bmk-glycidic-acid", "5449-12-7", "sodium salt"),
        ("pseudoephedrine", "345-78-8", "hydrochloride"),
        ("pseudoephedrine", "7460-12-0", "sulfate"),
        ("norephedrine", "3198-15-0", "hydrochloride"),
        ("methylamine", "593-51-1", "hydrochloride"),
        ("ergometrine", "129-51-1", "maleate"),
    ],
)
def test_salt_cas_numbers_are_kept_apart_from_the_parent(wl, entry_id, salt_cas, form):
    entry = wl.by_id()[entry_id]
    assert (salt_cas, form) in entry.salt_cas
    assert salt_cas not in entry.cas


def test_ids_the_class_rules_refer_to_exist(wl):
    ids = set(wl.by_id())
    assert {"4-ap", "4-piperidone", "bmk-glycidic-acid", "pmk-glycidic-acid",
            "3-oxo-2-phenylbutanoic-acid"} <= ids
    assert {rule.entry for rule in wl.classes} <= ids


def test_every_entry_is_sourced_and_versioned(wl):
    assert wl.version.startswith((DATA_DIR / "VERSION").read_text().strip() + "+")
    assert all(e.sources for e in wl.entries)


def test_synonyms_carry_no_commentary(wl):
    commentary = re.compile(r"\([^)]* [^)]*\)|\be\.g\.|=|\?")  # "(and salts)", "e.g.", ...
    for e in wl.entries:
        for name in (*e.synonyms, *e.names_other, *e.names_zh):
            assert not commentary.search(name), (e.id, name)


def test_strawberry_aldehyde_is_in_no_entry(wl):
    assert not [e.id for e in wl.entries if "77-83-8" in e.all_cas]
    names = {n.lower() for e in wl.entries for n in (e.name, *e.synonyms)}
    assert "ethyl methylphenylglycidate" not in names


def test_every_chinese_name_finds_its_entry(wl, matcher):
    for entry in wl.entries:
        for name in entry.names_zh:
            hits = {h.entry for h in matcher.match_text(name).hits}
            assert entry.id in hits, (entry.id, name, hits)


@pytest.mark.parametrize(
    "listing",
    [
        "4-Aminopyridine, 4-AP, fampridine",
        "PCC pyridinium chlorochromate oxidant",
        "MEK inhibitor trametinib",
    ],
)
def test_abbreviation_with_its_other_meaning_is_no_hit(matcher, listing):
    assert matcher.match_text(listing).hits == []


# Spanish names that the engine reads as a salt of something ("cloruro de", "de potasio"); they are
# kept because they are the standard names, and still shown by `watchlist show`.
READ_AS_SALTS = {"cloruro de propionilo", "cianuro de bencilo", "cloruro de bencilo",
                 "permanganato de potasio"}


def test_every_other_language_name_finds_its_entry(wl, matcher):
    for entry in wl.entries:
        for name in set(entry.names_other) - READ_AS_SALTS:
            hits = {h.entry for h in matcher.match_text(name).hits}
            assert entry.id in hits, (entry.id, name, hits)


# Unlisted compounds whose Spanish names are one or two letters away from a listed one: short
# Spanish names (piperidina, éter dietílico, ácido clorhídrico, ...) are left out of names_other
# because the fuzzy matcher would take these for them.
@pytest.mark.parametrize(
    "listing",
    ["piperazina", "éter dimetílico", "ácido fluorhídrico", "ácido sulfhídrico", "etilefedrina",
     "ácido bromhídrico", "ácido fosforoso", "metilisopropilcetona", "fenilacetonitrilo 2"],
)
def test_spanish_near_misses_are_no_hit(matcher, listing):
    assert matcher.match_text(listing).hits == []


@pytest.mark.parametrize(
    ("entry_id", "tier", "designer_target"),
    [
        ("npp", "precursor", True),
        ("4-piperidone", "pre-precursor", True),
        ("propionyl-chloride", "pre-precursor", False),
        ("phenethyl-bromide", "pre-precursor", False),
        ("bmk-methyl-glycidate", "precursor", True),
        ("acetone", "reagent", False),
        ("gbl", "reagent", False),
    ],
)
def test_tiers_and_designer_targets(wl, entry_id, tier, designer_target):
    entry = wl.by_id()[entry_id]
    assert (entry.tier, bool(entry.designer_target)) == (tier, designer_target)
