"""One search box across events, actors, quotes and articles."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, false, select
from sqlalchemy.orm import Session

from app.fts import query_terms
from app.models import Actor, Article, Event, Quote, Source, live
from app.queries.actors import actor_list
from app.queries.common import date_label, event_rows, live_events, newest_rows
from app.queries.events import quote_ref
from app.queries.textsearch import text_match

PER_KIND = 10


def _matching(session: Session, table: str, id_column: SQLColumnExpression[int], q: str) -> ColumnElement[bool]:
    """text_match for a query known to hold a word; an empty one (text_match's None) would match nothing."""
    clause = text_match(session, table, id_column, q, PER_KIND)
    return clause if clause is not None else false()


def search_page(session: Session, q: str) -> dict[str, Any]:
    """The best few of each kind; an empty query returns empty groups, not everything."""
    q = (q or "").strip()[:200]
    result: dict[str, Any] = {"q": q, "events": [], "actors": [], "quotes": [], "articles": []}
    if not query_terms(q):
        return result
    ev = _matching(session, "events", Event.id, q)
    result["events"] = event_rows(session, [r[0] for r in newest_rows(
        session, live_events().where(ev), Event.first_day, Event.id, PER_KIND)])
    result["actors"] = actor_list(session, q=q, limit=PER_KIND)["actors"]
    qf = _matching(session, "quotes", Quote.id, q)
    result["quotes"] = [quote_ref(quote, actor) for quote, actor in newest_rows(
        session, select(Quote, Actor).outerjoin(Actor, Actor.id == Quote.speaker_actor_id).where(qf, live(Quote)),
        Quote.date, Quote.id, PER_KIND)]
    af = _matching(session, "articles", Article.id, q)
    result["articles"] = [
        {"id": i, "title": t or f"Article {i}", "published": p, "source": s,
         "published_label": date_label(p, p, "day") if p else None}
        for i, t, p, s in newest_rows(
            session, select(Article.id, Article.title, Article.published, Source.name)
            .outerjoin(Source, Source.id == Article.source_id).where(af), Article.published, Article.id, PER_KIND)
    ]
    result["total"] = sum(len(result[k]) for k in ("events", "actors", "quotes", "articles"))
    return result
