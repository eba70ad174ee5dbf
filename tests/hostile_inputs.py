"""The hostile-input classes of issue 9, as data: shared by tests/test_hostile.py and
benchmarks/bench_hostile.py.

`CASES`: JSON Lines input classes -> (line bytes, what `match` answers (its error) or None, what
`ingest` does: ("rejected", reason) | ("repaired", note) | ("stored", None)).
`HOSTILE_PAGES`: page classes every parser must survive.
"""

from __future__ import annotations

import json

BOC10 = "C" + "N(C(=O)OC(C)(C)C)C" * 10  # a polyamine with ten Boc groups


def good(i: int) -> bytes:
    return json.dumps({"id": f"good-{i}", "platform": "shop", "listing_id": f"g{i}",
                       "url": f"https://shop.example/g{i}", "title": "NPP",
                       "cas": "39742-60-4"}).encode()


def hostile(i: int, **fields) -> bytes:
    rec = {"id": f"bad-{i}", "platform": "shop", "listing_id": f"b{i}",
           "url": f"https://shop.example/b{i}", "title": "Piperidine"}
    rec.update(fields)
    return json.dumps(rec).encode()


# class -> (line bytes, what match answers: error text or None, what ingest does:
#           ("rejected", reason) | ("repaired", note) | ("stored", None))
CASES: dict[str, tuple[bytes, str | None, tuple[str, str | None]]] = {
    "invalid UTF-8": (b'{"id": "x", "title": "\xff\xfe NPP"}', "invalid UTF-8 at byte 23",
                      ("rejected", "invalid UTF-8 at byte 23")),
    "100,000-deep nesting": (b"[" * 100_000 + b"]" * 100_000,
                             "JSON nested 100000 deep (more than 64)",
                             ("rejected", "JSON nested 100000 deep (more than 64)")),
    "5,000-digit number": (b'{"id": "n", "price_amount": ' + b"9" * 5000 + b"}",
                           "number with 5000 digits (more than 64)",
                           ("rejected", "number with 5000 digits (more than 64)")),
    "NaN": (b'{"id": "nan", "title": NaN}', "NaN is not JSON", ("rejected", "NaN is not JSON")),
    "not an object": (b'["NPP"]', "expected a JSON object", ("rejected", "expected a JSON object")),
    "lone surrogate in id": (hostile(1, id="\ud800", listing_id="\ud800"),
                             "id contains a lone surrogate or NUL",
                             ("rejected", "listing_id contains a lone surrogate or NUL")),
    "title is an object": (hostile(2, title={"x": 1}), "title is dict, not text",
                           ("rejected", "title is an object, not text")),
    "lone surrogate in title": (hostile(3, title="NPP \udc00"), None,
                                ("repaired", "title: 1 lone surrogate replaced")),
    "NUL in description": (hostile(4, description="a\x00b"), None,
                           ("repaired", "description: 1 NUL replaced")),
    "CAS 0000000": (hostile(5, title="CAS 0000000"), None, ("stored", None)),
    "ten Boc groups": (hostile(6, smiles=BOC10), None, ("stored", None)),
    "1.5 M characters": (hostile(7, description="NPP " * 375_000), None, ("stored", None)),
}


HOSTILE_PAGES = {
    "lone surrogate in JSON-LD": '<script type="application/ld+json">{"@type": "Product",'
                                 ' "name": "NPP \\ud800", "sku": "\\udfff"}</script>',
    "NUL and control bytes": "<html><body><h1>NPP\x00\x01\x1b</h1>CAS 39742-60-4</body></html>",
    "deep nesting": "<div>" * 20_000 + "CAS 39742-60-4" + "</div>" * 20_000,
    "JSON-LD nested deep": '<script type="application/ld+json">' + "[" * 50_000 + "]" * 50_000
                           + "</script>",
    "huge number in JSON-LD": '<script type="application/ld+json">{"@type": "Product", "name":'
                              ' "x", "offers": {"price": ' + "9" * 5000 + "}}</script>",
    "lone surrogate as text": "<html><body><h1>NPP \ud800</h1></body></html>",
    "thousands of CAS numbers": "<html><body><table><tr><th>CAS</th></tr>"
                                + "<tr><td>39742-60-4</td></tr>" * 3000 + "</table></body></html>",
}


# Redis queue entries an outside party could push (`crawl --redis` crawlers write the queue, any
# client of that Redis can too): entry bytes -> the reason stored in `rejected`.
REDIS_POISON: dict[str, tuple[bytes, str]] = {
    "100,000-deep nesting": (b"[" * 100_000 + b"]" * 100_000,
                             "queue entry: JSON nested 100000 deep (more than 64)"),
    "5,000-digit number": (b'{"type": "listing", "price_amount": ' + b"9" * 5000 + b"}",
                           "queue entry: number with 5000 digits (more than 64)"),
    "not json": (b"not json", "queue entry: not JSON (Expecting value, column 1)"),
    "javascript: listing URL": (json.dumps({
        "type": "listing", "platform": "shop", "listing_id": "js",
        "url": "javascript:alert(document.domain)", "title": "NPP"}).encode(),
        "listing url is not http(s): 'javascript:alert(document.domain)'"),
    "not an object": (b'["NPP"]', "queue entry: expected a JSON object"),
    "invalid UTF-8": (b'{"title": "\xff"}', "queue entry: invalid UTF-8 at byte 12"),
}
