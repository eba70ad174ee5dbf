"""Discovery: the websites that catalogued vendors name on their marketplace profiles.

`catalog_websites(db)` lists, one per registered domain, the websites of vendor profiles in the
catalog (marketplace profiles only: a vendor website's own profile is where it was found, not a
lead); `with_hits=True` keeps the vendors with at least one watchlist hit on any platform. The
vendor-site spider crawls them within its page and depth limits; its listings carry the site's
registered domain as vendor id, and entity resolution links that profile to the marketplace
profiles through the shared `domain` identifier.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from scrapers.parsers.vendorsite import vendor_id

_QUERY = """
select p.website from vendor_profiles p
where p.platform != 'vendorsite' and p.website is not null and p.website != ''
  {hits}
order by p.website
"""
_WITH_HITS = """
  and (p.id in (select l.vendor_profile from hits h join listings l on l.id = h.listing
                where h.retracted_at is null)
       or p.vendor in (select pv.vendor from hits h join listings l on l.id = h.listing
                       join vendor_profiles pv on pv.id = l.vendor_profile
                       where h.retracted_at is null and pv.vendor is not null))
"""


def catalog_websites(db: str | Path, with_hits: bool = False) -> list[str]:
    """Website URLs of catalogued vendors, one per registered domain (empty catalog: [])."""
    path = Path(db)
    if not path.exists():
        raise FileNotFoundError(f"no catalog at {path}")
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = con.execute(_QUERY.format(hits=_WITH_HITS if with_hits else "")).fetchall()
    except sqlite3.OperationalError as exc:  # a file that is not a catalog
        raise ValueError(f"{path} is not a precursor-watch catalog: {exc}") from exc
    finally:
        con.close()
    by_domain: dict[str, str] = {}
    for (website,) in rows:
        url = website if "://" in website else f"https://{website}"
        domain = vendor_id(url)
        if domain and "." in domain:
            by_domain.setdefault(domain, url)
    return [by_domain[d] for d in sorted(by_domain)]


def write_domains(websites: list[str], path: Path) -> Path:
    """The domains file the vendor-site spider reads (`-a domains=FILE`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("# vendor websites from the catalog (precursor-watch --from-catalog)\n"
                    + "".join(f"{w}\n" for w in websites), "utf-8")
    return path
