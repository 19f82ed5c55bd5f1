"""The bulk helpers of app.db: one INSERT for many rows (ids back in row order, Python defaults filled in, rows
already stored skipped) and the array form of IN, the same on every engine."""

import datetime as dt

import pytest
from sqlalchemy import select

from app.db import insert_missing, insert_rows, one_of
from app.models import Actor, Alias, Article, Event, EventSource

pytestmark = pytest.mark.db


def _article(session) -> Article:
    article = Article(title="t", text="Some text.", content_hash="bulk-helpers", pipeline_version="test")
    session.add(article)
    session.flush()
    return article


def test_insert_rows_returns_ids_in_row_order_and_fills_defaults(session):
    article = _article(session)
    rows = [{"article_id": article.id, "slug": f"e{i}", "summary": f"event {i}", "sentence": "s", "start": i,
             "end": i + 1, "first_day": dt.date(2005, 1, 1 + i), "type": None, "modality": "asserted"}
            for i in range(5)]
    ids = insert_rows(session, Event, rows, ids=True)
    assert ids == sorted(ids) and len(set(ids)) == 5
    stored = {e.id: e for e in session.scalars(select(Event).where(Event.article_id == article.id))}
    assert [stored[i].slug for i in ids] == [r["slug"] for r in rows]
    assert {e.source_count for e in stored.values()} == {1}  # the model's Python default
    assert stored[ids[2]].first_day == dt.date(2005, 1, 3) and stored[ids[2]].type is None
    insert_rows(session, EventSource, [{"event_id": i, "article_id": article.id, "key": f"k{i}", "sentence": "s",
                                        "start": 0, "end": 1, "reason": {"origin": "test"}} for i in ids])
    reasons = session.scalars(select(EventSource.reason).where(EventSource.article_id == article.id)).all()
    assert reasons == [{"origin": "test"}] * 5
    assert insert_rows(session, Event, [], ids=True) == []


def test_insert_missing_skips_stored_keys_and_keeps_order(session):
    insert_missing(session, Actor, [{"slug": "bulk-a", "name": "A", "kind": "person", "titles": ["x"]}], ["slug"])
    insert_missing(session, Actor, [{"slug": "bulk-b", "name": "B", "kind": "person", "titles": []},
                                    {"slug": "bulk-a", "name": "A again", "kind": "person", "titles": []},
                                    {"slug": "bulk-c", "name": "C", "kind": "person", "titles": []}], ["slug"])
    actors = session.scalars(select(Actor).where(Actor.slug.like("bulk-%")).order_by(Actor.id)).all()
    assert [(a.slug, a.name, a.titles) for a in actors] == [("bulk-a", "A", ["x"]), ("bulk-b", "B", []),
                                                            ("bulk-c", "C", [])]
    assert all(a.created_at is not None for a in actors)
    insert_missing(session, Alias, [{"actor_id": actors[0].id, "name": "A", "normalized": "a"}] * 2,
                   ["actor_id", "normalized"])
    assert session.scalars(select(Alias.name).where(Alias.actor_id == actors[0].id)).all() == ["A"]


def test_one_of_reads_what_in_reads(session):
    insert_missing(session, Actor, [{"slug": f"one-of-{i}", "name": str(i), "kind": "person", "titles": []}
                                    for i in range(4)], ["slug"])
    wanted = ["one-of-1", "one-of-3", "missing"]
    by_array = session.scalars(select(Actor.slug).where(one_of(session, Actor.slug, wanted)).order_by(Actor.slug))
    by_in = session.scalars(select(Actor.slug).where(Actor.slug.in_(wanted)).order_by(Actor.slug))
    assert list(by_array) == list(by_in) == ["one-of-1", "one-of-3"]
    assert session.scalars(select(Actor.id).where(one_of(session, Actor.id, []))).all() == []
    assert session.scalars(select(Actor.id).where(one_of(session, Actor.id, {None}))).all() == []
