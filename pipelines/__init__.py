"""Scrapy item pipelines, thin: `validate` -> `chemistry` -> `store` (the writer pipeline),
and one package per job of the data side: `catalog` (the SQLite catalog and the only code that
writes it), `ingest` (files, the Redis queue, rescans) and `reports`.

What the pipelines store and how is the `catalog` package; the order is `ITEM_PIPELINES` in
`scrapers/settings.py`. The catalog file is the Scrapy setting / environment variable
PRECURSOR_WATCH_DB (default `catalog.db`).
"""
