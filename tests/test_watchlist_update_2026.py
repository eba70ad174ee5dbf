"""Watchlist 2026.12.1: the 2025-2026 scheduling changes are found, their near isomers are not,
the cyclic beta-keto esters trace back to NPP, and the history and regime dates are checked."""

from __future__ import annotations

import csv
import datetime as dt
import shutil

import pytest
from click.testing import CliRunner

from chem.changelog import changes_since, replay
from chem.data_files import DATA_DIR
from chem.validate import months_before, staleness, validate
from chem.watchlist import load_watchlist
from precursor_watch.cli import main

# entry id -> (InChIKey, a name vendors use, verified CAS or None, SMILES)
NEW = {
    "m-chloropropiophenone": ("PQWGFUFROKIJBO-UHFFFAOYSA-N", "m-Chloropropiophenone 99%",
                              "34841-35-5", "CCC(=O)c1cccc(Cl)c1"),
    "2-bromo-m-chloropropiophenone": ("OFNMQTRHMBQQEA-UHFFFAOYSA-N",
                                      "2-Bromo-3'-chloropropiophenone", None,
                                      "CC(Br)C(=O)c1cccc(Cl)c1"),
    "m-methylpropiophenone": ("QHVNQIJBHWOZRJ-UHFFFAOYSA-N", "3'-Methylpropiophenone",
                              "51772-30-6", "CCC(=O)c1cccc(C)c1"),
    "2-bromo-m-methylpropiophenone": ("QGGNDYQVUDZPJB-UHFFFAOYSA-N",
                                      "2-Bromo-3'-methylpropiophenone", None,
                                      "Cc1cccc(C(=O)C(C)Br)c1"),
    "p-methylpropiophenone": ("PATYHUUYADUHQS-UHFFFAOYSA-N", "4'-Methylpropiophenone",
                              "5337-93-9", "CCC(=O)c1ccc(C)cc1"),
    "2-bromo-p-methylpropiophenone": ("OZLUPIIIHOOPNQ-UHFFFAOYSA-N",
                                      "2-bromo-4-methylpropiophenone in stock", None,
                                      "Cc1ccc(C(=O)C(C)Br)cc1"),
    "p-chloropropiophenone": ("ADCYRBXQAJXJTD-UHFFFAOYSA-N", "4'-Chloropropiophenone",
                              "6285-05-8", "CCC(=O)c1ccc(Cl)cc1"),
    "2-bromo-p-chloropropiophenone": ("SAKMPXRILWVZEG-UHFFFAOYSA-N",
                                      "2-Bromo-4'-chloropropiophenone", None,
                                      "CC(Br)C(=O)c1ccc(Cl)cc1"),
    "p2np": ("WGSVFWFSJDAYBM-UHFFFAOYSA-N", "1-Phenyl-2-nitropropene", "705-60-2",
             "C/C(=C\\c1ccccc1)[N+](=O)[O-]"),
    "phenethyl-chloride": ("MNNZINNZIQVULG-UHFFFAOYSA-N", "Phenethyl chloride", "622-24-2",
                           "ClCCc1ccccc1"),
    "phenethyl-iodide": ("KVTHPKXDLVYNCH-UHFFFAOYSA-N", "2-Phenylethyl iodide", "17376-04-4",
                         "ICCc1ccccc1"),
}


def _hits(matcher, listing: dict) -> dict[str, object]:
    return {h.entry: h for h in matcher.match_listing({"id": "t", **listing}).hits}


@pytest.mark.parametrize("entry_id", sorted(NEW))
def test_new_substance_found_by_name(matcher, entry_id):
    key, name, _, _ = NEW[entry_id]
    hits = _hits(matcher, {"title": name})
    assert entry_id in hits and hits[entry_id].inchikey == key
    assert hits[entry_id].match == "name"


