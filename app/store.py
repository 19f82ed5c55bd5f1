"""Write one article and its extraction in the caller's transaction (flush only; the caller commits).

Ids stay stable across re-extraction: events and quotes are matched by the extractor's key within the
article and updated in place, so permalinks keep working.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.extract.intervals import timex_interval
from app.extract.records import Extraction
from app.models import Actor, Alias, Article, Event, EventSource, EventTarget, Mention, Quote, QuoteSource, Source, TimexRow, utcnow

_SPACE = re.compile(r"\s+")
_SLUG = re.compile(r"[^a-z0-9]+")


def normalise_text(text: str) -> str:
    """The form duplicates share: case, accents, quotes and spacing ignored."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.translate(str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-"}))
    return _SPACE.sub(" ", text).strip()


def content_hash(text: str) -> str:
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


def normalise_alias(name: str) -> str:
    name = normalise_text(name)
    return re.sub(r"^the ", "", name)


def slugify(text: str, limit: int = 80) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _SLUG.sub("-", ascii_text.lower()).strip("-")[:limit].strip("-") or "item"


@dataclass(slots=True)
class ArticleMeta:
    """What ingestion knows about an article besides its text."""

    text: str
    external_id: str | None = None
    title: str | None = None
    url: str | None = None
    source: str | None = None
    author: str | None = None
    published: dt.date | None = None


def get_or_create_source(session: Session, name: str | None) -> Source | None:
    if not name:
        return None
    name = name.strip()[:200]
    source = session.scalar(select(Source).where(Source.name == name))
    if source is None:
        source = Source(name=name)
        session.add(source)
        session.flush()
    return source


def upsert_actor(session: Session, slug: str, name: str, kind: str, titles: list[str], aliases: list[str]) -> Actor:
    """The actor with this canonical slug, created or enriched with new titles and aliases."""
    actor = session.scalar(select(Actor).where(Actor.slug == slug))
    if actor is None:
        actor = Actor(slug=slug, name=name, kind=kind, titles=list(dict.fromkeys(titles)))
        session.add(actor)
        session.flush()
    elif titles:
        merged = list(dict.fromkeys([*(actor.titles or []), *titles]))
        if merged != actor.titles:
            actor.titles = merged
    known = set(session.scalars(select(Alias.normalized).where(Alias.actor_id == actor.id)))
    for alias in [name, *aliases]:
        key = normalise_alias(alias)[:300]
        if key and key not in known:
            known.add(key)
            session.add(Alias(actor_id=actor.id, name=alias[:300], normalized=key))
    return actor


def _date_or_none(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def store_article(session: Session, meta: ArticleMeta, extraction: Extraction) -> Article:
    """Insert a new article with its whole extraction."""
    published = meta.published or _date_or_none(extraction.published)
    article = Article(
        external_id=meta.external_id,
        title=meta.title or extraction.title,
        text=meta.text,
        url=meta.url,
        author=meta.author,
        published=published,
        published_inferred=bool(extraction.published_inferred and not meta.published),
        content_hash=content_hash(meta.text),
        pipeline_version=extraction.pipeline_version,
        ingested_at=utcnow(),
    )
    source = get_or_create_source(session, meta.source or extraction.source)
    article.source_id = source.id if source else None
    session.add(article)
    session.flush()
    write_extraction(session, article, extraction)
    return article


def write_extraction(session: Session, article: Article, extraction: Extraction) -> None:
    """(Re)write an article's extraction, keeping the ids of events and quotes whose keys survive."""
    session.execute(delete(Mention).where(Mention.article_id == article.id))
    session.execute(delete(TimexRow).where(TimexRow.article_id == article.id))
    actor_ids: dict[str, int] = {}
    for a in extraction.actors:
        actor = upsert_actor(session, a.id, a.name, a.kind, a.titles, a.aliases)
        actor_ids[a.id] = actor.id
        session.add_all(
            Mention(article_id=article.id, actor_id=actor.id, start=m.start, end=m.end, text=m.text[:300])
            for m in a.mentions
        )
    session.add_all(
        TimexRow(article_id=article.id, start=t.start, end=t.end, text=t.text[:300], type=t.type, value=t.value[:40])
        for t in extraction.timexes
    )
    _write_events(session, article, extraction, actor_ids)
    _write_quotes(session, article, extraction, actor_ids)
    article.pipeline_version = extraction.pipeline_version
    session.flush()


def _write_events(session: Session, article: Article, extraction: Extraction, actor_ids: dict[str, int]) -> None:
    existing = {s.key: s for s in session.scalars(select(EventSource).where(EventSource.article_id == article.id))}
    seen: set[str] = set()
    for e in extraction.events:
        if e.id in seen:
            continue
        seen.add(e.id)
        interval = timex_interval(e.date) if e.date else None
        fields = dict(
            date_value=e.date,
            date_text=e.date_text,
            first_day=interval[0] if interval else None,
            last_day=interval[1] if interval else None,
            precision=interval[2] if interval else None,
            type=e.type,
            modality=e.modality,
            source_actor_id=actor_ids.get(e.source_actor) if e.source_actor else None,
            place=(e.place or None) and e.place[:300],
            summary=e.summary,
            trigger=(e.trigger or None) and e.trigger[:100],
            sentence=e.sentence,
            start=e.start,
            end=e.end,
            slug=slugify(e.summary, 100),
        )
        targets = list(dict.fromkeys(actor_ids[t] for t in e.target_actors if t in actor_ids))
        source_row = existing.get(e.id)
        if source_row is not None and source_row.event.article_id == article.id:
            event = source_row.event
            for name, value in fields.items():
                setattr(event, name, value)
            event.removed_at = None
            session.execute(delete(EventTarget).where(EventTarget.event_id == event.id))
            source_row.sentence, source_row.start, source_row.end = e.sentence, e.start, e.end
        elif source_row is not None:
            source_row.sentence, source_row.start, source_row.end = e.sentence, e.start, e.end
            continue
        else:
            event = Event(article_id=article.id, **fields)
            session.add(event)
            session.flush()
            session.add(EventSource(event_id=event.id, article_id=article.id, key=e.id,
                                    sentence=e.sentence, start=e.start, end=e.end))
        session.add_all(EventTarget(event_id=event.id, actor_id=t) for t in targets)
    for key, source_row in existing.items():
        if key not in seen:
            event = source_row.event
            session.delete(source_row)
            if event.article_id == article.id and len(event.sources) <= 1:
                event.removed_at = utcnow()


def quote_key(start: int, end: int) -> str:
    return f"q-{start}-{end}"


def _write_quotes(session: Session, article: Article, extraction: Extraction, actor_ids: dict[str, int]) -> None:
    existing = {q.key: q for q in session.scalars(select(Quote).where(Quote.article_id == article.id))}
    seen: set[str] = set()
    for q in extraction.quotes:
        key = quote_key(q.start, q.end)
        if key in seen:
            continue
        seen.add(key)
        fields = dict(
            speaker_actor_id=actor_ids.get(q.speaker) if q.speaker else None,
            speaker_text=(q.speaker_text or "")[:300],
            text=q.text,
            kind=q.kind,
            cue=(q.cue or "")[:60],
            start=q.start,
            end=q.end,
            date=_date_or_none(q.date),
        )
        row = existing.get(key)
        if row is None:
            row = Quote(article_id=article.id, key=key, **fields)
            session.add(row)
            session.flush()
            session.add(QuoteSource(quote_id=row.id, article_id=article.id, key=key, start=q.start, end=q.end))
        else:
            for name, value in fields.items():
                setattr(row, name, value)
    for key, row in existing.items():
        if key not in seen:
            session.delete(row)
