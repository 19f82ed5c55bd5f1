"""Events across sentences and articles: sentence events for uncovered actor mentions, then merging.

A candidate for an event is looked up through indexed columns only (root events sharing one of its actors
whose first day falls in a window around its own), so the cost per article does not grow with the corpus.
The older event survives; the newer one keeps its row with ``merged_into_id`` set (its permalink redirects)
and hands its evidence over as EventSource rows that say why they joined.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.consolidate.text import interval, overlap, sentence_spans, shift, stems, words
from app.models import Article, Event, EventSource, EventTarget, Mention, MergeRecord, TimexRow
from app.store import slugify

SENTENCE_KEY = "s-{start}-{end}"
WINDOW_DAYS = 10  # how far apart two reports' dates may lie and still be looked at together
LOOKBACK_DAYS = 400  # bounds the indexed scan for long intervals (a year-precision event)
MAX_CANDIDATES = 200
MERGE_SCORE = 0.55
# a product or model designation ('A380', '787', '777-200LR', 'KC-45'): things a timeline can be about
# that are nobody's actor, so their sentences become events too
MODEL_NAME = re.compile(
    r"(?<![\w$£€.,])[A-Z]{1,4}-?\d{2,4}[A-Z0-9-]*(?!\w)"  # A380, KC-45, A380-800
    r"|(?:\b[A-Z][a-z]+|\b[Tt]he|\b[Aa]n?) \d{3}(?:-\w+|s)?(?![\w,.]\d|\w)"  # Boeing 787, the 787, 777s
    r"|(?<![\w$£€.,])\d{3}(?:s|-\w+)?(?= [A-Z][a-z])"  # 787 Dreamliner
    r"|(?<![\w$£€.,])\d{3}s(?!\w)"  # 777s
)


@dataclass(slots=True)
class EventView:
    """What merging compares, computed once per event."""

    event: Event
    actors: set[int]
    words: set[str]
    trigger: set[str]
    explicit_date: bool
    first: dt.date | None
    last: dt.date | None
    precision: str | None
    reasons: dict[str, Any] = field(default_factory=dict)


def _published(article: Article) -> tuple[dt.date, dt.date, str] | None:
    return (article.published, article.published, "day") if article.published else None


def add_sentence_events(session: Session, article: Article) -> int:
    """One event per sentence that names an actor but holds no extracted event: the timeline needs it.

    Its actors are the ones named in the sentence, its date the sentence's own date expression, else the
    publication date. Re-extraction removes these rows; running again revives them, keeping their ids.
    """
    text = article.text
    mentions = session.scalars(select(Mention).where(Mention.article_id == article.id).order_by(Mention.start)).all()
    sources = session.scalars(select(EventSource).where(EventSource.article_id == article.id)).all()
    covered = [(s.start, s.end) for s in sources if not s.key.startswith("s-")]
    own = {s.key: s for s in sources if s.key.startswith("s-")}
    removed = {
        (e.start, e.end): e
        for e in session.scalars(
            select(Event).where(Event.article_id == article.id, Event.removed_at.is_not(None), Event.type.is_(None))
        )
    }
    timexes = session.scalars(
        select(TimexRow).where(TimexRow.article_id == article.id, TimexRow.type == "DATE").order_by(TimexRow.start)
    ).all()
    added = 0
    for start, end in sentence_spans(text):
        key = SENTENCE_KEY.format(start=start, end=end)
        actors = list(dict.fromkeys(m.actor_id for m in mentions if start <= m.start and m.end <= end))
        sentence = text[start:end]
        named = bool(actors or MODEL_NAME.search(sentence))
        if key in own or any(s < end and start < e for s, e in covered):
            continue
        if not named or not _looks_like_a_clause(sentence):
            continue
        date = next(((t, iv) for t in timexes if start <= t.start < end and (iv := interval(t.value))), None)
        first, last, precision = date[1] if date else _published(article) or (None, None, None)
        fields: dict[str, Any] = {
            "date_value": date[0].value if date else (article.published.isoformat() if article.published else None),
            "date_text": date[0].text if date else None,
            "first_day": first, "last_day": last, "precision": precision,
            "type": None, "modality": "asserted", "source_actor_id": actors[0] if actors else None, "place": None,
            "summary": sentence[:300], "trigger": None, "sentence": sentence, "start": start, "end": end,
            "slug": slugify(sentence, 100), "removed_at": None,
        }
        event = removed.get((start, end))
        if event is None:
            event = Event(article_id=article.id, **fields)
            session.add(event)
            session.flush()
        else:
            for name, value in fields.items():
                setattr(event, name, value)
        session.add_all(EventTarget(event_id=event.id, actor_id=a) for a in actors[1:]
                        if a not in {t.actor_id for t in event.targets})
        session.add(EventSource(event_id=event.id, article_id=article.id, key=key, sentence=sentence,
                                start=start, end=end, reason={"origin": "sentence naming an actor"}))
        added += 1
    session.flush()
    return added


def _looks_like_a_clause(sentence: str) -> bool:
    """Enough words with some lower-case ones: a dateline or a bare name list is no event."""
    ws = words(sentence)
    return len(ws) >= 4 and sum(w.islower() for w in ws) >= 2


def _view(event: Event, mentioned: dict[int, set[int]], family: dict[int, int]) -> EventView:
    actors = {a for a in ([event.source_actor_id] + [t.actor_id for t in event.targets]) if a}
    actors |= mentioned.get(event.id, set())
    explicit = bool(event.date_text)
    return EventView(
        event=event,
        actors={family.get(a, a) for a in actors},
        words=stems(event.sentence),
        trigger=stems(event.trigger or ""),
        explicit_date=explicit,
        first=event.first_day,
        last=event.last_day,
        precision=event.precision,
    )


def compare(new: EventView, old: EventView) -> tuple[float, dict[str, Any]]:
    """How likely two events are one happening, and the features that say so."""
    shared = new.actors & old.actors
    if not shared:
        return 0.0, {}
    reason: dict[str, Any] = {"shared_actors": sorted(shared)}
    text = overlap(new.words, old.words)
    fuzzy = fuzz.token_set_ratio(new.event.sentence, old.event.sentence) / 100.0
    reason["wording"] = round(max(text, fuzzy), 3)
    score = max(text, fuzzy)
    if new.event.type and new.event.type == old.event.type:
        score += 0.2
        reason["same_type"] = new.event.type
    elif new.event.type and old.event.type:
        score -= 0.2
    if new.trigger and old.trigger and new.trigger & old.trigger:
        score += 0.2
        reason["same_trigger"] = sorted(new.trigger & old.trigger)
    if new.first and old.first and new.last and old.last:
        apart = max((new.first - old.last).days, (old.first - new.last).days, 0)
        if new.precision == old.precision == "day" and apart == 0:
            score += 0.1
            reason["same_day"] = new.first.isoformat()
        if new.explicit_date and old.explicit_date and apart > 1:
            score -= 0.4
            reason["date_conflict"] = [old.event.date_value, new.event.date_value]
    return score, reason


def merge_article_events(session: Session, article: Article, family: dict[int, int]) -> int:
    """Fold this article's events into earlier reports of the same happening (this article's included)."""
    events = session.scalars(
        select(Event).where(Event.article_id == article.id, Event.merged_into_id.is_(None),
                            Event.removed_at.is_(None)).order_by(Event.start, Event.id)
    ).all()
    if not events:
        return 0
    mentions = session.scalars(select(Mention).where(Mention.article_id == article.id)).all()
    mentioned: dict[int, set[int]] = defaultdict(set)
    for e in events:
        for m in mentions:
            if e.start <= m.start and m.end <= e.end:
                mentioned[e.id].add(m.actor_id)
    merged = 0
    for event in events:
        if event.merged_into_id is not None:
            continue
        view = _view(event, mentioned, family)
        best: tuple[float, EventView, dict[str, Any]] | None = None
        for cand in _candidates(session, view, family):
            cview = _view(cand, mentioned, family)
            score, reason = compare(view, cview)
            if score >= MERGE_SCORE and (best is None or score > best[0]):
                best = (score, cview, reason)
        if best is not None:
            merge_event(session, best[1], view, best[0], best[2])
            merged += 1
    session.flush()
    return merged


def _candidates(session: Session, view: EventView, family: dict[int, int]) -> list[Event]:
    """Root events sharing an actor, dated near this one: two indexed look-ups, never a scan of all events."""
    if not view.actors or view.first is None or view.last is None:
        return []
    members = set(view.actors) | {a for a, root in family.items() if root in view.actors}
    lo = shift(view.first, -LOOKBACK_DAYS)
    hi = shift(view.last, WINDOW_DAYS)
    near = shift(view.first, -WINDOW_DAYS)
    window = (
        Event.merged_into_id.is_(None),
        Event.removed_at.is_(None),
        Event.id != view.event.id,
        Event.first_day >= lo,
        Event.first_day <= hi,
        Event.last_day >= near,
    )
    # two index-friendly look-ups instead of one OR (which makes SQLite scan the whole date range)
    by_source = select(Event.id).where(Event.source_actor_id.in_(members), *window)
    by_target = (select(Event.id).join(EventTarget, EventTarget.event_id == Event.id)
                 .where(EventTarget.actor_id.in_(members), *window))
    ids = set(session.scalars(by_source)) | set(session.scalars(by_target))
    if not ids:
        return []
    stmt = (
        select(Event)
        .where(Event.id.in_(ids))
        .options(selectinload(Event.targets))
        .order_by(Event.first_day.desc(), Event.id)  # nearest first when a busy actor reaches the limit
        .limit(MAX_CANDIDATES)
    )
    return list(session.scalars(stmt))


def merge_event(session: Session, survivor: EventView, merged: EventView, score: float, reason: dict[str, Any]) -> None:
    """Move the merged event's evidence to the survivor; a precise date refines a vague one, a clash is kept."""
    keep, gone = survivor.event, merged.event
    reason = {**reason, "score": round(score, 3)}
    if merged.explicit_date and not survivor.explicit_date and merged.first is not None:
        reason["date_refined"] = [keep.date_value, gone.date_value]
        keep.date_value, keep.date_text = gone.date_value, gone.date_text
        keep.first_day, keep.last_day, keep.precision = gone.first_day, gone.last_day, gone.precision
        survivor.explicit_date = True
    elif (merged.explicit_date and survivor.explicit_date and merged.precision == "day"
          and survivor.precision != "day" and merged.first and survivor.first and survivor.last
          and survivor.first <= merged.first <= survivor.last):
        reason["date_refined"] = [keep.date_value, gone.date_value]
        keep.date_value, keep.date_text = gone.date_value, gone.date_text
        keep.first_day, keep.last_day, keep.precision = gone.first_day, gone.last_day, gone.precision
    if keep.type is None and gone.type is not None:
        keep.type, keep.summary, keep.trigger = gone.type, gone.summary, gone.trigger
    for src in list(gone.sources):
        src.event_id = keep.id
        src.reason = {**(src.reason or {}), "merged_from": gone.id, **reason}
    have = {t.actor_id for t in keep.targets} | {keep.source_actor_id}
    for t in gone.targets:
        if t.actor_id not in have:
            session.add(EventTarget(event_id=keep.id, actor_id=t.actor_id))
            have.add(t.actor_id)
    if gone.source_actor_id and gone.source_actor_id not in have:
        session.add(EventTarget(event_id=keep.id, actor_id=gone.source_actor_id))
    gone.merged_into_id = keep.id
    for child in session.scalars(select(Event).where(Event.merged_into_id == gone.id)):
        child.merged_into_id = keep.id
    session.add(MergeRecord(kind="event", survivor_id=keep.id, merged_id=gone.id, reason=reason))
    session.flush()
    session.expire(keep, ["sources", "targets"])
    session.expire(gone, ["sources"])
    keep.source_count = len({s.article_id for s in keep.sources})
    survivor.actors |= merged.actors
    survivor.words |= merged.words
