"""`precursor-watch watchlist show | list`: find an entry under any of its names or numbers."""

import json

import pytest
from click.testing import CliRunner

from chem.watchlist import load_watchlist
from precursor_watch.cli import main


def _run(*args: str):
    return CliRunner().invoke(main, ["watchlist", *args])


@pytest.mark.parametrize(
    ("query", "entry_id"),
    [
        ("npp", "npp"),  # id
        ("4-AP", "4-ap"),  # id, other case (also an abbreviation)
        ("39742 60 4", "npp"),  # CAS written with spaces
        ("CAS 39742-60-4", "npp"),
        ("99918-43-1", "4-ap"),  # a salt CAS
        ("4-ANPP", "anpp"),  # abbreviation
        ("mdp2p", "pmk"),  # abbreviation, other case
        ("N-苯乙基-4-哌啶酮", "npp"),  # Chinese name
        ("麻黄碱", "ephedrine"),
        ("1-Boc-4-Piperidone", "boc-4-piperidone"),  # synonym, other case
        ("N-BOC-4-piperidone", "boc-4-piperidone"),  # N-/1-Boc spellings unified
        ("Phenyl 2 Propanone", "p2p"),  # punctuation-insensitive
        ("fenilacetona", "p2p"),  # Spanish
        ("593-51-1", "methylamine"),  # a salt CAS
        ("CAS No. 3867150", "pcc"),  # CAS run together
        ("PMK", "pmk"),
        ("黄樟素", "safrole"),
        ("seudoefedrina", "pseudoephedrine"),  # Spanish name
        ("Norfentanyl HCl", "norfentanyl"),  # salt words ignored
        ("4-苯胺基哌啶二盐酸盐", "4-ap"),
        ("4-Piperidone hydrochloride monohydrate", "4-piperidone"),
    ],
)
def test_show_finds_the_entry(query, entry_id):
    result = _run("show", query, "--json")
    assert result.exit_code == 0, result.output
    assert [e["id"] for e in json.loads(result.output)] == [entry_id]


def test_show_prints_every_field_readably():
    result = _run("show", "NPP")
    assert result.exit_code == 0, result.output
    out = result.output
    for text in ("N-Phenethyl-4-piperidone", "39742-60-4", "YDJXNYNKKXZBMP-UHFFFAOYSA-N",
                 "C13H17NO", "UN-I", "US-ListI", "N-苯乙基-4-哌啶酮", "precursor",
                 "https://www.un-ilibrary.org/content/books/9789210056762c004", "npp",
                 "UN-I (1988 UN Convention, Table I)", "CA-VI-A (Canada", "designer target"):
        assert text in out, text
    assert "regimes" in out and "sources" in out


def test_show_json_round_trips_the_entry():
    result = _run("show", "4-ap", "--json")
    [entry] = json.loads(result.output)
    assert entry["cas"] == ["23056-29-3"]
    assert ["99918-43-1", "dihydrochloride"] in entry["salt_cas"]
    assert "UN-I" in entry["regimes"]


@pytest.mark.parametrize("query", ["water", "7732-18-5", "39742-60-5", "哌啶酮酸"])
def test_show_unknown_exits_1(query):
    result = _run("show", query)
    assert result.exit_code == 1
    assert "no watchlist entry matches" in result.output


def test_list_prints_every_entry():
    wl = load_watchlist()
    result = _run("list")
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert len(lines) == len(wl.entries) + 1
    npp = next(line for line in lines if line.startswith("npp "))
    assert "precursor" in npp and "fentanyl" in npp and "UN-I" in npp
    assert "N-Phenethyl-4-piperidone" in npp
    assert lines[-1].endswith(f"{len(wl.entries)} entries")
