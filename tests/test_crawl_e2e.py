"""End-to-end: real Scrapy engine on a loopback site: robots, retries, hostile pages, WARC."""

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from scrapers.evidence import iter_records
from scrapers.sample_server import start_in_thread

HERE = Path(__file__).parent

RUNNER = """
import json, sys
sys.path.insert(0, {tests!r})
from sitekit import TestsiteSpider
from scrapers.crawl import run_crawl
stats = run_crawl([TestsiteSpider], {samples!r}, None, {out!r}, {{"cas": "npp"}},
                  extra_settings={settings!r}).stats
print(json.dumps({{k: v for k, v in stats["testsite"].items() if isinstance(v, (int, str))}}))
"""


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    from sitekit import build_site

    root = build_site(tmp_path_factory.mktemp("site"))
    work = tmp_path_factory.mktemp("crawl")
    server, samples = start_in_thread(root=root)
    settings = {
        "DOWNLOAD_MAXSIZE": 1024 * 1024,
        "DOWNLOAD_WARNSIZE": 0,
        "RETRY_TIMES": 2,
        "PRECURSOR_WATCH_EVIDENCE_DIR": str(work / "crawls"),
        "LOG_LEVEL": "INFO",
    }
    out = work / "items.jsonl"
    code = RUNNER.format(tests=str(HERE), samples=samples, out=str(out), settings=settings)
    try:
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              timeout=180, cwd=work)
    finally:
        server.shutdown()
    assert proc.returncode == 0, proc.stderr[-3000:]
    stats = json.loads(proc.stdout.strip().splitlines()[-1])
    items = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    return {"stats": stats, "items": items, "log": proc.stderr, "crawls": work / "crawls"}


def listings(crawl):
    return {Path(i["url"]).name: i for i in crawl["items"] if "title" in i}


def failures(crawl):
    return {Path(i["url"]).name: i for i in crawl["items"] if "reason" in i}


@pytest.mark.crawl
@pytest.mark.subprocess
def test_product_pages_become_listings_under_their_real_urls(crawl):
    got = listings(crawl)
    assert got["npp.html"]["title"] == "N-Phenethyl-4-piperidone"
    assert got["npp.html"]["cas"] == "39742-60-4"
    assert got["npp.html"]["url"] == "https://www.testsite.example/p/npp.html"
    assert got["anpp.html"]["cas"] == "21409-26-7"


@pytest.mark.crawl
@pytest.mark.subprocess
def test_gbk_page_is_decoded_by_its_declared_charset(crawl):
    assert listings(crawl)["gbk.html"]["title"] == "N-苯乙基-4-哌啶酮"


@pytest.mark.crawl
@pytest.mark.subprocess
def test_hostile_page_does_not_crash_and_script_text_is_not_a_title(crawl):
    item = listings(crawl)["hostile.html"]
    assert item["cas"] == "110-89-4"
    assert "fake" not in item["title"]


@pytest.mark.crawl
@pytest.mark.subprocess
def test_robots_txt_disallow_is_honoured(crawl):
    assert "secret.html" not in listings(crawl)
    assert crawl["stats"].get("robotstxt/forbidden", 0) >= 1
    urls = {r.url for r in iter_records(crawl["crawls"])}
    assert "https://www.testsite.example/private/secret.html" not in urls


@pytest.mark.crawl
@pytest.mark.subprocess
@pytest.mark.parametrize(("page", "status"), [("busy.html", 429), ("down.html", 503)])
def test_429_and_503_are_retried_then_recorded_as_not_fetched(crawl, page, status):
    assert failures(crawl)[page]["status"] == status
    assert crawl["stats"]["retry/count"] >= 4  # two retries for each of the two pages
    assert crawl["stats"].get("retry/max_reached", 0) >= 2


@pytest.mark.crawl
@pytest.mark.subprocess
@pytest.mark.parametrize(("page", "status"), [("forbidden.html", 403), ("challenge.html", 202)])
def test_refusal_and_challenge_are_not_fetched_never_empty_results(crawl, page, status):
    assert failures(crawl)[page]["status"] == status
    assert page not in listings(crawl)


