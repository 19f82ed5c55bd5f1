"""Who takes part in what: the one actor-event membership rule, and an actor's consolidated timeline on it.

An actor takes part in an event when it (or an actor merged with it) is the event's source or target, or
when one of the event's evidence sentences names it (the extractor may miss an actor the sentence plainly
mentions). A name that no actor carries, or a product's (such as 'Boeing 777'), is also looked up in the
evidence sentences themselves. ``dateline timeline --actor`` and the actor page both read membership from here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import CompoundSelect, String, and_, func, or_, select, union
from sqlalchemy.orm import Session

from app.consolidate.text import MODEL_NAME
from app.fts import STOPWORDS
from app.keys import normalise_alias
from app.models import Actor, Alias, Article, Event, EventSource, EventTarget, Mention, live
from app.vocab import NEGATED


@dataclass(slots=True)
class TimelineSource:
    article: str
    start: int
    end: int
    sentence: str


@dataclass(slots=True)
class TimelineEvent:
    id: int
    date: str | None
    type: str | None
    summary: str
    actors: list[str]
    sources: list[TimelineSource] = field(default_factory=list)
    modality: str = "asserted"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def actor_family(session: Session, actor_ids: Iterable[int]) -> set[int]:
    """The actors standing for the same entity as ``actor_ids``: their survivors and every actor merged into them.

    Merges are kept one level deep, so two indexed queries reach the whole family.
    """
    ids = set(actor_ids)
    if not ids:
        return set()
    roots = {r if r is not None else a for a, r in session.execute(
        select(Actor.id, Actor.merged_into_id).where(Actor.id.in_(ids)))}
    return roots | set(session.scalars(select(Actor.id).where(Actor.merged_into_id.in_(roots))))


def actors_named(session: Session, name: str) -> set[int]:
    """Every actor row standing for NAME: canonical name or alias, case-insensitive, with merged ones."""
    key = normalise_alias(name)
    if not key:
        return set()
    found = set(session.scalars(select(Alias.actor_id).where(Alias.normalized == key)))
    found |= set(session.scalars(select(Actor.id).where(func.lower(Actor.name) == name.strip().lower())))
    return actor_family(session, found)


_PRODUCT_AFTER = re.compile(r"^(?: 's)? (?:[A-Z]{1,4}-?\d{2,4}|\d{3}(?!\d))")
AFTER_CHARS = 16  # _PRODUCT_AFTER reads at most 13 characters past a mention, so no more are fetched


def _names_a_product(after: str) -> bool:
    """'Airbus A380', 'Boeing 's 787': the maker's name is part of a product's name, not an actor at work."""
    return bool(_PRODUCT_AFTER.match(after))


def actor_event_ids(session: Session, actor_ids: Collection[int]) -> CompoundSelect[int]:
    """The SELECT of every event id these actors take part in (the membership rule above), merged ones included.

    Source and target come from their indexes; a mention inside an evidence span counts unless the words
    after it make it part of a product's name. Those few product-only events are found here, in Python,
    and left out of the SELECT, so a page can still use it as a subquery however busy the actor is.
    """
    ids = sorted(set(actor_ids))
    inside = and_(Mention.article_id == EventSource.article_id, Mention.start >= EventSource.start,
                  Mention.end <= EventSource.end)
    after = func.substr(EventSource.sentence, Mention.end - EventSource.start + 1, AFTER_CHARS, type_=String)
    named: set[int] = set()
    product: set[int] = set()
    for event_id, text in session.execute(
            select(EventSource.event_id, after).join(Mention, inside).where(Mention.actor_id.in_(ids))):
        (product if _names_a_product(text or "") else named).add(event_id)
    mentioned = select(EventSource.event_id).join(Mention, inside).where(Mention.actor_id.in_(ids))
    if product_only := sorted(product - named):
        mentioned = mentioned.where(EventSource.event_id.not_in(product_only))
    return union(select(Event.id).where(Event.source_actor_id.in_(ids)),
                 select(EventTarget.event_id).where(EventTarget.actor_id.in_(ids)), mentioned)


def _name_pattern(session: Session, name: str) -> re.Pattern[str] | None:
    """Words of a name no actor carries: the full name, or its distinctive words ('777', 'Dreamliner')."""
    tokens = [t for t in name.split() if t.lower() not in STOPWORDS]
    # a word another actor is called by ('Boeing') is not distinctive; a product's own ('777') still is
    known = set(session.scalars(select(Alias.normalized).join(Actor, Actor.id == Alias.actor_id).where(
        Alias.normalized.in_([t.lower() for t in tokens]), Actor.kind != "product")))
    distinctive = [t for t in tokens if t.lower() not in known and (len(t) >= 3 or any(c.isdigit() for c in t))]
    parts = [re.escape(name.strip())] + ([re.escape(t) for t in distinctive] if len(tokens) > 1 else [])
    if not parts:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?:s|'s)?(?!\w)", re.IGNORECASE)


