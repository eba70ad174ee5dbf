"""The catalog's SQL views: what analysts, Datasette's pages and reports read (hits per vendor,
vendors per entry, new hits of the last run, networks, fill rates, monitors). Declared as data;
`schema.ensure_db_shape` creates each one and replaces it when its SQL changed."""

from __future__ import annotations

# Canonical vendor of a profile: vendors.id after following merges (merges point at the kept row).
VIEWS: dict[str, str] = {
    "hits_per_vendor": """
select v.id as vendor, v.name as vendor_name, v.country,
  count(distinct h.listing) as listings_with_hits,
  count(distinct h.entry) as entries,
  group_concat(distinct h.entry) as entry_ids,
  count(distinct p.platform) as platforms,
  min(h.first_detected) as first_detected,
  max(l.last_seen) as last_seen
from hits h
join listings l on l.id = h.listing
join vendor_profiles p on p.id = l.vendor_profile
join vendors v on v.id = p.vendor
where h.current = 1
group by v.id
order by entries desc, listings_with_hits desc""",
    "vendors_per_entry": """
select w.id as entry, w.name, w.family, w.regimes, w.tier,
  count(distinct p.vendor) as vendors,
  count(distinct h.listing) as listings,
  count(distinct l.platform) as platforms,
  sum(l.status = 'active') as active_listings,
  min(h.first_detected) as first_detected
from watchlist_entries w
join hits h on h.entry = w.id and h.current = 1
join listings l on l.id = h.listing
left join vendor_profiles p on p.id = l.vendor_profile
group by w.id
order by vendors desc, listings desc""",
    "new_hits_latest_run": """
select h.listing, l.title, l.platform, l.url, p.vendor, p.name as vendor_name, h.entry,
  h.match, h.score, h.evidence, h.first_detected, h.watchlist_version, h.first_run
from hits h
join listings l on l.id = h.listing
left join vendor_profiles p on p.id = l.vendor_profile
where h.current = 1 and h.first_run in (
  -- every per-spider run of the last invocation: its crawl_id, else runs overlapping it in time
  select r.id from crawl_runs r, (select id, crawl_id, started, coalesce(finished, started) as
    finished from crawl_runs order by id desc limit 1) last
  where r.id = last.id or r.crawl_id = last.crawl_id
    or (last.crawl_id is null and r.started <= last.finished
        and coalesce(r.finished, r.started) >= last.started))
order by h.score desc""",
    "vendors_multi_platform": """
select v.id as vendor, v.name, v.country, count(distinct p.platform) as platforms,
  group_concat(distinct p.platform) as platform_list, count(p.id) as profiles,
  (select count(*) from listings l join vendor_profiles q on q.id = l.vendor_profile
    where q.vendor = v.id) as listings
from vendors v
join vendor_profiles p on p.vendor = v.id
where v.merged_into is null
group by v.id
having count(distinct p.platform) > 1
order by platforms desc, listings desc""",
    "shared_identifiers": """
select i.kind, i.value, count(distinct p.vendor) as vendors,
  group_concat(distinct p.vendor) as vendor_ids,
  group_concat(distinct p.platform) as platforms,
  min(i.first_seen) as first_seen
from vendor_identifiers i
join vendor_profiles p on p.id = i.vendor_profile
group by i.kind, i.value
having count(distinct p.vendor) > 1
order by vendors desc""",
    "network_overview": """
with hit_listings as (
  select m.network, count(distinct h.listing) as listings_with_hits
  from hits h
  join listings l on l.id = h.listing
  join vendor_profiles p on p.id = l.vendor_profile
  join vendor_networks m on m.vendor = p.vendor
  where h.current = 1 and m.size > 1
  group by m.network
)
select n.network, n.size, max(n.platforms) as platforms,
  group_concat(v.name, ' | ') as vendor_names,
  max(n.linked_by) as linked_by,
  coalesce(max(hl.listings_with_hits), 0) as listings_with_hits
from vendor_networks n
join vendors v on v.id = n.vendor
left join hit_listings hl on hl.network = n.network
where n.size > 1
group by n.network
order by n.size desc, listings_with_hits desc""",
    "site_fill_rates": """
select r.id as run, r.crawl_id, r.spider, r.status, r.started, s.key as site,
  json_extract(s.value, '$.pages') as product_pages, json_extract(s.value, '$.title') as title,
  json_extract(s.value, '$.cas') as cas, json_extract(s.value, '$.price') as price,
  json_extract(s.value, '$.pack') as pack, json_extract(s.value, '$.purity') as purity,
  json_extract(s.value, '$.vendor') as vendor
from crawl_runs r, json_each(r.monitors, '$.fill') s
where r.monitors is not null and json_valid(r.monitors)
order by r.id desc, s.key""",
    "run_monitors": """
select r.id as run, r.crawl_id, r.spider, r.status, r.started,
  json_extract(c.value, '$.check') as "check", json_extract(c.value, '$.result') as result,
  json_extract(c.value, '$.value') as value, json_extract(c.value, '$.limit') as "limit",
  json_extract(c.value, '$.detail') as detail
from crawl_runs r, json_each(r.monitors, '$.checks') c
where r.monitors is not null and json_valid(r.monitors)
order by r.id desc""",
    "listing_hits": """
select h.listing, l.platform, l.title, l.price_text, l.status, l.first_seen, l.last_seen,
  p.vendor, p.name as vendor_name, p.country, h.entry, w.name as entry_name, w.family,
  w.regimes, h.match, h.score, h.evidence, h.first_detected, h.watchlist_version, l.url
from hits h
join listings l on l.id = h.listing
left join vendor_profiles p on p.id = l.vendor_profile
left join watchlist_entries w on w.id = h.entry
where h.current = 1
order by h.score desc""",
}
