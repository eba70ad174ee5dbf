"""Stages of chem/ on their own: CAS robustness, OPSIN failure isolation, bounded work,
knowledge from one data directory (version hash, nothing read at import), the match CLI."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from chem import opsin
from chem.cas import check_digit_ok, find_cas, find_partial_cas, format_cas, normalize_cas
from chem.data_files import DATA_DIR
from chem.knowledge import Knowledge, data_dir_hash, tool_versions
from chem.structures import StructureIndex
from precursor_watch.cli import main

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("text", ["CAS 0000000", "CAS 00000", "CAS No. 000000000", "CAS 0-00-0"])
def test_all_zero_cas_numbers_are_no_cas_and_never_raise(text):
    assert find_cas(text) == []
    assert find_partial_cas(text) == []
    assert normalize_cas(text) is None


@pytest.mark.parametrize("query", ["CAS 00000", "CAS 0000000"])
def test_watchlist_show_with_an_all_zero_cas(query):
    result = CliRunner().invoke(main, ["watchlist", "show", query])
    assert result.exit_code == 1
    assert "no watchlist entry matches" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.subprocess  # starts the OPSIN JVM
@pytest.mark.skipif(not opsin.available(), reason="needs Java for OPSIN")
def test_a_lone_surrogate_never_poisons_an_opsin_batch():
    names = ["1-(2-phenylethyl)piperidin-4-one", "bad \ud800 name", "propan-2-one"]
    got = opsin.names_to_smiles(names)
    assert got[names[0]] and got[names[2]]
    assert got[names[1]] is None
    assert names[1] not in opsin._cache  # unparsable input, not a cached answer


@pytest.mark.subprocess  # starts the OPSIN JVM
@pytest.mark.skipif(not opsin.available(), reason="needs Java for OPSIN")
def test_a_dead_opsin_process_loses_only_its_chunk_and_recovers():
    opsin.warm_up()
    opsin._worker.start()
    opsin._worker.proc.kill()  # the JVM dies under the matcher
    opsin._worker.proc.wait()
    fresh = "2-methyl-1-phenylpropan-1-one"
    first = opsin.names_to_smiles([fresh])
    assert fresh not in opsin._cache or first[fresh]  # a failure is never cached
    again = opsin.names_to_smiles([fresh])  # a fresh JVM answers
    assert again[fresh]


def test_one_bad_listing_does_not_fail_the_batch(matcher):
    results = matcher.match_many([
        {"id": "a", "title": "Piperidine \ud800 99%"},
        {"id": "b", "title": "N-phenethyl-4-piperidone"},
        {"id": "c", "smiles": "C1CC(" * 300},
    ])
    assert [r.id for r in results] == ["a", "b", "c"]
    assert {h.entry for h in results[1].hits} == {"npp"}
    assert results[2].errors


def test_designer_search_is_bounded_by_its_budget(matcher):
    """Ten Boc-protected piperidines in one molecule: the search tries at most `budget`
    products instead of every combination (200 such listings took 44 s before the budget)."""
    from chem.standardize import parent_from_smiles

    ten_boc = "C" + "".join("CC1CN(C(=O)OC(C)(C)C)CCC1" for _ in range(10))
    parent = parent_from_smiles(ten_boc)
    assert len(StructureIndex(matcher.watchlist, budget=5).designer_products(parent)) <= 5
    assert len(matcher.structures.designer_products(parent)) <= matcher.structures.budget
    # a single Boc-protected precursor is still unmasked within the budget
    boc_npp = parent_from_smiles("CC(C)(C)OC(=O)N1CCC(Nc2ccccc2)CC1")
    products = {smi for smi, _ in matcher.structures.designer_products(boc_npp)}
    assert "c1ccc(NC2CCNCC2)cc1" in products


def test_a_text_with_thousands_of_cas_numbers_is_read_as_a_catalog(matcher):
    rng = random.Random(7)
    numbers: list[str] = []
    while len(numbers) < 10_000:
        digits = f"{rng.randrange(10**4, 10**7)}{rng.randrange(10, 99)}"
        for check in range(10):
            cas = format_cas(digits + str(check))
            if check_digit_ok(cas):
                numbers.append(cas)
                break
    text = "Our catalog: " + ", ".join(numbers) + ", 39742-60-4"
    result = matcher.match_listing({"id": "t", "title": "Product list", "description": text})
    assert {h.entry for h in result.hits} == {"npp"}
    assert result.hits[0].source_field == "description:catalog"
    assert len(result.substances) <= 1  # no per-number structure work


def test_the_version_hashes_every_data_file_and_the_tools(tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    before = Knowledge.load(copy).version
    assert "rdkit=" in tool_versions()
    (copy / "stopwords.txt").write_text((copy / "stopwords.txt").read_text() + "zzz\n")
    assert Knowledge.load(copy).version != before  # any file, not only the watchlist CSVs
    assert data_dir_hash(copy) != data_dir_hash(DATA_DIR)


def test_match_honours_data_dir(tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    rows = (copy / "watchlist.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (copy / "watchlist.csv").write_text(
        "".join(r for r in rows if not r.startswith("piperonal,")), encoding="utf-8")
    feed = json.dumps({"id": "a", "title": "Piperonal 99%"}) + "\n"
    default = CliRunner().invoke(main, ["match"], input=feed)
    custom = CliRunner().invoke(main, ["match", "--data-dir", str(copy)], input=feed)
    assert json.loads(default.output)["hits"][0]["entry"] == "piperonal"
    assert json.loads(custom.output)["hits"] == []


def test_match_with_a_missing_file_is_an_error_and_text_goes_through_text(tmp_path):
    missing = CliRunner().invoke(main, ["match", str(tmp_path / "nope.jsonl")])
    assert missing.exit_code == 2
    assert "no such file" in missing.output
    text = "Benzyl alcohol 99%. Miscible in alcohols and diethyl ether."
    table = CliRunner().invoke(main, ["match", "--text", text])
    assert table.exit_code == 0
    assert "no watchlist hits" in table.output
    assert "mention: ethyl-ether" in table.output


@pytest.mark.subprocess
def test_workers_keep_the_input_order(tmp_path):
    src = tmp_path / "in.jsonl"
    titles = ["Piperonal", "Sodium chloride", "NPP", "Toluene", "Benzyl alcohol"] * 40
    src.write_text("".join(json.dumps({"id": str(i), "title": t}) + "\n"
                           for i, t in enumerate(titles)), encoding="utf-8")
    args = [sys.executable, "-m", "precursor_watch", "match", str(src)]
    one = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    two = subprocess.run(args + ["--workers", "2"], capture_output=True, text=True,
                         check=True).stdout
    assert one == two
    assert [json.loads(line)["id"] for line in two.splitlines()] == [str(i) for i in range(200)]


@pytest.mark.subprocess
def test_no_data_file_is_read_at_import():
    code = (
        "import sys\n"
        "opened = []\n"
        "sys.addaudithook(lambda ev, args: opened.append(str(args[0])) if ev == 'open' else None)\n"
        "import chem.text, chem.standardize, chem.matcher, chem.subject, chem.scan\n"
        "print(sum('/chem/data/' in p for p in opened))\n"  # the folder (not chem/data_files.py)
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    assert out.stdout.strip() == "0"


def test_a_printed_smiles_known_to_the_dictionary_reuses_its_inchikey(matcher):
    from rdkit import Chem

    canonical = Chem.MolToSmiles(Chem.MolFromSmiles("OCc1ccccc1"))
    record = matcher.dictionary.lookup_smiles(canonical)
    assert record is not None and record.inchikey.startswith("WVDDGKGOMKODPV")
    result = matcher.match_listing({"id": "t", "smiles": "c1ccccc1CO"})
    assert result.substances[0].inchikey == record.inchikey


def test_designer_formula_screen_keeps_every_target_product(matcher):
    """Products of a formula no designer target has are left out; the targets stay."""
    from rdkit.Chem import rdMolDescriptors

    from chem.standardize import parent_from_smiles

    index = matcher.structures
    for smiles in ("CC(C)(C)OC(=O)N1CCC(Nc2ccc(F)cc2)CC1",  # Boc-4-fluoro-4-AP
                   "CCOC(=O)C1(C)OC1c1ccc2c(c1)OCO2",  # PMK ethyl glycidate
                   "COC(=O)C(C(C)=O)c1ccc(Cl)cc1"):  # a chlorinated MAPA
        mol = parent_from_smiles(smiles)
        every = index.designer_products(mol)
        screened = index.designer_products(mol, index.designer_formulas)
        wanted = [(s, c) for s, c in every
                  if rdMolDescriptors.CalcMolFormula(parent_from_smiles(s)) in
                  index.designer_formulas]
        assert screened == wanted
        assert any(s in index.designer_smiles for s, _ in screened), smiles
