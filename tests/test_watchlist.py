"""The watchlist validator catches each defect; names that denote other compounds stay out.

Facts of the shipped data are in test_watchlist_data.py, the `watchlist` commands in
test_watchlist_cli.py."""

import csv
import shutil

import pytest
from click.testing import CliRunner

from chem.data_files import DATA_DIR
from chem.dictionary import default_dictionary
from chem.validate import cross_check, validate
from chem.watchlist import load_watchlist
from precursor_watch.cli import main


@pytest.fixture(scope="module")
def wl():
    return load_watchlist()


def test_names_that_denote_other_compounds_are_kept_out(wl):
    names = {n.lower() for e in wl.entries for n in (e.name, *e.synonyms)}
    assert "piperonylacetone" not in names  # 4-(1,3-benzodioxol-5-yl)butan-2-one, 55418-52-5
    zh = {n for e in wl.entries for n in e.names_zh}
    assert "苯丙酮" not in zh  # propiophenone in Chinese usage, not P2P
    # no parenthetical commentary like "(and salts)" left in synonyms
    assert not [n for e in wl.entries for n in e.synonyms if n.startswith("(") and n.endswith(")")]


# Defects test_validate.py breaks too (with where/field checked) are not repeated here.
BREAKAGES = [
    ("salt_cas", "4-ap", "99918-43-1", "has no form"),
    ("names_zh", "npp", "N-苯乙基-4-哌啶酮盐酸盐", "carries salt words"),
    ("synonyms", "anpp", "1-phenethyl-4-piperidone", "also names"),
    ("abbreviations", "anpp", "NPP", "also names"),
    ("sources", "npp", "https://example.org/a (INCB; 2017)", "unbalanced parentheses"),
    ("synonyms", "npp", "1-(2-phenylethyl;piperidin-4-one)", "unbalanced brackets"),
    # a valid CAS of another compound (piperonylacetone): caught by the PubChem-derived cross-check
    ("cas", "4-piperidone", "55418-52-5", "not this structure"),
    ("synonyms", "pmk", "piperonylacetone", "in the PubChem-derived table, not this structure"),
    ("names_other", "bmk-ethyl-glycidate", "ethyl methylphenylglycidate", "not this structure"),
]


@pytest.mark.parametrize(("field", "entry_id", "value", "message"), BREAKAGES)
def test_validator_reports_each_defect(tmp_path, field, entry_id, value, message):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    path = data / "watchlist.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    for row in rows:
        if row["id"] == entry_id:
            row[field] = value
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    wl = load_watchlist(data)
    problems = [str(p) for p in validate(wl) + cross_check(wl, default_dictionary())]
    assert any(message in p for p in problems), problems
    result = CliRunner().invoke(main, ["watchlist", "validate", "--data-dir", str(data)])
    assert result.exit_code == 1
    assert message in result.output


def test_shipped_cas_numbers_agree_with_the_offline_table(wl):
    assert cross_check(wl, default_dictionary()) == []


@pytest.mark.parametrize(
    ("file", "column", "value", "message"),
    [
        ("classes.csv", "smarts", "[C(", "SMARTS does not compile"),
        ("classes.csv", "entry", "no-such-entry", "unknown entry"),
        ("transforms.csv", "rxn", "[C:1(>>C", "reaction does not compile"),
        ("transforms.csv", "rxn", "[C:1].[N:2]>>[C:1][N:2]", "exactly one reactant"),
        ("classes.csv", "smarts", "O=C1CCOCC1", "does not match its own entry"),
        ("abbreviation_clashes.csv", "abbreviation", "XYZ", "no watchlist entry uses"),
        ("abbreviation_clashes.csv", "cas", "504-24-4", "fails the CAS check digit"),
        ("abbreviation_clashes.csv", "guard_terms", "", "no guard terms"),
    ],
)
def test_validator_checks_rules_and_transforms(tmp_path, file, column, value, message):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    path = data / file
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    rows[0][column] = value
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    problems = [str(p) for p in validate(load_watchlist(data))]
    assert any(message in p for p in problems), problems
    result = CliRunner().invoke(main, ["watchlist", "validate", "--data-dir", str(data)])
    assert result.exit_code == 1
    assert message in result.output


@pytest.mark.parametrize(
    ("args", "present", "absent"),
    [
        (["--tier", "reagent"], {"acetone", "gbl"}, {"npp", "4-piperidone"}),
        (["--family", "mdma"], {"pmk", "safrole"}, {"npp", "p2p"}),
        (["--regime", "EU"], {"npp", "red-phosphorus"}, {"cannabidiol"}),
        (["--regime", "UN-I"], {"npp"}, {"acetone"}),  # UN-I does not select UN-II
        (["--regime", "ca-vi-listed"], {"phenethyl-bromide", "phenethyl-iodide"}, {"npp"}),
        (["--regime", "CA-VI"], {"npp", "phenethyl-chloride"}, {"p2np"}),
        (["--designer", "--family", "fentanyl"], {"boc-4-ap", "cbz-4-piperidone"},
         {"piperidine", "propionyl-chloride"}),
    ],
)
def test_list_filters(args, present, absent):
    result = CliRunner().invoke(main, ["watchlist", "list", *args])
    assert result.exit_code == 0, result.output
    ids = {line.split()[0] for line in result.output.strip().splitlines()[:-1]}
    assert present <= ids
    assert not absent & ids


def test_show_reads_another_data_dir(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    path = data / "watchlist.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("N-苯乙基-4-哌啶酮", "测试名"),
                    encoding="utf-8")
    result = CliRunner().invoke(main, ["watchlist", "show", "测试名", "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    assert "39742-60-4" in result.output


@pytest.mark.parametrize(
    ("text", "entry_id", "hit"),
    [
        ("MAPA CAS 16648-44-5", "mapa", True),
        ("Mapa del sitio | Contacto", "mapa", False),  # Spanish "site map"
        ("PCC 1-piperidinocyclohexanecarbonitrile", "pcc", True),
        ("PCC precipitated calcium carbonate for paper", "pcc", False),
        ("PPA polyphthalamide resin, glass-filled", "norephedrine", False),
        ("4-AP (4-aminopyridine) 99%", "4-ap", False),
        ("2-甲基-3-苯基缩水甘油酸乙酯", "bmk-ethyl-glycidate", True),
        ("3-甲基-3-苯基缩水甘油酸乙酯 草莓醛", "bmk-ethyl-glycidate", False),  # strawberry aldehyde
        ("2-甲基-3-苯基缩水甘油酸钠盐", "bmk-glycidic-acid", True),
    ],
)
def test_names_and_clash_guards(matcher, text, entry_id, hit):
    assert (entry_id in {h.entry for h in matcher.match_text(text).hits}) is hit


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("delete", "watchlist.csv: file: missing"),
        ("header", "missing columns: smiles"),
        ("empty", "no entries"),
        ("latin1", "unreadable"),
    ],
)
def test_validate_reports_unloadable_data(tmp_path, damage, message):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    path = data / "watchlist.csv"
    text = path.read_text(encoding="utf-8")
    if damage == "delete":
        path.unlink()
    elif damage == "header":
        path.write_text(text.replace(",smiles,", ",smile,", 1), encoding="utf-8")
    elif damage == "empty":
        path.write_text(text.splitlines()[0] + "\n", encoding="utf-8")
    else:
        path.write_bytes(text.encode("utf-8") + "caf\u00e9".encode("latin-1"))
    result = CliRunner().invoke(main, ["watchlist", "validate", "--data-dir", str(data)])
    assert result.exit_code == 1
    assert message in result.output
    assert "cannot be loaded" in result.output
