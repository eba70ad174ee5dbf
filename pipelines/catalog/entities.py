"""Entity resolution: one canonical vendor per company, and networks of vendors sharing contacts.

- Names are normalized (folded, punctuation dropped, legal suffixes such as "Co., Ltd." and
  有限公司 removed); a second, "core" key also drops sector and place words (Chemical, Biotech,
  科技, Hubei, ...) listed in `pipelines/catalog/data/company_words.csv`.
- Two vendors are merged only when their names agree (rapidfuzz) AND they share a contact
  identifier; every merge is recorded in `vendor_merges` with the reason. Same-name vendors with no
  shared identifier are recorded as `candidate` decisions for an analyst, not merged.
- Networks are connected components over shared phones, emails, websites, handles and addresses:
  front companies with different names but one phone number end up in one network.
"""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from functools import lru_cache
from itertools import combinations
from pathlib import Path

from rapidfuzz import fuzz

from pipelines.catalog.identifiers import fold

DATA_DIR = Path(__file__).parent / "data"
MERGE_SCORE = 90  # rapidfuzz token_sort_ratio on core names, 0..100
MAX_SHARED = 50  # an identifier shared by more vendors is a platform hotline, not a link
# Candidate blocks (vendors sharing a core name): up to MAX_BLOCK vendors every cross-platform pair
# is a candidate; a bigger block (a common name) links each vendor to the block's first vendor
# only, so candidate rows grow linearly with vendors, never with their square.
MAX_BLOCK = 50
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_NON_WORD = re.compile(r"[^\w\u3400-\u9fff]+")


