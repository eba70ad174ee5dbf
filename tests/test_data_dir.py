"""Data from one folder: every file the matcher reads comes from the data directory it was given,
a missing one is an error naming it, and the version stamp covers exactly what is read plus the
libraries whose data change results (RDKit, OPSIN, `chemicals`)."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from chem.data_files import DATA_DIR, DATA_FILES, MissingDataFile, data_hash, tool_versions
from chem.dictionary import Dictionary
from chem.knowledge import Knowledge, default_knowledge
from chem.matcher import Matcher
from chem.radar_data import RADAR_FILES
from chem.text import clean_text
from precursor_watch.cli import main

EMPTY = Dictionary([], {}, {})  # keeps these tests from indexing the offline dictionary again


@pytest.fixture
def data(tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    return copy


@pytest.mark.parametrize("name", DATA_FILES)
def test_a_data_directory_missing_a_file_the_matcher_reads_fails_naming_it(data, name):
    (data / name).unlink()
    with pytest.raises(MissingDataFile, match=name.replace(".", r"\.")):
        Knowledge.load(data)
    feed = '{"id": "a", "title": "Piperonal 99%"}\n'
    result = CliRunner().invoke(main, ["match", "--data-dir", str(data)], input=feed)
    assert result.exit_code != 0
    assert name in str(result.exception) + result.output


def test_every_file_the_matcher_reads_is_declared():
    """The bundled folder holds every declared file; what else it holds is documentation or
    samples, which the version ignores."""
    present = {p.name for p in DATA_DIR.iterdir() if p.is_file()}
    assert set(DATA_FILES) <= present
    # the radar's files are knowledge too, hashed apart (chem.data_files.radar_hash)
    assert set(RADAR_FILES) <= present
    assert present - set(DATA_FILES) - set(RADAR_FILES) <= {"SOURCES.md"}


def test_radar_files_change_the_radar_hash_not_the_matchers_version(data):
    from chem.watchlist import load_watchlist

    before, radar_before = data_hash(data), load_watchlist(data).radar_hash
    path = data / "routes.csv"
    path.write_bytes(path.read_bytes() + b"\n")
    assert data_hash(data) == before  # a new route needs no rescan
    assert load_watchlist(data).radar_hash != radar_before


def test_the_version_covers_what_is_read_and_the_tools_only(data):
    before = data_hash(data)
    assert {t.split("=")[0] for t in tool_versions().split(";")} == {
        "rdkit", "py2opsin", "chemicals"}
    (data / "SOURCES.md").write_text("edited\n", encoding="utf-8")
    assert data_hash(data) == before  # documentation: no rescan for nothing
    for name in ("stopwords.txt", "normalizations.csv", "generic_words.txt"):
        path = data / name
        path.write_bytes(path.read_bytes() + b"\n")
        assert data_hash(data) != before, name
        before = data_hash(data)


def test_text_tables_come_from_the_given_directory(data):
    """A homoglyph mapped only in the given folder's confusables.csv is undone by a matcher
    built on that folder, and not by one on the bundled folder."""
    with (data / "confusables.csv").open("a", encoding="utf-8") as fh:
        fh.write("\u2603,r,test snowman\n")
    listing = {"id": "a", "title": "Pipe\u2603onal 99%"}
    custom = Matcher(knowledge=Knowledge.load(data), dictionary=EMPTY, use_opsin=False)
    bundled = Matcher(knowledge=default_knowledge(), dictionary=EMPTY, use_opsin=False)
    try:
        assert clean_text("Pipe\u2603onal") == "Pipe\u2603onal"  # bundled is active again
        exact = custom.match_listing(listing).hits
        assert [(h.entry, h.match) for h in exact] == [("piperonal", "name")]
        assert clean_text("Pipe\u2603onal") == "Piperonal"
        # the bundled tables leave the snowman: at most a one-edit fuzzy guess
        assert {h.match for h in bundled.match_listing(listing).hits} <= {"fuzzy_name"}
    finally:
        bundled.knowledge.activate()


def test_rescan_names_entries_added_in_the_given_directory(tmp_path, data):
    """`rescan --data-dir` says "entry added in <version>" from that folder's changelog."""
    from pipelines.catalog.connection import open_db
    from pipelines.chemistry import Chemistry
    from pipelines.ingest.feed import ingest_jsonl

    rows = (data / "watchlist.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (data / "watchlist.csv").write_text(
        "".join(r for r in rows if not r.startswith("piperonal,")), encoding="utf-8")
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"platform": "echemi", "url": "https://example.test/1",'
                    ' "title": "Piperonal 99%"}\n', encoding="utf-8")
    db_path = tmp_path / "c.db"
    db = open_db(db_path)
    old = Matcher(knowledge=Knowledge.load(data), dictionary=EMPTY, use_opsin=False)
    ingest_jsonl(feed, db, chemistry=Chemistry(old))
    db.close()
    default_knowledge().activate()
    # The given folder now adds piperonal back under a new declared version.
    (data / "watchlist.csv").write_text("".join(rows), encoding="utf-8")
    (data / "VERSION").write_text("2099.1.1\n", encoding="utf-8")
    with (data / "changelog.csv").open("a", encoding="utf-8") as fh:
        fh.write("2099.1.1,2099-01-01,added,piperonal,UN-I,test,\n")
    result = CliRunner().invoke(main, ["rescan", "--db", str(db_path), "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    assert "new: piperonal: 1 listings (entry added in 2099.1.1)" in result.output
