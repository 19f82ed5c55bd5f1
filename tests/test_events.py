"""Events: PLOVER typing, actors, modality, dating and places, on the seed article and sentences of our own."""

from __future__ import annotations

import datetime as dt

import pytest

from app.extract.events.arguments import demonym
from app.extract.events.lexicon import load_lexicon
from app.vocab import PLOVER_TYPES

PUB = dt.date(2024, 3, 6)  # a Wednesday


def test_lexicon_types_are_plover_2021():
    lex = load_lexicon()
    assert len(lex) > 200
    types = {r.type for rules in lex.values() for r in rules if r.type}
    assert types <= set(PLOVER_TYPES)
    # every PLOVER 0.8 category has at least one trigger
    assert types == set(PLOVER_TYPES)
    assert lex[("meet", "V")][0].type == "CONSULT"
    assert any(r.type == "MOBILIZE" for r in lex[("send", "V")])


def test_demonym_matches_country_actor_stem():
    countries = [("russia", "russia"), ("china", "china"), ("niger", "niger"), ("nigeria", "nigeria")]
    assert demonym("russian", countries) == "russia"
    assert demonym("chinese", countries) == "china"
    assert demonym("nigerian", countries) == "nigeria"
    assert demonym("french", countries) is None


def _events(extractor, text, published=PUB):
    rec = extractor.extract(text, published=published)
    for e in rec.events:
        assert text[e.start:e.end] == e.sentence
    return rec, rec.events


def _typed(events):
    return {e.type for e in events if e.type}


def _name(rec, actor_id):
    return next((a.name for a in rec.actors if a.id == actor_id), None)


@pytest.mark.slow
@pytest.mark.parametrize("text, expected", [
    ("Police arrested three opposition leaders in Minsk on Monday.", "COERCE"),
    ("The foreign ministers of Japan and South Korea met in Tokyo on Tuesday.", "CONSULT"),
    ("Germany condemned the missile attack on Kyiv.", "ACCUSE"),
    ("Thousands of farmers protested outside the parliament in Paris on Monday.", "PROTEST"),
    ("Iran refused to release the detained sailors.", "REJECT"),
    ("The government agreed to lift the curfew.", "AGREE"),
    ("Rebels shelled the outskirts of the city overnight.", "ASSAULT"),
    ("Japan pledged to provide $50 million in humanitarian aid to Turkey.", "AGREE"),
    ("Opposition leaders demanded the release of all political prisoners.", "REQUEST"),
    ("North Korea threatened to strike US bases in Guam.", "THREATEN"),
    ("Ukraine ratified the agreement with the European Union on Tuesday.", "SUPPORT"),
    ("Canada expelled two Russian diplomats on Friday.", "SANCTION"),
])
def test_typing(extractor, text, expected):
    _, events = _events(extractor, text)
    assert expected in _typed(events)


@pytest.mark.slow
def test_verbal_act_swallows_the_event_it_talks_about(extractor):
    _, events = _events(extractor, "Germany condemned the missile attack on Kyiv.")
    assert _typed(events) == {"ACCUSE"}


@pytest.mark.slow
def test_complement_with_its_own_subject_is_not_folded(extractor):
    _, events = _events(extractor, "Analysts said that Moscow should not expect Washington to accept its demands.")
    assert not any(e.trigger and "expect" in e.trigger and "accept" in e.trigger for e in events)
    accept = [e for e in events if e.lemma == "accept"]
    assert accept and accept[0].mood == "demanded" and accept[0].modality != "asserted"


@pytest.mark.slow
def test_actors_place_and_date(extractor):
    text = "Police arrested three opposition leaders in Minsk on Monday."
    _rec, events = _events(extractor, text)
    ev = next(e for e in events if e.type == "COERCE")
    assert ev.place and "Minsk" in ev.place
    assert ev.date == "2024-03-04"
    assert ev.date_text == "Monday"
    assert ev.modality == "asserted"
    assert ev.trigger == "arrested"


@pytest.mark.slow
def test_source_and_targets(extractor):
    rec, events = _events(extractor, "China sent warships to the South China Sea. Germany condemned Russia.")
    mob = next(e for e in events if e.type == "MOBILIZE")
    assert _name(rec, mob.source_actor) == "China"
    acc = next(e for e in events if e.type == "ACCUSE")
    assert _name(rec, acc.source_actor) == "Germany"
    assert [_name(rec, t) for t in acc.target_actors] == ["Russia"]


@pytest.mark.slow
@pytest.mark.parametrize("text, modality", [
    ("Turkey did not send troops to Syria.", "negated"),
    ("The two foreign ministers will meet in Geneva next week.", "planned"),
    ("Russia may invade Ukraine in the coming months.", "possible"),
    ("If talks fail, the rebels could attack the capital.", "possible"),
    ("Rebels attacked the capital on Sunday.", "asserted"),
])
def test_modality(extractor, text, modality):
    _, events = _events(extractor, text)
    typed = [e for e in events if e.type]
    assert typed and typed[-1].modality == modality


@pytest.mark.slow
def test_future_week_keeps_its_precision(extractor):
    _, events = _events(extractor, "The two foreign ministers will meet in Geneva next week.")
    ev = next(e for e in events if e.type == "CONSULT")
    assert ev.date == "2024-W11"
    assert ev.place == "Geneva"


@pytest.mark.slow
def test_ids_are_stable(extractor):
    text = "Rebels attacked the capital on Sunday. Police arrested the leaders."
    _, first = _events(extractor, text)
    _, again = _events(extractor, text)
    assert [e.id for e in first] == [e.id for e in again]
    assert len({e.id for e in first}) == len(first) >= 2


@pytest.mark.slow
def test_seed_article_events(seed_record, seed_text):
    rec = seed_record
    events = rec.events
    for e in events:
        assert seed_text[e.start:e.end] == e.sentence
    presented = [e for e in events if "presented the draft treaty" in e.sentence and e.date == "2021-12-15"]
    assert presented and _name(rec, presented[0].source_actor) == "Russia"
    assert {_name(rec, t) for t in presented[0].target_actors} >= {"United States", "NATO"}
    released = [e for e in events if e.date == "2021-12-17" and "released the document" in e.sentence]
    assert released and _name(rec, released[0].source_actor) == "Russia"
    drills = [e for e in events if "exercises" in e.sentence and e.date == "2021-12-14"]
    assert drills and drills[0].type == "MOBILIZE"
    assert "Kadamovskiy" in (drills[0].place or "")
    assert _name(rec, drills[0].source_actor) == "Russia"
    sullivan = [e for e in events if "Council on Foreign Relations" in e.sentence and e.date == "2021-12-17"]
    assert any(_name(rec, e.source_actor) == "Jake Sullivan" for e in sullivan)
    respond = [e for e in events if "preparing to respond" in e.sentence and e.trigger == "respond"]
    assert respond and respond[0].modality == "planned" and respond[0].date == "2021-W51"
    assert respond[0].date_text == "next week"
    assert _name(rec, respond[0].source_actor) in ("United States", "Biden administration")
