"""Thin Scrapyd egg: no code, only the entry point naming the installed project's settings.

The spiders, pipelines and data come from the precursor-watch package installed in the Scrapyd
server's environment (`pip install precursor-watch` or `pip install -e .`), so an egg never
shadows the package's data files.
"""

from setuptools import setup

setup(
    name="precursor-watch-scrapyd",
    version="1.0",
    packages=[],
    entry_points={"scrapy": ["settings = scrapers.settings"]},
)
