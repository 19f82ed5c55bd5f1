"""Storing an extraction: actors upserted by identity, ids stable when an article is extracted again."""

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.extract.records import Actor as ActorRec
from app.extract.records import Event as EventRec
from app.extract.records import Extraction, Timex
from app.extract.records import Mention as MentionRec
from app.extract.records import Quote as QuoteRec
from app.fts import fts_ids
from app.keys import content_hash
from app.models import Actor, Alias, Event, EventSource, Mention, Quote
from app.store import ArticleMeta, store_article, write_extraction

pytestmark = pytest.mark.db

TEXT = "Russian officials presented the draft treaty to the US on December 15, the Kremlin said."


def record(events=None, quotes=None) -> Extraction:
    return Extraction(
        id="a1", title="Draft treaty", source="Wire", published="2021-12-17", published_inferred=False,
        actors=[
            ActorRec("russia", "Russia", "country", ["Russian", "the Kremlin"], [],
                     [MentionRec(0, 7, "Russian"), MentionRec(67, 78, "the Kremlin")]),
            ActorRec("united-states", "United States", "country", ["US"], [], [MentionRec(51, 53, "US")]),
        ],
        timexes=[Timex("December 15", 57, 68, "DATE", "2021-12-15")],
        events=events if events is not None else [
            EventRec("e-18-present", "2021-12-15", "CONSULT", "asserted", "russia", ["united-states"], None,
                     "Russia presented draft treaty to United States", TEXT, 0, len(TEXT), "December 15", "presented"),
        ],
        quotes=quotes if quotes is not None else [
            QuoteRec("russia", "the Kremlin", "Russian officials presented the draft treaty", "indirect", "said",
                     0, 44, "2021-12-17"),
        ],
        pipeline_version="test-1",
    )


def test_store_article_writes_the_whole_extraction(session):
    article = store_article(session, ArticleMeta(text=TEXT, external_id="x-1"), record())
    assert article.id and article.published == dt.date(2021, 12, 17)
    assert article.source.name == "Wire"
    russia = session.scalar(select(Actor).where(Actor.slug == "russia"))
    assert {a.normalized for a in session.scalars(select(Alias).where(Alias.actor_id == russia.id))} >= {"russia", "kremlin"}
    assert session.scalar(select(Mention).where(Mention.actor_id == russia.id, Mention.text == "the Kremlin"))
    event = session.scalar(select(Event).where(Event.article_id == article.id))
    assert (event.first_day, event.last_day, event.precision) == (dt.date(2021, 12, 15), dt.date(2021, 12, 15), "day")
    assert event.source_actor_id == russia.id and [t.actor.slug for t in event.targets] == ["united-states"]
    quote = session.scalar(select(Quote).where(Quote.article_id == article.id))
    assert quote.speaker_actor_id == russia.id and quote.date == dt.date(2021, 12, 17)


def test_actors_are_shared_across_articles(session):
    store_article(session, ArticleMeta(text=TEXT), record())
    store_article(session, ArticleMeta(text=TEXT + " Again."), record())
    assert len(session.scalars(select(Actor).where(Actor.slug == "russia")).all()) == 1


def test_reextraction_keeps_event_and_quote_ids(session):
    article = store_article(session, ArticleMeta(text=TEXT), record())
    event_id = session.scalar(select(Event.id).where(Event.article_id == article.id))
    quote_id = session.scalar(select(Quote.id).where(Quote.article_id == article.id))
    changed = record()
    changed.events[0].type = "AGREE"
    write_extraction(session, article, changed)
    event = session.get(Event, event_id)
    assert event.type == "AGREE" and event.removed_at is None
    assert session.scalar(select(Quote.id).where(Quote.article_id == article.id)) == quote_id


def test_event_gone_on_reextraction_is_marked_removed(session):
    article = store_article(session, ArticleMeta(text=TEXT), record())
    event_id = session.scalar(select(Event.id).where(Event.article_id == article.id))
    write_extraction(session, article, record(events=[]))
    assert session.get(Event, event_id).removed_at is not None
    assert session.scalar(select(EventSource).where(EventSource.event_id == event_id)) is None


def test_same_text_cannot_be_stored_twice(session):
    store_article(session, ArticleMeta(text=TEXT), record())
    with pytest.raises(IntegrityError), session.begin_nested():
        store_article(session, ArticleMeta(text="  " + TEXT.upper() + " "), record())


def test_content_hash_ignores_case_spacing_and_quote_style():
    assert content_hash("“Hello”  world") == content_hash('"hello" world\n')
    assert content_hash("Hello world") != content_hash("Hello, world")


def test_full_text_search_finds_stored_quotes(session):
    store_article(session, ArticleMeta(text=TEXT), record())
    session.flush()
    ids = session.scalars(fts_ids(session, "quotes", "draft trea")).all()
    texts = [session.get(Quote, i).text for i in ids]
    assert texts == ["Russian officials presented the draft treaty"]
    assert session.scalars(fts_ids(session, "quotes", "submarine")).all() == []
    assert fts_ids(session, "quotes", "  ;; ") is None


def test_reextraction_keeps_other_outlets_evidence_of_a_merged_quote(session):
    """Article 1's quote survived a merge with article 2's copy; when re-extraction drops it from
    article 1, the quote lives on with article 2's evidence."""
    from app.models import QuoteSource

    first = store_article(session, ArticleMeta(text=TEXT), record())
    second = store_article(session, ArticleMeta(text=TEXT + " Second outlet."), record())
    survivor = session.scalar(select(Quote).where(Quote.article_id == first.id))
    copy = session.scalar(select(Quote).where(Quote.article_id == second.id))
    for src in list(copy.sources):
        src.quote_id = survivor.id
    copy.merged_into_id = survivor.id
    session.flush()
    write_extraction(session, first, record(quotes=[]))
    session.expire_all()
    assert session.get(Quote, survivor.id) is None
    heir = session.get(Quote, copy.id)
    assert heir.merged_into_id is None
    assert [s.article_id for s in session.scalars(select(QuoteSource).where(QuoteSource.quote_id == heir.id))] == [second.id]
    assert heir.source_count == 1


def test_reextraction_keeps_a_merged_sibling_from_overwriting_the_survivor(session):
    """Two events of one article merged into one; re-extraction must not copy the sibling's facts over it."""
    second_sentence = "Officials later met again."
    text = TEXT + " " + second_sentence
    s2 = len(TEXT) + 1
    events = [
        EventRec("e-18-present", "2021-12-15", "CONSULT", "asserted", "russia", ["united-states"], None,
                 "Russia presented draft treaty to United States", TEXT, 0, len(TEXT), "December 15", "presented"),
        EventRec("e-99-meet", "2021-12-17", "AGREE", "asserted", None, [], None, "Officials met again",
                 second_sentence, s2, len(text), None, "met"),
    ]
    article = store_article(session, ArticleMeta(text=text), record(events=events))
    survivor, sibling = session.scalars(select(Event).where(Event.article_id == article.id).order_by(Event.start)).all()
    for src in list(sibling.sources):
        src.event_id = survivor.id
    sibling.merged_into_id = survivor.id
    session.flush()
    session.expire_all()
    write_extraction(session, article, record(events=events))
    survivor = session.get(Event, survivor.id)
    assert survivor.type == "CONSULT" and survivor.summary.startswith("Russia presented")
