"""Shared fixtures: one Matcher per test session (its indexes take a second to build)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def matcher():
    from chem.matcher import Matcher

    return Matcher()
