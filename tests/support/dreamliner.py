"""Two real Wikinews reports of the Boeing 787 unveiling (CC BY 2.5, see samples/README.md) as stored
extractions: the same story, the same quote, one speaker named two ways. Used by the consolidation and
timeline-command tests."""

from __future__ import annotations

import datetime as dt

from app.consolidate import consolidate_article
from app.extract.records import Actor, Event, Extraction, Mention, Quote
from app.store import ArticleMeta, store_article

UNVEIL_A = ("Aircraft manufacturer Boeing have unveiled their new 787 Dreamliner at their Everett Factory near "
            "Seattle, Washington, in the United States.")
UNVEIL_B = "Boeing unveiled its new 787 Dreamliner at its Everett factory near Seattle on Sunday."
CARSON_QUOTE = ("This has been a wonderful and exciting day to celebrate this breakthrough airplane with our "
                "customers, employees, supplier partners and our communities.")
CARSON_A = f"Scott Carson, president and CEO of Boeing Commercial Airplanes said, “{CARSON_QUOTE}”"
CARSON_B = ("“This has been a wonderful and exciting day to celebrate this breakthrough airplane with our customers, "
            "employees, suppliers and our communities,” Carson said.")


def actor_record(ident: str, name: str, kind: str, text: str, *surfaces: str, aliases: list[str] | None = None) -> Actor:
    mentions = []
    for surface in surfaces or (name,):
        start = text.find(surface)
        while start >= 0:
            mentions.append(Mention(start, start + len(surface), surface))
            start = text.find(surface, start + 1)
    return Actor(id=ident, name=name, kind=kind, aliases=aliases or [], mentions=mentions)


def _event(ident: str, text: str, sentence: str, trigger: str, type_: str, date: str | None,
           source: str | None, targets: list[str]) -> Event:
    start = text.index(sentence)
    return Event(id=ident, date=date, type=type_, modality="asserted", source_actor=source,
                 target_actors=targets, place=None, summary=f"{trigger} 787 Dreamliner", sentence=sentence,
                 start=start, end=start + len(sentence), date_text=None, trigger=trigger)


def _store(session, ident: str, text: str, published: dt.date, actors, events, quotes=()):
    extraction = Extraction(id=ident, title=None, source=None, published=published.isoformat(),
                            published_inferred=False, actors=list(actors), events=list(events),
                            quotes=list(quotes), pipeline_version="test")
    article = store_article(session, ArticleMeta(text=text, external_id=ident, published=published), extraction)
    consolidate_article(session, article)
    return article


def _article_a(session):
    text = f"{UNVEIL_A}\n{CARSON_A}"
    boeing = actor_record("boeing", "Boeing", "organization", text)
    carson = actor_record("scott-carson", "Scott Carson", "person", text, aliases=["Carson"])
    event = _event("e1", text, UNVEIL_A, "unveiled", "ENGAGE", "2007-07-08", "boeing", [])
    q = CARSON_A.index("“") + 1 + text.index(CARSON_A)
    quote = Quote(speaker="scott-carson", speaker_text="Scott Carson", text=CARSON_QUOTE, kind="direct",
                  cue="said", start=q, end=q + len(CARSON_QUOTE), date="2007-07-09")
    return _store(session, "wikinews-73808", text, dt.date(2007, 7, 9), [boeing, carson], [event], [quote])


def _article_b(session):
    text = f"{UNVEIL_B}\n{CARSON_B}"
    boeing = actor_record("boeing", "Boeing", "organization", text)
    carson = actor_record("carson", "Carson", "person", text)
    event = _event("e1", text, UNVEIL_B, "unveiled", "ENGAGE", "2007-07-08", "boeing", [])
    start = text.index(CARSON_B) + 1
    body = CARSON_B[1:CARSON_B.index("”")]
    quote = Quote(speaker="carson", speaker_text="Carson", text=body, kind="direct", cue="said",
                  start=start, end=start + len(body), date="2007-07-10")
    return _store(session, "outlet-b-787", text, dt.date(2007, 7, 10), [boeing, carson], [event], [quote])