@pytest.mark.crawl
@pytest.mark.subprocess
def test_huge_page_is_dropped_without_losing_other_items(crawl):
    assert "huge.html" not in listings(crawl)
    assert "huge.html" in failures(crawl)
    assert len(listings(crawl)) >= 4


@pytest.mark.crawl
@pytest.mark.subprocess
def test_truncated_and_binary_pages_do_not_stop_the_crawl(crawl):
    names = set(listings(crawl)) | set(failures(crawl))
    assert "truncated.html" in names
    assert "binary.bin" not in listings(crawl)  # no product text: dropped with a reason
    archived = {Path(r.url).name for r in iter_records(crawl["crawls"])}
    assert "binary.bin" in archived  # but fetched and kept as evidence
    assert crawl["stats"]["finish_reason"] == "finished"


@pytest.mark.crawl
@pytest.mark.subprocess
def test_404_is_no_result_not_an_item(crawl):
    assert "missing.html" not in listings(crawl) and "missing.html" not in failures(crawl)
    assert crawl["stats"]["precursor_watch/no_results"] >= 1


@pytest.mark.crawl
@pytest.mark.subprocess
def test_every_page_is_in_the_warc_with_a_matching_hash(crawl):
    records = list(iter_records(crawl["crawls"]))
    assert records, "no WARC records"
    for r in records:
        assert hashlib.sha256(r.body).hexdigest() == r.sha256
        assert r.served_from.startswith("http://127.0.0.1:")  # a sample, never the live site
        assert "127.0.0.1" not in r.url
    assert {"200", "429", "503"} <= {r.status for r in records}
    by_id = {r.record_id: r for r in records}
    for item in listings(crawl).values():
        record = by_id[item["warc_record_id"]]
        assert record.url == item["url"]
        assert record.sha256 == item["body_sha256"]
        assert Path(item["warc_file"]).exists()


@pytest.mark.crawl
@pytest.mark.subprocess
def test_evidence_command_extracts_an_archived_page(crawl, tmp_path):
    from click.testing import CliRunner

    from precursor_watch.cli import main

    item = listings(crawl)["npp.html"]
    out = tmp_path / "page.html"
    result = CliRunner().invoke(
        main, ["evidence", item["body_sha256"], "--dir", str(crawl["crawls"]), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert b"N-Phenethyl-4-piperidone" in out.read_bytes()
    assert "SAMPLE: served from http://127.0.0.1:" in result.stderr
    by_url = CliRunner().invoke(main, ["evidence", item["url"], "--dir", str(crawl["crawls"])])
    assert "N-Phenethyl-4-piperidone" in by_url.stdout
    missing = CliRunner().invoke(main, ["evidence", "nope", "--dir", str(crawl["crawls"])])
    assert missing.exit_code != 0


@pytest.mark.crawl
@pytest.mark.subprocess
def test_jobdir_persists_requests_to_disk(tmp_path):
    """Callbacks are spider methods and arguments plain data, so JOBDIR can pickle every request
    (every request goes to disk on arrival with SCHEDULER_MEMORY_REQUESTS 0)."""
    from sitekit import build_site

    root = build_site(tmp_path / "site")
    server, samples = start_in_thread(root=root)
    settings = {"JOBDIR": str(tmp_path / "job"), "RETRY_TIMES": 0, "LOG_LEVEL": "INFO",
                "SCHEDULER_MEMORY_REQUESTS": 0,
                "PRECURSOR_WATCH_EVIDENCE_DIR": str(tmp_path / "crawls"),
                "ITEM_PIPELINES": {}}
    code = RUNNER.format(tests=str(HERE), samples=samples, out=str(tmp_path / "items.jsonl"),
                         settings=settings)
    try:
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              timeout=180, cwd=tmp_path)
    finally:
        server.shutdown()
    assert proc.returncode == 0, proc.stderr[-2000:]
    stats = json.loads(proc.stdout.strip().splitlines()[-1])
    assert stats.get("scheduler/enqueued/disk", 0) > 5
    assert "scheduler/unserializable" not in stats
    assert (tmp_path / "job" / "requests.seen").exists()
