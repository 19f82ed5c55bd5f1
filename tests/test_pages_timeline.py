"""The timeline's query plans, period headings, untyped events and form: what changed for speed and clarity."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import inspect
from support.corpus import S2

from app.models import Event
from app.queries import cache, textsearch, timeline
from app.queries.timeline import TimelineFilters, density, resolve_actors, timeline_page

pytestmark = pytest.mark.db

# A sentence of the seed article that names a year and a month (the dates below are made up for the test)
YEAR_SENTENCE = "Russia should not expect the US and its allies to accept Moscow's demands."


def _add(session, article_id: int, summary: str, first: dt.date, last: dt.date, precision: str,
         type_: str | None = "PROTEST", sentence: str = S2) -> Event:
    event = Event(article_id=article_id, slug=summary.lower().replace(" ", "-")[:60], summary=summary,
                  sentence=sentence, start=0, end=10, first_day=first, last_day=last, precision=precision,
                  type=type_, source_actor_id=None)
    session.add(event)
    session.flush()
    return event


def _summaries(data) -> list[str]:
    return [e["summary"] for g in data["days"] for e in g["events"]]


def test_both_actor_plans_find_the_same_page(session, ids, monkeypatch):
    """Walking the date index (busy actor) and driving from the actor's id set (rare actor) agree."""
    f = TimelineFilters(actor=["russia"])
    monkeypatch.setattr(timeline, "walk_by_date", lambda *a: False)
    by_set = [e["id"] for g in timeline_page(session, f, with_density=False)["days"] for e in g["events"]]
    monkeypatch.setattr(timeline, "walk_by_date", lambda *a: True)
    by_date = [e["id"] for g in timeline_page(session, f, with_density=False)["days"] for e in g["events"]]
    assert by_set == by_date and len(by_set) == 3


@pytest.mark.parametrize("words", ["russia", "russ", "biden talks", "negotiated"])
def test_every_text_plan_finds_the_same_rows(session, ids, monkeypatch, words):
    """Rare words are looked up, common ones walk the dates against the match set, very common ones probe FTS5 per
    row (on SQLite): each plan, forced in turn, lists the events of app.fts's prefix query, newest first."""
    unpaged = timeline.filtered_events(session, TimelineFilters(q=words))  # a count's WHERE: the plain prefix IN
    newest = unpaged.with_only_columns(Event.summary).order_by(Event.first_day.desc(), Event.id.desc()).limit(30)
    plain = list(session.scalars(newest))
    assert plain  # every query above matches events of the page corpus
    plans = {"set": (10**9, 10**9), "walk": (1, 10**9), "probe": (1, 1)}
    for name, limits in plans.items():
        monkeypatch.setattr(textsearch, "thresholds", lambda *a, limits=limits: limits)
        cache.clear()  # the plan's bounded count is cached per data version
        assert _summaries(timeline_page(session, TimelineFilters(q=words), with_density=False)) == plain, name
        clause = str(textsearch.text_match(session, "events", Event.id, words, 30))
        if session.get_bind().dialect.name == "sqlite":
            assert {"set": "IN (SELECT" in clause and "+" not in clause, "walk": "+" in clause,
                    "probe": "EXISTS" in clause and "rowid =" in clause}[name], (name, clause)


def test_actor_accepts_a_name_or_an_alias(client, session, ids):
    by_slug = client.get("/timeline.json?actor=russia").json()
    for ref in ("Russia", "the Kremlin", "moscow"):
        data = client.get("/timeline.json", params={"actor": ref}).json()
        assert _summaries(data) == _summaries(by_slug), ref
        assert data["selected_actors"] == [{"slug": "russia", "name": "Russia", "kind": "country"}]
    r = client.get("/timeline.json?actor=Atlantis")
    assert r.status_code == 422 and "Atlantis" in r.json()["error"]["detail"]
    assert [a.slug for a in resolve_actors(session, ["US", "united-states"])] == ["united-states"]


def test_migration_adds_the_partial_day_index(session):
    """Migration 0006: live events by (first_day, precision), partial so merged and removed ones stay out."""
    indexes = {ix["name"]: ix for ix in inspect(session.get_bind()).get_indexes("events")}
    assert indexes["ix_events_live_first_day"]["column_names"][:2] == ["first_day", "precision"]


def test_periods_get_their_own_headings(client, session, ids):
    art = ids["article"]
    _add(session, art, "Protests all year", dt.date(2021, 1, 1), dt.date(2021, 12, 31), "year",
         sentence=YEAR_SENTENCE)
    _add(session, art, "Protests in September", dt.date(2021, 9, 1), dt.date(2021, 9, 30), "month")
    _add(session, art, "Protests in the last quarter", dt.date(2021, 10, 1), dt.date(2021, 12, 31), "quarter")
    _add(session, art, "Protest on New Year's Day", dt.date(2021, 1, 1), dt.date(2021, 1, 1), "day")
    session.commit()
    data = client.get("/timeline.json").json()
    labels = [g["label"] for g in data["days"]]
    assert labels == ["Week 51, 2021 (20–26 Dec)", "17 Dec 2021", "Q4 2021", "Sep 2021", "1 Jan 2021", "2021"]
    year = next(g for g in data["days"] if g["label"] == "2021")
    assert [e["summary"] for e in year["events"]] == ["Protests all year"]
    page = BeautifulSoup(client.get("/timeline").text, "html.parser")
    heads = [h.get_text() for h in page.select("h2.day-head")]
    assert "1 Jan 2021" in heads and "2021" in heads and "Sep 2021" in heads
    assert page.find("h2", string="2021").find("time")["datetime"] == "2021"
    assert page.find("h2", string="Week 51, 2021 (20–26 Dec)").find("time")["datetime"] == "2021-W51"


