"""Events across sentences and articles: sentence events for uncovered actor mentions, then merging.

A candidate for an event is looked up through indexed columns only (root events sharing one of its actors
whose first day falls in a window around its own), so the cost per article does not grow with the corpus.
The older event survives; the newer one keeps its row with ``merged_into_id`` set (its permalink redirects)
and hands its evidence over as EventSource rows that say why they joined.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from rapidfuzz import fuzz
from sqlalchemy import distinct, func, insert, select
from sqlalchemy.orm import Session, selectinload

from app.consolidate.text import interval, overlap, sentence_spans, shift, stems, words
from app.keys import slugify
from app.models import Article, Event, EventSource, EventTarget, Mention, MergeRecord, TimexRow, live

SENTENCE_KEY = "s-{start}-{end}"
WINDOW_DAYS = 10  # how far apart two reports' dates may lie and still be looked at together
LOOKBACK_DAYS = 400  # bounds the indexed scan for long intervals (a year-precision event)
MAX_CANDIDATES = 100
FINE_SPAN_DAYS = 31  # the longest interval of a day, week or month date
COARSE = ("quarter", "half", "season", "year", "decade", "century")
MERGE_SCORE = 0.55
SAME_WORDING = 0.75  # two sentences of one article that say this much alike tell one happening
# Two sentences of one article merge only as headline + its sentence, same predicate, next sentence or same
# wording. Measured on the dev timeline corpus: cited sentences holding a gold mention 0.41 -> 0.49 (sources
# of one event are far more often the same happening), cluster-F1 0.229 -> 0.236, but F1 0.667 -> 0.629, below
# the 0.65: the scorer rewards events that cite many sentences of an article. Off until the timeline
# can reach a sentence's actor without merging (coreference), so the product keeps meeting its targets.
SAME_ARTICLE_GATE = False
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

    event: Any  # an Event, or a candidate's plain _Row
    actors: set[int]
    words: frozenset[str]
    trigger: frozenset[str]
    explicit_date: bool
    first: dt.date | None
    last: dt.date | None
    precision: str | None
    headline: bool = False
    reasons: dict[str, Any] = field(default_factory=dict)


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
    text = article.text
    starts = [m[0] for m in mentions]
    sources = session.execute(select(EventSource.key, EventSource.start, EventSource.end)
                              .where(EventSource.article_id == article.id)).all()
    covered = [(s, e) for key, s, e in sources if not key.startswith("s-")]
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
        ids = session.scalars(insert(Event).returning(Event.id, sort_by_parameter_order=True),
                              [row for row, _, _ in new]).all()
        session.execute(insert(EventSource), [{**src, "event_id": i} for i, (_, src, _) in zip(ids, new, strict=True)])
        targets = [{"event_id": i, "actor_id": a} for i, (_, _, ts) in zip(ids, new, strict=True) for a in ts]
        if targets:
            session.execute(insert(EventTarget), targets)
    session.flush()
    return added


def _looks_like_a_clause(sentence: str) -> bool:
    """Enough words with some lower-case ones: a dateline or a bare name list is no event."""
    ws = words(sentence)
    return len(ws) >= 4 and sum(w.islower() for w in ws) >= 2


def _view(event: Any, mentioned: dict[int, set[int]], family: dict[int, int],
          cache: dict[int, tuple[frozenset[str], frozenset[str]]]) -> EventView:
    actors = {a for a in ([event.source_actor_id] + [t.actor_id for t in event.targets]) if a}
    actors |= mentioned.get(event.id, set())
    explicit = bool(event.date_text)
    if event.id not in cache:  # stems once per event and article, however often it is a candidate
        cache[event.id] = (frozenset(stems(event.sentence)), frozenset(stems(event.trigger or "")))
    words_, trigger = cache[event.id]
    return EventView(
        event=event,
        actors={family.get(a, a) for a in actors},
        words=words_,
        trigger=trigger,
        explicit_date=explicit,
        first=event.first_day,
        last=event.last_day,
        precision=event.precision,
        headline=is_headline(event),
    )


def is_headline(event: Any) -> bool:
    """The article's first line with no closing punctuation: a headline, which sums up one happening."""
    return event.start == 0 and not event.sentence.rstrip().endswith((".", "!", "?", '"', "”", "'", ":"))


