"""Shared fixtures: one Matcher per test session (its indexes take a second to build)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def matcher():
    from chem.matcher import Matcher

    return Matcher()


@pytest.fixture(scope="session")
def sample_catalog(tmp_path_factory):
    """A catalog from the bundled sample crawl (`precursor-watch demo`), WARCs beside it."""
    from webkit import demo_catalog

    return demo_catalog(tmp_path_factory.mktemp("sample-crawl"))


@pytest.fixture(scope="session")
def sample_server(sample_catalog):
    """`precursor-watch serve` on a loopback port over the sample catalog; yields its base URL."""
    from webkit import serving

    with serving(sample_catalog) as base:
        yield base
