"""Events across sentences and articles: sentence events for uncovered actor mentions, then merging.

Candidates for one happening are looked up through indexed columns only (root events of the same action,
or sharing one of the event's actors, whose first day falls in a window around its own), so the cost per
article does not grow with the corpus; ``event_match`` decides which of them tell the same happening. The
older event survives; the newer one keeps its row with ``merged_into_id`` set (its permalink redirects) and
hands its evidence over as EventSource rows that say why they joined, in words.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import distinct, func, select, update
from sqlalchemy.orm import Session, selectinload

from app.consolidate.candidates import find_candidates
from app.consolidate.event_match import (
    UNREAL,
    EventView,
    compare,
    mood_of,
    reads_as_noun,
    reason_words,
    things_of,
)
from app.consolidate.senses import is_light, sense_of, word_senses
from app.consolidate.text import MODEL_NAME, interval, model_names, sentence_spans, words
from app.corrections.guards import not_events
from app.db import insert_rows, one_of
from app.keys import slugify
from app.models import (
    Actor,
    Article,
    Event,
    EventSource,
    EventTarget,
    Mention,
    MergeRecord,
    TimexRow,
    live,
)

SENTENCE_KEY = "s-{start}-{end}"
MAX_SENTENCES = 3  # sentences of one article one event may cite: headline, lead and one retelling


Span = tuple[int, int, int]  # (start, end, actor id) of one actor mention


def article_mentions(session: Session, article_id: int) -> list[Span]:
    """An article's actor mentions by start offset, read once and shared by every step (no ORM rows)."""
    return [tuple(r) for r in session.execute(  # type: ignore[misc]
        select(Mention.start, Mention.end, Mention.actor_id).where(Mention.article_id == article_id)
        .order_by(Mention.start, Mention.id))]


def actors_within(mentions: list[Span], starts: list[int], start: int, end: int) -> list[int]:
    """Actor ids mentioned inside [start, end), in text order, each once (``starts`` = the mention starts)."""
    out: dict[int, None] = {}
    for i in range(bisect_left(starts, start), bisect_right(starts, end)):
        if mentions[i][1] <= end:
            out[mentions[i][2]] = None
    return list(out)


def _published(article: Article) -> tuple[dt.date, dt.date, str] | None:
    return (article.published, article.published, "day") if article.published else None


def add_sentence_events(session: Session, article: Article, mentions: list[Span]) -> int:
    """One event per sentence that names an actor but holds no extracted event: the timeline needs it.

    Its actors are the ones named in the sentence, its date the sentence's own date expression, else the
    publication date. Re-extraction removes these rows; running again revives them, keeping their ids.
    All new rows go out in one flush.
    """
    if session.scalar(select(Event.id).where(Event.article_id == article.id, Event.lemma.is_not(None)).limit(1)):
        return 0  # the clause extractor makes its own sentence events
    text = article.text
    starts = [m[0] for m in mentions]
    sources = session.execute(select(EventSource.key, EventSource.start, EventSource.end)
                              .where(EventSource.article_id == article.id)).all()
    covered = [(s, e) for key, s, e in sources if not key.startswith("s-")]
    covered += list(not_events(session, article.id))  # an editor said these sentences hold no event
    own = {key for key, _, _ in sources if key.startswith("s-")}
    removed = {  # sentence events a re-extraction took away; reviving them keeps their ids (and permalinks)
        (start, end): event_id for event_id, start, end in session.execute(
            select(Event.id, Event.start, Event.end)
            .where(Event.article_id == article.id, Event.removed_at.is_not(None), Event.type.is_(None)))
    }
    timexes = session.execute(
        select(TimexRow.start, TimexRow.text, TimexRow.value)
        .where(TimexRow.article_id == article.id, TimexRow.type == "DATE").order_by(TimexRow.start)
    ).all()
    added = 0
    new: list[tuple[dict[str, Any], dict[str, Any], list[int]]] = []
    for start, end in sentence_spans(text):
        key = SENTENCE_KEY.format(start=start, end=end)
        if key in own or any(s < end and start < e for s, e in covered):
            continue
        actors = actors_within(mentions, starts, start, end)
        sentence = text[start:end]
        if not (actors or MODEL_NAME.search(sentence)) or not _looks_like_a_clause(sentence):
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
        source = {"article_id": article.id, "key": key, "sentence": sentence, "start": start, "end": end,
                  "reason": {"origin": "sentence naming an actor"}}
        revived = removed.get((start, end))
        if revived is None:
            new.append(({"article_id": article.id, **fields}, source, actors[1:]))
        else:
            event = session.get_one(Event, revived)
            for name, value in fields.items():
                setattr(event, name, value)
            have = {t.actor_id for t in event.targets}
            event.targets.extend(EventTarget(actor_id=a) for a in actors[1:] if a not in have)
            event.sources.append(EventSource(**source))
        added += 1
    if new:  # bulk inserts: building ORM objects for every sentence cost more than all the look-ups
        ids = insert_rows(session, Event, [row for row, _, _ in new], ids=True)
        insert_rows(session, EventSource, [{**src, "event_id": i} for i, (_, src, _) in zip(ids, new, strict=True)])
        insert_rows(session, EventTarget,
                    [{"event_id": i, "actor_id": a} for i, (_, _, ts) in zip(ids, new, strict=True) for a in ts])
    session.flush()
    return added


