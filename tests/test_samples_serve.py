"""`precursor-watch samples serve` and `scrapy crawl SLUG` work as documented."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.subprocess
def test_samples_serve_on_loopback():
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "precursor_watch", "samples", "serve",
                             "--port", str(port)], stdout=subprocess.PIPE, text=True)
    try:
        assert "127.0.0.1" in proc.stdout.readline()
        base = f"http://127.0.0.1:{port}"
        for _ in range(50):
            try:
                robots = urllib.request.urlopen(f"{base}/www.echemi.com/robots.txt", timeout=2)
                break
            except OSError:
                time.sleep(0.1)
        assert b"Disallow: /member/" in robots.read()
        page = urllib.request.urlopen(
            f"{base}/www.echemi.com/search.html__keyword%3D39742-60-4", timeout=2)
        assert page.status == 200 and b"N-Phenethyl-4-piperidone" in page.read()
        challenge = urllib.request.urlopen(
            f"{base}/www.echemi.com/search.html__keyword%3D79099-07-3", timeout=2)
        assert challenge.status == 202
        try:
            urllib.request.urlopen(f"{base}/../../etc/passwd", timeout=2)
            raise AssertionError("escaped the sample root")
        except urllib.error.HTTPError as exc:
            assert exc.code == 404
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.crawl
@pytest.mark.subprocess
def test_scrapy_crawl_slug_against_the_samples(tmp_path):
    from scrapers.sample_server import start_in_thread

    server, samples = start_in_thread()
    out = tmp_path / "items.jsonl"
    env = {**os.environ, "PRECURSOR_WATCH_SAMPLES": samples, "PRECURSOR_WATCH_DOWNLOAD_DELAY": "0",
           "PRECURSOR_WATCH_AUTOTHROTTLE": "0", "PRECURSOR_WATCH_EVIDENCE_DIR": str(tmp_path),
           "PRECURSOR_WATCH_DB": str(tmp_path / "catalog.db")}
    try:
        proc = subprocess.run(
            [str(Path(sys.executable).parent / "scrapy"), "crawl", "chemnet", "-a",
             "cas=39742-60-4", "-O", f"{out}:jsonlines", "-s", "LOG_LEVEL=WARNING"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    finally:
        server.shutdown()
    assert proc.returncode == 0, proc.stderr[-2000:]
    items = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert any(i.get("cas") == "39742-60-4" for i in items)
    import sqlite3

    with sqlite3.connect(tmp_path / "catalog.db") as conn:
        assert conn.execute("select count(*) from listings").fetchone()[0] > 0


def test_sample_pages_are_served_with_their_charset():
    from scrapers.sample_server import start_in_thread

    server, base = start_in_thread()
    try:
        gbk = urllib.request.urlopen(
            f"{base}/china.chemnet.com/product/search.cgi__f%3Dplist%26terms%3D39742-60-4",
            timeout=5)
        assert gbk.headers["Content-Type"] == "text/html; charset=gbk"
        assert "产品搜索结果" in gbk.read().decode("gbk")
        utf8 = urllib.request.urlopen(f"{base}/www.echemi.com/search.html__keyword%3D39742-60-4",
                                      timeout=5)
        assert utf8.headers["Content-Type"] == "text/html; charset=utf-8"
        robots = urllib.request.urlopen(f"{base}/www.echemi.com/robots.txt", timeout=5)
        assert robots.headers["Content-Type"] == "text/plain; charset=utf-8"
    finally:
        server.shutdown()
        server.server_close()


def test_every_sample_page_is_labelled_synthetic():
    from scrapers.sample_server import SAMPLES_DIR

    pages = [p for p in SAMPLES_DIR.rglob("*") if p.is_file()
             and p.suffix not in (".json", ".txt", ".md")]
    assert len(pages) > 50
    unlabelled = [str(p.relative_to(SAMPLES_DIR)) for p in pages
                  if b"SYNTHETIC SAMPLE" not in p.read_bytes().upper()]
    assert unlabelled == []
