"""Read-only reports from a catalog: `stats` (counts and the demo summary), `hits` (the hits a
set of filters keeps, with groups and networks) written by `formats` (CSV, XLSX, JSON, HTML),
and `run` (the report and notification after a crawl)."""
