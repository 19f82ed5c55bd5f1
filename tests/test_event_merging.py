"""One event per happening inside an article, and the same event across articles, with reasons in words.

Real sentences: the seed article (tests/fixtures/russia-nato-talks.txt) and the CC BY Wikinews samples
(samples/wikinews-airlines.jsonl). Records are built by hand, in the clause extractor's shape (lemma, mood,
trigger offsets), so these tests run without spaCy.
"""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select
from support.dreamliner import actor_record as actor

from app.consolidate import consolidate_article
from app.consolidate.senses import sense_of
from app.extract.records import Actor, Extraction, Timex
from app.extract.records import Event as EventRecord
from app.models import Event, EventSource, MergeRecord
from app.queries.events import event_page, shown_trigger
from app.store import ArticleMeta, store_article

pytestmark = pytest.mark.db

# the seed article: the treaty presented on December 15 (told twice), released on December 17
REACTED = ("The US and NATO have reacted to a draft treaty presented to them by the Russian Foreign Ministry earlier "
           "this week and made public on December 17.")
PRESENTED = ("Russian officials presented the draft treaty to the US and NATO on December 15 but then unexpectedly "
             "released the document on December 17, before the treaty's supposed partners had time to respond.")
SEED = f"Russia staged failed US-NATO talks to create an excuse to invade Ukraine\n{REACTED}\n{PRESENTED}"
# wikinews-100911 and wikinews-102977: EADS and Northrop Grumman defeat Boeing for the tanker contract
DEFEAT_A = ("Northrop Grumman and Airbus parent company European Aeronautic Defence and Space Company EADS N.V. (EADS) "
            "have unexpectedly defeated Boeing for a US$40 billion contract to supply the United States Air Force.")
DEFEAT_B = ("Last month, Northrop Grumman and EADS defeated Boeing to win a massive order for 179 tankers from the "
            "United States Air Force.")
# wikinews-73808 (2007) and wikinews-145930 (2009): the same words, two claims years apart
CLAIM_A = ("Boeing claims that the resulting reduction of weight compared to the traditional aluminium will offer "
           "enhanced fuel efficiency, benefiting both operators and the environment.")
CLAIM_B = "Boeing claims that the new 290 + seat wide-body, twin engine jetliner is more fuel efficient."


def clause(text: str, sentence: str, word: str, lemma: str, source: str | None, targets: list[str],
           date: str | None = None, date_text: str | None = None, type_: str | None = None,
           mood: str = "asserted") -> EventRecord:
    start = text.index(sentence)
    at = start + sentence.index(word)
    return EventRecord(id=f"e-{at}-{lemma}", date=date, type=type_, modality="asserted", source_actor=source,
                  target_actors=targets, place=None, summary=f"{source} {word}", sentence=sentence, start=start,
                  end=start + len(sentence), date_text=date_text, trigger=word, trigger_start=at,
                  trigger_end=at + len(word), mood=mood, lemma=lemma)


def store(session, ident: str, text: str, published: dt.date, actors: list[Actor], events: list[EventRecord],
          timexes: list[Timex] = ()):
    extraction = Extraction(id=ident, title=None, source=None, published=published.isoformat(),
                            published_inferred=False, actors=actors, events=events, timexes=list(timexes),
                            pipeline_version="test")
    article = store_article(session, ArticleMeta(text=text, external_id=ident, published=published), extraction)
    consolidate_article(session, article)
    return article


def seed(session):
    russia = actor("russia", "Russia", "country", SEED, "Russia", "Russian Foreign Ministry", "Russian officials")
    us = actor("united-states", "United States", "country", SEED, "US")
    nato = actor("nato", "NATO", "organization", SEED)
    ukraine = actor("ukraine", "Ukraine", "country", SEED)
    events = [
        clause(SEED, "Russia staged failed US-NATO talks to create an excuse to invade Ukraine", "invade", "invade",
               "russia", ["ukraine"], "2021-12-17", mood="possible"),
        clause(SEED, REACTED, "reacted", "react", "united-states", ["russia"], "2021-12-17"),
        clause(SEED, REACTED, "presented", "present", "russia", ["united-states", "nato"], "2021-W50",
               "earlier this week"),
        clause(SEED, REACTED, "made public", "make", "russia", [], "2021-12-17", "December 17"),
        clause(SEED, PRESENTED, "presented", "present", "russia", ["united-states", "nato"], "2021-12-15",
               "December 15", "CONSULT"),
        clause(SEED, PRESENTED, "released", "release", "russia", [], "2021-12-17", "December 17"),
    ]
    return store(session, "russia-nato-talks", SEED, dt.date(2021, 12, 17), [russia, us, nato, ukraine], events)


