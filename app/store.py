"""Write one article and its extraction in the caller's transaction (flush only; the caller commits).

Ids stay stable across re-extraction: events and quotes are matched by the extractor's key within the
article and updated in place, so permalinks keep working.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import Table, delete, distinct, func, select
from sqlalchemy.orm import Session

from app.consolidate.roles import record_roles
from app.consolidate.senses import sense_of
from app.db import insert_missing, insert_rows, one_of
from app.extract.records import Extraction
from app.extract.timex import timex_interval
from app.ingest.records import ArticleMeta
from app.keys import content_hash, normalise_alias, slugify
from app.models import (
    Actor,
    Alias,
    Article,
    Event,
    EventSource,
    EventTarget,
    Mention,
    ProductMaker,
    Quote,
    QuoteSource,
    Source,
    TimexRow,
    utcnow,
)


def get_or_create_source(session: Session, name: str | None) -> Source | None:
    if not name:
        return None
    name = name.strip()[:200]
    source = session.scalar(select(Source).where(Source.name == name))
    if source is None:
        insert_missing(session, Source, [{"name": name}], ["name"])
        source = session.scalar(select(Source).where(Source.name == name))
    return source


def upsert_actors(session: Session, records: list) -> dict[str, Actor]:
    """The actors of an extraction by slug, created or enriched with new titles and aliases, in a few queries."""
    slugs = list(dict.fromkeys(a.id for a in records))
    found = {a.slug: a for a in session.scalars(select(Actor).where(one_of(session, Actor.slug, slugs)))} if slugs else {}
    new: dict[str, dict[str, Any]] = {}
    for a in records:
        if a.id not in found and a.id not in new:
            new[a.id] = {"slug": a.id, "name": a.name, "kind": a.kind, "titles": list(dict.fromkeys(a.titles)),
                         "role": getattr(a, "role", None), "created_at": utcnow()}
    if new:
        insert_missing(session, Actor, list(new.values()), ["slug"])
        found.update({a.slug: a for a in session.scalars(select(Actor).where(one_of(session, Actor.slug, list(new))))})
    for a in records:
        actor = found[a.id]
        if a.titles:  # the ones this call created hold them already; one another writer created may not
            merged = list(dict.fromkeys([*(actor.titles or []), *a.titles]))
            if merged != actor.titles:
                actor.titles = merged
    session.flush()
    ids = [actor.id for actor in found.values()]
    rows = session.execute(select(Alias.actor_id, Alias.normalized).where(one_of(session, Alias.actor_id, ids))).all()
    known = {(actor_id, key) for actor_id, key in rows}
    new_aliases = []
    for a in records:
        actor_id = found[a.id].id
        for alias in [a.name, *a.aliases]:
            key = normalise_alias(alias)[:300]
            if key and (actor_id, key) not in known:
                known.add((actor_id, key))
                new_aliases.append({"actor_id": actor_id, "name": alias[:300], "normalized": key})
    insert_missing(session, Alias, new_aliases, ["actor_id", "normalized"])
    return found


def upsert_actor(session: Session, slug: str, name: str, kind: str, titles: list[str], aliases: list[str]) -> Actor:
    """One actor by canonical slug, created or enriched (see ``upsert_actors``)."""
    from app.extract.records import Actor as ActorRecord

    return upsert_actors(session, [ActorRecord(slug, name, kind, list(aliases), list(titles))])[slug]


def _date_or_none(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def store_article(session: Session, meta: ArticleMeta, extraction: Extraction,
                  columns: dict[str, Any] | None = None) -> Article:
    """Insert a new article with its whole extraction; ``columns`` are more of the article's own columns, set
    before its INSERT rather than by an UPDATE after it."""
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
    for name, value in (columns or {}).items():
        setattr(article, name, value)
    session.add(article)
    session.flush()
    write_extraction(session, article, extraction, fresh=True)
    return article


def write_extraction(session: Session, article: Article, extraction: Extraction, *, fresh: bool = False) -> None:
    """(Re)write an article's extraction, keeping the ids of events and quotes whose keys survive.

    ``fresh`` says the article was just inserted, so there is nothing old to look up or delete.
    """
    if not fresh:
        session.execute(delete(Mention).where(Mention.article_id == article.id))
        session.execute(delete(TimexRow).where(TimexRow.article_id == article.id))
    actors = upsert_actors(session, extraction.actors)
    actor_ids = {slug: actor.id for slug, actor in actors.items()}
    mentions = [
        {"article_id": article.id, "actor_id": actor_ids[a.id], "start": m.start, "end": m.end, "text": m.text[:300]}
        for a in extraction.actors for m in a.mentions
    ]
    if mentions:
        insert_rows(session, Mention, mentions)
    record_roles(session, article, extraction.actors, actor_ids)
    _link_makers(session, extraction.actors, actor_ids)
    timexes = [
        {"article_id": article.id, "start": t.start, "end": t.end, "text": t.text[:300], "type": t.type,
         "value": t.value[:40]}
        for t in extraction.timexes
    ]
    if timexes:
        insert_rows(session, TimexRow, timexes)
    _write_events(session, article, extraction, actor_ids, fresh)
    _write_quotes(session, article, extraction, actor_ids, fresh)
    article.pipeline_version = extraction.pipeline_version
    session.flush()


def _link_makers(session: Session, records: list, actor_ids: dict[str, int]) -> None:
    """Each product of the extraction points at its maker (the first maker seen is kept)."""
    pairs = {actor_ids[a.id]: actor_ids[a.maker] for a in records
             if getattr(a, "maker", None) and a.id in actor_ids and a.maker in actor_ids}
    if not pairs:
        return
    known = set(session.scalars(select(ProductMaker.product_id).where(one_of(session, ProductMaker.product_id, pairs))))
    insert_missing(session, ProductMaker, [{"product_id": p, "maker_id": m} for p, m in pairs.items()
                                           if p not in known and p != m], ["product_id"])


def _event_fields(e, actor_ids: dict[str, int]) -> dict:
    interval = timex_interval(e.date) if e.date else None
    # the clause extractor's fields (getattr: older records have none of them)
    lemma, mood = getattr(e, "lemma", None), getattr(e, "mood", None)
    reporter = getattr(e, "reported_by", None)
    return {
        "date_value": e.date,
        "date_text": e.date_text,
        "first_day": interval[0] if interval else None,
        "last_day": interval[1] if interval else None,
        "precision": interval[2] if interval else None,
        "type": e.type,
        "modality": e.modality,
        "source_actor_id": actor_ids.get(e.source_actor) if e.source_actor else None,
        "place": (e.place or None) and e.place[:300],
        "summary": e.summary,
        "trigger": (e.trigger or None) and e.trigger[:100],
        "trigger_start": getattr(e, "trigger_start", None),
        "trigger_end": getattr(e, "trigger_end", None),
        "lemma": lemma[:60] if lemma else None,
        "sense": sense_of(lemma, e.trigger),
        "mood": mood[:12] if mood else None,
        "reported_by_id": actor_ids.get(reporter) if reporter else None,
        "sentence": e.sentence,
        "start": e.start,
        "end": e.end,
        "slug": slugify(e.summary, 100),
    }


def _write_events(session: Session, article: Article, extraction: Extraction, actor_ids: dict[str, int],
                  fresh: bool) -> None:
    if fresh:
        _insert_events(session, article, extraction, actor_ids)
        return
    existing = {s.key: s for s in session.scalars(select(EventSource).where(EventSource.article_id == article.id))}
    seen: set[str] = set()
    for e in extraction.events:
        if e.id in seen:
            continue
        seen.add(e.id)
        fields = _event_fields(e, actor_ids)
        targets = list(dict.fromkeys(actor_ids[t] for t in e.target_actors if t in actor_ids))
        source_row = existing.get(e.id)
        if source_row is None:
            event = Event(article_id=article.id, **fields)
            event.sources.append(EventSource(article_id=article.id, key=e.id, sentence=e.sentence,
                                             start=e.start, end=e.end))
            event.targets.extend(EventTarget(actor_id=t) for t in targets)
            session.add(event)
            continue
        event = source_row.event
        primary = (event.start, event.end) == (source_row.start, source_row.end)
        source_row.sentence, source_row.start, source_row.end = e.sentence, e.start, e.end
        if event.article_id != article.id or not primary:
            # evidence merged into another event (of another article, or a sibling sentence of this one):
            # that event keeps its own facts
            continue
        for name, value in fields.items():
            setattr(event, name, value)
        event.removed_at = None
        event.targets = [EventTarget(actor_id=t) for t in targets]
    for key, source_row in existing.items():
        if key not in seen:
            event = source_row.event
            session.delete(source_row)
            if event.article_id == article.id and len(event.sources) <= 1:
                event.removed_at = utcnow()


def _insert_events(session: Session, article: Article, extraction: Extraction, actor_ids: dict[str, int]) -> None:
    """A new article's events, their evidence and targets: three bulk INSERTs (ids back by RETURNING),
    not one ORM object graph per event."""
    first: dict[str, Any] = {}
    for e in extraction.events:
        first.setdefault(e.id, e)  # the first event of each key, in extraction order
    records = list(first.values())
    if not records:
        return
    rows = [{"article_id": article.id, **_event_fields(e, actor_ids)} for e in records]
    # Core, not ORM bulk insert: that one splits rows by which values are None
    ids = insert_rows(session, cast(Table, Event.__table__), rows, ids=True)
    insert_rows(session, EventSource, [
        {"event_id": event_id, "article_id": article.id, "key": e.id, "sentence": e.sentence, "start": e.start,
         "end": e.end} for event_id, e in zip(ids, records, strict=True)])
    targets = [{"event_id": event_id, "actor_id": t} for event_id, e in zip(ids, records, strict=True)
               for t in dict.fromkeys(actor_ids[t] for t in e.target_actors if t in actor_ids)]
    insert_rows(session, EventTarget, targets)


def _quote_fields(q, actor_ids: dict[str, int]) -> dict:
    return {
        "speaker_actor_id": actor_ids.get(q.speaker) if q.speaker else None,
        "speaker_text": (q.speaker_text or "")[:300],
        "text": q.text,
        "kind": q.kind,
        "cue": (q.cue or "")[:60],
        "start": q.start,
        "end": q.end,
        "date": _date_or_none(q.date),
    }


def _insert_quotes(session: Session, article: Article, extraction: Extraction, actor_ids: dict[str, int]) -> None:
    """A new article's quotes and their evidence rows, in two bulk INSERTs."""
    records: dict[str, Any] = {}
    for q in extraction.quotes:
        records.setdefault(quote_key(q.start, q.end), q)  # the first quote of each key, in extraction order
    if not records:
        return
    keys = list(records)
    rows = [{"article_id": article.id, "key": key, **_quote_fields(records[key], actor_ids)} for key in keys]
    ids = insert_rows(session, cast(Table, Quote.__table__), rows, ids=True)
    insert_rows(session, QuoteSource, [
        {"quote_id": quote_id, "article_id": article.id, "key": key, "start": records[key].start,
         "end": records[key].end} for quote_id, key in zip(ids, keys, strict=True)])