def test_density_leaves_coarse_events_out(client, session, ids):
    art = ids["article"]
    for k in range(5):
        _add(session, art, f"Year event {k}", dt.date(2020, 1, 1), dt.date(2020, 12, 31), "year")
    session.flush()
    strip = density(session, TimelineFilters())
    assert strip["undrawn"] == 5
    assert strip["first"] == dt.date(2021, 12, 17)  # no bar on 1 Jan 2020
    assert sum(b["count"] for b in strip["bars"]) == 3  # two day events and the week; merged/removed left out
    session.commit()
    assert "Not drawn: 5 events dated only to a month, quarter or year" in client.get("/timeline").text


def test_untyped_sentence_events_are_quieter_and_can_be_hidden(client, session, ids):
    sentence = ("However, the US and its NATO allies have signaled they may be willing to negotiate with Russia, "
                "especially if the Kremlin agrees to withdraw some troops along the border with Ukraine.")
    _add(session, ids["article"], sentence, dt.date(2021, 12, 17), dt.date(2021, 12, 17), "day", type_=None,
         sentence=sentence)
    session.commit()
    page = BeautifulSoup(client.get("/timeline").text, "html.parser")
    item = page.find("a", string=sentence).find_parent("article")
    assert "event-untyped" in item["class"]
    assert item.select_one(".badge-untyped").get_text() == "Unclassified"
    typed = page.find("a", string="Russia rejects US demands").find_parent("article")
    assert "event-untyped" not in typed["class"] and typed.select_one(".badge").get_text() == "Reject"
    assert page.select_one('#f-type option[value="any-typed"]').get_text() == "Typed events only"
    shown = _summaries(client.get("/timeline.json?type=any-typed").json())
    assert sentence not in shown and "Russia rejects US demands" in shown
    assert _summaries(client.get("/timeline.json?type=untyped").json()) == [sentence]
    assert sentence in _summaries(client.get("/timeline.json").json())  # visible by default
    r = client.get("/timeline.json?type=typed")
    assert r.status_code == 422 and "any-typed" in r.json()["error"]["hint"]
    event_id = next(e["id"] for g in client.get("/timeline.json?type=untyped").json()["days"] for e in g["events"])
    event_page = BeautifulSoup(client.get(f"/events/{event_id}-x", follow_redirects=True).text, "html.parser")
    assert event_page.select_one(".badge-untyped") and sentence in event_page.get_text()


def test_empty_parameters_redirect_to_the_clean_url(client, ids):
    r = client.get("/timeline?q=&actor=&type=CONSULT&modality=&source=&since=&until=", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/timeline?type=CONSULT"
    r = client.get("/timeline?q=&type=", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/timeline"
    assert client.get("/timeline?type=CONSULT", follow_redirects=False).status_code == 200
    r = client.get("/timeline?q=&actor=the+Kremlin", follow_redirects=False)  # a name or alias → the slug
    assert r.status_code == 303 and r.headers["location"] == "/timeline?actor=russia"
    r = client.get("/quotes?q=absurd&speaker=&since=&until=", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/quotes?q=absurd"
    r = client.get("/actors?q=&kind=", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/actors"
    # htmx swaps the results in place and pushes the clean URL instead of following a redirect
    r = client.get("/timeline?q=&type=CONSULT&actor=Russia", headers={"HX-Request": "true"})
    assert r.status_code == 200 and r.headers["HX-Push-Url"] == "/timeline?type=CONSULT&actor=russia"
    assert "Joe Biden to hold talks" in r.text and "<html" not in r.text
    assert client.get("/timeline.json?q=&actor=Russia", follow_redirects=False).status_code == 200


def test_actor_field_suggests_active_actors(client, ids):
    page = BeautifulSoup(client.get("/timeline?actor=russia").text, "html.parser")
    field = page.select_one("#f-actor")
    assert field["list"] == "actor-options" and field["value"] == "Russia"
    assert page.select_one('label[for="f-actor"]').get_text() == "Actor"
    options = [o["value"] for o in page.select("datalist#actor-options option")]
    assert options[0] == "Russia" and "Joe Biden" in options  # most active first
    r = client.get("/timeline/actor-options?actor=bid", headers={"HX-Request": "true"})
    assert [o["value"] for o in BeautifulSoup(r.text, "html.parser").select("option")] == ["Joe Biden"]
    r = client.get("/timeline/actor-options?actor=kreml")  # aliases count
    assert [o["value"] for o in BeautifulSoup(r.text, "html.parser").select("option")] == ["Russia"]


def test_the_timeline_leaves_out_denials_unless_asked(session, ids):
    """What the articles say did not happen is no point in time: modality=any or =negated brings it back."""
    denied = _add(session, ids["article"], "Russia did not withdraw troops",
                  dt.date(2021, 12, 14), dt.date(2021, 12, 14), "day", type_=None)
    denied.modality = "negated"
    session.flush()
    default = _summaries(timeline_page(session, TimelineFilters(), with_density=False))
    every = _summaries(timeline_page(session, TimelineFilters.from_query(None, None, "any", None, None, None, None),
                                     with_density=False))
    only = _summaries(timeline_page(session, TimelineFilters(modality="negated"), with_density=False))
    assert "Russia did not withdraw troops" not in default
    assert "Russia did not withdraw troops" in every and only == ["Russia did not withdraw troops"]
    assert set(every) - set(default) == {"Russia did not withdraw troops"}
