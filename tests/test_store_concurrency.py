"""Two writers storing articles that share actors at the same moment (two workers on one job, an ingest
beside a worker): the second waits for the first and reuses its actors, aliases and source, instead of
failing the whole article on a duplicate key. On PostgreSQL (the CI leg) the second writer is seen blocked
on the first's row lock before the first commits, so the race is the one that happens; on SQLite the
writers' BEGIN IMMEDIATE queues them, and the same outcome is asserted."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select, text

from app.ingest.records import ArticleMeta
from app.models import Actor, Alias, Article, Mention, Source
from tests.support.scratch import scratch_database

pytestmark = [pytest.mark.db, pytest.mark.slow]


def _blocked_on_a_lock(engine) -> bool:
    with engine.connect() as conn:
        return bool(conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                      "AND wait_event_type = 'Lock'")).scalar())


def _second_dispatch(seed_text: str, same_source: bool) -> str:
    """Another text of the seed story: with its `(Source) -` dateline (the source is the first row the two
    writers share), or without it (the first shared rows are then the actors)."""
    if same_source:
        return f"{seed_text.rstrip()}\n\nThis story was updated with a correction.\n"
    title, rest = seed_text.split("\n", 1)
    return f"{title}\n{rest.replace('(Baonghean.vn) - ', '', 1)}"


@pytest.mark.parametrize("same_source", [True, False], ids=["source-first", "actors-first"])
def test_a_writer_that_collides_on_new_rows_waits_and_reuses_them(tmp_path, extractor, seed_text, same_source):
    from app import migrate
    from app.db import make_engine, make_sessionmaker, transaction
    from app.store import store_article

    first_text, second_text = seed_text, _second_dispatch(seed_text, same_source)
    first, second = extractor.extract(first_text, id="first"), extractor.extract(second_text, id="second")
    shared = {a.id for a in first.actors} & {a.id for a in second.actors}
    assert len(shared) >= 5 and first.source
    assert (second.source == first.source) is same_source

    with scratch_database(tmp_path, "store_race") as url:
        migrate.upgrade(url)
        engine = make_engine(url, immediate_writes=True)
        postgres = engine.dialect.name == "postgresql"
        factory = make_sessionmaker(engine)
        holder = factory()
        store_article(holder, ArticleMeta(text=first_text), first)
        holder.flush()  # the first writer's actors, aliases and source are written, not committed

        failure: list[BaseException] = []

        def second_writer() -> None:
            try:
                with transaction(factory) as session:
                    store_article(session, ArticleMeta(text=second_text), second)
            except BaseException as exc:  # reported to the test below
                failure.append(exc)

        thread = threading.Thread(target=second_writer)
        thread.start()
        if postgres:
            deadline = time.monotonic() + 60
            while not _blocked_on_a_lock(engine):
                assert thread.is_alive() and time.monotonic() < deadline, (
                    "the second writer never waited for the first", failure)
                time.sleep(0.05)
        else:
            time.sleep(0.5)
        holder.commit()
        holder.close()
        thread.join(timeout=120)
        assert not thread.is_alive()
        assert not failure, failure

        with factory() as session:
            assert session.scalar(select(func.count()).select_from(Article)) == 2
            assert session.scalar(select(func.count()).select_from(Source)) == (1 if same_source or not second.source else 2)
            slugs = list(session.scalars(select(Actor.slug)))
            assert len(slugs) == len(set(slugs)) and shared <= set(slugs)
            pairs = session.execute(select(Alias.actor_id, Alias.normalized)).all()
            assert len(pairs) == len(set(pairs))
            # both articles' mentions point at the one row of each shared actor
            seen = session.execute(select(Mention.article_id, Mention.actor_id).join(Actor, Actor.id == Mention.actor_id)
                                   .where(Actor.slug.in_(shared))).all()
            by_article: dict[int, set[int]] = {}
            for article_id, actor_id in seen:
                by_article.setdefault(article_id, set()).add(actor_id)
            assert len(by_article) == 2
            one, two = by_article.values()
            assert one == two and len(one) >= 5
        engine.dispose()
