"""The offline dictionary's index cache is keyed on the content of its source files, not on
their file times (a new install finds the same index), and copies nobody loaded for a while
are removed when a new one is written."""

from __future__ import annotations

import os
import time

from chem.dictionary import content_digest, remove_stale


def test_digest_follows_content_not_file_times(tmp_path, monkeypatch):
    monkeypatch.setenv("PRECURSOR_WATCH_CACHE", str(tmp_path / "cache"))
    a = tmp_path / "a.tsv"
    b = tmp_path / "b" / "a.tsv"
    b.parent.mkdir()
    a.write_bytes(b"CID\tCAS\n1\t50-00-0\n")
    b.write_bytes(a.read_bytes())
    os.utime(b, (1_000_000, 1_000_000))  # another install: same bytes, other times
    assert content_digest(a) == content_digest(b)
    first = content_digest(a)
    a.write_bytes(b"CID\tCAS\n1\t64-17-5\n")  # same size, other content
    os.utime(a, (2_000_000, 2_000_000))
    assert content_digest(a) != first
    assert (tmp_path / "cache" / "digests.json").is_file()  # remembered, not re-read


def test_stale_copies_are_removed_and_recent_ones_kept(tmp_path):
    keep = tmp_path / "dictionary-new.pickle"
    old = tmp_path / "dictionary-old.pickle"
    recent = tmp_path / "dictionary-other-worktree.pickle"
    unrelated = tmp_path / "notes.pickle"
    for f in (keep, old, recent, unrelated):
        f.write_bytes(b"x")
    month_ago = time.time() - 30 * 86400
    for f in (old, unrelated, keep):
        os.utime(f, (month_ago, month_ago))
    assert remove_stale(keep) == [old]
    assert keep.exists() and recent.exists() and unrelated.exists() and not old.exists()


def test_build_reports_progress_through_both_structure_passes(tmp_path):
    from chem import dictionary

    table = tmp_path / "ids.tsv"
    rows = [("702", "64-17-5", "CH3CH2OH", "C2H6O", "CCO", "ethanol", "LFQSCWFLJHTTHZ-UHFFFAOYSA-N",
             "ethanol", "ethyl alcohol"),
            ("5793", "50-99-7", "C6H12O6", "C6H12O6", "OCC1OC(O)C(O)C(O)C1O", "glucose",
             "WQZGKKKJIJFFOK-UHFFFAOYSA-N", "glucose", "dextrose"),
            ("5234", "7647-14-5", "NaCl", "ClNa", "[Na+].[Cl-]", "sodium chloride",
             "FAPWRFPIFSIZLT-UHFFFAOYSA-M", "sodium chloride", "salt")]
    table.write_text("".join("\t".join(r) + "\n" for r in rows), encoding="utf-8")
    calls: list[tuple[str, int, int]] = []
    built = dictionary.Dictionary.build([table], lambda *a: calls.append(a))
    assert len(built.records) == 3
    assert [c[0] for c in calls] == ["canonical SMILES", "parents"]
    assert all(done == 0 and total == 3 for _, done, total in calls)
    assert built.lookup_cas("64-17-5").smiles == "CCO"


def test_a_build_in_worker_processes_gives_the_same_index(tmp_path):
    from chem import dictionary

    sources = dictionary.source_files()
    assert sources, "the chemicals package's tables are a declared dependency"
    table = tmp_path / "part.tsv"
    with sources[0].open(encoding="utf-8", errors="replace") as fh:
        lines = [line for _, line in zip(range(5000), fh, strict=False)]
    table.write_text("".join(lines + lines[:300]), encoding="utf-8")  # repeats: first one wins
    one = dictionary.Dictionary.build([table])
    calls: list = []
    two = dictionary.Dictionary.build([table], lambda *a: calls.append(a), workers=2)
    for attr in ("records", "by_name", "by_cas", "by_smiles", "by_record_smiles", "canonicals"):
        assert getattr(two, attr) == getattr(one, attr), attr
        assert list(getattr(two, attr)) == list(getattr(one, attr)), attr  # same order
    assert list(two.parents) == list(one.parents) and len(one.parents) > 10
    assert all(repr(two.parents[k]) == repr(one.parents[k]) for k in one.parents)
    assert calls and calls[-1][1] == calls[-1][2] == len(one.records)

    # The cached file's size: keys share the records' strings, as in one process (what is left
    # is a copy per chunk of the few strings every standardization result repeats).
    def saved(d):
        import pickle

        return len(pickle.dumps((d.records, d.by_name, d.by_cas, d.by_smiles,
                                 d.by_record_smiles, d.parents, d.canonicals), protocol=5))

    assert saved(one) <= saved(two) < saved(one) * 1.01
