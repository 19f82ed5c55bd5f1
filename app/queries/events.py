"""One event's page: when, who, what, where, the evidence from each article, related quotes, nearby events."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import or_, select
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
    actor_ref,
    date_label,
    event_rows,
    parse_id,
    read_rows,
    target_probe,
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


def event_page(session: Session, event_id: int) -> dict[str, Any]:
    event = live_event(session, event_id)
    trigger = shown_trigger(event.trigger, event.sentence)
    evidence = []
    seen: dict[tuple[int, int, int], dict[str, Any]] = {}
    for src in read_rows(session, (
        select(EventSource.id, EventSource.article_id, EventSource.start, EventSource.end, EventSource.sentence,
               Article.title, Article.published, Source.name.label("outlet"))
        .join(Article, Article.id == EventSource.article_id).outerjoin(Source, Source.id == Article.source_id)
        .where(EventSource.event_id == event.id).order_by(Article.published, EventSource.id)
    )):
        title, published, outlet = src.title, src.published, src.outlet
        if (shown := seen.get((src.article_id, src.start, src.end))) is not None:
            shown["source_ids"].append(src.id)  # two reports of the event in one sentence: the sentence is shown once
            continue
        seen[(src.article_id, src.start, src.end)] = entry = {
            "article_id": src.article_id, "title": title or f"Article {src.article_id}", "published": published,
            "source": outlet, "sentence": src.sentence, "parts": highlight(src.sentence, trigger),
            "start": src.start, "end": src.end, "source_ids": [src.id],  # what a correction names a report by
        }
        evidence.append(entry)
    targets = list(read_rows(session, select(EventTarget.actor_id).where(EventTarget.event_id == event.id)).scalars())
    actor_ids = [event.source_actor_id] if event.source_actor_id else []
    actor_ids += [a for a in targets if a not in actor_ids]
    nearby_events: list[Any] = []
    if actor_ids and event.first_day:
        window = dt.timedelta(days=30)
        stmt = select(*EVENT_ROW_COLUMNS).where(
            live(Event), Event.id != event.id,
            Event.first_day.between(event.first_day - window, event.first_day + window),
            or_(Event.source_actor_id.in_(actor_ids), target_probe(session, actor_ids)),  # the window's rows probed
        ).order_by(Event.first_day.desc(), Event.id.desc()).limit(8)
        nearby_events = list(read_rows(session, stmt))
    row, *nearby = event_rows(session, [event, *nearby_events])  # one batch of actors and articles for all of them
    if not evidence:  # an event stored before event_sources existed still has its own sentence
        evidence.append({"article_id": event.article_id, "title": row["article"]["title"],
                         "published": row["article"]["published"], "source": row["article"]["source"],
                         "sentence": event.sentence, "parts": highlight(event.sentence, trigger),
                         "start": event.start, "end": event.end})
    quote_rows = select(Quote, Actor).outerjoin(Actor, Actor.id == Quote.speaker_actor_id).where(live(Quote))
    # SQLite's statistics may call event_id unselective while consolidation has not filled it in yet
    linked = list(read_rows(session, select(Quote.id).where(Quote.event_id == event.id).limit(8)
                            .with_hint(Quote, "INDEXED BY ix_quotes_event_id", "sqlite")).scalars())
    quotes = list(session.execute(quote_rows.where(Quote.id.in_(linked)).order_by(Quote.start))) if linked else []
    if actor_ids and len(quotes) < 8:  # two indexed lookups; an OR of both would scan every quote
        seen_ids = {q.id for q, _ in quotes}
        quotes += [row for row in session.execute(
            quote_rows.where(Quote.article_id == event.article_id, Quote.speaker_actor_id.in_(actor_ids))
            .order_by(Quote.start).limit(8)) if row[0].id not in seen_ids]
    quotes = quotes[:8]
    merges = [
        {"merged_id": m.merged_id, "reason": m.reason, "words": (m.reason or {}).get("words"), "at": m.created_at}
        for m in session.scalars(select(MergeRecord).where(MergeRecord.kind == "event",
                                                           MergeRecord.survivor_id == event.id).limit(20))
    ]
    return {
        "event": {**row, "trigger": trigger, "sentence": event.sentence},
        "evidence": evidence,
        "quotes": [quote_ref(q, a) for q, a in quotes],
        "nearby": nearby,
        "merges": merges,
        "corrections": history(session, "event", event.id),
    }


def quote_ref(q: Quote, speaker: Actor | None) -> dict[str, Any]:
    return {"id": q.id, "text": q.text, "kind": q.kind, "speaker_text": q.speaker_text,
            "speaker": actor_ref(speaker) if speaker else None, "date": q.date,
            "date_label": date_label(q.date, q.date, "day") if q.date else None,
            "article_id": q.article_id, "source_count": q.source_count or 1}


def event_card_data(session: Session, event_id: int) -> dict[str, Any]:
    """Just what the preview card shows (the full page data is not needed to draw it)."""
    return {"event": event_rows(session, [live_event(session, event_id)])[0]}
