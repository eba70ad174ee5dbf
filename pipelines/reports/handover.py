"""What makes a hit report a hand-over document, built from the catalog and the watchlist: the
cover (watchlist version and data hash, tool and library versions, the crawl runs covered and
their statuses), the method statement (sources crawled and when, how a hit is decided, the
confidence of each match kind, what was not fetched and why), the legend of the regime codes
(legal instrument and citation, from chem/data/regimes.csv), prices over time per entry, and the
check of the filters against the values that exist."""

from __future__ import annotations

import json
import platform
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date

from precursor_watch.web.countries import country_code

# How each match kind decides a hit (the scores are chem.scoring.SCORES).
MATCH_KINDS = {
    "exact": "the listing's structure (SMILES, InChI or a resolved name) is the entry's structure",
    "parent": "the listing's structure, with salts and solvents stripped, is the entry's parent",
    "inchikey": "the listing gives the entry's InChIKey",
    "cas": "the listing gives the entry's CAS number",
    "salt_cas": "the listing gives the CAS number of a salt of the entry",
    "name": "the listing names the entry (name, synonym or Chinese name)",
    "class": "the structure falls in a controlled class (SMARTS rule) of the entry",
    "abbreviation": "the listing uses the entry's abbreviation",
    "fuzzy_name": "a near-spelling of the entry's name",
    "designer": "a designer precursor that one known reaction turns into the entry",
    "ambiguous_abbreviation": "an abbreviation with another common meaning",
    "partial_cas": "a CAS number with a wrong check digit or missing part",
    "family": "a family word only",
}


class FilterError(ValueError):
    """A filter value that names nothing in this catalog or watchlist."""


def _valid(kind: str, wrong: list[str], valid) -> FilterError:
    shown = ", ".join(sorted(map(str, valid))[:60])
    more = f" (and {len(valid) - 60} more)" if len(valid) > 60 else ""
    return FilterError(f"unknown {kind} {', '.join(map(repr, wrong))}; valid: {shown}{more}")


def check_filters(conn: sqlite3.Connection, f, watchlist):
    """The filters with entries, families, regimes and platforms spelled as stored (case
    ignored); FilterError naming the valid values for any that names nothing, an impossible
    date or a score outside 0..1."""
    ids = {e.id.casefold(): e.id for e in watchlist.entries}
    for e in watchlist.entries:
        for alias in (*e.abbreviations, *e.cas, e.name):
            ids.setdefault(alias.casefold(), e.id)
    entries = [ids.get(x.strip().casefold()) for x in f.entries]
    if None in entries:
        raise _valid("watchlist entry", [x for x, e in zip(f.entries, entries, strict=True)
                                         if e is None], {e.id for e in watchlist.entries})
    families = {x.casefold(): x for e in watchlist.entries for x in e.family}
    fam = [families.get(x.strip().casefold()) for x in f.families]
    if None in fam:
        raise _valid("family", [x for x, v in zip(f.families, fam, strict=True) if v is None],
                     set(families.values()))
    codes = set(watchlist.regimes) | {c for e in watchlist.entries for c in e.regimes}
    prefixes = {c.split("-")[0] for c in codes} | {c.rsplit("-", 1)[0] for c in codes}
    by_case = {c.casefold(): c for c in codes | prefixes}
    reg = [by_case.get(x.strip().casefold()) for x in f.regimes]
    if None in reg:
        raise _valid("regime", [x for x, v in zip(f.regimes, reg, strict=True) if v is None],
                     codes)
    platforms = {p for (p,) in conn.execute("select distinct platform from listings")
                 if p is not None}
    by_case = {p.casefold(): p for p in platforms}
    plat = [by_case.get(x.strip().casefold()) for x in f.platforms]
    if None in plat:
        raise _valid("platform", [x for x, v in zip(f.platforms, plat, strict=True)
                                  if v is None], platforms)
    bad = [c for c in f.countries if not country_code(c)]
    if bad:
        raise FilterError(f"unknown country {', '.join(map(repr, bad))}: give an ISO code "
                          "(CN, IN, DE), an English or a Chinese name")
    nets = {n for (n,) in conn.execute("select distinct network from vendor_networks")}
    if any(n not in nets for n in f.networks):
        raise _valid("network", [str(n) for n in f.networks if n not in nets], nets)
    if f.since and f.since[:1].isdigit() and "-" in f.since[:5]:
        try:
            date.fromisoformat(f.since[:10])
        except ValueError as exc:
            raise FilterError(f"--since {f.since!r} is not a date that exists ({exc}); give "
                              "YYYY-MM-DD, a crawl run id or 'latest'") from None
    if f.min_score is not None and not 0 <= f.min_score <= 1:
        raise FilterError(f"--min-score {f.min_score} is outside 0..1")
    return replace(f, entries=tuple(entries), families=tuple(fam), regimes=tuple(reg),
                   platforms=tuple(plat))


