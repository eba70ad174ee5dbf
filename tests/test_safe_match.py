"""A listing the matcher fails on is answered with its error and logged with its id: the batch's
other listings keep their real results (pipelines.chem_workers.safe_match)."""

from __future__ import annotations

import logging

from pipelines.chem_workers import safe_match


class _BreaksOn:
    """The real matcher, except that the batch call fails and so does one listing."""

    def __init__(self, matcher, bad_id: str):
        self.matcher, self.bad_id = matcher, bad_id

    def match_many(self, inputs):
        raise RuntimeError("batch broke")

    def match_listing(self, listing):
        if listing["id"] == self.bad_id:
            raise ValueError("unreadable text")
        return self.matcher.match_listing(listing)


def test_a_listing_that_fails_alone_is_answered_with_its_error_and_logged(matcher, caplog):
    listings = [{"id": "good", "title": "N-Phenethyl-4-piperidone", "cas": "39742-60-4"},
                {"id": "bad", "title": "anything"}]
    with caplog.at_level(logging.WARNING, logger="pipelines.chem_workers"):
        good, bad = safe_match(_BreaksOn(matcher, "bad"), listings)
    assert good.id == "good" and not good.errors
    assert "npp" in {h["entry"] for h in good.as_dict()["hits"]}
    assert bad.id == "bad" and bad.errors == ["ValueError: unreadable text"]
    messages = [r.getMessage() for r in caplog.records]
    assert any("batch chemistry failed (batch broke)" in m for m in messages)
    assert any("listing bad" in m and "ValueError: unreadable text" in m for m in messages)