@pytest.mark.parametrize("entry_id", sorted(e for e, v in NEW.items() if v[2]))
def test_new_substance_found_by_verified_cas(matcher, entry_id):
    key, _, cas, _ = NEW[entry_id]
    hits = _hits(matcher, {"title": "Factory supply, best price", "cas": cas})
    assert list(hits) == [entry_id] and hits[entry_id].match == "cas"
    assert hits[entry_id].inchikey == key


@pytest.mark.parametrize("entry_id", sorted(NEW))
def test_new_substance_found_by_smiles(matcher, entry_id):
    key, _, _, smiles = NEW[entry_id]
    hits = _hits(matcher, {"smiles": smiles})
    # (E)-P2NP, as sold, differs from the stereo-free entry only in stereo: a parent match
    assert hits[entry_id].match == ("parent" if "/" in smiles else "exact")
    assert hits[entry_id].inchikey == key


@pytest.mark.parametrize("title", [
    "3'-Chloropropiophenone",  # the name Delegated Regulation (EU) 2026/314 uses
    "3\u2032-Chloropropiophenone 98%",  # a typographic prime
    "m-Chloropropiophenone; 3'-chloropropiophenone, 99%",
])
def test_primed_locant_names_the_ring_isomer(matcher, title):
    # name_key drops primes, and the plain key "3-chloropropiophenone" is 936-59-4 (unlisted):
    # the primed spelling must still reach the listed 3'-chloro compound.
    hits = _hits(matcher, {"title": title})
    assert hits["m-chloropropiophenone"].inchikey == "PQWGFUFROKIJBO-UHFFFAOYSA-N"


def test_unverified_bromo_cas_numbers_are_left_out():
    wl = load_watchlist()
    for entry_id in ("2-bromo-m-methylpropiophenone", "2-bromo-p-methylpropiophenone",
                     "2-bromo-p-chloropropiophenone"):
        entry = wl.by_id()[entry_id]
        assert entry.cas == () and "unverified" in entry.notes
    # 2026.12.2 (issue 17): two independent sources, and their IUPAC name's structure is the row's
    bromo = wl.by_id()["2-bromo-m-chloropropiophenone"]
    assert bromo.cas == ("34911-51-8",) and "chemblink.com" in " ".join(bromo.sources)
    assert "benchchem.com" in " ".join(bromo.sources)


def test_p2np_abbreviation(matcher):
    hits = _hits(matcher, {"title": "P2NP yellow crystals, 1 kg"})
    assert hits["p2np"].match == "abbreviation"


@pytest.mark.parametrize(
    "listing",
    [
        {"title": "Propiophenone"},
        {"title": "2'-Chloropropiophenone"},
        {"smiles": "CCC(=O)c1ccccc1Cl"},  # 2'-chloropropiophenone
        {"title": "4'-Methoxypropiophenone"},
        {"title": "4-Methoxypropiophenone", "cas": "121-97-1"},
        {"title": "2'-Methylpropiophenone"},
        {"title": "4'-Fluoropropiophenone"},
        pytest.param({"title": "4'-Ethylpropiophenone"}, marks=pytest.mark.opsin),
        {"title": "3',4'-Dichloropropiophenone"},
        {"title": "4'-Methylacetophenone"},
        {"title": "2-Bromopropiophenone"},  # a cathinone precursor, but not in 2026/314
        pytest.param({"title": "2-Bromo-4'-methoxypropiophenone"}, marks=pytest.mark.opsin),
        {"title": "2-Bromo-2'-chloropropiophenone"},
        # 3-chloro-1-phenylpropan-1-one (beta-chloro), which the table calls 3-chloropropiophenone
        {"title": "3-Chloropropiophenone", "cas": "936-59-4"},
        {"title": "3-Chloropropiophenone"},
        {"title": "beta-Nitrostyrene"},
        {"smiles": "O=[N+]([O-])/C=C/c1ccccc1"},  # beta-nitrostyrene
        {"title": "(1-Chloroethyl)benzene"},
        {"title": "4-Chlorobutyrophenone"},
    ],
)
def test_unlisted_near_isomers_stay_quiet(matcher, listing):
    assert _hits(matcher, listing) == {}