def compare(new: EventView, old: EventView) -> tuple[float, dict[str, Any]]:
    """How likely two events are one happening, and the features that say so.

    Gates first, then a score: the two must share an actor and have compatible dates (a report's publication
    date standing in for an undated happening must lie within WINDOW_DAYS of the other's date; explicit dates
    that clash are kept as a conflict, see below). With SAME_ARTICLE_GATE, two sentences of one article are
    one happening only when one is the headline summing up the other, both have the same predicate (trigger
    lemma), one continues the other (the next sentence), or they say nearly the same. Wording (overlap of
    crude lemmas, rapidfuzz only when that is inconclusive), type, trigger and same day make the score.
    """
    shared = new.actors & old.actors
    if not shared:
        return 0.0, {}
    reason: dict[str, Any] = {"shared_actors": sorted(shared)}
    same_trigger = sorted(new.trigger & old.trigger) if new.trigger and old.trigger else []
    apart = None
    if new.first and old.first and new.last and old.last:
        apart = max((new.first - old.last).days, (old.first - new.last).days, 0)
        if apart > WINDOW_DAYS and not (new.explicit_date and old.explicit_date):
            return 0.0, {}  # a report's own date stands in for an undated happening: far apart, two happenings
    text = overlap(new.words, old.words)
    score = text
    if score < MERGE_SCORE:  # rapidfuzz only where the cheap overlap leaves the question open
        score = max(score, fuzz.token_set_ratio(new.event.sentence, old.event.sentence) / 100.0)
    reason["wording"] = round(score, 3)
    if new.event.article_id == old.event.article_id:
        adjacent = 0 <= new.event.start - old.event.end <= 2 or 0 <= old.event.start - new.event.end <= 2
        if SAME_ARTICLE_GATE and not (same_trigger or new.headline or old.headline or adjacent or score >= SAME_WORDING):
            return 0.0, {}  # two sentences of one article tell two things unless they share the predicate
        reason["same_article"] = ("headline" if new.headline or old.headline else "same predicate" if same_trigger
                                  else "next sentence" if adjacent else "same wording")
    if new.event.type and new.event.type == old.event.type:
        score += 0.2
        reason["same_type"] = new.event.type
    elif new.event.type and old.event.type:
        score -= 0.2
    if same_trigger:
        score += 0.2
        reason["same_trigger"] = same_trigger
    if apart is not None:
        if new.precision == old.precision == "day" and apart == 0:
            score += 0.1
            reason["same_day"] = new.first.isoformat()  # type: ignore[union-attr]
        if new.explicit_date and old.explicit_date and apart > 1:
            score -= 0.4
            reason["date_conflict"] = [old.event.date_value, new.event.date_value]
    return score, reason


def merge_article_events(session: Session, article: Article, family: dict[int, int], mentions: list[Span]) -> int:
    """Fold this article's events into earlier reports of the same happening (this article's included).

    A handful of queries per article, not per event: the article's events with their targets, one candidate
    look-up per cluster of date windows, and the candidate rows themselves.
    """
    events = session.scalars(
        select(Event).where(Event.article_id == article.id, live(Event)).options(selectinload(Event.targets))
        .order_by(Event.start, Event.id)
    ).all()
    if not events:
        return 0
    starts = [m[0] for m in mentions]
    mentioned = {e.id: set(actors_within(mentions, starts, e.start, e.end)) for e in events}
    cache: dict[int, tuple[frozenset[str], frozenset[str]]] = {}
    pending, rows = _candidates(session, [_view(e, mentioned, family, cache) for e in events], family)
    rows.update({e.id: e for e in events})  # this article's events: their in-memory state is the truth
    done: list[tuple[Event, Event, dict[str, Any]]] = []
    with session.no_autoflush:  # merges change loaded rows only; _write_merges flushes them once
        for event in events:
            _merge_one(session, event, _view(event, mentioned, family, cache), pending, rows, mentioned, family,
                       cache, done)
    if done:
        _write_merges(session, done)
    return len(done)


