"""Shared pieces of the page queries: date labels at their precision and event rows with their actors."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict, namedtuple
from collections.abc import Callable, Collection, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import ARRAY, ColumnElement, Integer, Row, Select, any_, bindparam, exists, select
from sqlalchemy.orm import Session

from app.db import read_rows
from app.models import Actor, Article, Event, EventTarget, Source, live
from app.queries.cache import READ_ONLY, known_actors
from app.queries.errors import BadInput
from app.vocab import PLOVER_LABELS

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
SEASONS = {3: "Spring", 6: "Summer", 9: "Autumn", 12: "Winter"}


def day_label(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def date_label(first: dt.date | None, last: dt.date | None, precision: str | None) -> str:
    """A date written at the precision it is known: '13–19 Dec 2021' for a week, 'Dec 2021' for a month."""
    if first is None:
        return "undated"
    last = last or first
    if precision == "day" or (precision is None and first == last):
        return day_label(first)
    if precision == "month":
        return f"{MONTHS[first.month - 1]} {first.year}"
    if precision == "quarter":
        return f"Q{(first.month - 1) // 3 + 1} {first.year}"
    if precision == "half":
        return f"H{1 if first.month <= 6 else 2} {first.year}"
    if precision == "season":
        return f"{SEASONS.get(first.month, 'Season')} {first.year}"
    if precision == "year":
        return str(first.year)
    if precision == "decade":
        return f"{first.year}s"
    if precision == "century":
        return f"{first.year}–{last.year}"
    if first.year != last.year:
        return f"{day_label(first)} – {day_label(last)}"
    if first.month != last.month:
        return f"{first.day} {MONTHS[first.month - 1]} – {day_label(last)}"
    return f"{first.day}–{last.day} {MONTHS[first.month - 1]} {first.year}"


# How coarse each precision is: groups of the same first day are listed finer first (day, week, month, …)
COARSENESS = {"day": 0, "week": 1, "month": 2, "season": 3, "quarter": 3, "half": 4, "year": 5, "decade": 6,
              "century": 7}
FINE_PRECISIONS = ("day", "week")  # drawn in the density strip; coarser ones would pile up on their first day


def period_group(first: dt.date, last: dt.date | None, precision: str | None) -> dict[str, Any]:
    """The timeline heading an event belongs under: its date at its own precision.

    A day event goes under '20 Dec 2021', a week under 'Week 51, 2021 (20–26 Dec)', a month under
    'Sep 2011', a year under '2018' — never under the period's first day, which would claim a day the
    article never named. ``key`` tells groups apart, ``rank`` orders groups that start on the same day
    (finer first), ``datetime`` is a valid HTML time value or None (quarters and seasons have none).
    """
    last = last or first
    if precision == "day" or (precision is None and first == last):
        return {"key": ("day", first), "rank": 0, "label": day_label(first), "datetime": first.isoformat(),
                "precision": "day"}
    if precision == "week":
        year, week, _ = first.isocalendar()
        span = (f"{first.day}–{last.day} {MONTHS[first.month - 1]}" if first.month == last.month
                else f"{first.day} {MONTHS[first.month - 1]} – {last.day} {MONTHS[last.month - 1]}")
        return {"key": ("week", first), "rank": 1, "label": f"Week {week}, {year} ({span})",
                "datetime": f"{year:04d}-W{week:02d}", "precision": "week"}
    if precision == "month":
        return {"key": ("month", first), "rank": 2, "label": f"{MONTHS[first.month - 1]} {first.year}",
                "datetime": f"{first.year:04d}-{first.month:02d}", "precision": "month"}
    if precision == "year":
        return {"key": ("year", first), "rank": 5, "label": str(first.year), "datetime": f"{first.year:04d}",
                "precision": "year"}
    rank = COARSENESS.get(precision or "", 1)
    return {"key": (precision or "range", first, last), "rank": rank, "label": date_label(first, last, precision),
            "datetime": None, "precision": precision or "range"}


def group_by_period(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows (newest first) under period headings: newest first day first, finer before coarser on a tie.

    Only the rows of one page are regrouped, so paging by (first_day, id) stays exact; a period split
    by a page boundary shows its heading again on the next page, as a day split that way always did.
    """
    groups: dict[Any, dict[str, Any]] = {}
    for row in rows:
        g = period_group(row["first_day"], row["last_day"], row["precision"])
        group = groups.get(g["key"])
        if group is None:
            group = groups[g["key"]] = {"day": row["first_day"], **g, "events": []}
        group["events"].append(row)
    ordered = sorted(groups.values(), key=lambda g: (-g["day"].toordinal(), g["rank"]))
    for g in ordered:
        g["key"] = "-".join(str(part) for part in g["key"])
    return ordered


