"""The validator: break one thing in a copy of the data, and that exact problem is reported."""

import csv
import shutil

import pytest
from click.testing import CliRunner

from chem.data_files import DATA_DIR
from chem.validate import Problem, validate
from chem.watchlist import load_watchlist
from precursor_watch.cli import main


def _broken_copy(tmp_path, file: str, change) -> str:
    """Copy chem/data to tmp_path and let `change` edit the rows of one CSV file."""
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    path = data / file
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    change(rows)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return str(data)


def _set(entry_id: str, field: str, value: str):
    def change(rows):
        for row in rows:
            if row["id"] == entry_id:
                row[field] = value

    return change


def _assert_reported(data: str, where: str, field: str, message: str) -> None:
    problems = validate(load_watchlist(data))
    assert any(p.where == where and p.field == field and message in p.message
               for p in problems), problems
    result = CliRunner().invoke(main, ["watchlist", "validate", "--data-dir", data])
    assert result.exit_code == 1
    assert message in result.output
    assert "problem" in result.output.splitlines()[-1]


ENTRY_BREAKAGES = [
    # (entry, field, new value, reported where, reported field, message)
    ("npp", "smiles", "C1CC(", "npp", "smiles", "does not parse"),
    ("npp", "smiles", "not a smiles at all", "npp", "smiles", "does not parse"),
    ("npp", "inchikey", "YDJXNYNKKXZBMP-UHFFFAOYSA-X", "npp", "inchikey",
     "but the structure gives"),
    ("npp", "formula", "C13H18NO", "npp", "formula", "but the structure gives"),
    ("npp", "cas", "39742-60-5", "npp", "cas", "fails the CAS check digit"),
    ("4-ap", "salt_cas", "99918-43-2=dihydrochloride", "4-ap", "cas",
     "fails the CAS check digit"),
    ("anpp", "cas", "39742-60-4", "anpp", "cas", "also belongs to npp"),
    ("anpp", "id", "npp", "npp", "id", "used by 2 entries"),
    ("npp", "regimes", "UN-I;XX-9", "npp", "regimes", "unknown regime code 'XX-9'"),
    ("npp", "tier", "dangerous", "npp", "tier", "is not one of"),
    ("npp", "family", "fentanyl;opioids", "npp", "family", "unknown family 'opioids'"),
    ("npp", "sources", "", "npp", "sources", "no source"),
]


@pytest.mark.parametrize(("entry_id", "field", "value", "where", "pfield", "message"),
                         ENTRY_BREAKAGES)
def test_each_entry_defect_is_reported(tmp_path, entry_id, field, value, where, pfield, message):
    data = _broken_copy(tmp_path, "watchlist.csv", _set(entry_id, field, value))
    _assert_reported(data, where, pfield, message)


def test_duplicate_structure_is_reported(tmp_path):
    npp = load_watchlist().by_id()["npp"]

    def change(rows):
        for row in rows:
            if row["id"] == "anpp":
                row.update(smiles=npp.smiles, inchikey=npp.inchikey, formula=npp.formula)

    data = _broken_copy(tmp_path, "watchlist.csv", change)
    _assert_reported(data, "anpp", "inchikey", "same structure as npp")


def test_stereoisomers_may_share_a_connectivity_block():
    wl = load_watchlist()
    ephedrines = [e.inchikey for e in wl.entries if e.id in ("ephedrine", "pseudoephedrine")]
    assert ephedrines[0][:14] == ephedrines[1][:14] and ephedrines[0] != ephedrines[1]
    assert not [p for p in validate(wl) if p.field == "inchikey"]


@pytest.mark.parametrize(
    ("file", "column", "value", "message"),
    [
        ("classes.csv", "smarts", "[C(", "SMARTS does not compile"),
        ("classes.csv", "entry", "no-such-entry", "unknown entry"),
        ("classes.csv", "regimes", "UN-I;XX-9", "unknown regime"),
        ("transforms.csv", "rxn", "[C:1(>>C", "reaction does not compile"),
        ("transforms.csv", "rxn", "[C:1].[N:2]>>[C:1][N:2]", "exactly one reactant"),
        ("abbreviation_clashes.csv", "cas", "504-24-6", "fails the CAS check digit"),
    ],
)
def test_rule_transform_and_clash_defects_are_reported(tmp_path, file, column, value, message):
    def change(rows):
        rows[0][column] = value

    data = _broken_copy(tmp_path, file, change)
    problems = validate(load_watchlist(data))
    assert any(p.where == file and message in p.message for p in problems), problems
    result = CliRunner().invoke(main, ["watchlist", "validate", "--data-dir", data])
    assert result.exit_code == 1
    assert message in result.output


def test_problem_reads_as_one_line():
    assert str(Problem("npp", "cas", "bad")) == "npp: cas: bad"
