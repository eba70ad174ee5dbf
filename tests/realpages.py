"""The labelled real-page corpus (tests/files/real): load pages, parse them, compare with labels.

`labels.jsonl` holds, per page, what a person sees on it (listings: title, CAS, lowest and
highest price with currency, purity, pack size; the vendor's name, phones and e-mails; or
`not_fetched` for a challenge page). `compare` gives one (field, expected, got, ok) row per
labelled value, with the matching rules the shared scorer uses: a listing is found by CAS or by a
title containing (or contained in) the label's; purity by its number; pack size by words.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

from scrapy.http import HtmlResponse

from scrapers.export import item_to_dict
from scrapers.parsers import post, vendorsite

REAL = Path(__file__).parent / "files" / "real"


def labels() -> list[dict]:
    return [json.loads(line) for line in (REAL / "labels.jsonl").read_text("utf-8").splitlines()
            if line.strip()]


def parse(label: dict) -> list[dict]:
    """Items the vendor-site parser (the generic extractor) reads from a labelled page."""
    return [dict(x) for x in _parse(label["file"], label["url"])]


@functools.cache  # every labelled page parsed once per session
def _parse(file: str, url: str) -> tuple:
    text = HtmlResponse(url=url, body=(REAL / file).read_bytes()).text
    page = post.process(vendorsite.parse_page(url, text), url)
    items = [item_to_dict(x) for x in (*page.listings, *page.vendors)]
    if page.not_fetched:
        items.append({"type": "not_fetched", "reason": page.not_fetched})
    return tuple(items)


def _norm(s) -> str:
    return re.sub(r"[\W_]+", " ", (s or "").lower()).strip()


def _num(s) -> float | None:
    m = re.search(r"\d+(?:[.,]\d+)?", str(s or ""))
    return float(m.group().replace(",", ".")) if m else None


def _same(lab: dict, got: dict) -> bool:
    if lab.get("cas") and got.get("cas") and lab["cas"] == got["cas"].strip():
        return True
    a, b = _norm(lab.get("title")), _norm(got.get("title"))
    return bool(a and b and (a in b or b in a))


def _close(a, b) -> bool:
    return a is not None and b is not None and abs(float(a) - float(b)) < 0.006


def compare(label: dict, items: list[dict]) -> list[tuple[str, object, object, bool]]:
    """(field, expected, got, ok) for every value the label states."""
    listings = [i for i in items if i.get("type") == "listing"]
    vendors = [i for i in items if i.get("type") == "vendor"]
    if label.get("not_fetched"):
        ok = any(i.get("type") == "not_fetched" for i in items) and not listings
        return [("not_fetched", True, ok, ok)]
    rows, used = [], set()
    for lab in label.get("listings") or []:
        idx = next((k for k, g in enumerate(listings) if k not in used and _same(lab, g)), None)
        got = listings[idx] if idx is not None else {}
        used.add(idx)
        key = lab.get("title")
        rows.append((f"{key}: found", True, idx is not None, idx is not None))
        checks = {
            "title": (lab.get("title"), got.get("title"), bool(got) and _same(
                {"title": lab.get("title")}, got)),
            "cas": (lab.get("cas"), got.get("cas"),
                    (got.get("cas") or "").strip() == lab.get("cas")),
            "price": ((lab.get("price_amount"), lab.get("price_currency")),
                      (got.get("price_amount"), got.get("price_currency")),
                      _close(got.get("price_amount"), lab.get("price_amount")) and (
                          got.get("price_currency") or "").upper() == (
                          lab.get("price_currency") or "").upper()),
            "price_max": (lab.get("price_max"), got.get("price_max"),
                          _close(got.get("price_max"), lab.get("price_max"))),
            "purity": (lab.get("purity"), got.get("purity"),
                       _num(got.get("purity")) == _num(lab.get("purity"))),
            "quantity": (lab.get("quantity"), got.get("quantity"), bool(got.get("quantity")) and (
                _norm(lab.get("quantity")) in _norm(got.get("quantity"))
                or _norm(got.get("quantity")) in _norm(lab.get("quantity")))),
        }
        stated = {"title": lab.get("title"), "cas": lab.get("cas"),
                  "price": lab.get("price_amount"), "price_max": lab.get("price_max"),
                  "purity": lab.get("purity"), "quantity": lab.get("quantity")}
        rows += [(f"{key}: {name}", *checks[name]) for name, value in stated.items()
                 if value is not None]
    vendor = label.get("vendor") or {}
    if vendor.get("name"):
        names = [_norm(v.get("name")) for v in vendors]
        want = _norm(vendor["name"])
        rows.append(("vendor name", vendor["name"], names,
                     any(n and (want in n or n in want) for n in names)))
    for phone in vendor.get("phones") or []:
        digits = [re.sub(r"\D", "", p) for v in vendors for p in v.get("phones") or []]
        rows.append(("vendor phone", phone, digits, any(phone[-8:] in d for d in digits)))
    for email in vendor.get("emails") or []:
        got = [e.lower() for v in vendors for e in v.get("emails") or []]
        rows.append(("vendor email", email, got, email.lower() in got))
    return rows


def accuracy(label: dict, items: list[dict]) -> float:
    rows = compare(label, items)
    return sum(ok for *_, ok in rows) / len(rows) if rows else 1.0


def site(label: dict) -> str:
    return label["file"].split("/", 1)[0]
