"""After the 2026.12.1 update, `rescan` finds and reports the new hits in an existing catalog.

The catalog is built from the sample listings plus two listings of newly covered substances,
matched under the OLD watchlist (2026.11.2, rebuilt from the data and its history); then the
`rescan` command re-matches it under the shipped watchlist.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from chem.data_files import DATA_DIR
from chem.matcher import Matcher
from chem.watchlist import load_watchlist
from pipelines.catalog.connection import open_db
from pipelines.chemistry import Chemistry
from pipelines.ingest.feed import ingest_jsonl
from precursor_watch.cli import main

FEED = Path(__file__).parent / "files" / "catalog" / "feed.jsonl"
NEW_LISTINGS = [
    {"platform": "chemmarket", "listing_id": "2001", "url": "https://chemmarket.example/p/2001",
     "title": "2-Bromo-4'-methylpropiophenone 99% white powder, safe delivery to EU",
     "vendor_id": "hubei-amarvel", "vendor_name": "Hubei Amarvel Biotech Co., Ltd."},
    {"platform": "chemmarket", "listing_id": "2002", "url": "https://chemmarket.example/p/2002",
     "title": "Pharmaceutical intermediate", "smiles": "CCOC(=O)C1CN(CCc2ccccc2)CCC1=O",
     "vendor_id": "shijiazhuang-blue", "vendor_name": "Shijiazhuang Blue Sky Chemical Co., Ltd."},
]


def old_watchlist_dir(tmp_path: Path, update: str = "2026.12.1") -> Path:
    """chem/data as it was before `update`: drop what that version and later ones added."""
    data = tmp_path / "watchlist-old"
    shutil.copytree(DATA_DIR, data)
    wl = load_watchlist()
    order = list(dict.fromkeys(c.version for c in wl.changelog))
    later = set(order[order.index(update):])
    added = {c.subject for c in wl.changelog if c.version in later and c.change == "added"}
    transforms = {c.subject for c in wl.changelog
                  if c.version in later and c.change == "transform-added"}
    previous = order[order.index(update) - 1]
    _filter_csv(data / "watchlist.csv", lambda r: r["id"] not in added)
    _filter_csv(data / "transforms.csv", lambda r: r["id"] not in transforms)
    (data / "VERSION").write_text(previous + "\n")
    return data


def _filter_csv(path: Path, keep) -> None:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields, rows = reader.fieldnames, [r for r in reader if keep(r)]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def test_rescan_after_the_update_reports_the_new_hits(tmp_path, matcher):
    old = Matcher(watchlist=load_watchlist(old_watchlist_dir(tmp_path)))
    assert old.watchlist.declared_version == "2026.11.2"
    assert "2-bromo-p-methylpropiophenone" not in old.entries
    feed = tmp_path / "feed.jsonl"
    feed.write_text(FEED.read_text(encoding="utf-8")
                    + "".join(json.dumps(x) + "\n" for x in NEW_LISTINGS), encoding="utf-8")
    db_path = tmp_path / "catalog.db"
    ingest_jsonl(feed, open_db(db_path), chemistry=Chemistry(old))
    db = open_db(db_path)
    before = set(db.execute("select listing, entry from hits where current = 1").fetchall())
    assert before
    assert not any(lid in ("chemmarket:2001", "chemmarket:2002") for lid, _ in before)

    result = CliRunner().invoke(main, ["rescan", "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    assert f"matched against watchlist {matcher.watchlist.version}" in result.output
    # exactly the two new listings: the bromoketone by name, the keto ester as a designer NPP
    assert "2 new hits, 0 retracted" in result.output
    assert ("  new: 2-bromo-p-methylpropiophenone: 1 listings (entry added in 2026.12.1)"
            in result.output.splitlines())
    assert "  new: npp: 1 listings" in result.output.splitlines()  # an old entry, new route

    db = open_db(db_path)
    new = db.execute("select listing, entry, match, watchlist_version from hits"
                     " where current = 1 and watchlist_version = ?",
                     [matcher.watchlist.version]).fetchall()
    assert ("chemmarket:2001", "2-bromo-p-methylpropiophenone", "name",
            matcher.watchlist.version) in new
    assert ("chemmarket:2002", "npp", "designer", matcher.watchlist.version) in new
    # Hits found under the old watchlist keep their first detection.
    assert before <= set(db.execute("select listing, entry from hits where current = 1"
                                    ).fetchall())
