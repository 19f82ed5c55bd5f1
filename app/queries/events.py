"""One event's page: when, who, what, where, the evidence from each article, related quotes, nearby events."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session

from app.fts import STOPWORDS
from app.models import (
    Actor,
    Article,
    Event,
    EventSource,
    EventTarget,
    MergeRecord,
    Quote,
    Source,
    live,
    survivor,
)
from app.queries.common import (
    EVENT_ROW_COLUMNS,
    Prepared,
    actor_ref,
    actor_refs,
    date_label,
    event_rows,
    ids_param,
    parse_id,
    targets_probe,
)
from app.queries.corrections import history, removal_reason
from app.queries.errors import Gone, Moved, NotFound

REF = re.compile(r"^([0-9]+)(?:-(.*))?$")


def parse_event_ref(ref: str) -> tuple[int, str]:
    """'12-some-slug' → (12, 'some-slug'); anything else is a 404 that says what an event URL looks like."""
    m = REF.match(ref)
    event_id = parse_id(m.group(1)) if m else None
    if m is None or event_id is None:
        raise NotFound(f"'{ref}' is not an event address.", hint="Event URLs look like /events/12-russia-warns.")
    return event_id, m.group(2) or ""


def live_event(session: Session, event_id: int) -> Event:
    """The event, following merges to the survivor (Moved) and refusing removed ones (Gone)."""
    event = session.get(Event, event_id)
    if event is None:
        raise NotFound(f"There is no event {event_id}.", hint="It may never have existed; try the timeline.")
    now = survivor(session, event)
    if now.id != event.id:
        raise Moved("event", now.id, now.slug)
    if event.removed_at is not None:
        editor = removal_reason(session, "event", event.id)
        if editor is not None:
            reason = editor["after"].get("reason") or editor["note"]
            raise Gone(f"Event {event_id} is not an event, an editor said on {editor['at']:%d %b %Y}"
                       + (f": {reason}" if reason else "."), hint="The corrections log lists every change.")
        raise Gone(f"Event {event_id} was removed on {event.removed_at:%d %b %Y}: a later extraction of its "
                   "article no longer finds it.", hint="The article it came from is still available.")
    return event


# What the event page reads of its event and of the events near it: a list row plus the evidence sentence
PAGE_COLUMNS = (*EVENT_ROW_COLUMNS, Event.trigger, Event.sentence, Event.start, Event.end, Event.merged_into_id,
                Event.removed_at)
EVENT_HEAD = Prepared(lambda d: select(*PAGE_COLUMNS).where(Event.id == bindparam("event")))


def live_event_row(session: Session, event_id: int) -> Any:
    """``live_event`` read as one row of PAGE_COLUMNS; a merged or removed event takes the entity path, which
    says where it went or why it is gone."""
    row = EVENT_HEAD(session, event=event_id).first()
    if row is None or row.merged_into_id is not None or row.removed_at is not None:
        return live_event(session, event_id)
    return row


def highlight(sentence: str, trigger: str | None) -> list[dict[str, Any]]:
    """The sentence split into plain and marked parts, marking the trigger's words."""
    words = [w for w in re.findall(r"[\w'-]+", trigger or "") if len(w) > 1]
    if not words:
        return [{"text": sentence, "mark": False}]
    pattern = re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE)
    parts, pos = [], 0
    for m in pattern.finditer(sentence):
        if m.start() > pos:
            parts.append({"text": sentence[pos:m.start()], "mark": False})
        parts.append({"text": m.group(0), "mark": True})
        pos = m.end()
    if pos < len(sentence):
        parts.append({"text": sentence[pos:], "mark": False})
    return parts


def shown_trigger(trigger: str | None, sentence: str) -> str | None:
    """The trigger as the page shows it: only when it is a content word of the event's own sentence."""
    words = [w for w in re.findall(r"[\w'-]+", trigger or "") if len(w) > 1 and w.lower() not in STOPWORDS]
    if not words or not all(re.search(rf"\b{re.escape(w)}\b", sentence, re.IGNORECASE) for w in words):
        return None
    return trigger


EVIDENCE = Prepared(lambda d: (
    select(EventSource.id, EventSource.article_id, EventSource.start, EventSource.end, EventSource.sentence,
           Article.title, Article.published, Source.name.label("outlet"))
    .join(Article, Article.id == EventSource.article_id).outerjoin(Source, Source.id == Article.source_id)
    .where(EventSource.event_id == bindparam("event")).order_by(Article.published, EventSource.id)))
TARGET_IDS = Prepared(lambda d: select(EventTarget.actor_id).where(EventTarget.event_id == bindparam("event")))
NEARBY = Prepared(lambda d: select(*PAGE_COLUMNS).where(
    live(Event), Event.id != bindparam("event"), Event.first_day.between(bindparam("lo"), bindparam("hi")),
    or_(ids_param(Event.source_actor_id, "actors", d),  # the window's rows probed for the actors' targets
        targets_probe(d, ids_param(EventTarget.actor_id, "actors", d))),
).order_by(Event.first_day.desc(), Event.id.desc()).limit(8))
QUOTE_COLUMNS = (Quote.id, Quote.text, Quote.kind, Quote.speaker_text, Quote.speaker_actor_id, Quote.date,
                 Quote.article_id, Quote.source_count)