# Country and organisation names a sentence gives an article: 'talks with the United States', never 'with United States'
THE_NAMES = frozenset({"netherlands", "philippines", "bahamas", "gambia", "maldives", "comoros", "seychelles",
                       "czech republic", "dominican republic", "central african republic", "vatican",
                       "kremlin", "pentagon", "white house", "european union", "european commission"})
THE_PREFIXES = ("united ", "republic of ", "democratic republic of ", "people's republic of ", "state of ")


def running_name(name: str, kind: str | None = None) -> str:
    """An actor's name as it reads inside a sentence: 'the United States', 'the European Union', 'Russia'."""
    key = name.lower()
    if kind in ("country", "organization", None) and (key in THE_NAMES or key.startswith(THE_PREFIXES)):
        return "the " + name
    return name


def actor_line(names: list[str]) -> str:
    """Names joined as a reader writes them: 'Russia', 'Russia and NATO', 'Russia, NATO and the United States'."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def actors_in_words(actors: list[dict[str, Any] | None]) -> str:
    """Actor refs (None skipped) as one running line: 'Russia and the United States'."""
    return actor_line([running_name(a["name"], a.get("kind")) for a in actors if a])


def actor_ref(actor: Actor | Any) -> dict[str, Any]:
    return {"id": actor.id, "slug": actor.slug, "name": actor.name, "kind": actor.kind,
            "role": getattr(actor, "role", None)}


# What event_rows reads: a list page selects just these (Row objects) instead of whole Event entities,
# skipping the evidence sentence and ORM bookkeeping for each of up to 500 rows
EVENT_ROW_COLUMNS = (Event.id, Event.slug, Event.summary, Event.type, Event.modality, Event.place, Event.first_day,
                     Event.last_day, Event.precision, Event.date_text, Event.source_actor_id, Event.source_count,
                     Event.article_id, Event.mood, Event.reported_by_id)
# How a page says an event's reading (``Event.mood``, else its modality); asserted events say nothing.
MOOD_LABELS = {"conditional": "if", "demanded": "demanded", "proposed": "proposed", "planned": "planned",
               "possible": "possible", "negated": "denied or not done"}


def id_in(session: Session, column: Any, ids: Collection[int]) -> ColumnElement[bool]:
    """``column IN ids`` for a page's batch of ids; on PostgreSQL one array parameter (``= ANY``) rather than one
    parameter each: an export's 500 events name about a thousand actors, and binding and planning that many
    parameters was most of each batch's time there (6.5 ms for the actors, 4 with an array)."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(ids), type_=ARRAY(Integer)))
    return column.in_(ids)


class Prepared:
    """A page query built once per database dialect and run with bound values (``bindparam`` names).

    A SELECT built anew for each request is built again and its cache key worked out again before the compiled
    form is found: for an event page's nine small queries that was a third of their time (0.6 ms of 1.8). One
    statement object keeps its cache key, so only the values travel.
    """

    def __init__(self, build: Callable[[str], Any]) -> None:
        self.build = build  # dialect name → statement
        self.by_dialect: dict[str, Any] = {}

    def statement(self, session: Session) -> Any:
        name = session.get_bind().dialect.name
        if (stmt := self.by_dialect.get(name)) is None:
            stmt = self.by_dialect[name] = self.build(name)
        return stmt

    def __call__(self, session: Session, **values: Any) -> Any:
        return read_rows(session, self.statement(session), values)


