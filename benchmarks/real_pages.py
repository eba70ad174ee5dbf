"""Field accuracy of the generic extractor on real pages, leave-one-site-out.

    python benchmarks/real_pages.py [--show]

Each site of tests/files/real is held out in turn: its pages are scored against their labels
(every labelled field: title, CAS, price and currency, highest price, purity, pack size, vendor
name, phones, e-mails; "not fetched" for a challenge page), and the extractor is checked to hold
nothing written for that site (its domain and name appear nowhere in the parser code), so the
score is that of a site no parser was written for. The extractor has no fitted parameters, so
holding a site out needs no retraining. Prints the per-site scores, the mean per-page accuracy
over all held-out pages (target >= 0.9) and the mean over sites, and the first-contact history:
each batch of new pages scored as it came (before any code changed for it), after the fixes
that followed, and now; the mean first contact over all batches and over the batches of shops
no one here had seen, and the score of the pages added before those.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from realpages import accuracy, compare, labels, parse, site  # noqa: E402

from scrapers.parsers.vendorsite import vendor_id  # noqa: E402

HISTORY = ROOT / "tests/files/real/first_contact.jsonl"
# Batches of product pages of sites nobody working on the extractor had looked at (the earlier
# ones added unseen pages of sites already in the corpus, block pages, or a few new sites).
UNSEEN_SITES = ("2026-12-07 unseen shops and marketplaces in eleven languages",
                "2026-12-07 second batch of unseen shops and marketplaces",
                "2026-12-07 third batch of unseen shops, marketplaces and classifieds",
                "2026-12-07 fourth batch of unseen shops, scored after the third batch fixes",
                "2026-12-07 fifth batch: Middle-East and Asian shops, marketplaces and classifieds",
                "2026-12-08 sixth batch: Estonian tool shops, IKEA Egypt, a US seed shop and Irish "
                "property classifieds",
                "2026-12-08 seventh batch: lab-supply vendors, a B2B directory and small shops, "
                "scored after the sixth batch's fixes")
EXTRACTOR = [ROOT / "scrapers/parsers" / f"{m}.py" for m in (
    "generic", "product", "cards", "company", "regions", "offers", "vocab", "challenge", "urls",
    "vendorsite", "post", "common", "fields", "cardtext")]


def site_specific(label: dict) -> list[str]:
    """Names of the held-out site that occur in the extractor's code (none expected)."""
    domain = vendor_id(label["url"])  # the registered domain: shop.es-drei.de -> es-drei.de
    words = {domain, domain.split(".")[0], site(label)}
    code = "\n".join(p.read_text("utf-8").lower() for p in EXTRACTOR)
    return sorted(w for w in words if len(w) > 3 and re.search(
        rf"(?<![a-z0-9]){re.escape(w.lower())}(?![a-z0-9])", code))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--show", action="store_true", help="print every missed field")
    args = ap.parse_args()
    t0 = time.time()
    by_site: dict[str, list[float]] = {}
    by_batch: dict[str, list[float]] = {}
    page_scores = []
    for label in labels():
        items = parse(label)
        score = accuracy(label, items)
        page_scores.append(score)
        by_site.setdefault(site(label), []).append(score)
        if label.get("batch"):
            by_batch.setdefault(label["batch"], []).append(score)
        leaks = site_specific(label)
        if leaks:
            print(f"  warning: extractor code names held-out site {leaks}")
        if args.show:
            missed = [field for field, _, _, ok in compare(label, items) if not ok]
            print(f"  {label['file']}: {score:.3f}" + (f"  missed {missed}" if missed else ""))
    for name, scores in sorted(by_site.items()):
        mean = sum(scores) / len(scores)
        print(f"{name:<18} pages {len(scores):>2}  held-out accuracy {mean:.3f}")
    site_means = [sum(s) / len(s) for s in by_site.values()]
    print_history(by_batch)
    older = [score for label, score in zip(labels(), page_scores, strict=True)
             if label.get("batch") not in UNSEEN_SITES]
    print(f"pages added before the first batch of unseen shops ({len(older)}): mean per-page "
          f"accuracy {sum(older) / len(older):.3f}")
    print(f"leave-one-site-out: {len(page_scores)} pages, {len(by_site)} sites; mean per-page "
          f"accuracy {sum(page_scores) / len(page_scores):.3f} (target >= 0.9); mean over sites "
          f"{sum(site_means) / len(site_means):.3f}; {time.time() - t0:.1f} s")


def print_history(by_batch: dict[str, list[float]]) -> None:
    """The first-contact history (tests/files/real/first_contact.jsonl): each batch's score as it
    came, before any code changed for it, beside the score after the fixes and today's."""
    print("first contact (score of each new batch before any code change for it):")
    print(f"  {'date':<10}  {'batch':<52} {'pages':>5} {'first':>6} {'after':>6} {'now':>6}")
    rows = [json.loads(line) for line in HISTORY.read_text("utf-8").splitlines() if line.strip()]
    for row in rows:
        now = by_batch.get(row["batch"])
        after = "" if row.get("after_fix") is None else format(row["after_fix"], ".3f")
        print(f"  {row['date']:<10}  {row['batch'][11:][:52]:<52} {row['pages']:>5} "
              f"{row['first_contact']:>6.3f} {after:>6} "
              f"{'' if not now else format(sum(now) / len(now), '.3f'):>6}")
    for name, chosen in (("all batches", rows), ("batches of shops no one here had seen", [
            r for r in rows if r["batch"] in UNSEEN_SITES])):
        pages = sum(r["pages"] for r in chosen)
        first = sum(r["first_contact"] * r["pages"] for r in chosen) / pages
        print(f"  first contact over {name}: {pages} pages, mean per-page accuracy {first:.3f} "
              f"(target >= 0.9)")


if __name__ == "__main__":
    main()
