"""A vendor dossier: every profile on every platform, contacts, claims, hits over time, its
network with the identifiers that link it, listings with evidence."""

from __future__ import annotations

import sqlite3

from precursor_watch.web.countries import country_label
from precursor_watch.web.hit_queries import HIT_ROW_SQL, as_list, rows, tidy_hit


def dossier(conn: sqlite3.Connection, vendor: int) -> dict | None:
    head = rows(conn, "select id as vendor, name, country, first_seen, last_seen, merged_into"
                " from vendors where id = ?", [vendor])
    if not head:
        return None
    out = head[0]
    out["country_name"] = country_label(out["country"])
    out["profiles"] = rows(conn, """
select p.id as profile, p.platform, p.name, p.profile_url, p.country, p.city, p.address,
  p.website, p.years_on_platform, p.badges, p.stub, p.first_seen, p.last_seen,
  p.evidence as evidence_id, e.url as evidence_url
from vendor_profiles p left join evidence e on e.id = p.evidence
where p.vendor = ? order by p.platform""", [vendor])
    for p in out["profiles"]:
        p["badges"] = as_list(p["badges"])
        p["country_name"] = country_label(p["country"])
    out["names"] = sorted({p["name"] for p in out["profiles"] if p["name"]})
    out["contacts"] = rows(conn, """
select i.kind, i.value, group_concat(distinct p.platform) as platforms, min(i.first_seen)
  as first_seen,
  (select count(distinct q.vendor) from vendor_identifiers j join vendor_profiles q
    on q.id = j.vendor_profile where j.kind = i.kind and j.value = i.value
    and q.vendor != ?) as other_vendors
from vendor_identifiers i join vendor_profiles p on p.id = i.vendor_profile
where p.vendor = ? group by i.kind, i.value order by i.kind, i.value""", [vendor, vendor])
    listings = [tidy_hit(r) for r in rows(
        conn, HIT_ROW_SQL + " and p.vendor = ? order by h.first_detected", [vendor])]
    out["hits"] = listings
    out["claims"] = _claims(conn, vendor)
    out["hits_over_time"] = rows(conn, """
select substr(h.first_detected, 1, 10) as day, count(*) as new_hits,
  count(distinct h.entry) as entries
from hits h join listings l on l.id = h.listing join vendor_profiles p
  on p.id = l.vendor_profile where p.vendor = ? group by 1 order by 1""", [vendor])
    out["other_listings"] = rows(conn, """
select l.id as listing, l.platform, l.title, l.url as listing_url, l.price_text, l.status,
  l.first_seen, l.last_seen, l.evidence as evidence_id
from listings l join vendor_profiles p on p.id = l.vendor_profile
where p.vendor = ? and l.id not in (select listing from hits where current = 1)
order by l.title""", [vendor])
    out["network"] = network_of(conn, vendor)
    return out


def _claims(conn: sqlite3.Connection, vendor: int) -> dict:
    shipping: list[str] = []
    payment: list[str] = []
    for s, p in conn.execute(
            "select l.shipping_claims, l.payment_claims from listings l join vendor_profiles q"
            " on q.id = l.vendor_profile where q.vendor = ?", [vendor]):
        shipping += [c for c in as_list(s) if c not in shipping]
        payment += [c for c in as_list(p) if c not in payment]
    return {"shipping": shipping, "payment": payment}


def network_of(conn: sqlite3.Connection, vendor: int) -> dict | None:
    net = conn.execute("select network, size from vendor_networks where vendor = ? and size > 1",
                       [vendor]).fetchone()
    if net is None:
        return None
    members = rows(conn, """
select v.id as vendor, v.name, v.country,
  (select json_group_array(distinct q.name) from vendor_profiles q where q.vendor = v.id)
    as names
from vendor_networks n join vendors v on v.id = n.vendor where n.network = ?
order by v.name""", [net[0]])
    links = rows(conn, """
select i.kind, i.value, q.vendor as other, v.name as other_name
from vendor_identifiers i join vendor_profiles p on p.id = i.vendor_profile
join vendor_identifiers j on j.kind = i.kind and j.value = i.value
join vendor_profiles q on q.id = j.vendor_profile
join vendors v on v.id = q.vendor
where p.vendor = ? and q.vendor != ?
group by i.kind, i.value, q.vendor order by i.kind, i.value""", [vendor, vendor])
    for m in members:
        m["names"] = sorted(n for n in as_list(m["names"]) if n)
    return {"network": net[0], "size": net[1], "members": members, "links": links}
