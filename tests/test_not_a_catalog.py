"""A `--db` that is not a catalog (a text file, another program's SQLite database) is a clear
error naming the file, exit status 2, for every command that takes one; no traceback. An
empty or missing file is still where a crawl or ingest starts a new catalog."""

from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner

from precursor_watch.cli import main


@pytest.fixture
def wrong(tmp_path):
    text = tmp_path / "notes.db"
    text.write_text("these are my notes, not a database\n")
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("create table photos (id integer)").connection.commit()
    return {"text": (text, "not a SQLite file"), "other": (other, "another kind")}


@pytest.mark.parametrize("command", [["stats"], ["summary"], ["report", "--format", "csv"],
                                     ["serve", "--port", "1"], ["rescan"], ["demo"],
                                     ["radar"], ["ingest", "-"]])
@pytest.mark.parametrize("kind", ["text", "other"])
def test_wrong_db_is_a_clear_error(wrong, command, kind):
    path, says = wrong[kind]
    r = CliRunner().invoke(main, [*command, "--db", str(path)])
    assert r.exit_code == 2, r.output
    assert says in r.output and str(path) in r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)
    assert "Traceback" not in r.output


def test_empty_and_missing_files_are_not_refused(tmp_path):
    from precursor_watch.config import not_a_catalog

    (tmp_path / "empty.db").write_bytes(b"")
    assert not_a_catalog(str(tmp_path / "empty.db")) is None
    assert not_a_catalog(str(tmp_path / "missing.db")) is None
    sqlite3.connect(tmp_path / "fresh.db").close()
    assert not_a_catalog(str(tmp_path / "fresh.db")) is None