def _looks_like_a_clause(sentence: str) -> bool:
    """Enough words with some lower-case ones: a dateline or a bare name list is no event."""
    ws = words(sentence)
    return len(ws) >= 4 and sum(w.islower() for w in ws) >= 2


Cited = dict[int, set[int]]  # article id -> starts of the sentences an event already cites


def event_sense(event: Any) -> str | None:
    """The stored sense, else the one of the event's lemma or trigger (rows stored before senses existed)."""
    return getattr(event, "sense", None) or sense_of(getattr(event, "lemma", None), event.trigger)


def _view(event: Any, mentioned: dict[int, set[int]], family: dict[int, int], cache: dict[int, Any],
          cited: Cited, own: bool) -> EventView:
    """The event as merging compares it; ``own`` for this article's events, whose word senses the headline
    rule reads (a candidate from another article never needs them)."""
    if event.id not in cache:  # word senses once per event and article, however often it is a candidate
        cache[event.id] = word_senses(event.sentence) if own else frozenset()
    senses = cache[event.id]
    source = family.get(event.source_actor_id, event.source_actor_id) if event.source_actor_id else None
    arguments = {family.get(a, a) for a in [event.source_actor_id, *(t.actor_id for t in event.targets)] if a}
    return EventView(
        event=event, sense=event_sense(event), source=source, arguments=arguments,
        named={family.get(a, a) for a in mentioned.get(event.id, ())} | arguments,
        senses=senses, mood=mood_of(event), explicit_date=bool(event.date_text),
        first=event.first_day, last=event.last_day, precision=event.precision, headline=is_headline(event),
        cited={a: set(c) for a, c in cited.items()},
    )


def is_headline(event: Any) -> bool:
    """The article's first line with no closing punctuation: a headline, which sums up one happening."""
    return event.start == 0 and not event.sentence.rstrip().endswith((".", "!", "?", '"', "”", "'", ":"))


@dataclass(slots=True)
class _Merge:
    keep: Event
    gone: Event
    reason: dict[str, Any]
    record: MergeRecord


