"""Every spider crawls the bundled sample sites through the loopback server (the demo's path)."""

import hashlib
import json
import subprocess
import sys
from collections import Counter

import pytest

from scrapers.evidence import iter_records


@pytest.fixture(scope="module")
def sample_crawl(tmp_path_factory):
    work = tmp_path_factory.mktemp("samples")
    out = work / "items.jsonl"
    proc = subprocess.run(
        [sys.executable, "-m", "precursor_watch", "crawl", "--all", "--offline",
         "--db", str(work / "catalog.db"), "--out", str(out)],
        capture_output=True, text=True, timeout=300, cwd=work,
        env={**__import__("os").environ, "PRECURSOR_WATCH_EVIDENCE_DIR": str(work / "crawls")},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    items = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    return {"items": items, "crawls": work / "crawls", "log": proc.stderr}


def spiders():
    from scrapy.utils.project import get_project_settings

    from precursor_watch.cli_crawl import spider_names

    return spider_names(get_project_settings())


def test_every_spider_yields_listings_and_vendors(sample_crawl):
    kinds = Counter(
        (i["platform"], "listing" if "title" in i else "vendor" if "phones" in i else "other")
        for i in sample_crawl["items"]
    )
    for name in spiders():
        platform = __import__(f"scrapers.spiders.{name}", fromlist=["x"])
        platform = next(v for v in vars(platform).values()
                        if getattr(v, "name", None) == name).parser
        slug = getattr(platform, "PLATFORM", name)
        assert kinds[(slug, "listing")] > 0, (name, kinds)
        assert kinds[(slug, "vendor")] > 0, (name, kinds)


def test_items_carry_evidence_that_matches_the_warc(sample_crawl):
    records = {r.record_id: r for r in iter_records(sample_crawl["crawls"])}
    listings = [i for i in sample_crawl["items"] if "title" in i]
    assert listings
    for item in listings:
        record = records[item["warc_record_id"]]
        assert record.url == item["url"]
        assert hashlib.sha256(record.body).hexdigest() == item["body_sha256"]
        assert item["fetched_at"]


def test_watchlist_substances_appear_under_varied_names(sample_crawl):
    cas_written = {i.get("cas") for i in sample_crawl["items"] if "title" in i}
    assert "39742-60-4" in {c.strip() for c in cas_written if c}
