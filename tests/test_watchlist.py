"""The shipped watchlist: sound data, sourced facts, and a validator that catches each defect."""

import csv
import shutil

import pytest
from click.testing import CliRunner

from chem.dictionary import default_dictionary
from chem.validate import cross_check, validate
from chem.watchlist import DATA_DIR, load_watchlist
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


def test_every_entry_is_sourced_and_versioned(wl):
    assert wl.version.startswith((DATA_DIR / "VERSION").read_text().strip() + "+")
    assert all(e.sources for e in wl.entries)


def test_strawberry_aldehyde_is_in_no_entry(wl):
    assert not [e.id for e in wl.entries if "77-83-8" in e.all_cas]
    names = {n.lower() for e in wl.entries for n in (e.name, *e.synonyms)}
    assert "ethyl methylphenylglycidate" not in names


@pytest.mark.parametrize(
    ("entry_id", "cas", "form"),
    [
        ("4-ap", "99918-43-1", "dihydrochloride"),
        ("pseudoephedrine", "345-78-8", "hydrochloride"),
        ("pseudoephedrine", "7460-12-0", "sulfate"),
        ("norephedrine", "3198-15-0", "hydrochloride"),
        ("methylamine", "593-51-1", "hydrochloride"),
        ("ergometrine", "129-51-1", "maleate"),
    ],
)
def test_salt_cas_numbers(wl, entry_id, cas, form):
    assert (cas, form) in wl.by_id()[entry_id].salt_cas


def test_names_that_denote_other_compounds_are_kept_out(wl):
    names = {n.lower() for e in wl.entries for n in (e.name, *e.synonyms)}
    assert "piperonylacetone" not in names  # 4-(1,3-benzodioxol-5-yl)butan-2-one, 55418-52-5
    zh = {n for e in wl.entries for n in e.names_zh}
    assert "苯丙酮" not in zh  # propiophenone in Chinese usage, not P2P
    # no parenthetical commentary like "(and salts)" left in synonyms
    assert not [n for e in wl.entries for n in e.synonyms if n.startswith("(") and n.endswith(")")]


def test_every_chinese_name_finds_its_entry(wl, matcher):
    for entry in wl.entries:
        for name in entry.names_zh:
            hits = {h.entry for h in matcher.match_text(name).hits}
            assert entry.id in hits, (entry.id, name, hits)


BREAKAGES = [
    ("smiles", "npp", "C1CC(", "does not parse"),
    ("inchikey", "npp", "YDJXNYNKKXZBMP-UHFFFAOYSA-X", "but the structure gives"),
    ("cas", "npp", "39742-60-5", "fails the CAS check digit"),
    ("cas", "anpp", "39742-60-4", "also belongs to"),
    ("id", "anpp", "npp", "used by 2 entries"),
    ("regimes", "npp", "UN-I;XX-9", "unknown regime code"),
    ("tier", "npp", "dangerous", "is not one of"),
    ("sources", "npp", "", "no source"),
    ("salt_cas", "4-ap", "99918-43-1", "has no form"),
    ("names_zh", "npp", "N-苯乙基-4-哌啶酮盐酸盐", "carries salt words"),
    ("synonyms", "anpp", "1-phenethyl-4-piperidone", "also names"),
    ("abbreviations", "anpp", "NPP", "also names"),
    ("family", "npp", "opioids", "unknown family"),
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
    ("query", "entry_id"),
    [
        ("npp", "npp"),
        ("39742 60 4", "npp"),  # CAS written with spaces
        ("99918-43-1", "4-ap"),  # a salt CAS
        ("4-ANPP", "anpp"),  # abbreviation
        ("N-苯乙基-4-哌啶酮", "npp"),  # Chinese name
        ("1-Boc-4-Piperidone", "boc-4-piperidone"),  # synonym, other case
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
def test_show_finds_entries(query, entry_id):
    result = CliRunner().invoke(main, ["watchlist", "show", query, "--json"])
    assert result.exit_code == 0, result.output
    import json

    assert [e["id"] for e in json.loads(result.output)] == [entry_id]


def test_show_prints_every_field_readably():
    result = CliRunner().invoke(main, ["watchlist", "show", "NPP"])
    assert result.exit_code == 0, result.output
    for text in ("npp", "N-Phenethyl-4-piperidone", "39742-60-4", "YDJXNYNKKXZBMP-UHFFFAOYSA-N",
                 "N-苯乙基-4-哌啶酮", "UN-I (1988 UN Convention, Table I)", "CA-VI-A (Canada",
                 "precursor", "https://", "designer target"):
        assert text in result.output, text


def test_show_unknown_exits_1():
    result = CliRunner().invoke(main, ["watchlist", "show", "water"])
    assert result.exit_code == 1
    assert "no watchlist entry" in result.output


def test_list_prints_every_entry(wl):
    result = CliRunner().invoke(main, ["watchlist", "list"])
    assert result.exit_code == 0
    assert len(result.output.strip().splitlines()) == len(wl.entries) + 1


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
