"""Shared fixtures (one Matcher per test session: its indexes take a second to build) and the
fast tier (`pytest --fast`, what `make test-fast` runs)."""

from __future__ import annotations

import pytest

# Markers of what the fast tier leaves out (registered in pyproject.toml): a process, the OPSIN
# JVM, a crawl, a browser, a server, or a never-raises pass outside the seeded sample of pages.
FULL_TIER_ONLY = ("subprocess", "opsin", "crawl", "browser", "redis", "scrapyd", "allpages")


def pytest_addoption(parser):
    parser.addoption("--fast", action="store_true",
                     help="the fast tier: leave out tests marked " + ", ".join(FULL_TIER_ONLY)
                          + "; the shared matcher runs without OPSIN (no JVM)")


def fast_tier(config) -> bool:
    return bool(config.getoption("--fast"))


def pytest_collection_modifyitems(config, items):
    if not fast_tier(config):
        return
    kept, left = [], []
    for item in items:
        slow = any(item.get_closest_marker(name) for name in FULL_TIER_ONLY)
        (left if slow else kept).append(item)
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept


@pytest.fixture(scope="session")
def matcher(pytestconfig):
    """The matcher of the session; in the fast tier without OPSIN, so no JVM starts (cases that
    need OPSIN carry the `opsin` marker)."""
    from chem.matcher import Matcher

    return Matcher(use_opsin=not fast_tier(pytestconfig))


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
