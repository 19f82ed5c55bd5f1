"""Event headlines read as sentences and name the source the way the evidence does when it is a common-noun
phrase ("US officials said"), so the headline and the sentence it cites share their words."""

from __future__ import annotations

import pytest


@pytest.mark.slow
def test_a_common_noun_source_keeps_its_words_and_a_named_source_its_name(seed_record):
    summaries = {e.summary for e in seed_record.events}
    assert "US officials said" in summaries                       # "…next week, US officials said."
    assert "United States said" not in summaries
    assert "Russia presented the draft treaty to the US and NATO" in summaries   # "Russian officials presented…"
    assert any(s.startswith("Jake Sullivan said") for s in summaries)         # a name stays the name