def ids_param(column: Any, key: str, dialect: str) -> ColumnElement[bool]:
    """``column IN :key`` for a list bound when the statement runs: one array parameter on PostgreSQL (``id_in``
    says why), an expanding IN elsewhere."""
    if dialect == "postgresql":
        return column == any_(bindparam(key, type_=ARRAY(Integer)))
    return column.in_(bindparam(key, expanding=True))


ACTOR_REFS = Prepared(lambda d: select(Actor.id, Actor.slug, Actor.name, Actor.kind, Actor.role)
                      .where(ids_param(Actor.id, "ids", d)))
EVENT_TARGETS = Prepared(lambda d: select(EventTarget.event_id, EventTarget.actor_id)
                         .where(ids_param(EventTarget.event_id, "ids", d)))
ARTICLE_HEADS = Prepared(lambda d: select(Article.id, Article.title, Article.published, Source.name.label("source"))
                         .outerjoin(Source, Source.id == Article.source_id).where(ids_param(Article.id, "ids", d)))


def actor_refs(session: Session, ids: set[int]) -> dict[int, dict[str, Any]]:
    """``actor_ref`` of each actor in ``ids``, read as plain rows (no entities: at 500 events a page names
    about a thousand actors, and building them, their titles' JSON included, was a fifth of an export's time).

    A read-only request takes the ones it already knows from ``known_actors`` (app.queries.cache): the busy
    actors are on every page, and reading a thousand of them was an eighth of an export. They are exact: the
    data version changes with every actor row (migration 0013's trigger-kept data generation), and with it the
    whole memo is let go.
    """
    if not ids:
        return {}
    memo = known_actors.refs_for(session) if session.info.get(READ_ONLY) else None
    missing = ids if memo is None else {i for i in ids if i not in memo}
    found: dict[int, dict[str, Any]] = {}
    if missing:
        found = {r[0]: {"id": r[0], "slug": r[1], "name": r[2], "kind": r[3], "role": r[4]}
                 for r in ACTOR_REFS(session, ids=list(missing))}
    if memo is None:
        return found
    known_actors.remember(memo, found)
    return {i: ref for i in ids if (ref := found.get(i) or memo.get(i)) is not None}  # memo may be let go meanwhile


def event_rows(session: Session, events: Sequence[Event] | Sequence[Any]) -> list[dict[str, Any]]:
    """Events (entities or rows of EVENT_ROW_COLUMNS) as page rows, their actors and outlets loaded in three
    batched queries (no N+1)."""
    if not events:
        return []
    if isinstance(events[0], Row):  # a Row's attributes cost ~0.25 µs each, a named tuple's a tenth: at 500
        shape = _row_shape(events[0]._fields)  # events (an export) reading them was a quarter of the request
        events = [shape._make(e) for e in events]
    ids = [e.id for e in events]
    actor_ids = {e.source_actor_id for e in events if e.source_actor_id}
    actor_ids |= {e.reported_by_id for e in events if e.reported_by_id}
    targets: dict[int, list[int]] = defaultdict(list)
    for event_id, actor_id in EVENT_TARGETS(session, ids=ids):
        targets[event_id].append(actor_id)
        actor_ids.add(actor_id)
    actors = actor_refs(session, actor_ids)
    articles = {row[0]: row for row in ARTICLE_HEADS(session, ids=list({e.article_id for e in events}))}
    rows = []
    for e in events:
        art = articles.get(e.article_id)
        src = actors.get(e.source_actor_id) if e.source_actor_id else None
        teller = actors.get(e.reported_by_id) if e.reported_by_id else None
        own = targets.get(e.id)
        reading = e.mood or e.modality
        rows.append({
            "id": e.id, "slug": e.slug, "summary": e.summary, "type": e.type, "type_label": type_label(e.type),
            "modality": e.modality, "mood": e.mood, "mood_label": MOOD_LABELS.get(reading or ""),
            "reported_by": dict(teller) if teller else None, "place": e.place,
            "first_day": e.first_day, "last_day": e.last_day, "precision": e.precision,
            "date_label": cached_date_label(e.first_day, e.last_day, e.precision), "date_text": e.date_text,
            "source_actor": dict(src) if src else None,
            "targets": [dict(actors[t]) for t in own if t in actors] if own else [],
            "source_count": e.source_count or 1,
            "article": {"id": e.article_id, "title": art[1] if art else None,
                        "source": art[3] if art else None, "published": art[2] if art else None},
        })
    return rows


