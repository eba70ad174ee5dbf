"""Discovery: `crawl vendorsite --from-catalog` crawls the websites that catalogued vendors name
on their marketplace profiles (bundled samples, loopback), and the website's profile joins the
marketplace profiles through the registered domain."""

import os
import sqlite3
import subprocess
import sys

import pytest

from scrapers.discovery import catalog_websites, write_domains


def _crawl(tmp_path, *args):
    env = {**os.environ, "PRECURSOR_WATCH_EVIDENCE_DIR": str(tmp_path / "crawls")}
    return subprocess.run([sys.executable, "-m", "precursor_watch", "crawl", *args,
                           "--db", str(tmp_path / "catalog.db")],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path, env=env)


@pytest.fixture(scope="module")
def discovered(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("discovery")
    first = _crawl(tmp, "chemnet", "hxchem", "--offline", "-a", "cas=39742-60-4,79099-07-3")
    assert first.returncode == 0, first.stderr[-2000:]
    before = catalog_websites(tmp / "catalog.db")
    second = _crawl(tmp, "vendorsite", "--from-catalog", "--offline")
    assert second.returncode == 0, second.stderr[-2000:]
    return tmp, before, second.stderr


@pytest.mark.crawl
@pytest.mark.subprocess
def test_the_catalog_names_the_vendors_websites(discovered):
    _, websites, log = discovered
    assert "http://www.jinghong-chem.example" in websites
    assert len(websites) == len({w.split("//")[1].removeprefix("www.") for w in websites})
    assert f"{len(websites)} vendor websites from the catalog" in log


@pytest.mark.crawl
@pytest.mark.subprocess
def test_from_catalog_reaches_the_vendors_sample_website(discovered):
    tmp, _, _ = discovered
    db = sqlite3.connect(tmp / "catalog.db")
    rows = db.execute("select title, cas, price_amount from listings where platform = 'vendorsite'"
                      " and vendor_profile = 'vendorsite:jinghong-chem.example'").fetchall()
    assert ("1-Boc-4-piperidone 99%", "79099-07-3", 35.0) in rows


@pytest.mark.crawl
@pytest.mark.subprocess
def test_the_website_joins_the_marketplace_profiles_by_its_domain(discovered):
    tmp, _, _ = discovered
    db = sqlite3.connect(tmp / "catalog.db")
    platforms = db.execute(
        "select distinct p.platform from vendor_identifiers i join vendor_profiles p"
        " on p.id = i.vendor_profile where i.kind = 'domain' and i.value = 'jinghong-chem.example'"
    ).fetchall()
    assert {"vendorsite", "chemnet", "hxchem"} <= {p for (p,) in platforms}


@pytest.mark.crawl
@pytest.mark.subprocess
def test_with_hits_keeps_vendors_with_watchlist_hits(discovered):
    tmp, websites, _ = discovered
    with_hits = catalog_websites(tmp / "catalog.db", with_hits=True)
    assert set(with_hits) <= set(websites) and "http://www.jinghong-chem.example" in with_hits


def test_bad_catalogs_are_clear_errors(tmp_path):
    with pytest.raises(FileNotFoundError):
        catalog_websites(tmp_path / "missing.db")
    sqlite3.connect(tmp_path / "other.db").execute("create table t (x)").connection.commit()
    with pytest.raises(ValueError, match="not a precursor-watch catalog"):
        catalog_websites(tmp_path / "other.db")


@pytest.mark.crawl
@pytest.mark.subprocess
def test_from_catalog_is_for_the_vendorsite_spider_alone(tmp_path):
    assert "use it with `vendorsite`" in _crawl(tmp_path, "mic", "--from-catalog").stderr
    assert "--with-hits needs --from-catalog" in _crawl(tmp_path, "vendorsite",
                                                         "--with-hits").stderr


def test_domains_file_lists_one_website_per_line(tmp_path):
    path = write_domains(["https://a.example/", "http://b.example"], tmp_path / "d" / "x.txt")
    lines = path.read_text("utf-8").splitlines()
    assert lines[0].startswith("#") and lines[1:] == ["https://a.example/", "http://b.example"]
