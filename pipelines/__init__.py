"""Scrapy item pipelines (validate -> chemistry -> catalog writer) and the SQLite catalog.

The crawl command merges `CATALOG_PIPELINES` into ITEM_PIPELINES; the catalog file is the Scrapy
setting / environment variable PRECURSOR_WATCH_DB (default `catalog.db`).
"""

CATALOG_PIPELINES = {
    "pipelines.validate.ValidatePipeline": 100,
    "pipelines.chemistry.ChemistryPipeline": 200,
    "pipelines.catalog.CatalogWriterPipeline": 300,
}