NPP = "YDJXNYNKKXZBMP-UHFFFAOYSA-N"


@pytest.mark.parametrize(
    ("listing", "entry", "inchikey", "step"),
    [
        ({"smiles": "COC(=O)C1CN(CCc2ccccc2)CCC1=O"}, "npp", NPP,
         "cyclic-beta-keto-decarboxylation"),  # methyl ester
        ({"smiles": "CCOC(=O)C1CN(CCc2ccccc2)CCC1=O"}, "npp", NPP,
         "cyclic-beta-keto-decarboxylation"),  # ethyl ester
        ({"smiles": "CCOC(=O)C1CN(CCc2ccccc2)CCC1=O.Cl"}, "npp", NPP,
         "cyclic-beta-keto-decarboxylation"),  # its hydrochloride
        ({"smiles": "CC(C)(C)OC(=O)C1CN(CCc2ccccc2)CCC1=O"}, "npp", NPP,
         "cyclic-beta-keto-decarboxylation"),  # tert-butyl ester
        ({"smiles": "OC(=O)C1CN(CCc2ccccc2)CCC1=O"}, "npp", NPP,
         "cyclic-beta-keto-decarboxylation"),  # the acid
        ({"smiles": "CCOC(=O)C1=C(O)CCN(CCc2ccccc2)C1"}, "npp", NPP,
         "cyclic-beta-keto-enol-decarboxylation"),  # drawn as the enol
        pytest.param({"name": "methyl 4-oxo-1-(2-phenylethyl)piperidine-3-carboxylate"}, "npp",
                     NPP, "cyclic-beta-keto-decarboxylation",
                     marks=pytest.mark.opsin),  # by name, through OPSIN
        ({"smiles": "CCOC(=O)C1CN(CCc2ccc(F)cc2)CCC1=O"}, "npp", NPP,
         "aryl-defluorination then cyclic-beta-keto-decarboxylation"),
        ({"smiles": "CCOC(=O)C1CN(Cc2ccccc2)CCC1=O"}, "1-benzyl-4-piperidone",
         "SJZKULRDWHPHGG-UHFFFAOYSA-N", "cyclic-beta-keto-decarboxylation"),
    ],
)
def test_cyclic_beta_keto_ester_traces_back_to_its_ketone(matcher, listing, entry, inchikey,
                                                          step):
    hit = _hits(matcher, listing)[entry]
    assert hit.match == "designer" and hit.inchikey == inchikey
    assert step in hit.evidence


@pytest.mark.parametrize(
    "smiles",
    [
        "CCOC(=O)C1CCN(CCc2ccccc2)CC1=O",  # 3-oxo-4-carboxylate: gives the 3-piperidone
        "CCOC(=O)C1CC(=O)CCN1CCc1ccccc1",  # 4-oxo-2-carboxylate: a gamma-keto ester
        "CCOC(=O)C1CN(CCc2ccccc2)CCC1O",  # 4-hydroxy, no ketone
        "CCOC(=O)C1(C)CN(CCc2ccccc2)CCC1=O",  # 3-methyl: gives 3-methyl-NPP
        "CCOC(=O)C1CCCCC1=O",  # ethyl 2-oxocyclohexanecarboxylate
        "CCOC(=O)CCN(CCC(=O)OCC)CCc1ccccc1",  # the open-chain diester
        "CCOC(=O)C1CCN(CCc2ccccc2)CC1",  # ethyl 1-phenethylpiperidine-4-carboxylate
    ],
)
def test_near_miss_keto_esters_stay_quiet(matcher, smiles):
    hits = _hits(matcher, {"smiles": smiles})
    assert not any(h.match == "designer" for h in hits.values()), hits


# ---------------------------------------------------------------- the data and its history

