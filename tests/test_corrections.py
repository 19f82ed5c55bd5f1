"""Corrections on the page corpus (seed sentences, no model): each action, its undo, and re-application after
the article is extracted again — by stable ids, by evidence offsets for new rows, and the ones that cannot hold."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select
from support import corpus

from app.consolidate import consolidate_article
from app.corrections import Conflict, FieldError, correct, live_corrections, reapply
from app.keys import normalise_alias
from app.models import Actor, Article, Event, EventSource, EventTarget, Mention, MergeRecord, Quote, live
from app.store import write_extraction

pytestmark = pytest.mark.db


def reextract(session, extraction=None) -> None:
    """What ``dateline reextract`` does to the article: write the extraction afresh, then consolidate it."""
    article = session.scalar(select(Article).where(Article.external_id == "pages-seed"))
    write_extraction(session, article, extraction or corpus.extraction())
    consolidate_article(session, article)
    session.expire_all()


def actor(session, slug) -> Actor:
    return session.scalar(select(Actor).where(Actor.slug == slug))


def roles(session) -> set[tuple]:
    """Every actor-bearing row: who each mention, event role and quote points at."""
    return ({("mention", m.id, m.actor_id) for m in session.scalars(select(Mention))}
            | {("source", e.id, e.source_actor_id) for e in session.scalars(select(Event))}
            | {("target", t.event_id, t.actor_id) for t in session.scalars(select(EventTarget))}
            | {("speaker", q.id, q.speaker_actor_id) for q in session.scalars(select(Quote))})


def test_a_merge_moves_the_rows_holds_after_reextraction_and_undo_puts_every_row_back(session, ids):
    start = roles(session)
    mentions = {(m.start, m.actor_id) for m in session.scalars(select(Mention))}
    merge = correct(session, {"action": "merge_actors", "keep": "united-states", "other": "Joe Biden", "by": "ann"})
    us, biden = actor(session, "united-states"), actor(session, "joe-biden")
    assert biden.merged_into_id == us.id and "Joe Biden" in {a.name for a in us.aliases}
    assert session.get(Event, ids["week"]).source_actor_id == us.id
    reextract(session)  # writes Joe Biden's mention and event source back under his own row...
    assert session.get(Event, ids["week"]).source_actor_id == us.id  # ...and the merge moves them again
    assert not session.scalars(select(Mention).where(Mention.actor_id == biden.id)).all()
    correct(session, {"action": "undo", "correction": merge.id})
    session.expire_all()
    assert actor(session, "joe-biden").merged_into_id is None
    assert "joe biden" not in {a.normalized for a in actor(session, "united-states").aliases}
    rows = {(kind, ident) for kind, ident, _ in start if kind != "mention"}  # consolidation may add sentence events
    assert {r for r in roles(session) if r[:2] in rows} == {r for r in start if r[0] != "mention"}
    assert {(m.start, m.actor_id) for m in session.scalars(select(Mention))} == mentions  # rewritten, same places
    assert session.get(Event, ids["week"]).source_actor_id == actor(session, "joe-biden").id


def test_a_retype_is_set_again_after_reextraction_and_undo_restores_the_extractor_type(session, ids):
    fix = correct(session, {"action": "retype_event", "event": ids["week"], "type": "threaten"})
    assert fix.before["type"] == "CONSULT" and fix.after["type"] == "THREATEN"
    reextract(session)
    assert session.get(Event, ids["week"]).type == "THREATEN"
    correct(session, {"action": "undo", "correction": fix.id})
    assert session.get(Event, ids["week"]).type == "CONSULT"


def test_a_new_event_row_on_the_same_evidence_inherits_the_correction(session, ids):
    fix = correct(session, {"action": "retype_event", "event": ids["week"], "type": "THREATEN"})
    record = corpus.extraction()
    record.events = [dataclasses.replace(e, id="e3-renamed") if e.id == "e3" else e for e in record.events]
    reextract(session, record)  # the key changed: the old row is removed, a new one holds the sentence
    new = session.scalar(select(EventSource).where(EventSource.key == "e3-renamed")).event
    assert new.id != ids["week"] and new.type == "THREATEN"
    assert session.get(type(fix), fix.id).subject_id == new.id and fix.problem is None


def test_a_correction_whose_subject_is_gone_is_listed_with_the_reason(session, ids):
    quote = session.scalar(select(Quote.id))
    fix = correct(session, {"action": "set_quote_kind", "quote": quote, "kind": "indirect"})
    record = corpus.extraction()
    record.quotes = []
    reextract(session, record)
    failed = reapply(session)
    assert [c.id for c in failed] == [fix.id] and f"quote {quote} no longer exists" in fix.problem
    assert fix in live_corrections(session)


def test_split_alias_makes_an_actor_that_consolidation_never_merges_back(session, ids):
    split = correct(session, {"action": "split_alias", "actor": "united-states", "alias": "US"})
    us, new = actor(session, "united-states"), actor(session, "us")
    assert new is not None and new.kind == "country" and split.object_id == new.id
    assert session.scalars(select(Mention).where(Mention.actor_id == new.id)).all()
    reextract(session)  # the extractor gives 'US' back to United States: the two share an alias again
    assert actor(session, "us").merged_into_id is None and actor(session, "united-states").merged_into_id is None
    assert not session.scalars(select(MergeRecord).where(MergeRecord.kind == "actor")).all()
    assert "us" not in {a.normalized for a in actor(session, "united-states").aliases}
    correct(session, {"action": "undo", "correction": split.id})
    session.expire_all()
    assert actor(session, "us").merged_into_id == us.id  # the split-off page now leads back
    assert "us" in {a.normalized for a in actor(session, "united-states").aliases}


def test_rename_kind_and_aliases_change_and_undo(session, ids):
    rename = correct(session, {"action": "rename_actor", "actor": "nato", "name": "North Atlantic Treaty Organization"})
    kind = correct(session, {"action": "set_actor_kind", "actor": "nato", "kind": "group"})
    alias = correct(session, {"action": "add_alias", "actor": "nato", "alias": "the Alliance"})
    nato = actor(session, "nato")
    assert (nato.name, nato.kind) == ("North Atlantic Treaty Organization", "group")
    assert normalise_alias("the Alliance") in {a.normalized for a in nato.aliases}
    with pytest.raises(FieldError) as bad:
        correct(session, {"action": "set_actor_kind", "actor": "nato", "kind": "planet"})
    assert bad.value.field == "kind"
    with pytest.raises(Conflict):  # the rename is older than the kind change on the same actor
        correct(session, {"action": "undo", "correction": rename.id})
    for c in (alias, kind, rename):
        correct(session, {"action": "undo", "correction": c.id})
    session.expire_all()
    nato = actor(session, "nato")
    assert (nato.name, nato.kind) == ("NATO", "organization") and normalise_alias("the Alliance") not in {a.normalized for a in nato.aliases}
    removed = correct(session, {"action": "remove_alias", "actor": "russia", "alias": "the Kremlin"})
    reextract(session)  # the extractor adds the alias again; the correction takes it away again
    assert normalise_alias("the Kremlin") not in {a.normalized for a in actor(session, "russia").aliases}
    assert removed.problem is None


def test_event_date_modality_actors_and_not_an_event(session, ids):
    dated = correct(session, {"action": "set_event_date", "event": ids["reject"], "date": "2021-W50"})
    event = session.get(Event, ids["reject"])
    assert event.precision == "week" and event.first_day.isoformat() == "2021-12-13"
    with pytest.raises(FieldError) as bad:
        correct(session, {"action": "set_event_date", "event": ids["reject"], "date": "next Tuesday"})
    assert bad.value.field == "date"
    correct(session, {"action": "set_event_modality", "event": ids["reject"], "modality": "negated"})
    assert (event.modality, event.mood) == ("negated", "negated")
    actors = correct(session, {"action": "set_event_actors", "event": ids["reject"], "source": "NATO",
                               "targets": "Russia, United States"})
    assert event.source_actor_id == actor(session, "nato").id
    assert {t.actor_id for t in event.targets} == {actor(session, "russia").id, actor(session, "united-states").id}
    correct(session, {"action": "undo", "correction": actors.id})
    assert event.source_actor_id == actor(session, "russia").id
    assert {t.actor_id for t in session.get(Event, ids["reject"]).targets} == {actor(session, "united-states").id}
    assert dated.problem is None
    gone = correct(session, {"action": "not_an_event", "event": ids["week"], "reason": "a plan, not a meeting"})
    reextract(session)  # extraction finds it again; the correction takes it off again
    assert session.get(Event, ids["week"]).removed_at is not None
    assert ids["week"] not in set(session.scalars(select(Event.id).where(live(Event))))
    correct(session, {"action": "undo", "correction": gone.id})
    assert session.get(Event, ids["week"]).removed_at is None


def test_merging_events_moves_the_evidence_and_undo_gives_it_back(session, ids):
    keep, other = ids["survivor"], ids["reject"]
    sources = set(session.scalars(select(EventSource.id).where(EventSource.event_id == other)))
    merge = correct(session, {"action": "merge_events", "keep": keep, "other": f"{other}-russia-rejects-us-demands"})
    assert session.get(Event, other).merged_into_id == keep
    assert sources <= set(session.scalars(select(EventSource.id).where(EventSource.event_id == keep)))
    reextract(session)
    assert session.get(Event, other).merged_into_id == keep
    correct(session, {"action": "undo", "correction": merge.id})
    assert session.get(Event, other).merged_into_id is None
    assert set(session.scalars(select(EventSource.id).where(EventSource.event_id == other))) == sources


def test_quote_speaker_kind_link_and_not_a_quote(session, ids):
    quote = session.scalar(select(Quote))
    correct(session, {"action": "reassign_speaker", "quote": quote.id, "speaker": "united-states"})
    kind = correct(session, {"action": "set_quote_kind", "quote": quote.id, "kind": "indirect"})
    correct(session, {"action": "link_quote_event", "quote": quote.id, "event": ids["week"]})
    reextract(session)
    quote = session.get(Quote, quote.id)
    assert (quote.speaker_actor_id, quote.kind, quote.event_id) == (actor(session, "united-states").id, "indirect",
                                                                     ids["week"])
    with pytest.raises(Conflict):
        correct(session, {"action": "undo", "correction": kind.id})  # the link came later
    correct(session, {"action": "not_a_quote", "quote": quote.id, "reason": "a paraphrase"})
    assert quote.id not in set(session.scalars(select(Quote.id).where(live(Quote))))
    with pytest.raises(FieldError) as bad:
        correct(session, {"action": "unlink_quote_event", "quote": quote.id})
    assert bad.value.field == "quote" and "removed" in str(bad.value)


def test_a_report_split_off_an_event_stands_again_and_undo_merges_it_back(session, ids):
    keep, merged = ids["survivor"], ids["merged"]
    src = session.scalar(select(EventSource).where(EventSource.event_id == merged))
    src.event_id, src.reason = keep, {"merged_from": merged}  # what consolidation's merge leaves behind
    session.flush()
    with pytest.raises(FieldError) as only:
        correct(session, {"action": "split_event_source", "event": ids["week"], "evidence": src.id})
    assert only.value.field == "evidence"
    split = correct(session, {"action": "split_event_source", "event": keep, "evidence": src.id})
    session.expire_all()
    assert session.get(Event, merged).merged_into_id is None and session.get(EventSource, src.id).event_id == merged
    assert split.object_id == merged
    reextract(session)
    assert session.get(EventSource, src.id).event_id == merged and session.get(Event, merged).merged_into_id is None
    correct(session, {"action": "undo", "correction": split.id})
    session.expire_all()
    assert session.get(Event, merged).merged_into_id == keep and session.get(EventSource, src.id).event_id == keep