def events_naming(session: Session, name: str) -> set[int]:
    """Events whose evidence names NAME, for a name no actor carries ('Boeing 777'), and the events of an
    article about that product whose evidence calls it by its kind ('the aircraft', 'the new airliner')."""
    pattern = _name_pattern(session, name)
    if pattern is None:
        return set()
    words = [w for w in re.findall(r"\w+", name) if w.lower() not in STOPWORDS] or [name]
    like = or_(*(func.lower(EventSource.sentence).contains(w.lower()) for w in words))
    found = {event_id for event_id, sentence in session.execute(
        select(EventSource.event_id, EventSource.sentence).where(like)) if pattern.search(sentence)}
    return found | _called_by_kind(session, pattern, words)


# what a product is called once named ('the aircraft', 'the massive airliner', 'these aeroplanes'): a
# definite phrase on a noun for a kind of manufactured product, a couple of modifiers at most
_KIND = re.compile(r"\b(?:the|this|these|that)\s+(?:[a-z-]+\s+){0,2}(?:aircraft|airliners?|airplanes?|aeroplanes?|"
                   r"planes?|jets?|jetliners?|superjumbo|devices?|phones?|handsets?|players?|computers?|cars?|"
                   r"vehicles?|trucks?|models?)\b")


def _called_by_kind(session: Session, pattern: re.Pattern[str], words: list[str]) -> set[int]:
    """Events of articles that name the product more than any other product, in a sentence that calls a
    product by its kind and names no other one."""
    like = or_(*(func.lower(Article.text).contains(w.lower()) for w in words))
    topical = [aid for aid, text in session.execute(select(Article.id, Article.text).where(like))
               if _is_topic(pattern, text)]
    if not topical:
        return set()
    return {event_id for event_id, sentence in session.execute(
        select(EventSource.event_id, EventSource.sentence).where(EventSource.article_id.in_(topical)))
        if _KIND.search(sentence) and not (MODEL_NAME.search(sentence) and not pattern.search(sentence))}


def _is_topic(pattern: re.Pattern[str], text: str) -> bool:
    """Whether the product the pattern names is named more often than any other product of the text."""
    ours = len(pattern.findall(text))
    others = Counter(m.group(0).lower() for m in MODEL_NAME.finditer(text) if not pattern.search(m.group(0)))
    return ours > 0 and all(n < ours for n in others.values())


def date_string(value: str | None, first_day: dt.date | None) -> str | None:
    """The date as precisely as it is known: '2005', '2005-03' or '2005-03-02'."""
    if value and re.fullmatch(r"\d{4}(-\d\d(-\d\d)?)?", value[:10]):
        return value[:10]
    return first_day.isoformat() if first_day else None


def _timeline_event(session: Session, event: Event, canonical: list[str]) -> TimelineEvent:
    """One event with its sources oldest first; the actor's own names lead its actor list."""
    sources = session.execute(
        select(EventSource, Article.external_id, Article.id).join(Article, EventSource.article_id == Article.id)
        .where(EventSource.event_id == event.id).order_by(Article.published, Article.id, EventSource.start)
    ).all()
    actor_ids = [event.source_actor_id] + [t.actor_id for t in event.targets]
    names = list(dict.fromkeys([*canonical, *session.scalars(
        select(Actor.name).where(Actor.id.in_([a for a in actor_ids if a])).order_by(Actor.name))]))
    return TimelineEvent(
        id=event.id, date=date_string(event.date_value, event.first_day), type=event.type,
        summary=event.summary, actors=names, modality=event.modality,
        sources=[TimelineSource(article=ext or str(aid), start=s.start, end=s.end, sentence=s.sentence)
                 for s, ext, aid in sources],
    )


def actor_timeline(session: Session, name: str, denials: bool = False) -> list[TimelineEvent]:
    """The consolidated events NAME takes part in, oldest first; undated ones last. What the articles say did
    not happen ('Boeing did not compete') is no point in time: left out unless ``denials``."""
    ids = actors_named(session, name)
    event_ids = set(session.scalars(actor_event_ids(session, ids))) if ids else events_naming(session, name)
    if ids and session.scalar(select(Actor.id).where(Actor.id.in_(ids), Actor.kind == "product").limit(1)):
        event_ids |= events_naming(session, name)  # a product is named in evidence its actor misses ('the 787')
    if not event_ids:
        return []
    # sources sit on the surviving event; follow merges so a merged event shows as its survivor
    roots = {m if m is not None else e
             for e, m in session.execute(select(Event.id, Event.merged_into_id).where(Event.id.in_(event_ids)))}
    if ids:
        canonical = list(session.scalars(select(Actor.name).where(Actor.id.in_(ids), live(Actor))))
    else:
        canonical = [name.strip()]
    stmt = select(Event).where(Event.id.in_(roots), live(Event))
    if not denials:
        stmt = stmt.where(Event.modality != NEGATED)
    events = session.scalars(stmt).all()
    return in_timeline_order([_timeline_event(session, event, canonical) for event in events])


def in_timeline_order(events: list[TimelineEvent]) -> list[TimelineEvent]:
    """Oldest first, undated last; within one date the event more articles report comes first, since it is
    the day's story and the single-source clauses around it are its detail."""
    return sorted(events, key=lambda e: (e.date is None, e.date or "", -len(e.sources), e.id))
