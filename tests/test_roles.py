"""Time-bounded roles: `the US President` in an article resolves to whoever the corpus shows holding the
role at that article's date (app/extract/actors/roles.py, app/consolidate/roles.py). Sentences are our own."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.consolidate import consolidate_article
from app.extract.actors.lexicon import lexicon
from app.extract.actors.roles import canonical_role
from app.models import Actor, Event, Quote
from app.store import ArticleMeta, store_article

ARTICLES = [
    ("2012-05-14", "US President Barack Obama met the Mexican president at the White House on Monday to discuss "
                   "trade. \u201cWe agreed to keep talking,\u201d Obama said after the meeting."),
    ("2013-03-02", "The US President told reporters on Friday that he would veto the spending bill. \u201cThis bill "
                   "does not pass the test,\u201d the US President said."),
    ("2018-06-01", "US President Donald Trump announced tariffs on imported steel on Thursday. \u201cOur workers "
                   "deserve a fair deal,\u201d Trump said."),
    ("2019-08-10", "The US President told supporters in Ohio on Saturday that the economy was strong. \u201cWe are "
                   "winning again,\u201d the US President said."),
]


def test_spellings_of_one_role_share_its_canonical_form():
    lex = lexicon()
    for title in ("US President", "U.S. President", "President of the United States", "the US President"):
        assert canonical_role(title, lex) == "United States president", title
    assert canonical_role("Russian Foreign Minister", lex) == "Russia foreign minister"
    assert canonical_role("President", lex) is None  # no country or organisation: whose president?


def _store(session, extractor, articles):
    stored = []
    for day, text in articles:
        published = dt.date.fromisoformat(day)
        record = extractor.extract(text, id=day, published=published)
        article = store_article(session, ArticleMeta(text=text, external_id=day, published=published), record)
        consolidate_article(session, article)
        stored.append(article)
    session.flush()
    return stored


def _speakers(session, article):
    return {session.get(Actor, q.speaker_actor_id).slug
            for q in session.scalars(select(Quote).where(Quote.article_id == article.id))}


@pytest.mark.db
@pytest.mark.slow
def test_the_us_president_is_obama_in_2013_and_trump_in_2019(session, extractor, client):
    _, a2013, _, a2019 = _store(session, extractor, ARTICLES)
    assert _speakers(session, a2013) == {"barack-obama"}
    assert _speakers(session, a2019) == {"donald-trump"}
    sources = {session.get(Actor, e.source_actor_id).slug for e in session.scalars(
        select(Event).where(Event.article_id == a2013.id, Event.trigger == "told"))}
    assert sources == {"barack-obama"}  # the event's source too, not the United States
    page = client.get("/actors/barack-obama.json").json()
    roles = page["actor"]["roles"]
    assert [(r["title"], r["first"], r["last"]) for r in roles] == [("US President", "2012-05-14", "2013-03-02")]
    assert roles[0]["text"] == "US President, 2012\u20132013 in these articles"
    trump = client.get("/actors/donald-trump.json").json()["actor"]["roles"]
    assert trump[0]["text"] == "US President, 2018\u20132019 in these articles"
    html = client.get("/actors/barack-obama").text
    assert "US President, 2012\u20132013 in these articles" in html


@pytest.mark.db
@pytest.mark.slow
def test_a_role_the_corpus_does_not_settle_stays_the_speaker_and_says_so(session, extractor, client):
    (a2013,) = _store(session, extractor, ARTICLES[1:2])  # nobody is yet known to hold the role
    assert _speakers(session, a2013) == {"us-president"}
    page = client.get("/actors/us-president.json").json()["actor"]
    assert page["kind"] == "role" and page["role"] == "United States president"
    assert "do not settle" in page["role_note"]
    _store(session, extractor, ARTICLES[:1])  # a 2012 article naming the holder settles the waiting one
    assert _speakers(session, a2013) == {"barack-obama"}


@pytest.mark.db
@pytest.mark.slow
def test_a_role_before_its_first_known_holder_is_not_guessed(session, extractor):
    _store(session, extractor, ARTICLES[2:3])  # Trump, 2018
    (a2013,) = _store(session, extractor, ARTICLES[1:2])
    assert _speakers(session, a2013) == {"us-president"}


@pytest.mark.db
@pytest.mark.slow
def test_a_quote_by_an_unsettled_role_says_so_on_the_page(session, extractor, client):
    (a2013,) = _store(session, extractor, ARTICLES[1:2])
    quote = session.scalars(select(Quote).where(Quote.article_id == a2013.id)).first()
    data = client.get(f"/quotes/{quote.id}.json").json()
    assert data["quote"]["speaker"]["role"] == "United States president"
    assert "not settled by these articles" in client.get(f"/quotes/{quote.id}").text