def tool_versions() -> dict[str, str]:
    """precursor-watch and the libraries behind a report's contents."""
    from importlib import metadata

    out = {"python": platform.python_version(), "sqlite": sqlite3.sqlite_version}
    for pkg in ("precursor-watch", "rdkit", "py2opsin", "chemicals", "scrapy", "warcio",
                "datasette", "openpyxl", "phonenumbers"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def runs_covered(conn: sqlite3.Connection, table: str) -> list[dict]:
    """The crawl runs behind the report's hits (rows of `table`): those that first detected
    them and those whose evidence they cite, with status, dates and counts."""
    ids = {r for (r,) in conn.execute(
        f"select first_run from {table} where first_run is not null union select e.run from"
        f" evidence e where e.id in (select evidence_id from {table}) and e.run is not null")}
    if not ids:
        return []
    cur = conn.execute(
        f"select * from crawl_runs where id in ({','.join('?' * len(ids))}) order by id",
        sorted(ids))
    cols = [d[0] for d in cur.description]
    keep = ("id", "crawl_id", "kind", "spider", "platform", "source", "started", "finished",
            "status", "finish_reason", "watchlist_version", "items", "not_fetched", "errors",
            "dropped", "listings_seen", "hits_new", "monitors")
    out = []
    for r in cur.fetchall():
        row = {k: v for k, v in zip(cols, r, strict=True) if k in keep}
        row["checks"] = _checks(row.pop("monitors", None))
        out.append(row)
    return out


def _checks(monitors: str | None) -> list[dict]:
    try:
        return list(json.loads(monitors or "{}").get("checks", []))
    except (TypeError, ValueError, AttributeError):
        return []


def method(conn: sqlite3.Connection, table: str, runs: list[dict], watchlist) -> dict:
    """The method statement's facts: sources (platforms with first and last crawl), how hits are
    decided (match kinds present in `table`'s hits, with their scores), what was not fetched
    and why."""
    from chem.scoring import SCORES

    sources: dict[str, dict] = {}
    for r in runs:
        s = sources.setdefault(r["platform"] or r["spider"] or r["source"] or "?", {
            "runs": 0, "first": r["started"], "last": r["finished"] or r["started"],
            "statuses": Counter()})
        s["runs"] += 1
        s["first"] = min(filter(None, [s["first"], r["started"]]), default=None)
        s["last"] = max(filter(None, [s["last"], r["finished"], r["started"]]), default=None)
        s["statuses"][r["status"] or "unknown"] += 1
    for s in sources.values():
        s["statuses"] = dict(s["statuses"])
    kinds = conn.execute(f"select match, count(*) from {table} group by match"
                         " order by min(rowid)").fetchall()
    matches = [{"match": k, "hits": n, "score": SCORES.get(k), "means": MATCH_KINDS.get(k, k)}
               for k, n in sorted(kinds, key=lambda kv: -SCORES.get(kv[0], 0))]
    gaps = []
    for r in runs:
        for c in r["checks"]:
            if c.get("result") != "ok" or (c.get("check") == "robots" and c.get("value")):
                gaps.append(f"{r['spider']} (run {r['id']}): {c.get('check')}"
                            f" {c.get('result')}: {c.get('detail')}")
        if r.get("not_fetched"):
            gaps.append(f"{r['spider']} (run {r['id']}): {r['not_fetched']} pages not fetched"
                        " (refused, robots.txt or errors; see the checks above)")
    ids = [r["id"] for r in runs]
    rejected = conn.execute(
        f"select reason, count(*) from rejected where run in ({','.join('?' * len(ids))})"
        " group by reason", ids).fetchall() if ids else []
    gaps += [f"{n} records not stored: {reason}" for reason, n in rejected]
    low, high = conn.execute(f"select min(score), max(score) from {table}").fetchone()
    return {"sources": sources, "matches": matches, "not_fetched": gaps,
            "score_range": [low, high] if low is not None else None,
            "watchlist_entries": len(watchlist.entries)}


def legend(watchlist, used: list[str]) -> list[dict]:
    """Every regime code `used` by the hits (or the watchlist's when none), with its legal
    instrument and the official citation it was checked against."""
    used = set(used) or set(watchlist.regimes)
    out = []
    for code in sorted(used):
        r = watchlist.regimes.get(code)
        out.append({"code": code, "jurisdiction": r.jurisdiction if r else "",
                    "instrument": r.meaning if r else "(not in regimes.csv)",
                    "citation": r.sources if r else "", "checked": r.last_checked if r else ""})
    return out


PRICED = """
from (select listing, vendor_name from {table} where entry = ? group by listing) t
join listing_versions lv on lv.listing = t.listing where lv.price_amount is not null"""


def price_history(conn: sqlite3.Connection, table: str, entry: str) -> Iterator[dict]:
    """Every priced version of the listings behind `entry`'s hits in `table` (date, amount,
    currency, quantity, vendor), oldest first, read as they are used."""
    for d, a, c, q, v in conn.execute(
            "select lv.seen_at, lv.price_amount, lv.price_currency, lv.quantity, t.vendor_name"
            + PRICED.format(table=table) + " order by coalesce(lv.seen_at, ''), t.listing,"
            " lv.rowid", [entry]):
        yield {"date": d, "amount": a, "currency": c, "quantity": q, "vendor": v}


def has_prices(conn: sqlite3.Connection, table: str, entry: str) -> bool:
    return conn.execute("select exists (select 1" + PRICED.format(table=table) + ")",
                        [entry]).fetchone()[0] == 1


def data_hash(hits: Iterable[dict], fields: list[str]) -> str:
    """SHA-256 over the report's rows (the fields of FIELDS, in order): two reports with the
    same hash hand over the same data."""
    import hashlib

    h = hashlib.sha256()
    for row in hits:
        h.update(json.dumps([row.get(f) for f in fields], ensure_ascii=False, default=str,
                            sort_keys=True).encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()