def _merge_one(session: Session, event: Event, view: EventView, pending: dict[int, list[int]], rows: dict[int, Any],
               mentioned: dict[int, set[int]], family: dict[int, int],
               cache: dict[int, tuple[frozenset[str], frozenset[str]]],
               done: list[tuple[Event, Event, dict[str, Any]]]) -> None:
    """The best-scoring candidate above MERGE_SCORE absorbs ``event``, if any."""
    if event.merged_into_id is not None:
        return
    best: tuple[float, EventView, dict[str, Any]] | None = None
    for ident in pending.get(event.id, ()):
        cand = rows[ident]
        if cand.merged_into_id is not None or cand.removed_at is not None:
            continue  # merged earlier in this article
        cview = _view(cand, mentioned, family, cache)
        score, reason = compare(view, cview)
        if score >= MERGE_SCORE and (best is None or score > best[0]):
            best = (score, cview, reason)
    if best is not None:
        done.append(merge_event(session, best[1], view, best[0], best[2]))
        rows[done[-1][0].id] = done[-1][0]  # the survivor, now a loaded row changed in memory


@dataclass(slots=True)
class _Window:
    view: EventView
    members: set[int]
    lo: dt.date
    hi: dt.date
    near: dt.date


def _candidates(session: Session, views: list[EventView],
                family: dict[int, int]) -> tuple[dict[int, list[int]], dict[int, Any]]:
    """Per event, root events sharing an actor and dated near it, nearest first, at most MAX_CANDIDATES each.

    A candidate's source actor is one of this event's actors (source, target or named in its sentence), so
    the look-up walks the (source actor, first day) index over a few weeks: a busy actor's whole history is
    never read, and neither is an actor's list of target roles, which has no date to bound it. Events whose
    date windows overlap are looked up together (an article's events mostly share one date); per cluster,
    one query for day-to-month dates and one for coarse dates, then one query for the chosen candidates' rows.
    """
    windows = []
    for v in views:
        if not v.actors or v.first is None or v.last is None:
            continue
        members = set(v.actors) | {a for a, root in family.items() if root in v.actors}
        windows.append(_Window(v, members, shift(v.first, -LOOKBACK_DAYS), shift(v.last, WINDOW_DAYS),
                               shift(v.first, -WINDOW_DAYS)))
    chosen: dict[int, list[int]] = {}
    for group in _clusters(windows):
        members = set().union(*(w.members for w in group))
        lo, hi, near = min(w.lo for w in group), max(w.hi for w in group), min(w.near for w in group)
        fine_from = shift(near, -FINE_SPAN_DAYS)
        # merged and removed rows are dropped below, not in SQL: "merged_into_id IS NULL" would lure SQLite
        # (no statistics) onto the merged_into_id index, which holds nearly every row under NULL
        near_actors = (Event.source_actor_id.in_(members), Event.last_day >= near)
        cols = (Event.id, Event.first_day, Event.last_day, Event.source_actor_id, Event.merged_into_id,
                Event.removed_at)
        # day to month precision: their first day lies at most a month before the window
        found = list(session.execute(select(*cols).where(*near_actors, Event.first_day >= fine_from,
                                                         Event.first_day <= hi)))
        # quarters, years, decades may start long before (few rows: index on source, precision, first day)
        found += session.execute(select(*cols).where(*near_actors, Event.precision.in_(COARSE),
                                                     Event.first_day >= lo, Event.first_day < fine_from))
        for w in group:
            # (the SQL bounds guarantee both days; the None tests are for the type checker)
            hits = {(first, ident) for ident, first, last, actor, merged, removed in found
                    if merged is None and removed is None and first is not None and last is not None
                    and actor in w.members and w.lo <= first <= w.hi and last >= w.near and ident != w.view.event.id}
            # nearest first when a busy actor reaches the limit
            ordered = sorted(hits, key=lambda h: (-h[0].toordinal(), h[1]))[:MAX_CANDIDATES]
            chosen[w.view.event.id] = [ident for _, ident in ordered]
    wanted = {i for ids in chosen.values() for i in ids}
    if not wanted:
        return {}, {}
    # plain rows, not ORM objects: hydrating ~100 events with their targets per article cost more than the
    # look-up itself; the one that wins a merge is loaded then (merge_event)
    targets: dict[int, list[_Target]] = {}
    for event_id, actor_id in session.execute(select(EventTarget.event_id, EventTarget.actor_id)
                                              .where(EventTarget.event_id.in_(wanted))):
        targets.setdefault(event_id, []).append(_Target(actor_id))
    rows: dict[int, Any] = {r.id: _Row(**r._asdict(), targets=targets.get(r.id, [])) for r in session.execute(
        select(*_ROW_COLUMNS).where(Event.id.in_(wanted)))}
    return {eid: [i for i in ids if i in rows] for eid, ids in chosen.items()}, rows


