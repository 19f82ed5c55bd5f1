"""The corpus in numbers, counted by one rule for the home page and ``dateline stats`` alike."""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from app.models import Actor, Article, Event, Quote, Source, live
from app.queries.counters import dated_events


def corpus_counts(session: Session) -> dict[str, int]:
    """What the corpus holds, counting only what a reader can open.

    Why one rule: the home page once counted every actor and quote row, merged ones too, and ``dateline stats``
    only live ones, so one corpus showed two actor counts. An actor, event or quote merged into another
    (its page redirects to the survivor) or an event removed by re-extraction is not counted; an actor is
    counted whether or not a mention of it survives, as its page still opens. Every article and source counts;
    ``near_duplicates`` are the articles found to repeat an earlier one (still readable, so also in ``articles``).
    """
    def count(query: Select[int]) -> int:
        return session.scalar(select(func.count()).select_from(query.subquery())) or 0

    return {
        "articles": count(select(Article.id)),
        "actors": count(select(Actor.id).where(live(Actor))),
        # dated ones from the day counters, plus the few undated (read down the first_day index's NULLs)
        "events": dated_events(session, negated=None)
        + count(select(Event.id).where(Event.first_day.is_(None), live(Event))),
        "quotes": count(select(Quote.id).where(live(Quote))),
        "sources": count(select(Source.id)),
        "near_duplicates": count(select(Article.id).where(Article.near_duplicate_of_id.is_not(None))),
    }
