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


# --- events are clauses (seed article and the CC BY Wikinews samples) ----------------------------------------

from app.extract.records import MODALITIES, MOODS  # noqa: E402

NOT_CONTENT = {"to", "be", "have", "do", "will", "would", "can", "could", "may", "might", "shall", "should", "must"}


def _one(events, lemma, sentence_part=""):
    found = [e for e in events if e.lemma == lemma and sentence_part in e.sentence]
    assert found, f"no {lemma!r} event in {[(e.lemma, e.summary) for e in events]}"
    return found[0]


@pytest.mark.slow
def test_every_event_locates_its_trigger(seed_record, seed_text):
    for e in seed_record.events:
        assert e.modality in MODALITIES and e.mood in MOODS
        assert e.trigger_start is not None and e.trigger_end is not None
        assert e.start <= e.trigger_start < e.trigger_end <= e.end
        assert e.id == f"e-{e.id.split('-')[1]}-{e.lemma}"
        assert e.lemma not in NOT_CONTENT and e.lemma.isalpha()
        if e.quote_index is not None:
            q = seed_record.quotes[e.quote_index]
            assert q.start <= e.trigger_start < q.end
            assert e.reported_by == q.speaker


@pytest.mark.slow
def test_seed_clause_summary_reads_as_a_sentence(seed_record):
    rec = seed_record
    ev = _one(rec.events, "present", "Russian officials presented")
    assert ev.summary == "Russia presented the draft treaty to the US and NATO"
    assert rec_text(rec)[ev.trigger_start:ev.trigger_end] == "presented"
    respond = _one(rec.events, "respond", "preparing to respond")
    assert respond.summary.startswith("Biden administration will respond to Russia")


def rec_text(rec):
    from pathlib import Path
    return (Path(__file__).parent / "fixtures" / "russia-nato-talks.txt").read_text(encoding="utf-8")


@pytest.mark.slow
def test_seed_condition_and_demand_are_not_asserted(seed_record):
    rec = seed_record
    withdraw = _one(rec.events, "withdraw", "if the Kremlin agrees")
    assert withdraw.mood == "conditional" and withdraw.modality == "possible"
    accept = _one(rec.events, "accept", "should not expect")
    assert accept.mood == "demanded" and accept.modality != "asserted"
    assert accept.type != "AGREE"
    deploy = _one(rec.events, "deploy", "would require the military alliance")
    assert deploy.mood == "demanded" and deploy.modality == "negated"
    ban = _one(rec.events, "ban", "banning further expansion")
    assert ban.mood == "proposed" and _name(rec, ban.source_actor) != "NATO"


@pytest.mark.slow
def test_seed_list_is_no_event(seed_record):
    """'Those countries include Poland, Hungary, …' reports no act: a list on a verb of being or containing is
    no event, not even an untyped sentence event."""
    assert not [e for e in seed_record.events if "Those countries include" in e.sentence]


@pytest.mark.slow
def test_a_copula_sentence_is_no_event(extractor):
    """Wikinews (CC BY 2.5), 'Boeing unveils long-range 777', 2005-02-17: 'EVA Airways is the other launch
    customer' names an actor but tells no happening; the sentence beside it does."""
    import datetime as dt

    text = ("The first of the new airliner will be delivered to Pakistan International Airlines in January 2006.\n"
            "EVA Airways is the other launch customer.")
    events = extractor.extract(text, published=dt.date(2005, 2, 17)).events
    assert [e.lemma for e in events] == ["deliver"]


@pytest.mark.slow
def test_seed_quote_keeps_its_speaker(seed_record):
    rec = seed_record
    weigh = _one(rec.events, "weigh", "We will weigh our concerns")
    assert weigh.reported_by == "jake-sullivan" and weigh.quote_index is not None
    assert weigh.mood == "planned"
    assert "Russia" in {_name(rec, t) for t in weigh.target_actors}
    said = _one(rec.events, "say", "Jake Sullivan said")
    assert _name(rec, said.source_actor) == "Jake Sullivan" and said.reported_by is None


@pytest.mark.slow
def test_seed_coordinated_subject(seed_record):
    rec = seed_record
    react = _one(rec.events, "react", "have reacted")
    assert _name(rec, react.source_actor) == "United States"
    assert "NATO" in {_name(rec, t) for t in react.target_actors}
    assert react.summary.startswith("United States and NATO have reacted")


