"""Cost of each hostile input class beside the normal per-listing cost.

    python benchmarks/bench_hostile.py [--normal 500] [--timeout 120]

Every class runs in a forked child of a process that has the matcher loaded (so one class
cannot disturb another's caches or memory): the child times the work and reports its peak
resident memory (ru_maxrss) and how much that rose above its size when it started. An `ingest`
line is a whole run (open, write, vendor resolution, close) into an existing catalog: compare it
with "normal: ingest run of one line". Classes: each
JSON Lines class of tests/hostile_inputs.py through `match` (read, check, match one line) and
through `ingest` (one line into a fresh catalog), each hostile page through every parser, a page
with 10,000 CAS numbers, 200 listings with ten Boc groups each (per listing), `evidence` on an
archive holding a 1 GB gzip bomb, vendor resolution of 2 x 1,000 same-named vendors, each Redis
poison entry of tests/hostile_inputs.py drained by `ingest --redis` from a real redis-server on
127.0.0.1 (one writer run: the entry rejected, a good listing behind it written), and the inert
evidence copy (html5lib) of each hostile page.
Targets: under 2 s and 500 MB for any single listing or page.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import pickle
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from hostile_inputs import BOC10, CASES, HOSTILE_PAGES, REDIS_POISON  # noqa: E402

from chem.matcher import Matcher  # noqa: E402
from pipelines.chem_workers import safe_match  # noqa: E402
from pipelines.chemistry import Chemistry  # noqa: E402
from pipelines.ingest.jsonl import match_listing, read_lines  # noqa: E402

TIME_TARGET, MEM_TARGET_MB = 2.0, 500


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def in_child(work: Callable[[], int], timeout: float) -> dict:
    """Run `work` (returns how many units it handled) in a forked child; time and peak memory."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read)
        base = rss_mb()
        try:
            t0 = time.perf_counter()
            units = work()
            out = {"seconds": time.perf_counter() - t0, "units": units}
        except BaseException as exc:  # reported, never hidden
            out = {"error": f"{type(exc).__name__}: {exc}"[:200]}
        out["peak_mb"] = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, rss_mb())
        out["base_mb"] = base
        os.write(write, pickle.dumps(out))
        os._exit(0)
    os.close(write)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.02)
    else:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        return {"error": f"timed out after {timeout:.0f} s"}
    with os.fdopen(read, "rb") as fh:
        data = fh.read()
    return pickle.loads(data) if data else {"error": "child died"}


def match_line(matcher: Matcher, raw: bytes) -> Callable[[], int]:
    def work() -> int:
        for line in read_lines(io.BytesIO(raw + b"\n")):
            if line.obj is not None:
                listing, error = match_listing(line.obj, line.lineno)
                if listing is not None:
                    json.dumps([r.as_dict() for r in safe_match(matcher, [listing])])
        return 1
    return work


def ingest_line(matcher: Matcher, raw: bytes, db: Path) -> Callable[[], int]:
    """One `ingest` run of `raw` into the catalog `db` (created beforehand)."""
    def work() -> int:
        from pipelines.ingest.feed import ingest_jsonl

        path = db.with_name(f"line-{os.getpid()}.jsonl")
        path.write_bytes(raw + b"\n")
        ingest_jsonl(path, db, chemistry=Chemistry(matcher))
        return 1
    return work


def parse_pages(page: str) -> Callable[[], int]:
    def work() -> int:
        from test_parse_robustness import every_parser

        n = 0
        for _, url, funcs in every_parser():
            for func in funcs:
                func(url, page)
                n += 1
        return n
    return work


def many(matcher: Matcher, listings: list[dict]) -> Callable[[], int]:
    def work() -> int:
        safe_match(matcher, listings)
        return len(listings)
    return work


def bomb_evidence(tmp: Path) -> Callable[[], int]:
    from hostilekit import gzip_bomb
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    run = tmp / "crawls" / "run"
    run.mkdir(parents=True)
    with (run / "pages.warc.gz").open("wb") as fh:
        headers = StatusAndHeaders("200 OK", [("Content-Encoding", "gzip")], protocol="HTTP/1.1")
        writer = WARCWriter(fh, gzip=True)
        writer.write_record(writer.create_warc_record(
            "https://bomb.example/", "response", payload=io.BytesIO(gzip_bomb(1024)),
            http_headers=headers))

    def work() -> int:
        from scrapers.evidence import find_records

        pages = find_records(tmp / "crawls", "https://bomb.example/")
        assert pages and len(pages[0].body) <= 5 * 2**20
        return 1
    return work


def vendors(tmp: Path) -> Callable[[], int]:
    def work() -> int:
        from pipelines.catalog.writer import CatalogWriter
        from pipelines.validate import check

        writer = CatalogWriter(tmp / f"v-{os.getpid()}.db", kind="ingest", batch_size=5000)
        writer.open()
        for platform in ("alpha", "beta"):
            for i in range(1000):
                writer.add(check({"type": "vendor", "platform": platform, "vendor_id": f"v{i}",
                                  "name": "Hubei Amarvel Biotech Co., Ltd."})[0])
        writer.close(mark_gone=False)
        return 1
    return work


def redis_entry(matcher: Matcher, url: str, raw: bytes, db: Path) -> Callable[[], int]:
    """One `ingest --redis` writer run draining `raw` and a good listing behind it."""
    def work() -> int:
        import redis

        from pipelines.catalog.connection import open_db
        from pipelines.ingest.redis_drain import drain

        key = f"bench:{os.getpid()}"
        server = redis.Redis.from_url(url)
        good = json.dumps({"platform": "n", "listing_id": "good", "url": "https://n.example/g",
                           "title": "NPP 99%"}).encode()
        server.rpush(key, raw, good)
        out = drain(server, open_db(db), key=key, chemistry=Chemistry(matcher))
        assert len(out.rejected) == 1 and out.listings == 1, out.rejected
        assert server.llen(key) == 0 and server.llen(f"{key}:processing") == 0
        return 1
    return work


