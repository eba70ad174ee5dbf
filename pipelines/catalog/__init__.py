"""The SQLite catalog: its shape (`schema`), the only code that writes its tables, and the
normalizations stored in it. One owner per table:

| table(s) | owner |
|---|---|
| every table's shape, migrations, full-text index | `schema` (the views: `views`) |
| `listings`, `listing_versions`, `substances`, `listing_substances`, `hits` | `save_listings` |
| `vendors`, `vendor_profiles`, `vendor_identifiers` | `save_vendors` |
| `vendor_merges`, `vendor_networks` | `entities` |
| `crawl_runs` (open, close, failed, interrupted, resume) | `runs` |
| `rejected`, `watchlist_versions`, `watchlist_entries`, `evidence` | `save` |

`writer.CatalogWriter` batches records and calls these in one transaction per batch;
`records` turns items into records (keys, hashes); `storable` makes text storable;
`identifiers` normalizes contacts; `clock` is the timestamp format; `fields` derives what is
stored from the item dataclasses; `location` says where the catalog file is; `connection`
opens it (WAL, busy timeout, shape ensured). Nothing outside this package writes SQL to these
tables.
"""