# The ids first, from event_id's index: SQLite's statistics call event_id unselective while consolidation has not
# filled it in (every quote one NULL), and with the live filter beside it SQLite would scan every quote
LINKED_QUOTES = Prepared(lambda d: select(*QUOTE_COLUMNS).where(live(Quote), Quote.id.in_(
    select(Quote.id).where(Quote.event_id == bindparam("event")).limit(8).scalar_subquery())).order_by(Quote.start))
SPEAKERS_QUOTES = Prepared(lambda d: select(*QUOTE_COLUMNS).where(
    live(Quote), Quote.article_id == bindparam("article"), ids_param(Quote.speaker_actor_id, "actors", d),
).order_by(Quote.start).limit(8))
MERGES = Prepared(lambda d: select(MergeRecord.merged_id, MergeRecord.reason, MergeRecord.created_at)
                  .where(MergeRecord.kind == "event", MergeRecord.survivor_id == bindparam("event")).limit(20))


def event_page(session: Session, event_id: int, slug: str | None = None) -> dict[str, Any]:
    """The page of a live event; ``slug``, when given, must be the event's own (else Moved to its address)."""
    event = live_event_row(session, event_id)
    if slug is not None and slug != event.slug:
        raise Moved("event", event.id, event.slug)
    trigger = shown_trigger(event.trigger, event.sentence)
    evidence = []
    seen: dict[tuple[int, int, int], dict[str, Any]] = {}
    for src in EVIDENCE(session, event=event.id):
        if (shown := seen.get((src.article_id, src.start, src.end))) is not None:
            shown["source_ids"].append(src.id)  # two reports of the event in one sentence: the sentence is shown once
            continue
        seen[(src.article_id, src.start, src.end)] = entry = {
            "article_id": src.article_id, "title": src.title or f"Article {src.article_id}",
            "published": src.published, "source": src.outlet, "sentence": src.sentence,
            "parts": highlight(src.sentence, trigger), "start": src.start, "end": src.end,
            "source_ids": [src.id],  # what a correction names a report by
        }
        evidence.append(entry)
    actor_ids = [event.source_actor_id] if event.source_actor_id else []
    actor_ids += [a for a in TARGET_IDS(session, event=event.id).scalars() if a not in actor_ids]
    nearby_events: list[Any] = []
    if actor_ids and event.first_day:
        window = dt.timedelta(days=30)
        nearby_events = list(NEARBY(session, event=event.id, lo=event.first_day - window,
                                    hi=event.first_day + window, actors=actor_ids))
    row, *nearby = event_rows(session, [event, *nearby_events])  # one batch of actors and articles for all of them
    if not evidence:  # an event stored before event_sources existed still has its own sentence
        evidence.append({"article_id": event.article_id, "title": row["article"]["title"],
                         "published": row["article"]["published"], "source": row["article"]["source"],
                         "sentence": event.sentence, "parts": highlight(event.sentence, trigger),
                         "start": event.start, "end": event.end})
    quotes = list(LINKED_QUOTES(session, event=event.id))
    if actor_ids and len(quotes) < 8:  # two indexed lookups; an OR of both would scan every quote
        seen_ids = {q.id for q in quotes}
        quotes += [q for q in SPEAKERS_QUOTES(session, article=event.article_id, actors=actor_ids)
                   if q.id not in seen_ids]
    quotes = quotes[:8]
    speakers = actor_refs(session, {q.speaker_actor_id for q in quotes if q.speaker_actor_id})
    merges = [{"merged_id": m.merged_id, "reason": m.reason, "words": (m.reason or {}).get("words"),
               "at": m.created_at} for m in MERGES(session, event=event.id)]
    return {
        "event": {**row, "trigger": trigger, "sentence": event.sentence},
        "evidence": evidence,
        "quotes": [quote_ref(q, speakers.get(q.speaker_actor_id)) for q in quotes],
        "nearby": nearby,
        "merges": merges,
        "corrections": history(session, "event", event.id),
    }


def quote_ref(q: Quote | Any, speaker: Actor | dict[str, Any] | None) -> dict[str, Any]:
    """A quote as lists show it; ``speaker`` is the entity or its ``actor_refs`` entry."""
    return {"id": q.id, "text": q.text, "kind": q.kind, "speaker_text": q.speaker_text,
            "speaker": None if speaker is None else dict(speaker) if isinstance(speaker, dict) else actor_ref(speaker),
            "date": q.date, "date_label": date_label(q.date, q.date, "day") if q.date else None,
            "article_id": q.article_id, "source_count": q.source_count or 1}


def event_card_data(session: Session, event_id: int) -> dict[str, Any]:
    """Just what the preview card shows (the full page data is not needed to draw it)."""
    return {"event": event_rows(session, [live_event(session, event_id)])[0]}
