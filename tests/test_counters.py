"""The counter tables of migration 0013 (events per actor, per day) equal a full recount after every write path:
storing and re-extracting an article, consolidation's merges, editors' corrections and their undo, a deletion."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import delete, select, text
from support import corpus

from app.consolidate import consolidate_article
from app.corrections import correct
from app.models import Article, Event, EventTarget
from app.queries import counters
from app.store import write_extraction

pytestmark = pytest.mark.db


def kept(session) -> tuple[dict, dict]:
    """(actor counts, day counts) as the triggers left them (zero rows dropped)."""
    actors = counters.actor_events(session)
    days = {(d, bool(f), bool(n)): c for d, f, n, c in session.execute(
        text("SELECT day, fine, negated, events FROM event_day_counts WHERE events <> 0"))}
    return actors, days


def recounted(session) -> tuple[dict, dict]:
    """The same figures counted afresh from the event rows, by the rule of RECOUNT_SQL."""
    actors: dict[int, int] = {}
    days: dict[tuple, int] = {}
    for e in session.scalars(select(Event).where(Event.merged_into_id.is_(None), Event.removed_at.is_(None))):
        for a in [e.source_actor_id, *(t.actor_id for t in session.scalars(
                select(EventTarget).where(EventTarget.event_id == e.id)))]:
            if a is not None:
                actors[a] = actors.get(a, 0) + 1
        if e.first_day is not None:
            key = (e.first_day, e.precision in (None, "day", "week"), e.modality == "negated")
            days[key] = days.get(key, 0) + 1
    return actors, days


def as_dates(days: dict) -> dict:
    return {(d if isinstance(d, dt.date) else dt.date.fromisoformat(str(d)[:10]), f, n): c
            for (d, f, n), c in days.items()}


def assert_counts_hold(session) -> None:
    session.flush()
    (actors, days), (want_actors, want_days) = kept(session), recounted(session)
    assert actors == want_actors
    assert as_dates(days) == as_dates(want_days)


def test_storing_the_corpus_counts_its_live_events_per_actor_and_day(session, ids):
    assert_counts_hold(session)
    actors, _ = kept(session)
    assert sum(actors.values()) > 0 and ids["gone"]  # the removed and the merged event are not counted
    assert counters.dated_events(session, negated=None) == len(session.scalars(select(Event.id).where(
        Event.merged_into_id.is_(None), Event.removed_at.is_(None), Event.first_day.is_not(None))).all())


def test_corrections_merges_and_their_undo_keep_the_counts(session, ids):
    steps = [
        {"action": "merge_actors", "keep": "united-states", "other": "Joe Biden", "by": "ann"},
        {"action": "set_event_date", "event": ids["reject"], "date": "2021-W50", "by": "ann"},
        {"action": "set_event_modality", "event": ids["reject"], "modality": "negated", "by": "ann"},
        {"action": "set_event_actors", "event": ids["reject"], "source": "NATO", "targets": "Russia, United States",
         "by": "ann"},
        {"action": "not_an_event", "event": ids["week"], "reason": "a plan, not a meeting", "by": "ann"},
    ]
    done = []
    for step in steps:
        done.append(correct(session, step))
        assert_counts_hold(session)
    for correction in reversed(done):
        correct(session, {"action": "undo", "correction": correction.id, "by": "ann"})
        assert_counts_hold(session)


def test_merging_two_events_and_reextracting_keep_the_counts(session, ids):
    keep = ids["survivor"]
    other = ids["reject"]
    correct(session, {"action": "merge_events", "keep": keep, "other": f"{other}-russia-rejects-us-demands", "by": "ann"})
    assert session.get(Event, other).merged_into_id == keep
    assert_counts_hold(session)
    article = session.scalar(select(Article).where(Article.external_id == "pages-seed"))
    write_extraction(session, article, corpus.extraction())  # re-extraction: rows rewritten, some removed
    consolidate_article(session, article)
    assert_counts_hold(session)


def test_deleting_events_and_targets_keeps_the_counts(session, ids):
    session.execute(delete(EventTarget).where(EventTarget.event_id == ids["survivor"]))
    assert_counts_hold(session)
    session.execute(delete(Event).where(Event.id == ids["week"]))  # its targets go by cascade, counted once
    assert_counts_hold(session)
    session.execute(delete(Article).where(Article.id == ids["article"]))
    assert_counts_hold(session)
    actors, days = kept(session)
    assert actors == {} and days == {}


def test_the_recount_gives_what_the_triggers_kept(session, ids):
    before = kept(session)
    for statement in counters.RECOUNT_SQL:
        session.execute(text(statement))
    assert as_dates(kept(session)[1]) == as_dates(before[1]) and kept(session)[0] == before[0]


def test_the_data_generation_grows_with_every_change_the_cached_aggregates_read(session, ids):
    from app.queries.cache import data_version

    def generation() -> int:
        return int(session.execute(text("SELECT n FROM data_generation WHERE id = 1")).scalar_one())

    before, version = generation(), data_version(session)
    session.execute(text("UPDATE quotes SET removed_at = CURRENT_TIMESTAMP WHERE id = :q"), {"q": ids["quote"]})
    assert generation() > before and data_version(session) != version  # no new id, no correction: still seen
    before = generation()
    session.execute(text("UPDATE events SET removed_at = CURRENT_TIMESTAMP WHERE id = :e"), {"e": ids["week"]})
    assert generation() > before