def merge_article_events(session: Session, article: Article, family: dict[int, int], mentions: list[Span]) -> int:
    """Fold this article's events into earlier reports of the same happening (this article's included).

    A handful of queries per article, not per event: the article's events with their targets, its evidence
    rows, one candidate look-up per cluster of date windows, and the candidate rows themselves.
    """
    events = session.scalars(
        select(Event).where(Event.article_id == article.id, live(Event)).options(selectinload(Event.targets))
        .order_by(Event.start, Event.id)
    ).all()
    if not events:
        return 0
    starts = [m[0] for m in mentions]
    mentioned = {e.id: set(actors_within(mentions, starts, e.start, e.end)) for e in events}
    cited: dict[int, Cited] = {}
    for event_id, start in session.execute(select(EventSource.event_id, EventSource.start)
                                           .where(EventSource.article_id == article.id)):
        cited.setdefault(event_id, {}).setdefault(article.id, set()).add(start)
    cache: dict[int, Any] = {}
    views = {e.id: _view(e, mentioned, family, cache, cited.get(e.id, {article.id: {e.start}}), True)
             for e in events}
    topics = _Topics(session, article)
    _implicit_topic(views.values(), topics(article.id))
    pending, rows = find_candidates(session, list(views.values()), family)
    topics.expect(r.article_id for r in rows.values())
    rows.update({e.id: e for e in events})  # this article's events: their in-memory state is the truth
    done: list[_Merge] = []
    meets = _own_meetings(events, views)
    with session.no_autoflush:  # merges change loaded rows only; _write_merges flushes them once
        for event in events:
            _merge_one(session, views[event.id], meets[event.id] + pending.get(event.id, []), rows, views,
                       (mentioned, family, cache, cited, topics), done)
    if done:
        _write_merges(session, done)
    return len(done)


def _own_meetings(events: Sequence[Event], views: dict[int, EventView]) -> dict[int, list[int]]:
    """Per event, the article's other events it could retell: inside one article two sentences meet only
    with the same (not light) action or as the headline summing up another (``event_match``'s same-article
    rule), so every other pair is left out before ``compare``, in input order."""
    headlines = [e.id for e in events if views[e.id].headline]
    by_sense: dict[str, list[int]] = {}
    for e in events:
        if not is_light(sense := views[e.id].sense):
            by_sense.setdefault(sense, []).append(e.id)  # type: ignore[arg-type]
    out: dict[int, list[int]] = {}
    for e in events:
        view = views[e.id]
        if view.headline:
            out[e.id] = [o.id for o in events if o.id != e.id]
            continue
        same = set(by_sense.get(view.sense, ())) if not is_light(view.sense) else set()  # type: ignore[arg-type]
        same.update(headlines)
        out[e.id] = [o.id for o in events if o.id != e.id and o.id in same]
    return out


@lru_cache(maxsize=16)  # the store and consolidation both ask for the article just stored
def article_topic(title: str | None, text: str) -> frozenset[str]:
    """The product an article is about: the one its headline names ('First Airbus A380 delivered'), else the
    one it names most, when it names one at least twice and more often than any other."""
    topic = model_names((title or text.split("\n", 1)[0])[:300])
    if topic:
        return topic
    counts = Counter(code for start, end in sentence_spans(text) for code in model_names(text[start:end]))
    best = counts.most_common(2)
    if best and best[0][1] >= 2 and (len(best) == 1 or best[1][1] < best[0][1]):
        return frozenset({best[0][0]})
    return frozenset()


def _implicit_topic(views: Any, topic: frozenset[str]) -> None:
    """A report naming no actor or product ('the first flight will take off') is about what its article is
    about: the article's product stands as the report's implicit argument."""
    if topic:
        for v in views:
            if not v.named and not things_of(v):
                v.things = topic


def topic_column(title: str | None, text: str) -> str:
    """``articles.topic`` of an article with this title and text (what consolidation stores for it)."""
    return _topic_column(article_topic(title, text))


def _topic_column(topic: frozenset[str]) -> str:
    """An article topic as stored in ``articles.topic``: its codes in order, space-separated ('' for none)."""
    return " ".join(sorted(topic))[:300]


