"""The quote browser (full-text search, speaker and date filters, keyset paging) and a quote's permalink."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select, true, tuple_
from sqlalchemy.orm import Session

from app.fts import fts_filter
from app.models import Actor, Article, Quote, QuoteSource, Source, live
from app.queries.cache import cached
from app.queries.common import actor_ref, date_label, parse_day, parse_id
from app.queries.corrections import history, removal_reason
from app.queries.errors import BadInput, Gone, Moved, NotFound
from app.queries.events import quote_ref
from app.queries.textsearch import text_match

PAGE_SIZE = 30


def encode_cursor(day: dt.date | None, quote_id: int) -> str:
    """'2021-12-17.42' for a dated quote, 'none.42' for an undated one (those come after every dated quote)."""
    return f"{day.isoformat() if day else 'none'}.{quote_id}"


def _after(cursor: str) -> tuple[Any, Any]:
    """(the dated rows after ``cursor``, the undated ones) in (date desc, NULLs last, id desc) order — None for a
    part with none — or BadInput naming the cursor.

    Why the two parts: the list puts undated quotes last, so a page can end on one; a dated cursor must still
    let every undated quote through, and an undated cursor ('none.<id>') continues among the undated by id.
    Each part is its own index range (see quote_list), never an OR the planner cannot bound.
    """
    day_s, _, ident_s = cursor.partition(".")
    ident = parse_id(ident_s)  # a number past the id column's range would be a 500 from the database, not a 422
    day: dt.date | None = None
    if ident is not None and day_s != "none":
        try:
            day = dt.date.fromisoformat(day_s)
        except ValueError:
            ident = None
    if ident is None:
        raise BadInput(f"'cursor' '{cursor}' is not a position in the quote list "
                       "(it looks like YYYY-MM-DD.<quote number> or none.<quote number>).",
                       hint="Follow the 'Older quotes' link instead of editing it.")
    if day is None:
        return None, Quote.id < ident
    return tuple_(Quote.date, Quote.id) < tuple_(day, ident), true()


def _page(session: Session, stmt: Any, cursor: str | None, n: int) -> list[Any]:
    """Up to ``n`` rows of ``stmt`` after ``cursor``: the dated ones walked down ix_quotes_date_id newest first,
    then the undated by id. One ``ORDER BY date DESC NULLS LAST`` is what SQLite does with that index anyway,
    but PostgreSQL cannot walk an ascending index in that order and sorted every live quote for each page
    (40 ms at 30,000 quotes)."""
    dated, undated = _after(cursor) if cursor else (true(), true())
    rows: list[Any] = []
    if dated is not None:
        rows = list(session.execute(stmt.where(Quote.date.is_not(None), dated)
                                    .order_by(Quote.date.desc(), Quote.id.desc()).limit(n)))
    if len(rows) < n:
        rows += session.execute(stmt.where(Quote.date.is_(None), undated).order_by(Quote.id.desc())
                                .limit(n - len(rows)))
    return rows


def quote_list(session: Session, q: str = "", speaker: str = "", since: str | None = None,
               until: str | None = None, cursor: str | None = None, limit: int = PAGE_SIZE) -> dict[str, Any]:
    """Quotes newest first; ``q`` is full-text, ``speaker`` an actor slug; undated quotes come last."""
    first, last = parse_day(since, "since"), parse_day(until, "until")
    conditions: list[Any] = [live(Quote)]
    q = (q or "").strip()[:200]
    matching = fts_filter(session, "quotes", Quote.id, q) if q else None  # the count's (a page's is text_match's)
    speaker_ref = None
    if speaker:
        who = session.scalar(select(Actor).where(Actor.slug == speaker))
        if who is None:
            raise BadInput(f"No actor is called '{speaker}'.", hint="Pick a speaker from the list.")
        speaker_ref = actor_ref(who)
        conditions.append(Quote.speaker_actor_id == who.id)
    if first:
        conditions.append(Quote.date >= first)
    if last:
        conditions.append(Quote.date <= last)
    if first or last:
        conditions.append(Quote.date.is_not(None))
    counted = conditions if matching is None else [*conditions, matching]
    total = cached(session, ("quote-total", q, speaker, first, last), lambda: session.scalar(
        select(func.count()).select_from(select(Quote.id).where(*counted).subquery())) or 0)
    page_match = text_match(session, "quotes", Quote.id, q, limit) if matching is not None else None
    if page_match is not None:  # per-row probes for a very common word: a page walks a few rows, a count all
        conditions.append(page_match)
    stmt = select(Quote, Actor).outerjoin(Actor, Actor.id == Quote.speaker_actor_id).where(*conditions)
    rows = _page(session, stmt, cursor, limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    tail = rows[-1][0] if rows else None
    next_cursor = encode_cursor(tail.date, tail.id) if more and tail is not None else None
    speakers = cached(session, "quote-speakers", lambda: [tuple(r) for r in session.execute(  # a DISTINCT over
        select(Actor.slug, Actor.name).where(Actor.id.in_(  # every quote: the same for every page, so cached
            select(Quote.speaker_actor_id).where(Quote.speaker_actor_id.is_not(None)).distinct()))
        .order_by(Actor.name).limit(300))])
    return {
        "filters": {"q": q, "speaker": speaker, "since": first.isoformat() if first else None,
                    "until": last.isoformat() if last else None},
        "speaker": speaker_ref, "total": total,
        "quotes": [quote_ref(quote, actor) for quote, actor in rows],
        "next_cursor": next_cursor, "cursor": cursor,
        "speakers": [{"slug": s, "name": n} for s, n in speakers],
    }


def quote_page(session: Session, quote_id: int) -> dict[str, Any]:
    quote = session.get(Quote, quote_id)
    if quote is None:
        raise NotFound(f"There is no quote {quote_id}.", hint="Search the quotes instead.")
    if quote.merged_into_id:
        raise Moved("quote", quote.merged_into_id)
    if quote.removed_at is not None:
        editor = removal_reason(session, "quote", quote.id)
        reason = (editor["after"].get("reason") or editor["note"]) if editor else ""
        raise Gone(f"Quote {quote_id} is not a quote, an editor said" + (f": {reason}" if reason else "."),
                   hint="The corrections log lists every change.")
    speaker = session.get(Actor, quote.speaker_actor_id) if quote.speaker_actor_id else None
    carried = session.execute(
        select(QuoteSource.article_id, Article.title, Article.published, Source.name)
        .join(Article, Article.id == QuoteSource.article_id).outerjoin(Source, Source.id == Article.source_id)
        .where(QuoteSource.quote_id == quote.id).order_by(Article.published)).all()
    return {
        "quote": {**quote_ref(quote, speaker), "cue": quote.cue, "event_id": quote.event_id},
        "corrections": history(session, "quote", quote.id),
        "articles": [{"id": i, "title": t or f"Article {i}", "published": p,
                      "published_label": date_label(p, p, "day") if p else None, "source": s}
                     for i, t, p, s in carried],
    }