@lru_cache(maxsize=64)
def _row_shape(fields: tuple[str, ...]) -> Any:
    return namedtuple("EventRow", fields, rename=True)  # a named tuple class of the statement's columns


@lru_cache(maxsize=256)
def type_label(kind: str | None) -> str:
    return PLOVER_LABELS.get(kind or "", (kind or "").title())


# A page's events share few (first day, last day, precision) triples; the label of each is worked out once.
cached_date_label = lru_cache(maxsize=4096)(date_label)


def target_probe(session: Session, actor_ids: Sequence[int]) -> ColumnElement[bool]:
    """'One of this event's targets is one of these actors', asked per row: one look-up of event_targets' key.

    SQLite runs an EXISTS that way. PostgreSQL turns an EXISTS under an OR into a hashed subplan, which reads
    every event the actors are targets of (120,000 for the busiest of a million) before the first row; a
    scalar subquery is never hashed, so there it is one.
    """
    which = EventTarget.actor_id == actor_ids[0] if len(actor_ids) == 1 else EventTarget.actor_id.in_(actor_ids)
    return targets_probe(session.get_bind().dialect.name, which)


def targets_probe(dialect: str, which: ColumnElement[bool]) -> ColumnElement[bool]:
    """``target_probe`` for a condition on the target's actor (a list bound later, in a ``Prepared`` query)."""
    if dialect == "sqlite":
        return exists().where(EventTarget.event_id == Event.id, which)
    return select(EventTarget.actor_id).where(EventTarget.event_id == Event.id, which).limit(1).scalar_subquery() \
        .is_not(None)


def live_events() -> Select[Event]:
    """Events a reader may see: neither merged into another nor removed."""
    return select(Event).where(live(Event))


MAX_ID = 2**31 - 1  # ids are Integer columns: int4 on PostgreSQL, so this, not 2**63 - 1, is the real ceiling


def parse_id(text: str) -> int | None:
    """A row id written in ASCII digits and within 1..MAX_ID, else None.

    Why: a number past the id column's range makes SQLite raise OverflowError (past 2**63) and PostgreSQL
    'integer out of range' (past 2**31) — a 500 — so every id from a URL (path or cursor) is checked here
    before it reaches a query. No row can have an id outside the range, so refusing it loses nothing.
    """
    if not text or len(text) > 19 or not text.isascii() or not text.isdigit():
        return None
    n = int(text)
    return n if 1 <= n <= MAX_ID else None


def parse_day(value: str | None, name: str) -> dt.date | None:
    """A YYYY-MM-DD query value, or BadInput saying which parameter was wrong."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise BadInput(f"'{name}' must be a date written YYYY-MM-DD, not '{value}'.",
                       hint=f"For example {name}=2021-12-17.") from None


def newest_first(session: Session, column: Any) -> Any:
    """Descending with undated rows last; SQLite already sorts NULLs last (and then can use the index)."""
    if session.get_bind().dialect.name == "sqlite":
        return column.desc()
    return column.desc().nulls_last()


def newest_rows(session: Session, stmt: Select[Any] | Any, column: Any, id_column: Any, limit: int) -> list[Any]:
    """Up to ``limit`` rows of ``stmt`` newest first by ``column``, undated ones last: the dated ones by a walk
    down an index on (…, column), then the undated. One ``ORDER BY column DESC NULLS LAST`` would do on SQLite,
    but PostgreSQL cannot walk an ascending index in that order and sorts every row of a busy actor instead."""
    rows = list(session.execute(stmt.where(column.is_not(None)).order_by(column.desc(), id_column.desc())
                                .limit(limit)))
    if len(rows) < limit:
        rows += session.execute(stmt.where(column.is_(None)).order_by(id_column.desc()).limit(limit - len(rows)))
    return rows
