"""The issue-17 real-text sets (tests/data/real_text_genres.jsonl, real_text_batch8.jsonl,
real_text_batch9.jsonl, real_text_batch10.jsonl, real_text_batch11.jsonl; see
tests/data/README.md) through the matcher
in-process, text only.

Every page that offers a listed substance stays caught, and the false alarms do not grow past
the counts recorded in the README after the session-4 fixes (a ratchet: lower them, never raise
them). The acceptance target of issue 17 (at most 3% of negatives) is not met yet; the README
says what remains and why.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
# set -> the most false alarms allowed (text only), as recorded in tests/data/README.md
SETS = {"real_text_genres.jsonl": 16, "real_text_batch8.jsonl": 11, "real_text_batch9.jsonl": 8,
        "real_text_batch10.jsonl": 7, "real_text_batch11.jsonl": 17}
# set -> the offers still missed (batch 11, session 5: README "After the session-5 rules"); every
# other set misses none
MISSED = {"real_text_batch11.jsonl": {"b11-005", "b11-008"}}


def _cases(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines()
            if line.strip()]


@pytest.mark.parametrize("name,most", SETS.items())
def test_recall_and_false_alarms(matcher, name: str, most: int) -> None:
    cases = _cases(name)
    results = {r.id: r for r in matcher.match_many([{"id": c["id"], **c["listing"]}
                                                     for c in cases])}
    missed = [c["id"] for c in cases if c["expect"] and not
              {h.inchikey[:14] for h in results[c["id"]].hits} & set(c["expect"])]
    alarms = [c["id"] for c in cases if not c["expect"] and results[c["id"]].hits]
    assert set(missed) <= MISSED.get(name, set()), missed
    assert len(alarms) <= most, alarms


@pytest.mark.parametrize("name", SETS)
def test_sets_are_real_sourced_and_labelled(name: str) -> None:
    cases = _cases(name)
    assert all(c["source"].startswith("http") for c in cases)
    assert len({c["source"] for c in cases}) == len(cases)  # one case per page
    negatives = [c for c in cases if not c["expect"]]
    assert len(negatives) >= len(cases) / 2
    assert all(c["genre"] == c["stratum"] for c in cases)
