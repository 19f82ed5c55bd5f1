"""``dateline timeline``: the fixed JSON Lines interface, date order, alias matching, bad input."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from app.cli import cli

runner = CliRunner()


@pytest.fixture()
def story_db(tmp_path, monkeypatch):
    """A fresh SQLite file holding the two reports of the 787 roll-out from tests/test_consolidate.py."""
    from support.dreamliner import _article_a, _article_b

    from app import migrate
    from app.db import make_engine, make_sessionmaker, transaction
    from app.settings import get_settings

    url = f"sqlite:///{tmp_path / 'timeline.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    migrate.upgrade(url)
    engine = make_engine(url)
    with transaction(make_sessionmaker(engine)) as session:
        _article_a(session)
    with transaction(make_sessionmaker(engine)) as session:
        _article_b(session)
    engine.dispose()
    yield url
    get_settings.cache_clear()


def _lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_timeline_prints_consolidated_events_as_json_lines(story_db):
    result = runner.invoke(cli, ["timeline", "--actor", "Boeing", "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    events = _lines(result.stdout)
    assert events and all(set(e) == {"id", "date", "type", "summary", "actors", "sources", "modality"} for e in events)
    unveiled = [e for e in events if e["type"] == "ENGAGE"]
    assert len(unveiled) == 1 and unveiled[0]["date"] == "2007-07-08"
    assert {s["article"] for s in unveiled[0]["sources"]} == {"wikinews-73808", "outlet-b-787"}
    source = unveiled[0]["sources"][0]
    assert source["sentence"].startswith("Aircraft manufacturer Boeing have unveiled") and source["start"] == 0
    assert "Boeing" in unveiled[0]["actors"]
    dates = [e["date"] for e in events]
    assert dates == sorted(dates)


def test_alias_and_case_find_the_same_actor(story_db):
    full = _lines(runner.invoke(cli, ["timeline", "--actor", "Scott Carson"]).stdout)
    by_alias = _lines(runner.invoke(cli, ["timeline", "--actor", "carson"]).stdout)
    assert full and [e["id"] for e in full] == [e["id"] for e in by_alias]
    assert any("Carson" in s["sentence"] for e in full for s in e["sources"])


def test_table_format_and_unknown_actor(story_db):
    table = runner.invoke(cli, ["timeline", "--actor", "BOEING", "--format", "table"])
    assert table.exit_code == 0 and "2007-07-08" in table.stdout and table.stdout.startswith("date")
    nobody = runner.invoke(cli, ["timeline", "--actor", "Lockheed Martin"])
    assert nobody.exit_code == 0 and nobody.stdout == ""


def test_bad_format_is_refused_with_a_message(story_db):
    result = runner.invoke(cli, ["timeline", "--actor", "Boeing", "--format", "xml"])
    assert result.exit_code == 2 and "jsonl" in result.output


def test_home_page_and_stats_count_the_corpus_alike(story_db):
    """One counting rule: a merged actor or quote is not counted on the home page nor by ``dateline stats``."""
    from sqlalchemy import func, select

    from app.db import make_engine, make_sessionmaker
    from app.models import Actor
    from app.queries import cache
    from app.queries.counts import corpus_counts
    from app.queries.home import home_page

    stats = json.loads(runner.invoke(cli, ["stats", "--format", "json"]).stdout)
    engine = make_engine(story_db)
    try:
        with make_sessionmaker(engine)() as session:
            cache.clear()
            home = home_page(session)["counts"]
            counts = corpus_counts(session)
            actor_rows = session.scalar(select(func.count()).select_from(Actor))
    finally:
        engine.dispose()
    assert home == counts
    assert {k: stats[k] for k in counts} == counts
    assert actor_rows == 3 and counts["actors"] == 2  # 'Carson' merged into 'Scott Carson': one page to open
    assert counts["quotes"] == 1 and counts["articles"] == 2


def test_actor_page_counts_the_events_the_timeline_command_lists(story_db):
    """The actor page's activity and the CLI read one membership rule (source, target or named in evidence)."""
    from app.db import make_engine, make_sessionmaker
    from app.queries import cache
    from app.queries.actor_timeline import actor_timeline
    from app.queries.actors import actor_page

    engine = make_engine(story_db)
    try:
        with make_sessionmaker(engine)() as session:
            cache.clear()
            listed = actor_timeline(session, "Scott Carson")
            page = actor_page(session, "scott-carson")
    finally:
        engine.dispose()
    assert listed  # named in the evidence only: no event has him as source or target
    assert sum(m["events"] for m in page["activity"]) == len([e for e in listed if e.date])


def test_within_a_day_the_event_more_articles_report_comes_first_and_undated_events_last():
    from app.queries.actor_timeline import TimelineEvent, TimelineSource, in_timeline_order

    def event(ident: int, date: str | None, reports: int) -> TimelineEvent:
        return TimelineEvent(id=ident, date=date, type=None, summary=f"event {ident}", actors=["Boeing"],
                             sources=[TimelineSource(article=str(n), start=0, end=1, sentence="s") for n in range(reports)])

    ordered = in_timeline_order([event(1, None, 5), event(2, "2007-07-08", 1), event(3, "2007-07-08", 2),
                                 event(4, "2007-07-01", 1)])
    assert [e.id for e in ordered] == [4, 3, 2, 1]


# Wikinews, "Airbus launches world's largest passenger jet" (2005-01-18, CC BY 2.5; via MEANTIME)
_DENIAL = {"id": "wikinews-3307", "published": "2005-01-18", "title": "Airbus launches world's largest passenger jet",
           "text": "Airbus launches world's largest passenger jet\n"
                   "Boeing's upcoming new design, the 7E7, does not attempt to compete directly with the A380.\n"
                   "Boeing unveiled the 7E7 design in Seattle."}


def test_what_did_not_happen_is_left_out_unless_denials_are_asked_for(env):
    stored = runner.invoke(cli, ["ingest", "--jsonl", "-"], input=json.dumps(_DENIAL) + "\n")
    assert stored.exit_code == 0, stored.output
    every = _lines(runner.invoke(cli, ["timeline", "--actor", "Boeing", "--denials"]).stdout)
    denied = [e for e in every if e["modality"] == "negated"]
    assert denied and "attempt" in denied[0]["summary"]
    default = _lines(runner.invoke(cli, ["timeline", "--actor", "Boeing"]).stdout)
    assert default and all(e["modality"] != "negated" for e in default)
    assert {e["id"] for e in default} == {e["id"] for e in every} - {e["id"] for e in denied}
