"""Issue 14's acceptance on the seed article: merge 'Biden administration' into 'United States' and retype an
event; both show on every page, JSON twin, CSV and the actor timeline; the merged actor's page redirects; both
survive re-extraction; undoing the merge restores both timelines exactly."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

pytestmark = [pytest.mark.slow, pytest.mark.db]

NEGOTIATE = "United States may be willing to negotiate with Russia"
RESPOND = "Biden administration will respond to Russia’s demands"


@pytest.fixture()
def seed(session_factory, extractor, seed_text, connection):
    """The seed article stored and consolidated by the real pipeline; returns its article id."""
    from app.ingest.runner import IngestRunner
    from app.ingest.sources import Candidate
    from app.store import ArticleMeta

    runner = IngestRunner(session_factory, processes=1, extractor=extractor)
    summary = runner.run(iter([Candidate("russia-nato-talks.txt", meta=ArticleMeta(text=seed_text))]))
    assert summary.counts["stored"] == 1
    from app.models import Article

    with session_factory() as s:
        return s.scalar(select(Article.id))


def timelines(session_factory) -> dict[str, list[dict]]:
    from app.queries.actor_timeline import actor_timeline

    with session_factory() as s:
        return {name: [e.to_dict() for e in actor_timeline(s, name)]
                for name in ("United States", "Biden administration")}


def event_id(session_factory, summary: str) -> int:
    from app.models import Event, live

    with session_factory() as s:
        return s.scalar(select(Event.id).where(Event.summary == summary, live(Event)))


def correct(session_factory, body):
    from app.corrections import correct as make
    from app.db import transaction

    with transaction(session_factory) as s:
        return make(s, body).id


def reextract_all(session_factory, extractor, article_id):
    from app.ingest.reextract import reextract

    counts = reextract(session_factory, [article_id], extractor=extractor)
    assert counts["reextracted"] == 1
    return counts


def test_merge_and_retype_show_on_every_page_twin_csv_and_timeline(seed, session_factory, editor_client):
    web = editor_client
    negotiate = event_id(session_factory, NEGOTIATE)
    respond = event_id(session_factory, RESPOND)
    correct(session_factory, {"action": "merge_actors", "keep": "United States", "other": "Biden administration",
                              "note": "the administration speaks for the country", "by": "ann"})
    correct(session_factory, {"action": "retype_event", "event": negotiate, "type": "CONSULT"})

    moved = web.get("/actors/biden-administration", follow_redirects=False)
    assert moved.status_code == 301 and moved.headers["location"] == "/actors/united-states"
    assert web.get("/actors/biden-administration.json", follow_redirects=False).headers["location"] == \
        "/actors/united-states.json"
    actor = web.get("/actors/united-states.json").json()
    assert "Biden administration" in actor["actor"]["aliases"]
    assert RESPOND in [e["summary"] for e in actor["did"]]
    assert "merged actors" in web.get("/actors/united-states").text
    event = web.get(f"/events/{respond}-x.json", follow_redirects=True).json()["event"]
    assert event["source_actor"]["slug"] == "united-states"
    retyped = web.get(f"/events/{negotiate}-x.json", follow_redirects=True).json()
    assert retyped["event"]["type"] == "CONSULT" and retyped["corrections"][0]["action"] == "retype_event"
    rows = list(csv.DictReader(io.StringIO(web.get("/timeline.csv", params={"limit": 500}).text)))
    assert any(r["summary"] == NEGOTIATE and r["type"] == "CONSULT" for r in rows)
    assert any(r["summary"] == RESPOND and r["source_actor"] == "United States" for r in rows)
    assert all(r["source_actor"] != "Biden administration" for r in rows)
    page = web.get("/timeline", params={"actor": "united-states"}).text
    assert RESPOND in page
    by_alias = timelines(session_factory)
    assert [e["id"] for e in by_alias["Biden administration"]] == [e["id"] for e in by_alias["United States"]]
    assert any(e["summary"] == NEGOTIATE and e["type"] == "CONSULT" for e in by_alias["United States"])


def test_both_corrections_survive_reextraction(seed, session_factory, extractor, editor_client):
    negotiate = event_id(session_factory, NEGOTIATE)
    respond = event_id(session_factory, RESPOND)
    correct(session_factory, {"action": "merge_actors", "keep": "united-states", "other": "biden-administration"})
    correct(session_factory, {"action": "retype_event", "event": negotiate, "type": "CONSULT"})
    counts = reextract_all(session_factory, extractor, seed)
    assert counts["corrections_reapplied"] == 2 and counts["corrections_not_applied"] == 0
    web = editor_client
    assert web.get("/actors/biden-administration", follow_redirects=False).status_code == 301
    assert web.get(f"/events/{respond}-x.json", follow_redirects=True).json()["event"]["source_actor"]["slug"] == \
        "united-states"
    assert web.get(f"/events/{negotiate}-x.json", follow_redirects=True).json()["event"]["type"] == "CONSULT"
    assert "Biden administration" in web.get("/actors/united-states.json").json()["actor"]["aliases"]


def test_undoing_the_merge_restores_both_timelines_exactly(seed, session_factory):
    before = timelines(session_factory)
    assert before["Biden administration"] and before["Biden administration"] != before["United States"]
    merge = correct(session_factory, {"action": "merge_actors", "keep": "united-states",
                                      "other": "biden-administration"})
    assert timelines(session_factory) != before
    correct(session_factory, {"action": "undo", "correction": merge, "note": "they are not the same"})
    assert timelines(session_factory) == before


def test_split_actors_stay_apart_and_removed_events_stay_gone_after_reextraction(seed, session_factory, extractor):
    from app.models import Actor, Event

    with session_factory() as s:
        us = s.scalar(select(Actor).where(Actor.slug == "united-states"))
        assert "White House" in {a.name for a in us.aliases}
    correct(session_factory, {"action": "split_alias", "actor": "united-states", "alias": "White House",
                              "kind": "organization"})
    withdraw = event_id(session_factory, "Russia agrees to withdraw some troops")
    correct(session_factory, {"action": "not_an_event", "event": withdraw, "reason": "a condition, not news"})
    reextract_all(session_factory, extractor, seed)
    with session_factory() as s:
        house = s.scalar(select(Actor).where(Actor.slug == "white-house"))
        us = s.scalar(select(Actor).where(Actor.slug == "united-states"))
        assert house.merged_into_id is None and us.merged_into_id is None
        assert "white house" not in {a.normalized for a in us.aliases}
        assert s.get(Event, withdraw).removed_at is not None
        sentence = s.get(Event, withdraw).sentence
        live_here = s.scalars(select(Event).where(Event.sentence == sentence, Event.removed_at.is_(None),
                                                  Event.merged_into_id.is_(None))).all()
        assert withdraw not in {e.id for e in live_here}


def test_the_cli_corrects_lists_and_reports_what_reextraction_could_not_apply(env, seed_text):
    from app.cli import cli

    runner = CliRunner()
    article = env / "seed.txt"
    article.write_text(seed_text, encoding="utf-8")
    assert runner.invoke(cli, ["ingest", str(article), "--processes", "1"]).exit_code == 0
    merged = runner.invoke(cli, ["correct", "merge-actors", "United States", "Biden administration",
                                 "--note", "one government", "--by", "ann"])
    assert merged.exit_code == 0, merged.output
    assert "merged actors" in merged.stdout
    bad = runner.invoke(cli, ["correct", "retype-event", "1", "PARTY"])
    assert bad.exit_code == 2 and "'type'" in bad.output
    speaker = runner.invoke(cli, ["correct", "add-alias", "nato", "the Alliance"])
    assert speaker.exit_code == 0, speaker.output
    listed = [line for line in runner.invoke(cli, ["corrections", "--format", "jsonl"]).stdout.splitlines() if line]
    rows = [json.loads(line) for line in listed]
    assert [r["action"] for r in rows] == ["merge_actors", "add_alias"]
    assert set(rows[0]) >= {"id", "action", "subject", "before", "after", "by", "note", "at", "undone"}
    assert rows[0]["by"] == "ann" and rows[0]["note"] == "one government" and rows[0]["undone"] is None
    timeline = runner.invoke(cli, ["timeline", "--actor", "Biden administration"]).stdout
    assert RESPOND in timeline and "United States" in timeline
    undone = runner.invoke(cli, ["correct", "undo", str(rows[0]["id"])])
    assert undone.exit_code == 0, undone.output
    again = runner.invoke(cli, ["correct", "undo", str(rows[0]["id"])])
    assert again.exit_code == 1 and "already undone" in again.output


def test_undo_after_reextraction_takes_apart_the_event_merges_the_actor_merge_caused(seed, session_factory, extractor):
    """Re-extraction while the merge stood let consolidation join 'The draft was prepared' (about the US) to
    'Biden administration is preparing'; undo takes that apart, leaving what a plain re-extraction gives."""
    from app.models import MergeRecord

    reextract_all(session_factory, extractor, seed)  # the baseline: the corpus as re-extraction leaves it
    before = timelines(session_factory)
    merge = correct(session_factory, {"action": "merge_actors", "keep": "united-states",
                                      "other": "biden-administration"})
    reextract_all(session_factory, extractor, seed)
    with session_factory() as s:
        caused = [m for m in s.scalars(select(MergeRecord).where(MergeRecord.kind == "event"))
                  if "prepare" in (m.reason or {}).get("action_words", [])]
    assert caused  # the merge of actors did make consolidation join two events
    correct(session_factory, {"action": "undo", "correction": merge})
    assert timelines(session_factory) == before
