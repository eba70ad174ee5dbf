"""Scrapy item pipelines, thin: `validate` -> `chemistry` -> `catalog` (the writer pipeline).

What they store and how is the `catalog` package; the order is `ITEM_PIPELINES` in
`scrapers/settings.py`. The catalog file is the Scrapy setting / environment variable
PRECURSOR_WATCH_DB (default `catalog.db`).
"""
