"""Everything the parsers read from every saved page, to diff before and after a speed change
(a change for speed must not change a single item, link or error).

    python benchmarks/parser_snapshot.py OUT_DIR

Every saved page (tests/files/**, the bundled samples under scrapers/samples/**) goes through
the vendor-site parser (the generic extractor, with and without `post.process`) at the page's
own address, and through every parse function of every registered site at an address of that
site's kind; so do a few broken inputs and a 300-card page of `bench_cards`. One JSON file per
page in OUT_DIR (items as plain data, keys sorted; an exception is written as its type and
message). Then `diff -r BEFORE AFTER`: no output, no change.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_cards  # noqa: E402
from scrapy.http import HtmlResponse  # noqa: E402

from scrapers.export import item_to_dict  # noqa: E402
from scrapers.parsers import post, vendorsite  # noqa: E402
from scrapers.sample_server import SAMPLES_DIR  # noqa: E402
from scrapers.sites import SITES  # noqa: E402

FILES = ROOT / "tests" / "files"
NOT_PAGES = (".json", ".jsonl", ".txt", ".md", ".tsv", ".py")
BROKEN = ["", "<html", "\x00\x01garbage", "<table><tr><th>Supplier", "<table><tr><td>公司",
          "<table><tr><td>Price", "<h1>", "<div class='price-box'>"]


def _sample_url(path: Path) -> str:
    rel = path.relative_to(SAMPLES_DIR).as_posix()
    rel, _, query = rel.partition("__")
    if rel.endswith("/index.html"):
        rel = rel[: -len("index.html")]
    host, _, rest = rel.partition("/")
    from urllib.parse import unquote
    return f"https://{host}/{rest}" + (f"?{unquote(query)}" if query else "")


def pages() -> list[tuple[str, str, bytes]]:
    """(name, url, body) of every saved page."""
    labels = {}
    labelled = FILES / "real" / "labels.jsonl"
    for line in labelled.read_text("utf-8").splitlines():
        if line.strip():
            lab = json.loads(line)
            labels[lab["file"]] = lab["url"]
    out = []
    for path in sorted(FILES.rglob("*")):
        if not path.is_file() or path.suffix in NOT_PAGES:
            continue
        rel = path.relative_to(FILES).as_posix()
        real = path.relative_to(FILES / "real").as_posix() if rel.startswith("real/") else None
        url = labels.get(real) or f"https://www.example.com/{rel}"
        out.append((f"files/{rel}", url, path.read_bytes()))
    for path in sorted(SAMPLES_DIR.rglob("*")):
        if (path.is_file() and path.suffix not in NOT_PAGES and path.name != "robots.txt"
                and path.parent != SAMPLES_DIR):
            out.append((f"samples/{path.relative_to(SAMPLES_DIR).as_posix()}",
                        _sample_url(path), path.read_bytes()))
    for i, text in enumerate(BROKEN):
        out.append((f"broken/{i}", "https://www.example.com/x", text.encode()))
    out.append(("bench_cards/300", "https://market.example/search?q=x",
                bench_cards.page(300).encode()))
    return out


def site_calls() -> list[tuple[str, str, object]]:
    """(label, url, function) for every parse function of every site, at an address of its kind."""
    out = []
    for site in SITES.values():
        urls = {}
        for host in site.samples:
            for path in sorted((SAMPLES_DIR / host).rglob("*")):
                if path.is_file() and path.suffix not in NOT_PAGES and path.name != "robots.txt":
                    urls.setdefault(site.parser.page_kind(_sample_url(path)), _sample_url(path))
        for kind, fn in site.parse_functions().items():
            out.append((f"{site.slug}.{kind}", urls.get(kind, site.example_url), fn))
    return out


def _page_data(page) -> dict:
    return {"listings": [item_to_dict(x) for x in page.listings],
            "vendors": [item_to_dict(x) for x in page.vendors],
            "follow": [[f.url, f.kind] for f in page.follow], "not_fetched": page.not_fetched}


def _run(fn, *args):
    try:
        return fn(*args)
    except Exception as exc:  # recorded, compared like any output  # noqa: BLE001
        return {"error": f"{type(exc).__name__}: {exc}"}


def snapshot(name: str, url: str, body: bytes, calls) -> dict:
    text = HtmlResponse(url=url, body=body).text
    out = {}
    got = _run(vendorsite.parse_page, url, text)
    out["vendorsite.parse_page"] = got if isinstance(got, dict) else _page_data(got)
    got = _run(lambda: post.process(vendorsite.parse_page(url, text), url))
    out["post.process"] = got if isinstance(got, dict) else _page_data(got)
    for label, call_url, fn in calls:
        got = _run(fn, call_url, text)
        out[label] = got if isinstance(got, dict) else _page_data(got)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", type=Path)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    calls = site_calls()
    n = 0
    for name, url, body in pages():
        data = snapshot(name, url, body, calls)
        target = args.out / (name.replace("/", "__") + ".json")
        target.write_text(json.dumps({"url": url, **data}, sort_keys=True, ensure_ascii=False,
                                     indent=1, default=str), "utf-8")
        n += 1
    print(f"{n} pages x {len(calls) + 2} parsers written to {args.out}")


if __name__ == "__main__":
    main()
