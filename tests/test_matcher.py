"""Listing -> watchlist hits: a table of how vendors write, and of what must not hit."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from precursor_watch.cli import main

NPP = "YDJXNYNKKXZBMP"
ANPP = "ZCMDXDQUYIWEKB"
FOUR_AP = "LKRMTUUCKBQGFO"
BOC_4AP = "HTIWISWAPVQGMI"
NORFENTANYL = "PMCBDBWCQQBSRJ"
BOC_PIPERIDONE = "ROUYFJUVMYHXFJ"
PIPERIDONE = "VRJHQPZVIGNGMX"
BMK_ACID = "UPEAOFCHTFWNFG"
PMK_ETHYL = "BRILFEZHPXQINW"
PMK_METHYL = "NEWFBAYQRLTJTP"
P2P = "QCCDLTOVEPVEJK"
PIPERONAL = "SATCULPHIDQDRE"
PROPIONIC_ANHYDRIDE = "WYVAMUWZEOHJOQ"


def blocks(matcher, **listing):
    result = matcher.match_listing({"id": "t", **listing})
    return {h.inchikey[:14]: h.match for h in result.hits}


@pytest.mark.parametrize(
    ("listing", "block", "kinds"),
    [
        ({"cas": "39742-60-4"}, NPP, {"cas"}),
        ({"title": "Spec: CAS:39742 60 4, white powder"}, NPP, {"cas"}),
        ({"title": "Top quality NPP, safe shipping"}, NPP, {"abbreviation"}),
        ({"title": "Buy 4-ANPP online"}, ANPP, {"abbreviation"}),
        ({"title": "1-(2-phenylethyl)piperidin-4-one / fast delivery"}, NPP, {"name"}),
        ({"title": "4-piperidinamine,n-phenyl- 99%"}, FOUR_AP, {"name"}),  # PubChem synonym
        ({"title": "Norfentanyl HCl"}, NORFENTANYL, {"name"}),
        ({"title": "Factory supply Norfentany with best price"}, NORFENTANYL, {"fuzzy_name"}),
        ({"title": "rPopionic anhydride"}, PROPIONIC_ANHYDRIDE, {"fuzzy_name"}),
        ({"title": "Pipeрonal 99%"}, PIPERONAL, {"name", "fuzzy_name"}),  # Cyrillic er
        ({"title": "1-T-Boc-4-Piperidone"}, BOC_PIPERIDONE, {"name"}),
        ({"title": "CAS 28578 PMK powder"}, PMK_ETHYL, {"partial_cas"}),
        ({"smiles": "O=C1CCN(CCc2ccccc2)CC1"}, NPP, {"exact"}),
        ({"smiles": "O=C1CCN(CCc2ccccc2)CC1.Cl"}, NPP, {"parent"}),
        ({"smiles": "OC1(O)CCNCC1.Cl"}, PIPERIDONE, {"parent"}),
        ({"description": "InChIKey YDJXNYNKKXZBMP-UHFFFAOYSA-N"}, NPP, {"inchikey"}),
        pytest.param({"name": "tert-butyl 4-[phenyl(propanoyl)amino]piperidine-1-carboxylate"},
                     NORFENTANYL, {"designer"}, marks=pytest.mark.opsin),
        ({"name": "ethyl 3-oxo-2-phenylbutanoate"}, P2P, {"designer"}),
        # a trade-name systematic name: rewritten for OPSIN (glycidate, methylenedioxyphenyl)
        pytest.param({"title": "methyl 2-methyl-3-(3,4-methylenedioxyphenyl)glycidate"},
                     PMK_METHYL, {"name"}, marks=pytest.mark.opsin),
        ({"title": "Precio de fábrica", "description": "4-anilinopiperidina 99%"}, FOUR_AP,
         {"name", "fuzzy_name"}),
    ],
)
def test_listing_hits(matcher, listing, block, kinds):
    found = blocks(matcher, **listing)
    assert block in found, found
    assert found[block] in kinds


@pytest.mark.parametrize(
    "listing",
    [
        {"title": "Ethyl methylphenylglycidate (strawberry aldehyde)", "cas": "77-83-8"},
        {"title": "Piperine 98% black pepper extract"},
        {"title": "Piperonyl butoxide 95%", "cas": "51-03-6"},
        {"title": "Sesamol 99%", "cas": "533-31-3"},
        {"title": "Fentanyl test strip kit"},
        {"title": "4-Aminopyridine, 4-AP, fampridine"},
        {"title": "ethyl methyl ketone azine 99% min, 25kg drum"},
        {"title": "tert-butyl pyrrolidine-1-carboxylate"},
        {"title": "n-aethylacetamid", "cas": "625-50-3"},
        {"smiles": "C1COCCC1=O"},
        {"title": "High purity 1,14-tetradecanediol"},
    ],
)
def test_lookalikes_do_not_hit(matcher, listing):
    assert blocks(matcher, **listing) == {}


def test_hit_carries_entry_name_inchikey_score_evidence(matcher):
    result = matcher.match_listing({"id": "x", "title": "NPP 99%", "cas": "39742-60-4"})
    hit = next(h for h in result.hits if h.inchikey.startswith(NPP))
    assert hit.entry and hit.name
    assert len(hit.inchikey) == 27
    assert 0.95 < hit.score <= 1.0  # two routes (CAS and abbreviation) combine
    assert "39742-60-4" in hit.evidence


def test_bad_identifiers_are_errors_and_the_rest_still_matches(matcher):
    result = matcher.match_listing(
        {"id": "x", "title": "Norfentanyl", "cas": "1609-66-5", "smiles": "C1CC("}
    )
    assert any("1609-66-5" in e for e in result.errors)
    assert any("unparsable" in e for e in result.errors)
    assert NORFENTANYL in {h.inchikey[:14] for h in result.hits}


def test_substances_are_resolved_for_non_hits(matcher):
    result = matcher.match_listing({"id": "x", "title": "Acetophenone 99%"})
    assert result.hits == []
    assert {s.inchikey for s in result.substances} == {"KWOLFJPFCHCOCG-UHFFFAOYSA-N"}


def test_huge_hostile_description_does_not_stop_matching(matcher):
    junk = "CAS 39742-60-4 " + "<script>alert(1)</script> 2024-01-01 " * 20_000
    result = matcher.match_listing({"id": "x", "title": "x", "description": junk})
    assert NPP in {h.inchikey[:14] for h in result.hits}


def test_match_jsonl_protocol_with_a_malformed_line(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(
        json.dumps({"id": "a", "title": "Buy ANPP online"}) + "\n"
        + "{not json\n"
        + json.dumps({"id": "c", "title": "Sodium chloride"}) + "\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["match", str(src)])
    assert result.exit_code == 3  # answered; one line could not be read
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    by_id = {line["id"]: line for line in lines}
    assert [h["inchikey"][:14] for h in by_id["a"]["hits"]] == [ANPP]
    assert set(by_id["a"]["hits"][0]) == {"entry", "name", "inchikey", "match", "score",
                                          "evidence", "source_field", "role", "cas_conflict"}
    assert by_id["a"]["hits"][0]["source_field"] == "title"
    assert by_id["a"]["mentions"] == []
    assert "line 2" in by_id["line-2"]["error"]
    assert by_id["c"]["hits"] == []


def test_match_text_prints_a_table():
    result = CliRunner().invoke(main, ["match", "--text", "1-boc-4-AP 99% CAS 125541-22-2"])
    assert result.exit_code == 0
    assert "HTIWISWAPVQGMI-UHFFFAOYSA-N" in result.stdout
    assert "cas" in result.stdout


@pytest.mark.subprocess
def test_match_without_java_warns_once_and_carries_on(tmp_path):
    env = {**os.environ, "PATH": str(Path(sys.executable).parent)}
    feed = "\n".join(
        json.dumps({"id": str(i), "name": f"benzyl 4-anilinopiperidine-1-carboxylate {i}"})
        for i in range(3)
    ) + "\n" + json.dumps({"id": "npp", "cas": "39742-60-4"}) + "\n"
    proc = subprocess.run(
        [sys.executable, "-m", "precursor_watch", "match"], input=feed, capture_output=True,
        text=True, env=env, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.count("without OPSIN") == 1
    out = {json.loads(line)["id"]: json.loads(line) for line in proc.stdout.splitlines()}
    assert out["npp"]["hits"][0]["inchikey"].startswith(NPP)


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        ("cloruro de propionilo", "propionyl-chloride"),  # Spanish "de" is part of the name
        ("N Boc 4-piperidone", "boc-4-piperidone"),  # a space instead of a hyphen after N
    ],
)
def test_spelling_variants_hit(matcher, text, entry):
    assert entry in {h.entry for h in matcher.match_text(text).hits}


@pytest.mark.parametrize("text", ["1,3-butanodiol 99%", "2,3-butanediol food grade"])
def test_fuzzy_matching_never_changes_locants(matcher, text):
    assert "butanediol" not in {h.entry for h in matcher.match_text(text).hits}