def quote_key(start: int, end: int) -> str:
    return f"q-{start}-{end}"


def _write_quotes(session: Session, article: Article, extraction: Extraction, actor_ids: dict[str, int],
                  fresh: bool) -> None:
    if fresh:
        _insert_quotes(session, article, extraction, actor_ids)
        return
    existing = {q.key: q for q in session.scalars(select(Quote).where(Quote.article_id == article.id))}
    seen: set[str] = set()
    for q in extraction.quotes:
        key = quote_key(q.start, q.end)
        if key in seen:
            continue
        seen.add(key)
        fields = _quote_fields(q, actor_ids)
        row = existing.get(key)
        if row is None:
            row = Quote(article_id=article.id, key=key, **fields)
            row.sources.append(QuoteSource(article_id=article.id, key=key, start=q.start, end=q.end))
            session.add(row)
        else:
            for name, value in fields.items():
                setattr(row, name, value)
    gone = [key for key in existing if key not in seen]
    if gone:
        _retire_quotes(session, article, [existing[key] for key in gone])


def _retire_quotes(session: Session, article: Article, rows: list[Quote]) -> None:
    """Quotes this article no longer carries: drop only its own evidence. A quote that other outlets
    carried too lives on under the oldest quote merged into it, so their evidence is never lost."""
    keys = [row.key for row in rows]
    touched: set[int] = set()
    for src in session.scalars(select(QuoteSource).where(QuoteSource.article_id == article.id,
                                                         QuoteSource.key.in_(keys))):
        touched.add(src.quote_id)
        session.delete(src)
    session.flush()
    for row in rows:
        session.expire(row, ["sources"])
        heirs = list(session.scalars(select(Quote).where(Quote.merged_into_id == row.id).order_by(Quote.id)))
        if heirs:
            heir = heirs[0]
            heir.merged_into_id = None
            for other in heirs[1:]:
                other.merged_into_id = heir.id
            for src in list(row.sources):
                src.quote_id = heir.id
            session.flush()
            touched.add(heir.id)
        touched.discard(row.id)
        session.expire(row, ["sources"])
        session.delete(row)
    session.flush()
    for quote_id in touched:
        quote = session.get(Quote, quote_id)
        if quote is not None:
            quote.source_count = session.scalar(
                select(func.count(distinct(QuoteSource.article_id))).where(QuoteSource.quote_id == quote_id)) or 1