def live_events(session, article_id: int) -> list[Event]:
    return list(session.scalars(select(Event).where(Event.article_id == article_id, Event.merged_into_id.is_(None))
                                .order_by(Event.start, Event.id)))


def test_presented_twice_is_one_event_and_released_stays_its_own(session):
    article = seed(session)
    events = live_events(session, article.id)
    by_trigger = {e.trigger: e for e in events}
    presented = by_trigger["presented"]
    sentences = [s.sentence for s in presented.sources]
    assert sorted(sentences) == sorted([REACTED, PRESENTED])  # each sentence once, both report it
    assert presented.first_day == dt.date(2021, 12, 15) and presented.type == "CONSULT"
    assert "released" in by_trigger and "made public" in by_trigger  # never merged with 'presented'
    assert by_trigger["released"].sources[0].sentence == PRESENTED
    record = session.scalar(select(MergeRecord).where(MergeRecord.kind == "event",
                                                      MergeRecord.survivor_id == presented.id))
    assert record.reason["same_action"] == sense_of("present")
    assert record.reason["words"].startswith("the same article tells it again, same action 'present'")
    assert "Russia" in record.reason["words"] and "United States" in record.reason["words"]


def test_two_clauses_of_one_sentence_are_two_events(session):
    article = seed(session)
    released = next(e for e in live_events(session, article.id) if e.trigger == "released")
    assert {s.key for s in released.sources} == {f"e-{SEED.index(PRESENTED) + PRESENTED.index('released')}-release"}


def test_clause_fields_are_stored_from_the_record(session):
    article = seed(session)
    event = session.scalar(select(Event).where(Event.article_id == article.id, Event.trigger == "released"))
    at = SEED.index(PRESENTED) + PRESENTED.index("released")
    assert (event.trigger_start, event.trigger_end, event.lemma, event.mood) == (at, at + 8, "release", "asserted")
    assert event.sense == sense_of("release") and event.reported_by_id is None


def defeat(session):
    northrop_a = actor("northrop-grumman", "Northrop Grumman", "organization", DEFEAT_A)
    eads_a = actor("eads", "EADS", "organization", DEFEAT_A, "(EADS)")
    boeing_a = actor("boeing", "Boeing", "organization", DEFEAT_A)
    first = store(session, "wikinews-100911", DEFEAT_A, dt.date(2008, 3, 1), [northrop_a, eads_a, boeing_a],
                  [clause(DEFEAT_A, DEFEAT_A, "defeated", "defeat", "northrop-grumman", ["boeing", "eads"],
                          "2008-03-01")])
    month = DEFEAT_B.index("Last month")
    timex = Timex("Last month", month, month + 10, "DATE", "2008-02")
    northrop_b = actor("northrop-grumman", "Northrop Grumman", "organization", DEFEAT_B)
    eads_b = actor("eads", "EADS", "organization", DEFEAT_B)
    boeing_b = actor("boeing", "Boeing", "organization", DEFEAT_B)
    second = store(session, "wikinews-102977", DEFEAT_B, dt.date(2008, 3, 27), [northrop_b, eads_b, boeing_b],
                   [clause(DEFEAT_B, DEFEAT_B, "defeated", "defeat", "northrop-grumman", ["boeing", "eads"], "2008-02",
                           "Last month")], [timex])
    return first, second


def test_the_candidate_look_ups_are_filtered_inside_their_covering_indexes(session):
    """A busy actor's or a common action's crowded weeks are filtered in the index, never row by row
    (migration 0016): every events look-up of the second article's consolidation reads a covering index."""
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("SQLite's EXPLAIN QUERY PLAN")
    from sqlalchemy import event

    seen: list[tuple[str, object]] = []

    def keep(conn, cursor, statement, params, context, many) -> None:
        if "FROM events" in statement and "events.first_day >=" in statement and not many:
            seen.append((statement, params))

    engine = session.get_bind().engine
    event.listen(engine, "before_cursor_execute", keep)
    try:
        defeat(session)
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    conn = session.connection()
    plans = [" | ".join(str(r[-1]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params))
             for sql, params in seen]
    assert len(plans) >= 2
    assert any("ix_events_source_precision_first_day" in plan for plan in plans), plans
    assert any("ix_events_sense_precision_first_day" in plan for plan in plans), plans
    assert all("COVERING INDEX ix_events_s" in plan for plan in plans), plans