def redis_server(tmp: Path):
    """A redis-server on a free loopback port (None when it is not installed)."""
    import shutil
    import socket
    import subprocess

    if shutil.which("redis-server") is None:
        return None, None
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                             "--save", "", "--appendonly", "no", "--dir", str(tmp)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis

    client = redis.Redis(port=port)
    for _ in range(200):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    client.close()
    return proc, f"redis://127.0.0.1:{port}/0"


def inert_copy(page: str) -> Callable[[], int]:
    def work() -> int:
        from precursor_watch.web.archived import Capture, inert_html

        inert_html(Capture("https://x.example/", "", "", "200", "r", "w", "", "text/html",
                           page.encode("utf-8", "surrogatepass")))
        return 1
    return work


def normal_listings(matcher: Matcher, n: int) -> list[dict]:
    from chem.dictionary import default_dictionary

    recs = [r for r in default_dictionary().records if r.name and r.cas][:n]
    return [{"id": str(i), "title": f"{r.name} 99%", "cas": r.cas} for i, r in enumerate(recs)]


def report(name: str, r: dict, per: str = "listing") -> None:
    if "error" in r:
        print(f"{name:<38} ERROR {r['error']}")
        return
    per_unit = r["seconds"] / max(r["units"], 1)
    grew = max(r["peak_mb"] - r["base_mb"], 0)
    ok = per_unit < TIME_TARGET and grew < MEM_TARGET_MB
    print(f"{name:<38} {per_unit * 1000:>10.1f} ms/{per:<8} peak {r['peak_mb']:>7.0f} MB "
          f"(+{grew:>5.0f} MB)  {'ok' if ok else 'TARGET MISSED'}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--normal", type=int, default=500, help="normal listings for the baseline")
    ap.add_argument("--timeout", type=float, default=120, help="seconds per class")
    a = ap.parse_args()
    matcher = Matcher()
    matcher.match_many([{"id": "warm", "title": "NPP", "cas": "39742-60-4"}])
    tmp = Path(tempfile.mkdtemp(prefix="bench-hostile-"))
    print(f"matcher loaded; process at {rss_mb():.0f} MB. Targets: < {TIME_TARGET} s and "
          f"< {MEM_TARGET_MB} MB (rise above the loaded process) per listing or page.\n")
    from pipelines.catalog.connection import open_db

    db = tmp / "catalog.db"
    open_db(db).close()
    normal = normal_listings(matcher, a.normal)
    report(f"normal: match ({len(normal)} distinct)", in_child(many(matcher, normal), a.timeout))
    lines = b"\n".join(json.dumps({"platform": "n", "listing_id": str(i),
                                   "url": f"https://n.example/{i}", **{
                                       k: v for k, v in r.items() if k != "id"}}).encode()
                       for i, r in enumerate(normal))
    report(f"normal: ingest ({len(normal)} lines)", in_child(
        _count(ingest_line(matcher, lines, db), len(normal)), a.timeout))
    report("normal: ingest run of one line", in_child(
        ingest_line(matcher, lines.split(b"\n")[0], db), a.timeout))
    report("normal: a page through every parser", in_child(
        parse_pages("<html><body><h1>NPP 99%</h1>CAS 39742-60-4</body></html>"), a.timeout),
        "page")
    print()
    for name, (raw, _, _) in CASES.items():
        report(f"match: {name}", in_child(match_line(matcher, raw), a.timeout))
        report(f"ingest run: {name}", in_child(ingest_line(matcher, raw, db), a.timeout))
    for name, page in HOSTILE_PAGES.items():
        report(f"parsers: {name}", in_child(parse_pages(page), a.timeout), "page")
    cas_text = " ".join(f"CAS {n}-{(n * 7) % 100:02d}-{_check(n, (n * 7) % 100)}"
                        for n in range(50_000, 60_000))
    report("match: 10,000 CAS numbers in one text", in_child(
        many(matcher, [{"id": "cas", "description": cas_text}]), a.timeout))
    report("match: 200 listings x ten Boc groups", in_child(
        many(matcher, [{"id": str(i), "smiles": "C" * (i + 1) + BOC10} for i in range(200)]),
        a.timeout))
    report("evidence: archive with a 1 GB gzip bomb", in_child(bomb_evidence(tmp), a.timeout),
           "page")
    report("resolve: 2 x 1,000 same-named vendors", in_child(vendors(tmp), a.timeout), "run")
    import precursor_watch.web.archived  # noqa: F401 - loaded once, not timed per page

    for name, page in HOSTILE_PAGES.items():
        report(f"evidence copy: {name}", in_child(inert_copy(page), a.timeout), "page")
    proc, url = redis_server(tmp)
    if proc is None:
        print("redis poison: skipped (redis-server not installed)")
        return
    try:
        for name, (raw, _) in REDIS_POISON.items():
            report(f"ingest --redis run: {name}", in_child(redis_entry(matcher, url, raw, db),
                                                         a.timeout), "run")
    finally:
        proc.terminate()
        proc.wait(10)


def _count(work: Callable[[], int], n: int) -> Callable[[], int]:
    return lambda: work() and n


def _check(first: int, middle: int) -> int:
    digits = f"{first}{middle:02d}"[::-1]
    return sum((i + 1) * int(d) for i, d in enumerate(digits)) % 10


if __name__ == "__main__":
    main()
