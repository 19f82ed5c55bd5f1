"""The same happening across articles: a product's flight told by two outlets, read back from the database.

Texts: Wikinews (CC BY 2.5), via the MEANTIME corpus: "World's largest passenger airliner makes first flight"
(2005-04-27), "Boeing unveils new 787 Dreamliner" (2007-07-09), "First Airbus A380 delivered" (2007-10-15),
"First A380 enters commercial service" (2007-10-17); a few sentences of each.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from app.cli import cli

pytestmark = pytest.mark.slow

FIRST_FLIGHT = {
    "id": "wikinews-8951", "published": "2005-04-27", "title": "World's largest passenger airliner makes first flight",
    "text": "World's largest passenger airliner makes first flight\n"
            "The A380 was revealed in January 2005.\n"
            "The world's largest passenger aircraft, the Airbus A380, has made its maiden flight after lifting off "
            "from Toulouse in France.\n"
            "The aircraft flew into clear blue skies with a flight crew of six and twenty tonnes of test equipment "
            "on board.\n"
            "The A380 will be the largest airliner in the world by a substantial margin when it enters service.",
}
UNVEILED = {
    "id": "wikinews-73808", "published": "2007-07-09", "title": "Boeing unveils new 787 Dreamliner",
    "text": "Boeing unveils new 787 Dreamliner\n"
            "Aircraft manufacturer Boeing have unveiled their new 787 Dreamliner at their Everett Factory near "
            "Seattle, Washington, in the United States.\n"
            "The 787 illustrates the differing strategies adopted by Boeing and Airbus whose double-decker A380 "
            "first flew in April 2005 and is expected to enter service later this year.",
}
DELIVERED = {
    "id": "wikinews-82548", "published": "2007-10-15", "title": "First Airbus A380 delivered",
    "text": "First Airbus A380 delivered\n"
            "The first A380 superjumbo, made by Airbus, was delivered today to Singapore Airlines (SIA) 18 months "
            "behind schedule.\n"
            "The first flight will take off for a \"special charity-flight\" from Singapore and land in Sydney on "
            "October 25.",
}
IN_SERVICE = {
    "id": "wikinews-82597", "published": "2007-10-17", "title": "First A380 enters commercial service",
    "text": "First A380 enters commercial service\n"
            "The A380 will make a special charity flight on October 25 from Singapore to Sydney and will begin "
            "regular service on the Singapore-Sydney route on October 28.",
}


def _ingest(*articles: dict) -> None:
    result = CliRunner().invoke(cli, ["ingest", "--jsonl", "-"],
                                input="".join(json.dumps(a) + "\n" for a in articles))
    assert result.exit_code == 0, result.output


def _live_events_citing(sentence_part: str) -> list:
    from app.db import make_engine, make_sessionmaker
    from app.models import Article, Event, EventSource, live
    from app.settings import get_settings

    engine = make_engine(get_settings().database_url)
    with make_sessionmaker(engine)() as session:
        rows = session.execute(
            select(Event.id, Event.date_value, Event.lemma, Article.external_id)
            .join(EventSource, EventSource.event_id == Event.id).join(Article, Article.id == EventSource.article_id)
            .where(live(Event), EventSource.sentence.contains(sentence_part))).all()
        reasons = {e: session.scalar(select(Event.summary).where(Event.id == e)) for e, *_ in rows}
    engine.dispose()
    return [(*r, reasons[r[0]]) for r in rows]


def test_a_charity_flight_told_as_made_and_as_taking_off_is_one_event(env):
    """'will make a special charity flight' is the flight's event (not 'make'), and it meets the other
    outlet's 'the first flight will take off' on the day both give."""
    _ingest(DELIVERED, IN_SERVICE)
    made = _live_events_citing("make a special charity flight")
    took_off = _live_events_citing("will take off")
    assert made and took_off
    assert {e[0] for e in made} & {e[0] for e in took_off}, (made, took_off)
    shared = next(e for e in made if e[0] in {t[0] for t in took_off})
    assert shared[1] == "2007-10-25" and shared[2] == "flight"


def test_an_unnamed_report_takes_its_articles_product_and_keeps_its_day(env):
    """'The aircraft flew' names no product; its article is about the A380, so it meets 'the A380 first flew
    in April 2005' of a later outlet, and the event keeps the day of the report (April 27), not the month."""
    _ingest(FIRST_FLIGHT, UNVEILED)
    later = _live_events_citing("first flew in April 2005")
    flew = _live_events_citing("The aircraft flew into clear blue skies")
    common = {e[0] for e in later} & {e[0] for e in flew}
    assert common, (later, flew)
    assert {e[1] for e in later if e[0] in common} == {"2005-04-27"}


def test_a_plan_for_later_this_year_meets_the_act_reported_that_year(env):
    """'is expected to enter service later this year' (July 2007) and 'First A380 enters commercial service'
    (October 2007) tell one happening: the plan names the year the act falls in."""
    _ingest(UNVEILED, IN_SERVICE)
    planned = _live_events_citing("expected to enter service later this year")
    entered = _live_events_citing("First A380 enters commercial service")
    assert planned and entered
    assert {e[0] for e in planned if e[2] == "enter"} & {e[0] for e in entered}, (planned, entered)
