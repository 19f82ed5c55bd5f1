"""Quotes across articles: the same words carried by several outlets become one quote with many sources.

Candidates come from the (speaker, date) index: the same speaker (or an actor merged with them) quoted
within a few weeks. Wording is compared with rapidfuzz, so small edits ("the" dropped, a typo fixed)
still match. A quote is also tied to the event it speaks about when the article makes that plain.
"""

from __future__ import annotations

from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from app.consolidate.text import shift
from app.db import one_of
from app.keys import normalise_text
from app.models import Article, Event, EventSource, MergeRecord, Quote, QuoteSource, live

WINDOW_DAYS = 30
SAME_WORDS = 90.0  # rapidfuzz ratio of normalised texts
EXCERPT_WORDS = 96.0  # partial ratio when one outlet quotes a part of the other's quote
MIN_EXCERPT_CHARS = 40


def _members(ids: set[int], family: dict[int, int]) -> set[int]:
    roots = {family.get(i, i) for i in ids}
    return roots | {a for a, r in family.items() if r in roots}


def same_quote(a: str, b: str) -> tuple[bool, dict[str, Any]]:
    """Whether two quote texts are one quote, with the similarity that says so."""
    na, nb = normalise_text(a).strip(" \"'"), normalise_text(b).strip(" \"'")
    ratio = fuzz.ratio(na, nb)
    if ratio >= SAME_WORDS:
        return True, {"ratio": round(ratio, 1), "match": "exact" if na == nb else "small edits"}
    if min(len(na), len(nb)) >= MIN_EXCERPT_CHARS:
        partial = fuzz.partial_ratio(na, nb)
        if partial >= EXCERPT_WORDS:
            return True, {"ratio": round(ratio, 1), "partial_ratio": round(partial, 1), "match": "excerpt"}
    return False, {}


def merge_article_quotes(session: Session, article: Article, family: dict[int, int]) -> int:
    """Fold this article's quotes into earlier reports of the same words by the same speaker.

    One candidate query per cluster of overlapping date windows (an article's quotes mostly share a date).
    """
    quotes = session.scalars(
        select(Quote).where(Quote.article_id == article.id, live(Quote)).order_by(Quote.start)
    ).all()
    dated = [q for q in quotes if q.speaker_actor_id is not None and q.date is not None]
    members = {q.id: _members({q.speaker_actor_id}, family) for q in dated}  # type: ignore[arg-type]
    groups: list[list[Quote]] = []
    for q in sorted(dated, key=lambda q: (q.date, q.id)):
        if groups and shift(q.date, -WINDOW_DAYS) <= shift(groups[-1][-1].date, WINDOW_DAYS):  # type: ignore[arg-type]
            groups[-1].append(q)
        else:
            groups.append([q])
    found: list[Quote] = []
    for group in groups:
        found += session.scalars(
            select(Quote).where(
                one_of(session, Quote.speaker_actor_id, set().union(*(members[q.id] for q in group))),
                Quote.date >= shift(group[0].date, -WINDOW_DAYS),  # type: ignore[arg-type]
                Quote.date <= shift(group[-1].date, WINDOW_DAYS),  # type: ignore[arg-type]
                Quote.article_id != article.id,  # merged rows are dropped below: see candidates.find_candidates
            ).order_by(Quote.id)
        ).all()
    merged = 0
    for quote in dated:
        lo, hi = shift(quote.date, -WINDOW_DAYS), shift(quote.date, WINDOW_DAYS)  # type: ignore[arg-type]
        candidates = [c for c in found if c.speaker_actor_id in members[quote.id] and c.merged_into_id is None
                      and c.date is not None and lo <= c.date <= hi][:200]
        for cand in candidates:
            ok, reason = same_quote(quote.text, cand.text)
            if ok:
                merge_quote(session, cand, quote, {**reason, "speaker": cand.speaker_actor_id})
                merged += 1
                break
    session.flush()
    return merged


def merge_quote(session: Session, survivor: Quote, merged: Quote, reason: dict[str, Any]) -> None:
    """Move the newer quote's sources to the older one; the newer row stays and points at it."""
    for src in list(merged.sources):
        src.quote_id = survivor.id
        src.reason = {**(src.reason or {}), "merged_from": merged.id, **reason}
    merged.merged_into_id = survivor.id
    if survivor.event_id is None and merged.event_id is not None:
        survivor.event_id = merged.event_id
    session.add(MergeRecord(kind="quote", survivor_id=survivor.id, merged_id=merged.id, reason=reason))
    session.flush()
    session.expire(survivor, ["sources"])
    session.expire(merged, ["sources"])
    survivor.source_count = session.scalar(select(func.count(distinct(QuoteSource.article_id)))
                                           .where(QuoteSource.quote_id == survivor.id)) or 1


def link_quotes_to_events(session: Session, article: Article, family: dict[int, int]) -> int:
    """A quote inside an event's evidence sentence, said by that event's source actor, speaks about it."""
    quotes = session.scalars(select(Quote).where(Quote.article_id == article.id, Quote.event_id.is_(None))).all()
    if not quotes:
        return 0
    rows = session.execute(
        select(EventSource.start, EventSource.end, Event.id, Event.source_actor_id, Event.merged_into_id)
        .join(Event, EventSource.event_id == Event.id)
        .where(EventSource.article_id == article.id, Event.type.is_not(None))
    ).all()
    linked = 0
    for quote in quotes:
        if quote.speaker_actor_id is None:
            continue
        speaker = family.get(quote.speaker_actor_id, quote.speaker_actor_id)
        for start, end, event_id, source_actor_id, merged_into_id in rows:
            overlaps = start < quote.end and quote.start < end
            source_actor = family.get(source_actor_id or -1, source_actor_id)
            if overlaps and source_actor == speaker:
                quote.event_id = merged_into_id or event_id  # merges are kept one level deep
                linked += 1
                break
    session.flush()
    return linked