def test_the_same_defeat_in_two_articles_is_one_event_with_the_reason_in_words(session):
    first, second = defeat(session)
    survivor = session.scalar(select(Event).where(Event.article_id == first.id))
    assert survivor.merged_into_id is None and survivor.source_count == 2
    assert {s.article_id for s in survivor.sources} == {first.id, second.id}
    page = event_page(session, survivor.id)
    words = page["merges"][0]["words"]
    assert words == "same action 'defeat', same actors Northrop Grumman, EADS and Boeing, the date given fits"
    assert [e["sentence"] for e in page["evidence"]] == [DEFEAT_A, DEFEAT_B]


def test_the_same_words_years_apart_are_two_claims(session):
    for ident, text, day in (("wikinews-73808", CLAIM_A, dt.date(2007, 7, 9)),
                             ("wikinews-145930", CLAIM_B, dt.date(2009, 12, 16))):
        boeing = actor("boeing", "Boeing", "organization", text)
        store(session, ident, text, day, [boeing],
              [clause(text, text, "claims", "claim", "boeing", [], day.isoformat())])
    roots = session.scalars(select(Event).where(Event.lemma == "claim", Event.merged_into_id.is_(None))).all()
    assert len(roots) == 2


def test_a_plan_and_its_refusal_are_two_events(session):
    text = "Boeing will deliver the first 787 to ANA in May.\nBoeing will not deliver the first 787 to ANA in May."
    boeing = actor("boeing", "Boeing", "organization", text)
    ana = actor("ana", "ANA", "organization", text)
    first, second = text.split("\n")
    store(session, "plans", text, dt.date(2008, 1, 10), [boeing, ana],
          [clause(text, first, "deliver", "deliver", "boeing", ["ana"], "2008-01-10", mood="planned"),
           clause(text, second, "deliver", "deliver", "boeing", ["ana"], "2008-01-10", mood="negated")])
    assert session.scalar(select(MergeRecord.id).where(MergeRecord.kind == "event")) is None


def test_event_page_lists_each_sentence_once_and_shows_only_a_content_word_trigger(session):
    article = seed(session)
    released = next(e for e in live_events(session, article.id) if e.trigger == "released")
    released.sources.append(EventSource(article_id=article.id, key="e-0-legacy", sentence=PRESENTED,
                                        start=released.start, end=released.end))  # a database merged before
    released.trigger = "to"
    session.flush()
    page = event_page(session, released.id)
    assert [e["sentence"] for e in page["evidence"]] == [PRESENTED]
    assert page["event"]["trigger"] is None
    assert not any(p["mark"] for p in page["evidence"][0]["parts"])
    assert shown_trigger("released", PRESENTED) == "released"
    assert shown_trigger("invaded", PRESENTED) is None


def test_senses_meet_across_verb_and_noun_but_not_across_verbs():
    assert sense_of("deliver") == sense_of("delivery") == sense_of(None, "delivered") == sense_of(None, "Deliveries")
    assert sense_of("invade") == sense_of("invasion") == sense_of(None, "invaded")
    assert sense_of("agree") == sense_of("agreement") == sense_of(None, "agreed")
    assert sense_of("present") != sense_of("release")
    assert sense_of("attack") != sense_of("attach")


def test_event_page_says_why_in_words_and_shows_each_sentence_once(client, session):
    first, _ = defeat(session)
    survivor = session.scalar(select(Event).where(Event.article_id == first.id))
    session.commit()
    page = BeautifulSoup(client.get(f"/events/{survivor.id}-{survivor.slug}").text, "html.parser")
    assert "same action 'defeat', same actors Northrop Grumman, EADS and Boeing" in page.select_one(".merges").get_text()
    shown = [q.get_text() for q in page.select(".evidence blockquote")]
    assert shown == [DEFEAT_A, DEFEAT_B]
    assert [m.get_text() for m in page.select(".evidence mark")] == ["defeated", "defeated"]


