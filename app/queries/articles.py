"""An article's text cut into segments, each marked with the actors, dates, quotes and events it belongs to."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Actor, Article, Event, Mention, Quote, Source, TimexRow
from app.queries.common import date_label
from app.queries.errors import NotFound


def segments(text: str, spans: list[tuple[int, int, str, dict[str, Any]]]) -> list[dict[str, Any]]:
    """Cut ``text`` at every span boundary; each piece lists the kinds covering it (nesting is flattened)."""
    cuts = {0, len(text)}
    for start, end, _, _ in spans:
        if 0 <= start < end <= len(text):
            cuts.update((start, end))
    points = sorted(cuts)
    out = []
    for a, b in pairwise(points):
        covering = [s for s in spans if s[0] <= a and b <= s[1]]
        kinds = sorted({s[2] for s in covering})
        info: dict[str, Any] = {}
        for s in covering:
            info.update(s[3])
        out.append({"text": text[a:b], "kinds": kinds, **info})
    return out


def article_page(session: Session, article_id: int) -> dict[str, Any]:
    article = session.get(Article, article_id)
    if article is None:
        raise NotFound(f"There is no article {article_id}.", hint="The home page lists the newest articles.")
    source = session.get(Source, article.source_id) if article.source_id else None
    mentions = session.execute(select(Mention, Actor.slug, Actor.name).join(Actor, Actor.id == Mention.actor_id)
                               .where(Mention.article_id == article.id)).all()
    timexes = list(session.scalars(select(TimexRow).where(TimexRow.article_id == article.id)))
    # a quote an editor said is none is not marked (merged ones are: the words are still in this text)
    quotes = list(session.scalars(select(Quote).where(Quote.article_id == article.id, Quote.removed_at.is_(None))))
    events = list(session.scalars(select(Event).where(Event.article_id == article.id, Event.removed_at.is_(None))))
    spans: list[tuple[int, int, str, dict[str, Any]]] = []
    spans += [(m.start, m.end, "actor", {"actor": s, "actor_name": n}) for m, s, n in mentions]
    spans += [(t.start, t.end, "date", {"date_value": t.value}) for t in timexes]
    spans += [(q.start, q.end, "quote", {"quote_id": q.id}) for q in quotes]
    spans += [(e.start, e.end, "event", {"event_id": e.id}) for e in events]
    return {
        "article": {"id": article.id, "title": article.title or f"Article {article.id}", "url": article.url,
                    "author": article.author, "source": source.name if source else None,
                    "published": article.published,
                    "published_label": date_label(article.published, article.published, "day")
                    if article.published else None,
                    "published_inferred": article.published_inferred,
                    "text": article.text},
        "segments": segments(article.text, spans),
        "counts": {"actors": len({s for _, s, _ in mentions}), "dates": len(timexes), "quotes": len(quotes),
                   "events": len(events)},
        "events": [{"id": e.id, "slug": e.slug, "summary": e.summary, "type": e.type} for e in events
                   if e.merged_into_id is None],
    }