class _Topics:
    """Article topics, for the unnamed reports that need them. Each article's is worked out when it is
    consolidated and kept in ``articles.topic`` (migration 0017); a candidate's is read from there, in one
    query with those of the other candidates (``expect``), and worked out from its text only for an article
    stored before the column."""

    BATCH = 500  # article ids per query

    def __init__(self, session: Session, article: Article) -> None:
        self.session = session
        topic = article_topic(article.title, article.text)
        article.topic = _topic_column(topic)
        self.known = {article.id: topic}
        self.expected: set[int] = set()

    def expect(self, article_ids: Iterable[int]) -> None:
        self.expected.update(article_ids)

    def __call__(self, article_id: int) -> frozenset[str]:
        if article_id not in self.known:
            wanted = sorted({article_id, *self.expected} - set(self.known))
            self.expected.clear()
            for at in range(0, len(wanted), self.BATCH):
                for ident, topic in self.session.execute(select(Article.id, Article.topic)
                                                         .where(one_of(self.session, Article.id, wanted[at:at + self.BATCH]))):
                    if topic is not None:
                        self.known[ident] = frozenset(topic.split())
        if article_id not in self.known:  # stored before migration 0017: worked out now, and kept
            row = self.session.execute(select(Article.title, Article.text).where(Article.id == article_id)).one()
            worked_out = self.known[article_id] = article_topic(row.title, row.text)
            self.session.execute(update(Article).where(Article.id == article_id)
                                 .values(topic=_topic_column(worked_out)).execution_options(synchronize_session=False))
        return self.known[article_id]


def _merge_one(session: Session, view: EventView, candidates: list[int], rows: dict[int, Any],
               views: dict[int, EventView], context: tuple[dict[int, set[int]], dict[int, int], dict[int, Any],
                                                        dict[int, Cited], _Topics],
               done: list[_Merge]) -> None:
    """The candidate that best tells the same happening absorbs the event, if any does."""
    if view.event.merged_into_id is not None:
        return
    mentioned, family, cache, cited, topics = context
    best = None
    for ident in dict.fromkeys(candidates):
        cand = rows.get(ident)
        if cand is None or cand.merged_into_id is not None or cand.removed_at is not None:
            continue  # merged earlier in this article
        if ident not in views:
            views[ident] = _view(cand, mentioned, family, cache, cited.get(ident, {}), False)
            if things_of(view) and not things_of(views[ident]):
                # read only when it could be shared: this report names a product of its own (or its article's);
                # the other outlet's report may have gained actors from its own article's retellings
                views[ident].things = topics(cand.article_id)
        match = compare(view, views[ident], MAX_SENTENCES)
        if match is not None and (best is None or match.rank > best[0].rank
                                  or (match.rank == best[0].rank and ident < best[1])):
            best = (match, ident)
    if best is not None:
        merge = merge_event(session, views[best[1]], view, best[0].reason)
        rows[merge.keep.id] = merge.keep  # the survivor, now a loaded row changed in memory
        done.append(merge)



def _take_date(keep: Event, gone: Event) -> None:
    keep.date_value, keep.date_text = gone.date_value, gone.date_text
    keep.first_day, keep.last_day, keep.precision = gone.first_day, gone.last_day, gone.precision