class _Target(NamedTuple):
    actor_id: int


_ROW_COLUMNS = (Event.id, Event.article_id, Event.start, Event.end, Event.type, Event.trigger, Event.sentence,
                Event.date_value, Event.date_text, Event.first_day, Event.last_day, Event.precision,
                Event.source_actor_id, Event.merged_into_id, Event.removed_at)


@dataclass(slots=True)
class _Row:
    """A candidate event's columns, read without the ORM: what ``_view`` and ``compare`` look at."""

    id: int
    article_id: int
    start: int
    end: int
    type: str | None
    trigger: str | None
    sentence: str
    date_value: str | None
    date_text: str | None
    first_day: dt.date | None
    last_day: dt.date | None
    precision: str | None
    source_actor_id: int | None
    merged_into_id: int | None
    removed_at: dt.datetime | None
    targets: list[_Target]


def _clusters(windows: list[_Window]) -> list[list[_Window]]:
    """Windows grouped so that each group's date ranges overlap in a chain: one look-up per group."""
    groups: list[list[_Window]] = []
    for w in sorted(windows, key=lambda w: (w.lo, w.hi)):
        if groups and w.lo <= max(g.hi for g in groups[-1]):
            groups[-1].append(w)
        else:
            groups.append([w])
    return groups


def merge_event(session: Session, survivor: EventView, merged: EventView, score: float,
                reason: dict[str, Any]) -> tuple[Event, Event, dict[str, Any]]:
    """Fold the merged event into the survivor in memory; a precise date refines a vague one, a clash is kept.

    Only attributes of loaded rows change here (no query, no flush); ``_write_merges`` moves the evidence
    of all the article's merges at once.
    """
    keep, gone = survivor.event, merged.event
    if not isinstance(keep, Event):  # a plain candidate row: load the real one to change it
        keep = session.get_one(Event, keep.id)
        survivor.event = keep
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
    have = {t.actor_id for t in keep.targets} | {keep.source_actor_id}
    for actor_id in [*(t.actor_id for t in gone.targets), gone.source_actor_id]:
        if actor_id and actor_id not in have:
            keep.targets.append(EventTarget(actor_id=actor_id))
            have.add(actor_id)
    gone.merged_into_id = keep.id
    for other in session.identity_map.values():  # this article's earlier merges into ``gone`` follow it
        if isinstance(other, Event) and other.merged_into_id == gone.id:
            other.merged_into_id = keep.id
    session.add(MergeRecord(kind="event", survivor_id=keep.id, merged_id=gone.id, reason=reason))
    survivor.actors |= merged.actors
    survivor.words = survivor.words | merged.words
    return keep, gone, reason


def _write_merges(session: Session, done: list[tuple[Event, Event, dict[str, Any]]]) -> None:
    """Move the evidence of an article's merges to the surviving events: three queries and one flush."""
    gone_ids = [gone.id for _, gone, _ in done]
    reasons = {gone.id: reason for _, gone, reason in done}
    # already the final survivor (merge_event set it on every ``gone``)
    root = {gone.id: gone.merged_into_id for _, gone, _ in done if gone.merged_into_id is not None}
    with session.no_autoflush:
        for src in session.scalars(select(EventSource).where(EventSource.event_id.in_(gone_ids))):
            was = src.event_id
            src.event_id = root[was]
            src.reason = {**(src.reason or {}), "merged_from": was, **reasons[was]}
        for child in session.scalars(select(Event).where(Event.merged_into_id.in_(gone_ids))):
            if child.merged_into_id is not None:  # always: the query asks for merged ones
                child.merged_into_id = root.get(child.merged_into_id, child.merged_into_id)  # one level deep
    session.flush()
    keeps = {keep.id: keep for keep, _, _ in done if keep.merged_into_id is None}
    counts = dict(session.execute(
        select(EventSource.event_id, func.count(distinct(EventSource.article_id)))
        .where(EventSource.event_id.in_(list(keeps))).group_by(EventSource.event_id)).all())
    for ident, keep in keeps.items():
        keep.source_count = counts.get(ident, 1)
        session.expire(keep, ["sources"])
    for _, gone, _ in done:
        session.expire(gone, ["sources"])
