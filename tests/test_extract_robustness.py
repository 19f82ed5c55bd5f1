"""Any input gives a record or a clear error, and every offset points at its own text."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.extract.pipeline import ExtractionError

pytestmark = pytest.mark.slow

NEWSY = st.lists(
    st.sampled_from([
        "Russian President Vladimir Putin said on Monday that", "“We will not back down,” he said.",
        "NATO", "the Kremlin", "next week", "\n", "\n\n", "“", "”", '"', "'", "according to officials,",
        "![]() |", "Photo: AP |", "(Reuters) -", "on December 14, 2021", "two days", "Ukraine", ".", ",",
        "Москва заявила", "北京", "the US and its allies", "‘", "’s", "—", "said", "told reporters",
    ]),
    min_size=1, max_size=40,
).map(" ".join)

ANY_TEXT = st.one_of(NEWSY, st.text(min_size=1, max_size=400))


def check_offsets(text: str, rec) -> None:
    for actor in rec.actors:
        for m in actor.mentions:
            assert text[m.start:m.end] == m.text
    for t in rec.timexes:
        assert text[t.start:t.end] == t.text
    for q in rec.quotes:
        assert text[q.start:q.end] == q.text
        if q.speaker_start is not None:
            assert 0 <= q.speaker_start <= q.speaker_end <= len(text)
    for e in rec.events:
        assert text[e.start:e.end] == e.sentence


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=ANY_TEXT)
def test_any_text_gives_a_record_with_true_offsets(extractor, text):
    try:
        rec = extractor.extract(text)
    except ExtractionError as exc:
        assert str(exc)  # a clear message, e.g. for whitespace-only input
        return
    check_offsets(text, rec)


@pytest.mark.parametrize("text", [
    "“This quote never closes and goes on and on without an end",
    "no punctuation at all just words running on and on about talks in geneva next week",
    "Le gouvernement français a annoncé mardi de nouvelles sanctions contre la Russie.",
    "” backwards quote marks “ and an apostrophe’s mess ‘",
    "A" * 5000,
    "\n\n\n   \t x",
])
def test_awkward_inputs(extractor, text):
    check_offsets(text, extractor.extract(text))


def test_seed_offsets(seed_text, seed_record):
    check_offsets(seed_text, seed_record)


def test_empty_binary_and_huge_inputs_are_explained(extractor):
    with pytest.raises(ExtractionError, match="empty"):
        extractor.extract("   \n ")
    with pytest.raises(ExtractionError, match="binary"):
        extractor.extract("abc\x00def")
    with pytest.raises(ExtractionError, match="limit"):
        extractor.extract("word " * 300_000)


def test_a_configured_model_that_is_not_installed_is_named_not_silently_replaced():
    from app.extract.pipeline import MODEL_CANDIDATES, resolve_model_name

    with pytest.raises(RuntimeError, match=r"'en_core_web_xx_missing'.*not installed"):
        resolve_model_name("en_core_web_xx_missing")
    # the small model's two names stand in for each other: the default setting works with the re-upload
    assert resolve_model_name("en_core_web_sm") in MODEL_CANDIDATES
