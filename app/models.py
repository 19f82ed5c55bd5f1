"""The database schema: SQLAlchemy 2 typed models. Alembic migrations in migrations/ build it."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ColumnElement,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    and_,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}  # noqa: RUF012 (SQLAlchemy's own hook)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Source(Base):
    """An outlet: the `(Source) -` of a dateline, a feed's site, an HTML page's site name."""

    __tablename__ = "sources"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    domain: Mapped[str | None] = mapped_column(String(200))
    articles: Mapped[list[Article]] = relationship(back_populates="source")


class Article(Base):
    __tablename__ = "articles"
    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(300), unique=True)
    title: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="SET NULL"), index=True)
    url: Mapped[str | None] = mapped_column(String(2000), unique=True)
    author: Mapped[str | None] = mapped_column(String(300))
    published: Mapped[dt.date | None] = mapped_column(Date, index=True)
    published_inferred: Mapped[bool] = mapped_column(Boolean, default=False)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    ingested_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    pipeline_version: Mapped[str] = mapped_column(String(40), index=True)
    near_duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"), index=True)
    near_duplicate_score: Mapped[float | None]
    minhash: Mapped[bytes | None]
    # the product the article is about, as consolidation worked it out (app.consolidate.events.article_topic):
    # its model codes, space-separated; '' for none, NULL until the article is consolidated (0017)
    topic: Mapped[str | None] = mapped_column(String(300))

    source: Mapped[Source | None] = relationship(back_populates="articles")
    mentions: Mapped[list[Mention]] = relationship(back_populates="article", cascade="all, delete-orphan")
    timexes: Mapped[list[TimexRow]] = relationship(back_populates="article", cascade="all, delete-orphan")


class Actor(Base):
    __tablename__ = "actors"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(300), index=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    titles: Mapped[list[Any]] = mapped_column(default=list)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # set on an actor that is a role named without its holder (`the US President`): the canonical role
    role: Mapped[str | None] = mapped_column(String(300), index=True)

    aliases: Mapped[list[Alias]] = relationship(back_populates="actor", cascade="all, delete-orphan")


class ProductMaker(Base):
    """A product actor (`Airbus A380`) and the organisation that makes it (`Airbus`)."""

    __tablename__ = "product_makers"
    product_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), primary_key=True)
    maker_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)


class ActorRole(Base):
    """A person's role (canonical, `United States president`) with the first and last article dates giving it."""

    __tablename__ = "actor_roles"
    __table_args__ = (UniqueConstraint("actor_id", "role", name="uq_actor_roles_actor_role"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(300), index=True)
    title: Mapped[str] = mapped_column(String(300))
    first_day: Mapped[dt.date] = mapped_column(Date)
    last_day: Mapped[dt.date] = mapped_column(Date)


class Alias(Base):
    """A surface form that resolves to an actor ('the Kremlin' → Russia); `normalized` is its lookup key."""

    __tablename__ = "aliases"
    __table_args__ = (UniqueConstraint("actor_id", "normalized"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(300))
    normalized: Mapped[str] = mapped_column(String(300), index=True)
    actor: Mapped[Actor] = relationship(back_populates="aliases")


class Mention(Base):
    __tablename__ = "mentions"
    __table_args__ = (Index("ix_mentions_actor_article", "actor_id", "article_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    start: Mapped[int]
    end: Mapped[int]
    text: Mapped[str] = mapped_column(String(300))
    article: Mapped[Article] = relationship(back_populates="mentions")
    actor: Mapped[Actor] = relationship()


class TimexRow(Base):
    __tablename__ = "timexes"
    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    start: Mapped[int]
    end: Mapped[int]
    text: Mapped[str] = mapped_column(String(300))
    type: Mapped[str] = mapped_column(String(10))
    value: Mapped[str] = mapped_column(String(40))
    article: Mapped[Article] = relationship(back_populates="timexes")


class Event(Base):
    """One happening, possibly reported by several articles (see EventSource)."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_first_day_id", "first_day", "id"),
        Index("ix_events_source_actor_first_day", "source_actor_id", "first_day"),
        Index("ix_events_type_first_day", "type", "first_day"),
        # consolidation's candidate look-ups, holding every column they read (0008, 0009, widened in 0016; the
        # id included on PostgreSQL in 0019, as SQLite's rowid is: index-only scans)
        Index("ix_events_source_precision_first_day", "source_actor_id", "precision", "first_day", "last_day",
              "sense", "type", "merged_into_id", "removed_at", postgresql_include=["id"]),
        Index("ix_events_sense_precision_first_day", "sense", "precision", "first_day", "last_day",
              "source_actor_id", "type", "merged_into_id", "removed_at", postgresql_include=["id"]),  # same action
        Index("ix_events_merged_into_id", "merged_into_id", sqlite_where=text("merged_into_id IS NOT NULL"),
              postgresql_where=text("merged_into_id IS NOT NULL")),  # redirects and merge counts (0010)
        # live events by day, covering the density strip's GROUP BY (migration 0006); SQLite calls a partial
        # index covering only when it also holds the columns of its WHERE
        Index("ix_events_live_first_day", "first_day", "precision", "merged_into_id", "removed_at",
              sqlite_where=text("merged_into_id IS NULL AND removed_at IS NULL"),
              postgresql_where=text("merged_into_id IS NULL AND removed_at IS NULL")),
        # (migration 0007) live events per source actor, and a small live-id index for 'is this target's event live?' probes
        # (actor counts, activity, partners read these instead of the wide event rows)
        Index("ix_events_live_source_actor", "source_actor_id", "first_day", "merged_into_id", "removed_at",
              sqlite_where=text("merged_into_id IS NULL AND removed_at IS NULL"),
              postgresql_where=text("merged_into_id IS NULL AND removed_at IS NULL")),
        Index("ix_events_live_id", "id", "merged_into_id", "removed_at",
              sqlite_where=text("merged_into_id IS NULL AND removed_at IS NULL"),
              postgresql_where=text("merged_into_id IS NULL AND removed_at IS NULL")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120))
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    date_value: Mapped[str | None] = mapped_column(String(40))
    date_text: Mapped[str | None] = mapped_column(String(200))
    first_day: Mapped[dt.date | None] = mapped_column(Date)
    last_day: Mapped[dt.date | None] = mapped_column(Date)
    precision: Mapped[str | None] = mapped_column(String(10))
    type: Mapped[str | None] = mapped_column(String(20))
    modality: Mapped[str] = mapped_column(String(10), default="asserted")
    source_actor_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id", ondelete="SET NULL"))
    place: Mapped[str | None] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text)
    trigger: Mapped[str | None] = mapped_column(String(100))
    # the clause extractor's reading of the trigger (migration 0009): its offsets in the article, its lemma,
    # the clause's mood and, for a clause told inside a quote, who told it
    trigger_start: Mapped[int | None] = mapped_column(Integer)
    trigger_end: Mapped[int | None] = mapped_column(Integer)
    lemma: Mapped[str | None] = mapped_column(String(60))
    # the action the trigger names, the same for 'deliver' and 'delivery' (consolidate.senses.sense_of):
    # what candidates for one happening are looked up by
    sense: Mapped[str | None] = mapped_column(String(60))
    mood: Mapped[str | None] = mapped_column(String(12))
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id", ondelete="SET NULL"))
    sentence: Mapped[str] = mapped_column(Text)
    start: Mapped[int]
    end: Mapped[int]
    source_count: Mapped[int] = mapped_column(Integer, default=1)
    # indexed over merged rows only (0010, in __table_args__): a full index makes SQLite read it for live events
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))
    removed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    source_actor: Mapped[Actor | None] = relationship(foreign_keys=[source_actor_id])
    reported_by: Mapped[Actor | None] = relationship(foreign_keys=[reported_by_id])
    targets: Mapped[list[EventTarget]] = relationship(back_populates="event", cascade="all, delete-orphan")
    sources: Mapped[list[EventSource]] = relationship(back_populates="event", cascade="all, delete-orphan")
    article: Mapped[Article] = relationship(foreign_keys=[article_id])


class EventTarget(Base):
    __tablename__ = "event_targets"
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), primary_key=True, index=True)
    event: Mapped[Event] = relationship(back_populates="targets")
    actor: Mapped[Actor] = relationship()


class EventSource(Base):
    """One article's evidence for an event. `key` is the extractor's id, so re-extraction keeps event ids."""

    __tablename__ = "event_sources"
    __table_args__ = (UniqueConstraint("article_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(120))
    sentence: Mapped[str] = mapped_column(Text)
    start: Mapped[int]
    end: Mapped[int]
    reason: Mapped[dict[str, Any] | None]
    event: Mapped[Event] = relationship(back_populates="sources")
    article: Mapped[Article] = relationship()


class Quote(Base):
    __tablename__ = "quotes"
    __table_args__ = (
        Index("ix_quotes_speaker_date", "speaker_actor_id", "date"),
        Index("ix_quotes_date_id", "date", "id"),
        Index("ix_quotes_live_speaker", "speaker_actor_id", "date", "merged_into_id", "removed_at",  # (0013)
              sqlite_where=text("merged_into_id IS NULL AND removed_at IS NULL"),
              postgresql_where=text("merged_into_id IS NULL AND removed_at IS NULL")),
        UniqueConstraint("article_id", "key"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    speaker_actor_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id", ondelete="SET NULL"))
    speaker_text: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(10))
    cue: Mapped[str] = mapped_column(String(60))
    start: Mapped[int]
    end: Mapped[int]
    date: Mapped[dt.date | None] = mapped_column(Date)
    key: Mapped[str] = mapped_column(String(120))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"), index=True)
    source_count: Mapped[int] = mapped_column(Integer, default=1)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("quotes.id", ondelete="SET NULL"), index=True)
    removed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)  # an editor said 'not a quote' (0011)

    speaker: Mapped[Actor | None] = relationship(foreign_keys=[speaker_actor_id])
    article: Mapped[Article] = relationship(foreign_keys=[article_id])
    sources: Mapped[list[QuoteSource]] = relationship(back_populates="quote", cascade="all, delete-orphan")


class QuoteSource(Base):
    """One article carrying a quote; the same words reported by several outlets share one Quote."""

    __tablename__ = "quote_sources"
    __table_args__ = (UniqueConstraint("article_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes.id", ondelete="CASCADE"), index=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(120))
    start: Mapped[int]
    end: Mapped[int]
    reason: Mapped[dict[str, Any] | None]
    quote: Mapped[Quote] = relationship(back_populates="sources")
    article: Mapped[Article] = relationship()


class MergeRecord(Base):
    """Why two actors, events or quotes became one: the features that matched, kept for the pages."""

    __tablename__ = "merge_records"
    __table_args__ = (Index("ix_merge_records_kind_survivor", "kind", "survivor_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    survivor_id: Mapped[int]
    merged_id: Mapped[int]
    reason: Mapped[dict[str, Any]]
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Job(Base):
    """An ingestion job from the web form or API; its items carry the per-input state, so a killed worker resumes."""

    __tablename__ = "jobs"
    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    origin: Mapped[str] = mapped_column(String(20), default="web")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    error: Mapped[str | None] = mapped_column(Text)
    items: Mapped[list[JobItem]] = relationship(back_populates="job", cascade="all, delete-orphan",
                                                order_by="JobItem.position")


class JobItem(Base):
    """One input of a job (pasted text, uploaded file, URL, feed) and what became of it."""

    __tablename__ = "job_items"
    __table_args__ = (Index("ix_job_items_job_state", "job_id", "state"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(String(10))
    label: Mapped[str] = mapped_column(String(300))
    payload: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20), default="pending")
    message: Mapped[str | None] = mapped_column(Text)
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    job: Mapped[Job] = relationship(back_populates="items")


class FeedEntry(Base):
    """A feed entry already taken in, so `dateline watch` and feed jobs never fetch it twice after a restart."""

    __tablename__ = "feed_entries"
    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    feed_url: Mapped[str] = mapped_column(String(2000))
    entry_key: Mapped[str] = mapped_column(String(2000))
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"))
    seen_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Correction(Base):
    """An editor's fix, kept as a row of its own (never a silent edit) and re-applied after re-extraction.

    ``subject_kind``/``subject_key`` name what was corrected by a key that survives re-extraction (an actor's
    slug, an event's or quote's article and extractor key); ``subject_id``/``object_id`` are the rows it
    touched last (a merge has two); ``args`` is what was asked, in those stable keys; ``before``/``after``
    are what a reader sees changed; ``applied`` is what the last application moved, so undo can move it back.
    """

    __tablename__ = "corrections"
    __table_args__ = (Index("ix_corrections_subject", "subject_kind", "subject_id"),
                      Index("ix_corrections_object", "subject_kind", "object_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(String(30), index=True)
    subject_kind: Mapped[str] = mapped_column(String(10))
    subject_key: Mapped[str] = mapped_column(String(300))
    subject_id: Mapped[int | None] = mapped_column(Integer)
    object_id: Mapped[int | None] = mapped_column(Integer)
    args: Mapped[dict[str, Any]] = mapped_column(default=dict)
    before: Mapped[dict[str, Any]] = mapped_column(default=dict)
    after: Mapped[dict[str, Any]] = mapped_column(default=dict)
    applied: Mapped[dict[str, Any]] = mapped_column(default=dict)
    by: Mapped[str] = mapped_column(String(100))
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    undone_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    undo_of: Mapped[int | None] = mapped_column(ForeignKey("corrections.id", ondelete="SET NULL"))
    # why the last re-application could not apply it (its subject is gone), None while it holds
    problem: Mapped[str | None] = mapped_column(Text)


class ActorEventCount(Base):
    """Live events an actor is the source or a target of (once per role), kept by triggers (migration 0013)."""

    __tablename__ = "actor_event_counts"
    __table_args__ = (Index("ix_actor_event_counts_events", "events", "actor_id"),)  # the busiest first (0015)
    actor_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    events: Mapped[int] = mapped_column(Integer)


class EventDayCount(Base):
    """Live dated events per first day, drawn or not in the density strip (``fine``) and denied or not (0013)."""

    __tablename__ = "event_day_counts"
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    fine: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    negated: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    events: Mapped[int] = mapped_column(Integer)


class DataGeneration(Base):
    """One row (id 1) whose ``n`` grows with every change to events, targets, quotes and actors (triggers, 0013)."""

    __tablename__ = "data_generation"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    n: Mapped[int] = mapped_column(BigInteger)


def live(model: type[Actor] | type[Event] | type[Quote]) -> ColumnElement[bool]:
    """The one 'a reader can see this row' clause: not merged away and, for events and quotes, not removed
    (by re-extraction, or by an editor: 'not an event', 'not a quote')."""
    if model is Event:
        return and_(Event.merged_into_id.is_(None), Event.removed_at.is_(None))
    if model is Actor:
        return Actor.merged_into_id.is_(None)
    if model is Quote:
        return and_(Quote.merged_into_id.is_(None), Quote.removed_at.is_(None))
    raise TypeError(f"{model.__name__} has no live/merged state")


Merged = TypeVar("Merged", Actor, Event, Quote)


def survivor(session: Session, row: Merged) -> Merged:
    """The row a merged one now lives in: ``merged_into_id`` followed to its end (a cycle or a broken chain
    stops at the last row that exists)."""
    seen = {row.id}
    while row.merged_into_id and row.merged_into_id not in seen:
        nxt = session.get(type(row), row.merged_into_id)
        if nxt is None:
            break
        seen.add(nxt.id)
        row = nxt
    return row


FTS_TABLES = {
    # table: (columns indexed for full-text search)
    "quotes": ("text", "speaker_text"),
    "events": ("summary", "sentence"),
    "articles": ("title", "text"),
}