@pytest.mark.slow
@pytest.mark.parametrize("text, lemma, source, target", [
    # relative clause: the noun it modifies is the agent
    ("A test flight of the new Airbus A380 superjumbo was delayed today after a superficial accident at "
     "Suvarnabhumi Airport, which serves Bangkok, Thailand.", "serve", "Suvarnabhumi Airport", None),
    # between-phrase names the counterparts
    ("That contract was fought for between Boeing and Lockheed Martin, Lockheed ultimately winning the contest.",
     "fight", None, "Lockheed"),
    # a nominal event on its own arguments
    ("Emails exchanged among United States Air Force officials regarding a USD$23 billion dollar deal with aircraft "
     "manufacturer Boeing have been entered into the public record.", "deal", None, "Boeing"),
])
def test_wikinews_clause_arguments(extractor, text, lemma, source, target):
    rec, events = _events(extractor, text, published=dt.date(2008, 3, 1))
    ev = _one(events, lemma)
    if source:
        assert _name(rec, ev.source_actor) == source
    if target:
        assert any(target in (_name(rec, t) or "") for t in ev.target_actors)


@pytest.mark.slow
@pytest.mark.parametrize("text, published, lemma, part, source, date", [
    # an apposition names the subject, not its possessive owner
    ("Boeing 787 Dreamliner makes maiden flight\n\nBoeing's newest commercial aircraft, the 787 \"Dreamliner\", "
     "made its first test flight Tuesday in Everett, Washington at 18:00 UTC.", dt.date(2009, 12, 16),
     "flight", "newest", "Boeing 787 Dreamliner", "2009-12-15"),
    # "the airline" stands for the airline named before
    ("China Eastern Airlines to purchase twenty new Airbus A320 jets\n\nChina Eastern Airlines stated on Thursday "
     "that it had signed a contract to purchase a score of Airbus A320 passenger jets for 9.9 billion yuan (about "
     "US$ 1.4 billion). The airline, which is the third largest in China, signed the agreement in Paris on June 15.",
     dt.date(2009, 6, 18), "sign", "Paris", "China Eastern Airlines", "2009-06-15"),
])
def test_a_reference_names_the_subject(extractor, text, published, lemma, part, source, date):
    """Wikinews (CC BY 2.5): 'Boeing 787 "Dreamliner" makes maiden flight' and 'China Eastern Airlines to purchase
    twenty new Airbus A320 jets'."""
    rec, events = _events(extractor, text, published=published)
    ev = _one(events, lemma, part)
    assert _name(rec, ev.source_actor) == source
    assert ev.date == date


@pytest.mark.slow
def test_the_plane_stands_for_the_product_named_before(extractor):
    """Wikinews (CC BY 2.5), 'First Airbus A380 delivered', 2007-10-15."""
    text = ("First Airbus A380 delivered\n\nThe first A380 superjumbo, made by Airbus, was delivered today to "
            "Singapore Airlines (SIA) 18 months behind schedule. After the plane was delivered in Singapore, it was "
            "flown to Toulouse, France for the ceremony of about 500 guests.")
    rec, events = _events(extractor, text, published=dt.date(2007, 10, 15))
    delivered = _one(events, "deliver", "After the plane")
    assert "Airbus A380" in [_name(rec, t) for t in delivered.target_actors]


@pytest.mark.slow
def test_it_stands_for_the_subject_before_and_a_time_clause_of_a_future_is_planned(extractor):
    """Wikinews (CC BY 2.5), 'World's largest passenger airliner makes first flight', 2005-04-27."""
    text = ("World's largest passenger airliner makes first flight\n\nThe world's largest passenger aircraft, the "
            "Airbus A380, has made its maiden flight. The A380, known for many years during its development phase as "
            "the A3XX, will be the largest airliner in the world by a substantial margin when it enters service.")
    rec, events = _events(extractor, text, published=dt.date(2005, 4, 27))
    enters = _one(events, "enter")
    assert _name(rec, enters.source_actor) == "Airbus A380"
    assert enters.modality == "planned"
    assert enters.summary == "Airbus A380 will enter service"


@pytest.mark.slow
def test_an_opening_it_stands_for_nothing(extractor):
    text = "Airbus built the A380. It is expected that the Airbus 380 will wear the livery of Singapore Airlines."
    _rec, events = _events(extractor, text, published=dt.date(2005, 11, 5))
    expected = [e for e in events if e.lemma == "expect"]
    assert all(e.source_actor is None for e in expected)


