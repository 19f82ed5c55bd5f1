"""The timeline's outlet filter (``source``): events any of whose reports an outlet published, in the plan that wins.

A small outlet's events are best gathered from its articles (their index) and sorted; a large one's by walking
the date index newest first and probing each event's reports — about ``limit × events / theirs`` probes of two
index look-ups, where gathering costs a look-up per event of theirs before the first row (16,000 for one outlet
of 60 at a million events: 40 ms). The same rule as the actor filter (app.queries.timeline.walk_by_date), with
the outlet's events estimated from its share of the articles (one count on the articles' outlet index, cached).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, false, func, select
from sqlalchemy.orm import Session

from app.models import Article, Event, EventSource, Source
from app.queries.cache import cached


def outlet_ids(session: Session, name: str) -> list[int]:
    return list(session.scalars(select(Source.id).where(Source.name == name).limit(1)))


def outlet_share(session: Session, sources: list[int]) -> float:
    """The outlets' part of all articles (0..1), counted on ix_articles_source_id."""
    total = session.scalar(select(func.max(Article.id))) or 0
    theirs = cached(session, ("outlet-articles", tuple(sources)), lambda: session.scalar(
        select(func.count()).select_from(Article).where(Article.source_id.in_(sources))) or 0)
    return min(1.0, theirs / total) if total else 0.0


def walks_by_date(session: Session, sources: list[int], limit: int) -> bool:
    """Whether a page of the outlets' events is found faster down the date index (see the module)."""
    events = session.scalar(select(func.max(Event.id))) or 0
    theirs = outlet_share(session, sources) * events
    return theirs * theirs > (limit + 1) * events


def outlet_filter(session: Session, name: str, page: int | None = None) -> ColumnElement[bool]:
    """Events reported by the outlet called ``name``; ``page`` (a page size) lets a large outlet walk the dates."""
    sources = outlet_ids(session, name)
    if not sources:
        return false()
    # names are unique, so one id: '=' reads the outlet's range of the (source_id, id) index and no article row
    # (an article's text comes before its outlet: reading the row meant its overflow pages)
    articles = select(Article.id).where(Article.source_id == sources[0])
    if page and walks_by_date(session, sources, page):  # the outlet's article ids listed once, then each event's
        return exists(select(EventSource.id).where(EventSource.event_id == Event.id,  # reports looked up by event
                                                   EventSource.article_id.in_(articles)))
    return Event.id.in_(select(EventSource.event_id).where(EventSource.article_id.in_(articles)))