def test_validate_passes_on_the_shipped_data():
    wl = load_watchlist()
    assert validate(wl) == []
    result = CliRunner().invoke(main, ["watchlist", "validate", "--today", "2026-12-07"])
    assert result.exit_code == 0, result.output
    assert "107 entries" in result.output and "0 problems, 0 warnings" in result.output


def test_regime_updates():
    wl = load_watchlist()
    entries = wl.by_id()
    assert set(entries["propionyl-chloride"].regimes) == {"CA-VI-A", "US-ListI"}
    for eid in ("propionic-anhydride", "phenethyl-bromide", "benzyl-chloride"):
        assert "CA-VI-listed" in entries[eid].regimes
    assert not [e.id for e in wl.entries if "CA-V-temp" in e.regimes]
    assert "CN-2" in entries["4-piperidone"].regimes
    assert "CN-2" in entries["boc-4-piperidone"].regimes
    assert "CN-EXP-NA" in wl.regimes
    assert all(wl.regimes[c].last_checked for c in wl.regimes)


def test_history_replays_to_the_current_data():
    wl = load_watchlist()
    state = replay(wl.changelog)
    assert state.problems == []
    assert state.entries == {e.id: set(e.regimes) for e in wl.entries}
    old = replay(wl.changelog, upto="2026.11.2")
    assert len(old.entries) == 96 and "p2np" not in old.entries
    assert old.entries["propionyl-chloride"] == {"CA-VI-A", "US-proposed"}