@pytest.mark.slow
def test_wikinews_accident_is_no_assault(extractor):
    text = "The Airbus A330 jetliner crashed into the Atlantic Ocean in June, killing all 228 people on board."
    _, events = _events(extractor, text, published=dt.date(2009, 12, 1))
    kill = _one(events, "kill")
    assert kill.type is None
    assert "killed all 228 people on board" in kill.summary


@pytest.mark.slow
@pytest.mark.parametrize("text, expected", [
    ("Germany said that Iran must release the detained sailors.", "REQUEST"),
    ("Hungary announced that it will return the seized weapons to Serbia.", "AGREE"),
    ("The government plans to impose a curfew in the capital.", "THREATEN"),
    ("Turkey will close its border unless Syria withdraws its troops.", "THREATEN"),
])
def test_typing_from_the_clause(extractor, text, expected):
    _, events = _events(extractor, text)
    assert expected in _typed(events)


@pytest.mark.slow
def test_a_demand_of_a_protest_is_the_protest(extractor):
    _, events = _events(extractor, "Thousands of students blocked roads in the capital to demand new elections.")
    assert _typed(events) == {"PROTEST"}


@pytest.mark.slow
def test_the_message_of_a_protest_is_the_protest(extractor):
    _, events = _events(extractor, "Thousands of students marched through the capital to denounce the new law.")
    assert _typed(events) == {"PROTEST"}
    _, events = _events(extractor, "Thousands of students marched through the capital and denounced the new law.")
    assert _typed(events) == {"PROTEST", "ACCUSE"}   # a second act of its own, not the march's purpose


@pytest.mark.slow
def test_an_after_clause_beside_a_typed_act_is_the_scene(extractor):
    _, events = _events(extractor, "Rebels shelled the town after the army urged them to lay down their arms.")
    assert _typed(events) == {"ASSAULT"}
    _, events = _events(extractor, "After the army urged them to lay down their arms, the rebels went home.")
    assert _typed(events) == {"REQUEST"}   # no other typed act: the after-clause is the news


def _types_by_sentence(events):
    found: dict[int, set[str]] = {}
    for e in events:
        found.setdefault(e.start, set()).update([e.type] if e.type else [])
    return found


@pytest.mark.slow
def test_type_gate_clears_the_unlikely_among_several_typed_events(seed_text):
    from app.extract.events import EventSettings, find_events
    from app.extract.pipeline import ArticleInput, build_nlp, make_doc

    nlp = build_nlp()
    doc = nlp(make_doc(nlp, ArticleInput(id="seed", text=seed_text)))
    rules_only = find_events(doc, EventSettings(type_gate="off"))
    clause = "especially if the Kremlin agrees to withdraw some troops"
    on = {e.trigger: e.type for e in doc._.dl_events if clause in e.sentence}
    off = {e.trigger: e.type for e in rules_only if clause in e.sentence}
    assert off["agrees to withdraw"] == "AGREE" and off["willing to negotiate"] == "AGREE"
    assert on["agrees to withdraw"] is None      # a condition set for talks, not an agreement
    assert on["willing to negotiate"] == "AGREE"
    # the gate only chooses among a sentence's typed events: no sentence loses all of them
    gated, rules = _types_by_sentence(doc._.dl_events), _types_by_sentence(rules_only)
    assert all(gated[s] for s, types in rules.items() if types)
    assert all(gated[s] <= types for s, types in rules.items())


def test_type_gate_weights_hold_features_and_numbers_only():
    import json

    from app.extract.events.confidence import FEATURE_VERSION, GATE_PATH, load_gate

    data = json.loads(GATE_PATH.read_text(encoding="utf-8"))
    assert set(data) == {"feature_version", "threshold", "training", "weights"}
    assert data["feature_version"] == FEATURE_VERSION and 0 < data["threshold"] < 1
    assert all(" " not in f and len(f) < 60 and isinstance(w, float) for f, w in data["weights"].items())
    assert load_gate("off") is None and load_gate() is not None


def test_an_event_noun_about_a_product_is_a_nominal_event(extractor):
    # Wikinews 62929 and 61389: no actor is an argument of the delays, the A380 is
    text = ("Delays of the production of the A380 have cost Airbus more than 6 billion dollars. "
            "This move comes after well-publicized delays on its A380 super-jumbo commercial airliner.")
    _, events = _events(extractor, text, published=dt.date(2007, 3, 19))
    delays = [e for e in events if e.lemma == "delay"]
    assert [e.trigger for e in delays] == ["Delays", "delays"]
    assert all(e.id == f"e-{e.trigger_start}-delay" and not e.target_actors and e.source_actor is None
               for e in delays)


