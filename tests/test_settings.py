"""scrapers.settings: polite typed defaults, each overridable from the environment."""

import importlib

import pytest

ENV = ("PRECURSOR_WATCH_CONTACT", "PRECURSOR_WATCH_USER_AGENT", "PRECURSOR_WATCH_ROBOTSTXT_OBEY",
       "PRECURSOR_WATCH_DOWNLOAD_MAXSIZE", "PRECURSOR_WATCH_HTTPCACHE", "PRECURSOR_WATCH_JOBDIR",
       "PRECURSOR_WATCH_CONCURRENCY_PER_DOMAIN", "PRECURSOR_WATCH_AUTOTHROTTLE",
       "PRECURSOR_WATCH_EVIDENCE_DIR", "PRECURSOR_WATCH_DB")


@pytest.fixture
def load(monkeypatch):
    import scrapers.settings

    for name in ENV:
        monkeypatch.delenv(name, raising=False)

    def _load(**env):
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        return importlib.reload(scrapers.settings)

    yield _load
    monkeypatch.undo()
    importlib.reload(scrapers.settings)


def test_defaults_are_polite(load):
    s = load()
    assert s.ROBOTSTXT_OBEY is True
    assert s.AUTOTHROTTLE_ENABLED is True
    assert s.CONCURRENT_REQUESTS_PER_DOMAIN == 1
    assert s.HTTPCACHE_ENABLED is False
    assert s.JOBDIR is None
    assert s.USER_AGENT.startswith("precursor-watch/")
    assert s.DOWNLOAD_MAXSIZE == 5 * 1024 * 1024
    assert s.PRECURSOR_WATCH_EVIDENCE_DIR == "crawls"
    assert s.PRECURSOR_WATCH_DB == "catalog.db"
    assert {429, 503} <= set(s.RETRY_HTTP_CODES)


def test_cache_never_keeps_challenges_refusals_or_server_errors(load):
    ignored = set(load().HTTPCACHE_IGNORE_HTTP_CODES)
    assert {202, 403, 429, 500, 501, 503, 520, 599} <= ignored
    assert 200 not in ignored and 404 not in ignored


def test_environment_overrides_with_types(load):
    s = load(PRECURSOR_WATCH_CONTACT="mailto:analyst@example.org",
             PRECURSOR_WATCH_ROBOTSTXT_OBEY="false", PRECURSOR_WATCH_DOWNLOAD_MAXSIZE="1024",
             PRECURSOR_WATCH_HTTPCACHE="1", PRECURSOR_WATCH_JOBDIR="/tmp/job",
             PRECURSOR_WATCH_CONCURRENCY_PER_DOMAIN="2", PRECURSOR_WATCH_AUTOTHROTTLE="no",
             PRECURSOR_WATCH_EVIDENCE_DIR="/data/ev", PRECURSOR_WATCH_DB="/data/c.db")
    assert "mailto:analyst@example.org" in s.USER_AGENT
    assert s.ROBOTSTXT_OBEY is False
    assert s.DOWNLOAD_MAXSIZE == 1024
    assert s.HTTPCACHE_ENABLED is True
    assert s.JOBDIR == "/tmp/job"
    assert s.CONCURRENT_REQUESTS_PER_DOMAIN == 2
    assert s.AUTOTHROTTLE_ENABLED is False
    assert s.PRECURSOR_WATCH_EVIDENCE_DIR == "/data/ev"
    assert s.PRECURSOR_WATCH_DB == "/data/c.db"