def test_a_claim_names_who_makes_it_and_its_reading_on_the_event_page(client, session):
    said = ("Meanwhile, Jeffrey Edmonds of the CNA Institute for Security Studies, said Russia may be orchestrating "
            "the talks to fail, thereby creating a pretext for an invasion of Ukraine.")
    text = SEED[:SEED.index("\n")] + "\n" + said
    russia = actor("russia", "Russia", "country", text, "Russia")
    edmonds = actor("jeffrey-edmonds", "Jeffrey Edmonds", "person", text)
    event = clause(text, said, "orchestrating", "orchestrate", "russia", [], "2021-12-17", mood="possible")
    event.reported_by, event.summary = "jeffrey-edmonds", "Russia may be orchestrating the talks"
    article = store(session, "edmonds", text, dt.date(2021, 12, 17), [russia, edmonds], [event])
    row = session.scalar(select(Event).where(Event.article_id == article.id, Event.lemma == "orchestrate"))
    session.commit()
    page = BeautifulSoup(client.get(f"/events/{row.id}-{row.slug}").text, "html.parser")
    assert page.select_one("h1").get_text() == "Russia may be orchestrating the talks"
    assert "A claim by Jeffrey Edmonds" in page.select_one(".lede").get_text()
    assert page.select_one(".kicker .modality").get_text() == "possible"
    assert row.slug.startswith("russia-may-be-orchestrating-the-talks")   # the slug follows the title
    data = client.get(f"/events/{row.id}.json").json()
    assert data["event"]["reported_by"]["name"] == "Jeffrey Edmonds" and data["event"]["mood"] == "possible"


DELAYS_A = "This move comes after well-publicized delays on its A380 super-jumbo commercial airliner."
DELAYS_B = "Delays of the production of the A380 have cost Airbus more than 6 billion dollars."


def test_undated_reports_of_a_products_delays_in_two_articles_are_one_event(session):
    # Wikinews 61389 and 62929: neither names who delayed, both name the A380 and neither dates the delays
    for ident, text, word, day in (("wikinews-61389", DELAYS_A, "delays", dt.date(2007, 2, 28)),
                                   ("wikinews-62929", DELAYS_B, "Delays", dt.date(2007, 3, 19))):
        store(session, ident, text, day, [], [clause(text, text, word, "delay", None, [], day.isoformat())])
    roots = session.scalars(select(Event).where(Event.lemma == "delay", Event.merged_into_id.is_(None))).all()
    assert len(roots) == 1
    words = event_page(session, roots[0].id)["merges"][0]["words"]
    assert words == "same action 'delay', the same A380, neither report dates it"


def test_a_products_undated_report_does_not_reach_back_past_a_year(session):
    for ident, text, word, day in (("wikinews-61389", DELAYS_A, "delays", dt.date(2007, 2, 28)),
                                   ("wikinews-62929", DELAYS_B, "Delays", dt.date(2008, 3, 19))):
        store(session, ident, text, day, [], [clause(text, text, word, "delay", None, [], day.isoformat())])
    roots = session.scalars(select(Event).where(Event.lemma == "delay", Event.merged_into_id.is_(None))).all()
    assert len(roots) == 2


def test_a_participle_tells_the_days_news_not_a_products_undated_happening(session):
    # Wikinews 25501 (the tour's departure delayed, 2005) and 51682 (the delivery delays, 2006): two delays
    departure = ("The departure from France of the new Airbus A380 superjumbo airliner on a tour of Asia and "
                 "Australia has been delayed, leading to a rearrangement of its public appearances.")
    delivery = ("Singapore Airlines says that it will be compensated by Airbus for the additional delay in delivery "
                "of its new superjumbo A380's.")
    store(session, "wikinews-25501", departure, dt.date(2005, 11, 5), [],
          [clause(departure, departure, "delayed", "delay", None, [], "2005-11-05")])
    store(session, "wikinews-51682", delivery, dt.date(2006, 10, 5), [],
          [clause(delivery, delivery, "delay", "delay", None, [], "2006-10-05")])
    roots = session.scalars(select(Event).where(Event.lemma == "delay", Event.merged_into_id.is_(None))).all()
    assert len(roots) == 2