@lru_cache(maxsize=1)
def _words() -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    with (DATA_DIR / "company_words.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            out[row["kind"].strip()].add(row["word"].strip().lower())
    return out


def _strip_cjk(token: str, suffixes: set[str], prefixes: set[str]) -> str:
    changed = True
    while changed and token:
        changed = False
        for s in sorted(suffixes, key=len, reverse=True):
            if _CJK.match(s) and token.endswith(s) and len(token) > len(s):
                token, changed = token[: -len(s)], True
                break
        for p in sorted(prefixes, key=len, reverse=True):
            if _CJK.match(p) and token.startswith(p) and len(token) > len(p):
                token, changed = token[len(p):], True
                break
    return token


def _tokens(name: str) -> list[str]:
    text = fold(name).replace("&", " and ").replace("hong kong", "hongkong")
    return [t for t in _NON_WORD.sub(" ", text).split() if t]


def normalize_name(name: str) -> str:
    """Folded name without punctuation and legal suffixes: "Acme Chem Co., Ltd." -> "acme chem"."""
    legal = _words()["legal"]
    toks = _tokens(name)
    while toks and toks[-1] in legal:
        toks.pop()
    toks = [_strip_cjk(t, legal, set()) if _CJK.search(t) else t for t in toks]
    return " ".join(toks)


def core_name(name: str) -> str:
    """The distinctive part: also without sector and place words ("hubei amarvel biotech" ->
    "amarvel"); falls back to the normalized name when nothing would be left."""
    w = _words()
    drop = w["legal"] | w["sector"] | w["place"]
    toks = []
    for t in _tokens(name):
        if _CJK.search(t):
            t = _strip_cjk(t, w["legal"] | w["sector"], w["place"])
        if t and t not in drop:
            toks.append(t)
    return " ".join(toks) or normalize_name(name)


def name_score(a: str, b: str) -> float:
    """0..100; names whose numbers differ ("Lab 12" / "Lab 1512") never agree."""
    ca, cb = core_name(a), core_name(b)
    if not ca or not cb:
        return 0.0
    if set(re.findall(r"\d+", ca)) != set(re.findall(r"\d+", cb)):
        return 0.0
    return float(fuzz.token_sort_ratio(ca, cb))


class _DSU:
    def __init__(self):
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> tuple[int, int] | None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return None
        keep, gone = min(ra, rb), max(ra, rb)
        self.parent[gone] = keep
        return keep, gone


def resolve(db, now: str) -> dict:
    """Merge same-company vendors and recompute networks. Runs inside the caller's transaction."""
    merges, candidates = _merge(db, now)
    networks = _networks(db)
    return {"merged": merges, "candidates": candidates, "networks": networks}


def _load(db):
    profiles = db.execute(
        "SELECT p.id, p.vendor, p.platform, coalesce(p.name, '') FROM vendor_profiles p"
    ).fetchall()
    idents = db.execute(
        "SELECT vendor_profile, kind, value FROM vendor_identifiers").fetchall()
    return profiles, idents


def _shared(profiles, idents) -> dict[tuple[str, str], set[int]]:
    vendor_of = {pid: vendor for pid, vendor, _, _ in profiles}
    by_ident: dict[tuple[str, str], set[int]] = defaultdict(set)
    for pid, kind, value in idents:
        if pid in vendor_of:
            by_ident[(kind, value)].add(vendor_of[pid])
    return {k: v for k, v in by_ident.items() if 1 < len(v) <= MAX_SHARED}


def _merge(db, now: str) -> tuple[int, int]:
    profiles, idents = _load(db)
    names: dict[int, set[str]] = defaultdict(set)
    platforms: dict[int, set[str]] = defaultdict(set)
    for _, vendor, platform, name in profiles:
        if name:
            names[vendor].add(name)
        platforms[vendor].add(platform)
    shared = _shared(profiles, idents)
    pair_idents: dict[tuple[int, int], list[str]] = defaultdict(list)
    for (kind, value), vendors in shared.items():
        for a, b in combinations(sorted(vendors), 2):
            pair_idents[(a, b)].append(f"{kind}:{value}")
    decided = {(k, m, d) for k, m, d in db.execute(
        "SELECT kept, merged, decision FROM vendor_merges").fetchall()}
    dsu = _DSU()
    merged = 0
    for (a, b), via in sorted(pair_idents.items()):
        best, pair = 0.0, ("", "")
        for na in names[a]:
            for nb in names[b]:
                s = name_score(na, nb)
                if s > best:
                    best, pair = s, (na, nb)
        if best < MERGE_SCORE:
            continue
        joined = dsu.union(a, b)
        if joined is None:
            continue
        keep, gone = joined
        reason = (f"names {pair[0]!r} ~ {pair[1]!r} (score {best:.0f}) and shared "
                  + ", ".join(sorted(via)[:5]))
        db.execute(
            "INSERT INTO vendor_merges (kept, merged, decision, reason, name_score, shared,"
            " decided_at) VALUES (?, ?, 'merged', ?, ?, ?, ?)",
            [keep, gone, reason, best, json.dumps(sorted(via)), now])
        db.execute("UPDATE vendor_profiles SET vendor = ? WHERE vendor = ?", [keep, gone])
        db.execute("UPDATE vendors SET merged_into = ? WHERE id = ? OR merged_into = ?",
                   [keep, gone, gone])
        db.execute(
            "UPDATE vendors SET first_seen = min(first_seen, (SELECT first_seen FROM vendors"
            " WHERE id = ?)), last_seen = max(last_seen, (SELECT last_seen FROM vendors"
            " WHERE id = ?)) WHERE id = ?", [gone, gone, keep])
        merged += 1
    return merged, _candidates(db, names, platforms, decided, now)


def _candidates(db, names: dict[int, set[str]], platforms: dict[int, set[str]],
                decided: set, now: str) -> int:
    """Same distinctive name on different platforms but no shared contact: rows for an
    analyst, through name blocks (see MAX_BLOCK), so their number grows linearly."""
    live = {v for (v,) in db.execute("SELECT DISTINCT vendor FROM vendor_profiles").fetchall()}
    by_core: dict[str, set[int]] = defaultdict(set)
    for vendor, ns in names.items():
        if vendor in live:
            for n in ns:
                core = core_name(n)
                if len(core) >= 4:
                    by_core[core].add(vendor)
    rows = []
    for core, vendors in by_core.items():
        for a, b, reason in _candidate_pairs(core, sorted(vendors), platforms):
            if (a, b, "candidate") not in decided:
                decided.add((a, b, "candidate"))
                rows.append([a, b, reason, now])
    db.conn.executemany(
        "INSERT INTO vendor_merges (kept, merged, decision, reason, name_score, shared,"
        " decided_at) VALUES (?, ?, 'candidate', ?, 100, '[]', ?)", rows)
    return len(rows)


def _candidate_pairs(core: str, vendors: list[int], platforms: dict[int, set[str]]):
    """(a, b, reason) for same-named vendors on different platforms: all pairs in a small block;
    in a block bigger than MAX_BLOCK, each vendor paired once, with the first vendor on other
    platforms (its representative)."""
    if len(vendors) <= MAX_BLOCK:
        reason = f"same name {core!r} on different platforms; no shared contact"
        for a, b in combinations(vendors, 2):
            if not platforms[a] & platforms[b]:
                yield a, b, reason
        return
    reason = (f"same name {core!r} shared by {len(vendors)} vendors (a common name: each is"
              " paired with one vendor of it elsewhere); no shared contact")
    first: dict[frozenset, int] = {}  # first vendor of each platform set
    for v in vendors:
        first.setdefault(frozenset(platforms[v]), v)
    pairs = set()
    for v in vendors:
        other = min((f for plats, f in first.items() if not plats & platforms[v]), default=None)
        if other is not None:
            pairs.add((min(v, other), max(v, other)))
    for a, b in sorted(pairs):
        yield a, b, reason


def _networks(db) -> int:
    profiles, idents = _load(db)
    platforms: dict[int, set[str]] = defaultdict(set)
    for _, vendor, platform, _ in profiles:
        platforms[vendor].add(platform)
    shared = _shared(profiles, idents)
    dsu = _DSU()
    for vendors in shared.values():
        first, *rest = sorted(vendors)
        for other in rest:
            dsu.union(first, other)
    members: dict[int, list[int]] = defaultdict(list)
    for vendor in platforms:
        members[dsu.find(vendor)].append(vendor)
    links: dict[int, list[str]] = defaultdict(list)
    for (kind, value), vendors in shared.items():
        links[dsu.find(next(iter(vendors)))].append(f"{kind}:{value}")
    rows = []
    for root, vendors in members.items():
        plats = set().union(*(platforms[v] for v in vendors))
        linked = json.dumps(sorted(links.get(root, []))[:20], ensure_ascii=False)
        rows.extend([v, root, len(vendors), len(plats), linked] for v in vendors)
    db.execute("DELETE FROM vendor_networks")
    db.conn.executemany(
        "INSERT INTO vendor_networks (vendor, network, size, platforms, linked_by)"
        " VALUES (?, ?, ?, ?, ?)", rows)
    return sum(1 for v in members.values() if len(v) > 1)