def test_watchlist_changes_shows_this_update():
    newest = CliRunner().invoke(main, ["watchlist", "changes"])
    assert newest.output.splitlines()[0] == "2026.12.2 (2026-12-07): 1 regime codes"
    assert any(line.startswith("  + regime code US-SSL") for line in newest.output.splitlines())
    result = CliRunner().invoke(main, ["watchlist", "changes", "--since", "2026.11.2"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert ("2026.12.1 (2026-12-01): 11 added, 6 regime changes, 2 regime codes, "
            "2 transforms") in lines
    assert any(line.startswith("  + p2np  Phenyl-2-nitropropene  (EU-1)") for line in lines)
    assert any(line.startswith("  ~ propionyl-chloride  Propionyl chloride: regimes "
                               "+US-ListI;-US-proposed") for line in lines)
    assert any(line.startswith("  + regime code CN-EXP-NA") for line in lines)
    assert "no changes after 2026.12.2" in CliRunner().invoke(
        main, ["watchlist", "changes", "--since", "2026.12.2"]).output
    bad = CliRunner().invoke(main, ["watchlist", "changes", "--since", "2020.1"])
    assert bad.exit_code == 1 and "known: 2026.11.2, 2026.12.1, 2026.12.2" in bad.output


def test_changes_as_json():
    import json

    result = CliRunner().invoke(main, ["watchlist", "changes", "--json", "--since", "2026.11.2"])
    data = json.loads(result.output)
    by_version = {v["version"]: v for v in data}
    added = [c["subject"] for c in by_version["2026.12.1"]["changes"] if c["change"] == "added"]
    assert len(added) == 11 and "phenethyl-iodide" in added
    assert [v.version for v in changes_since(load_watchlist().changelog)] == ["2026.12.2"]


def _copy_with(tmp_path, file: str, edit) -> str:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    path = data / file
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields, rows = reader.fieldnames, list(reader)
    rows = edit(rows)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return str(data)


@pytest.mark.parametrize(
    ("file", "edit", "message"),
    [
        # a row added without recording it in the history
        ("changelog.csv", lambda rows: [r for r in rows if r["subject"] != "p2np"],
         "never added in the history"),
        # a regime changed in the data but not in the history
        ("changelog.csv", lambda rows: [r for r in rows if r["subject"] != "4-piperidone"
                                        or r["change"] != "regimes"],
         "but the history gives"),
        ("changelog.csv", lambda rows: rows + [dict(rows[-1], change="renamed")],
         "unknown change 'renamed'"),
        ("changelog.csv", lambda rows: [dict(r, version="2026.12.1") if r["version"] ==
                                        "2026.12.2" else r for r in rows],
         "newest version in the history is 2026.12.1"),
        ("regimes.csv", lambda rows: [r for r in rows if r["code"] != "CN-EXP-NA"],
         "regime code in the history but not in regimes.csv"),
        ("regimes.csv", lambda rows: [dict(r, last_checked="soon") if r["code"] == "EU-1"
                                      else r for r in rows], "is not a date"),
        ("watchlist.csv", lambda rows: [r for r in rows if r["id"] != "p2np"],
         "in the history but not in watchlist.csv"),
    ],
)
def test_history_and_regime_defects_are_reported(tmp_path, file, edit, message):
    data = _copy_with(tmp_path, file, edit)
    problems = validate(load_watchlist(data))
    assert any(message in p.message for p in problems), problems
    result = CliRunner().invoke(main, ["watchlist", "validate", "--no-cross-check",
                                       "--data-dir", data])
    assert result.exit_code == 1 and message in result.output


@pytest.mark.parametrize(
    ("today", "stale"),
    [
        ("2026-12-07", set()),
        ("2027-05-22", set()),  # exactly six months after the 2026-11-22 checks
        ("2027-05-23", {"US-ListII", "US-CII-IP", "US-proposed", "EU-2A", "EU-2B", "EU-3",
                        "EU-4", "EU-listed", "CN-1", "CN-3", "CN-listed", "VN-IVA"}),
        ("2027-06-02", {"US-ListII", "US-CII-IP", "US-proposed", "EU-2A", "EU-2B", "EU-3",
                        "EU-4", "EU-listed", "CN-1", "CN-3", "CN-listed", "VN-IVA", "UN-I",
                        "UN-II", "US-ListI", "EU-1", "CA-VI-A", "CA-VI-B", "CA-VI-listed",
                        "CA-V-temp", "CN-2", "CN-EXP-NA"}),
        ("2027-06-08", {"US-ListII", "US-CII-IP", "US-proposed", "EU-2A", "EU-2B", "EU-3",
                        "EU-4", "EU-listed", "CN-1", "CN-3", "CN-listed", "VN-IVA", "UN-I",
                        "UN-II", "US-ListI", "EU-1", "CA-VI-A", "CA-VI-B", "CA-VI-listed",
                        "CA-V-temp", "CN-2", "CN-EXP-NA", "US-SSL"}),
    ],
)
def test_staleness_warnings_depend_on_the_date_passed_in(today, stale):
    warnings = staleness(load_watchlist(), dt.date.fromisoformat(today))
    assert {w.field for w in warnings} == stale
    assert all("more than 6 months" in w.message for w in warnings)


def test_stale_regimes_warn_without_failing_validate():
    result = CliRunner().invoke(main, ["watchlist", "validate", "--no-cross-check",
                                       "--today", "2027-12-01"])
    assert result.exit_code == 0
    assert "warning: regimes.csv: CN-2: last checked 2026-12-01" in result.output
    assert "0 problems, 23 warnings" in result.output


def test_a_check_dated_after_today_is_a_warning():
    warnings = staleness(load_watchlist(), dt.date(2026, 11, 30))
    assert {w.field for w in warnings} >= {"EU-1", "CN-2"}
    assert all("after 2026-11-30" in w.message for w in warnings)


@pytest.mark.parametrize(
    ("day", "expected"),
    [("2027-05-22", "2026-11-22"), ("2026-08-31", "2026-02-28"), ("2024-08-31", "2024-02-29"),
     ("2027-01-15", "2026-07-15")],
)
def test_months_before(day, expected):
    assert months_before(dt.date.fromisoformat(day), 6) == dt.date.fromisoformat(expected)