def merge_event(session: Session, survivor: EventView, merged: EventView, reason: dict[str, Any]) -> _Merge:
    """Fold the merged event into the survivor in memory; a precise date refines a vague one, a clash is kept.

    Only attributes of loaded rows change here (no query, no flush); ``_write_merges`` moves the evidence
    of all the article's merges at once and writes the reason in words.
    """
    keep, gone = survivor.event, merged.event
    if not isinstance(keep, Event):  # a plain candidate row: load the real one to change it
        keep = session.get_one(Event, keep.id)
        survivor.event = keep
    inside = merged.precision != "day" and survivor.precision == "day" and survivor.first is not None \
        and merged.first is not None and merged.last is not None and merged.first <= survivor.first <= merged.last
    # a month the other report gives that holds this report's own day ('first flew in April 2005' and the
    # report of April 27): the day is the closer date
    if merged.explicit_date and not survivor.explicit_date and merged.first is not None and not inside:
        reason["date_refined"] = [keep.date_value, gone.date_value]
        _take_date(keep, gone)
        survivor.explicit_date = True
        survivor.first, survivor.last, survivor.precision = merged.first, merged.last, merged.precision
        survivor.span = None
    elif survivor.explicit_date and not merged.explicit_date and merged.precision == "day" \
            and survivor.precision in ("week", "month") and merged.first and survivor.first and survivor.last \
            and survivor.first <= merged.first <= survivor.last:
        # the report of that very day inside the week or month the other gives: the day is the closer date
        reason["date_refined"] = [keep.date_value, gone.date_value]
        _take_date(keep, gone)
        survivor.first, survivor.last, survivor.precision = merged.first, merged.last, merged.precision
        survivor.span = None
    elif (merged.explicit_date and survivor.explicit_date and merged.precision == "day"
          and survivor.precision != "day" and merged.first and survivor.first and survivor.last
          and survivor.first <= merged.first <= survivor.last):
        reason["date_refined"] = [keep.date_value, gone.date_value]
        _take_date(keep, gone)
        survivor.first, survivor.last, survivor.precision = merged.first, merged.last, merged.precision
        survivor.span = None
    if survivor.mood in UNREAL and merged.mood == "asserted" and not reads_as_noun(gone):
        # a plan or a possibility that a report tells done: the happening took place
        reason["came_about"] = True
        survivor.mood = keep.mood = keep.modality = "asserted"
        survivor.span = None
    if keep.type is None and gone.type is not None:
        # the type and summary of the typed report; its trigger only where the survivor's sentence holds it
        keep.type, keep.summary = gone.type, gone.summary
        if gone.trigger and gone.trigger.lower() in keep.sentence.lower():
            keep.trigger = gone.trigger
    have = {t.actor_id for t in keep.targets} | {keep.source_actor_id}
    for actor_id in [*(t.actor_id for t in gone.targets), gone.source_actor_id]:
        if actor_id and actor_id not in have:
            keep.targets.append(EventTarget(actor_id=actor_id))
            have.add(actor_id)
    gone.merged_into_id = keep.id
    for other in session.identity_map.values():  # this article's earlier merges into ``gone`` follow it
        if isinstance(other, Event) and other.merged_into_id == gone.id:
            other.merged_into_id = keep.id
    record = MergeRecord(kind="event", survivor_id=keep.id, merged_id=gone.id, reason=reason)
    session.add(record)
    survivor.arguments |= merged.arguments
    survivor.named |= merged.named
    survivor.things = things_of(survivor) | things_of(merged)
    for article, cited in merged.cited.items():
        survivor.cited.setdefault(article, set()).update(cited)
    return _Merge(keep, gone, reason, record)


def _write_merges(session: Session, done: list[_Merge]) -> None:
    """Move the evidence of an article's merges to the surviving events and say why, in words: four queries
    and one flush."""
    ids = {a for m in done for a in m.reason.get("shared_actors", [])}
    with session.no_autoflush:  # names are never changed by merging: the merge records go out with their words
        names = dict(session.execute(select(Actor.id, Actor.name).where(one_of(session, Actor.id, ids))).all()) \
            if ids else {}
    for m in done:
        m.reason = {**m.reason, "words": reason_words(m.reason, names)}
        m.record.reason = m.reason
    gone_ids = [m.gone.id for m in done]
    reasons = {m.gone.id: m.reason for m in done}
    # already the final survivor (merge_event set it on every ``gone``)
    root = {m.gone.id: m.gone.merged_into_id for m in done if m.gone.merged_into_id is not None}
    with session.no_autoflush:
        for src in session.scalars(select(EventSource).where(one_of(session, EventSource.event_id, gone_ids))):
            was = src.event_id
            src.event_id = root[was]
            src.reason = {**(src.reason or {}), "merged_from": was, **reasons[was]}
        for child in session.scalars(select(Event).where(one_of(session, Event.merged_into_id, gone_ids))):
            if child.merged_into_id is not None:  # always: the query asks for merged ones
                child.merged_into_id = root.get(child.merged_into_id, child.merged_into_id)  # one level deep
    session.flush()
    keeps = {m.keep.id: m.keep for m in done if m.keep.merged_into_id is None}
    counts = dict(session.execute(
        select(EventSource.event_id, func.count(distinct(EventSource.article_id)))
        .where(one_of(session, EventSource.event_id, list(keeps))).group_by(EventSource.event_id)).all())
    for ident, keep in keeps.items():
        keep.source_count = counts.get(ident, 1)
        session.expire(keep, ["sources"])
    for m in done:
        session.expire(m.gone, ["sources"])