def test_a_plan_for_a_month_meets_its_act_on_a_day_of_that_month(session):
    # Wikinews 62929 (2007-03-19) and 82548 (2007-10-15): the deliveries due in October, then the delivery
    due = "Deliveries to Singapore Airlines, its launch customer, are not due until October - two years late."
    done = "The first A380 superjumbo, made by Airbus, was delivered today to Singapore Airlines (SIA)."
    sia_a = actor("singapore-airlines", "Singapore Airlines", "organization", due)
    store(session, "wikinews-62929", due, dt.date(2007, 3, 19), [sia_a],
          [clause(due, due, "Deliveries", "delivery", None, ["singapore-airlines"], "2007-10", "October",
                  mood="planned")])
    sia_b = actor("singapore-airlines", "Singapore Airlines", "organization", done)
    store(session, "wikinews-82548", done, dt.date(2007, 10, 15), [sia_b],
          [clause(done, done, "delivered", "deliver", None, ["singapore-airlines"], "2007-10-15", "today")])
    roots = session.scalars(select(Event).where(Event.sense == "deliver", Event.merged_into_id.is_(None))).all()
    assert len(roots) == 1


def test_a_headline_on_a_light_verb_sums_up_the_sentence_by_its_event_noun(session):
    # Wikinews 145930: 'makes maiden flight' and 'made its first test flight Tuesday' share the flight
    head = "Boeing 787 Dreamliner makes maiden flight"
    body = ("Boeing's newest commercial aircraft, the 787 Dreamliner, made its first test flight Tuesday in "
            "Everett, Washington at 18:00 UTC.")
    text = head + "\n" + body
    boeing = actor("boeing", "Boeing", "organization", text)
    tuesday = text.index("Tuesday")
    store(session, "wikinews-145930", text, dt.date(2009, 12, 16), [boeing],
          [clause(text, head, "makes", "make", "boeing", [], "2009-12-16"),
           clause(text, body, "made", "make", "boeing", [], "2009-12-15", "Tuesday")],
          [Timex("Tuesday", tuesday, tuesday + 7, "DATE", "2009-12-15")])
    roots = session.scalars(select(Event).where(Event.merged_into_id.is_(None), Event.removed_at.is_(None))).all()
    assert len(roots) == 1 and roots[0].date_value == "2009-12-15"


def test_a_products_timeline_holds_the_sentences_that_call_it_the_aircraft(session):
    # Wikinews 3307: the A380 is named in the lead, then called 'the aircraft'; the 747 sentence is not it
    from app.queries.actor_timeline import actor_timeline

    lead = "Airbus unveiled plans for the A380, a twin-deck aircraft that can carry up to 840 people."
    rival = "The new aircraft will take the world's largest title away from rival Boeing's 747."
    orders = "To date, 149 confirmed orders for the aircraft have been received."
    design = "Boeing's upcoming new design does not attempt to compete directly with the A380."
    text = "\n".join([lead, rival, orders, design])
    store(session, "wikinews-3307", text, dt.date(2005, 1, 18), [],
          [clause(text, lead, "unveiled", "unveil", None, [], "2005-01-18"),
           clause(text, rival, "take", "take", None, [], "2005-01-18"),
           clause(text, orders, "received", "receive", None, [], "2005-01-18"),
           clause(text, design, "compete", "compete", None, [], "2005-01-18")])
    sentences = {s.sentence for e in actor_timeline(session, "Airbus A380") for s in e.sources}
    assert sentences == {lead, orders, design}


def test_an_articles_events_are_compared_only_where_the_same_article_rule_could_match():
    from types import SimpleNamespace

    from app.consolidate.event_match import EventView
    from app.consolidate.events import _own_meetings
    from app.consolidate.senses import is_light

    said = sense_of("say")
    assert is_light(said)
    # the seed article: a headline on the talks, the treaty presented twice, released once, two 'said' clauses
    told = [("talk", True), ("present", False), ("release", False), ("present", False), ("say", False),
            ("say", False)]
    events = [SimpleNamespace(id=n) for n in range(1, len(told) + 1)]
    views = {e.id: EventView(event=e, sense=sense_of(word), source=None, arguments=set(), named=set(),
                             senses=frozenset(), mood="asserted", explicit_date=False, first=None, last=None,
                             precision=None, headline=headline)
             for e, (word, headline) in zip(events, told, strict=True)}
    meets = _own_meetings(events, views)
    assert meets[1] == [2, 3, 4, 5, 6]  # the headline may sum up any sentence
    assert meets[2] == [1, 4] and meets[4] == [1, 2]  # the same action told twice
    assert meets[3] == [1]  # released: only the headline could retell it
    assert meets[5] == [1] and meets[6] == [1]  # a light verb is no shared action