@pytest.mark.slow
def test_an_event_noun_that_happens_is_one_event_on_its_noun(extractor):
    # Wikinews 82548: the flight is what takes off; 'the flight was intended' retells an earlier flight
    text = ("The first flight will take off for a charity flight from Singapore to Sydney on October 25. "
            "The flight was intended to counteract criticisms.")
    _, events = _events(extractor, text, published=dt.date(2007, 10, 15))
    flights = [e for e in events if e.lemma == "flight"]
    assert flights[0].trigger == "flight will take off" and flights[0].id == f"e-{text.index('flight')}-flight"
    assert not [e for e in events if e.lemma == "take"]
    assert any(e.trigger == "flight" and e.start > 90 for e in flights)


@pytest.mark.slow
def test_a_past_perfect_is_not_dated_by_the_clause_that_reports_it(extractor):
    """Wikinews (CC BY 2.5), 'China Eastern Airlines to purchase twenty new Airbus A320 jets', 2009-06-18:
    the contract was signed before Thursday, the day it was stated; the signing's own date is the next sentence's."""
    text = ("China Eastern Airlines stated on Thursday that it had signed a contract to purchase a score of Airbus "
            "A320 passenger jets for 9.9 billion yuan. The airline signed the agreement in Paris on June 15.")
    _, events = _events(extractor, text, published=dt.date(2009, 6, 18))
    stated = next(e for e in events if e.lemma == "state")
    signed = [e for e in events if e.lemma == "sign"]
    assert stated.date_text == "Thursday" and stated.date == "2009-06-18"
    assert [e.date_text for e in signed] == [None, "June 15"] and signed[1].date == "2009-06-15"


@pytest.mark.slow
def test_a_flight_made_is_the_flights_event(extractor):
    """Wikinews (CC BY 2.5), 'First A380 enters commercial service', 2007-10-17: 'make' is no happening of
    its own; the event is the flight, with the A380 that makes it."""
    text = "The A380 will make a special charity flight on October 25 from Singapore to Sydney."
    _, events = _events(extractor, text, published=dt.date(2007, 10, 17))
    assert [(e.lemma, e.date, e.mood) for e in events] == [("flight", "2007-10-25", "planned")]


@pytest.mark.slow
@pytest.mark.parametrize(("text", "lemma"), [
    # Wikinews (CC BY 2.5), 'A380 makes maiden flight to US', 2007-03-19: a product named as the one travelling
    ("The Airbus A380, the world's largest passenger plane, was set to land in the United States of America on "
     "Monday after a test flight.\nA second A380 is also travelling to the U.S. on Monday, but without "
     "passengers.", "travel"),
    # 'Boeing rolls out first 787 Dreamliner to go into service', 2011-08-08: a noun standing for the aircraft
    ("The plane promises increased fuel efficiency as it is the first model to be built out of plastic and carbon "
     "composites.", "promise"),
])
def test_a_machine_makes_no_visit_and_no_pledge(extractor, text, lemma):
    """An aircraft flying somewhere is no CONSULT and its 'promises' no AGREE: PLOVER's acts need a political
    agent. The event stays, untyped."""
    events = [e for e in extractor.extract(text, published=dt.date(2007, 3, 19)).events if e.lemma == lemma]
    assert events and all(e.type is None for e in events)


@pytest.mark.slow
def test_a_deal_killed_or_a_contract_fought_for_is_no_violence(extractor):
    """Wikinews (CC BY 2.5), 'Internal emails expose Boeing-Air Force contract discussions' (2004-11-24) and
    'Northrop Grumman and Airbus parent EADS defeat Boeing …' (2008-03-01): 'kill' and 'fight' on a deal or a
    contract are a rejection and a competition, not ASSAULT; the passive keeps its voice in the headline."""
    text = ("Congressional lawmakers rejected the proposal in October, although industry experts say the deal had "
            "been killed by the Pentagon because of reports stating that the deal had favored Boeing.\n"
            "That contract was fought for between Boeing and Lockheed Martin, Lockheed ultimately winning the contest.")
    events = extractor.extract(text, published=dt.date(2004, 11, 24)).events
    killed = next(e for e in events if e.lemma == "kill")
    assert killed.type == "REJECT"
    assert killed.summary.startswith("the deal had been killed by Pentagon")
    assert all(e.type != "ASSAULT" for e in events)
