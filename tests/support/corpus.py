"""A small hand-built corpus for the page tests: real sentences from the seed article, no model needed."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from app.extract.records import Actor, Event, Extraction, Mention, Quote, Timex
from app.models import Article, MergeRecord, utcnow
from app.store import ArticleMeta, store_article

TITLE = "Russia staged failed US-NATO talks to create an excuse to invade Ukraine"
S1 = ("On December 17, analysts said that Russia should not expect the US and its allies to accept Moscow's "
      "demands regarding security assurance proposals.")
S2 = ("However, the US and its NATO allies have signaled they may be willing to negotiate with Russia, "
      "especially if the Kremlin agrees to withdraw some troops along the border with Ukraine.")
S3 = "US President Joe Biden will hold talks with Vladimir Putin next week."
QUOTE = "the notion of sending us a draft treaty is a little absurd"
TEXT = f"{TITLE}\n(Baonghean.vn) - {S1}\n{S2}\n{S3}\n\"For a country well versed in treaties, {QUOTE},\" Edmonds said.\n"


def _span(needle: str) -> tuple[int, int]:
    start = TEXT.index(needle)
    return start, start + len(needle)


def _mentions(name: str) -> list[Mention]:
    out, pos = [], 0
    while (i := TEXT.find(name, pos)) >= 0:
        out.append(Mention(i, i + len(name), name))
        pos = i + len(name)
    return out


def extraction() -> Extraction:
    s1, s2, s3 = _span(S1), _span(S2), _span(S3)
    q0, q1 = _span(QUOTE)
    return Extraction(
        id="seed", title=TITLE, source="Baonghean.vn", published="2021-12-17", published_inferred=False,
        actors=[
            Actor("russia", "Russia", "country", aliases=["the Kremlin", "Moscow"], mentions=_mentions("Russia")),
            Actor("united-states", "United States", "country", aliases=["US"], mentions=_mentions("US")),
            Actor("nato", "NATO", "organization", mentions=_mentions("NATO")),
            Actor("joe-biden", "Joe Biden", "person", titles=["US President"], mentions=_mentions("Joe Biden")),
            Actor("jeffrey-edmonds", "Jeffrey Edmonds", "person", mentions=_mentions("Edmonds")),
        ],
        timexes=[Timex("December 17", *_span("December 17"), "DATE", "2021-12-17"),
                 Timex("next week", *_span("next week"), "DATE", "2021-W51")],
        quotes=[Quote("jeffrey-edmonds", "Edmonds", QUOTE, "direct", "said", q0, q1, date="2021-12-17")],
        events=[
            Event("e1", "2021-12-17", "REJECT", "asserted", "russia", ["united-states"], None,
                  "Russia rejects US demands", S1, *s1, date_text="December 17", trigger="expect accept"),
            Event("e2", "2021-12-17", "AGREE", "possible", "united-states", ["russia"], None,
                  "United States may negotiate with Russia", S2, *s2, trigger="willing to negotiate"),
            Event("e3", "2021-W51", "CONSULT", "planned", "joe-biden", ["russia"], "Geneva",
                  "Joe Biden to hold talks with Putin", S3, *s3, date_text="next week", trigger="hold talks"),
            Event("e4", "2021-12", "MOBILIZE", "asserted", "russia", [], None,
                  "Russia withdraws some troops", S2, *s2, trigger="withdraw"),
        ],
        pipeline_version="test",
    )


def load(session: Session) -> dict[str, int]:
    """Store the corpus, then mark e4 as merged into e2 and add a removed event; returns useful ids."""
    article = store_article(session, ArticleMeta(text=TEXT, external_id="pages-seed"), extraction())
    session.flush()
    from sqlalchemy import select

    from app.models import Event as EventRow

    events = {e.summary: e for e in session.scalars(select(EventRow).where(EventRow.article_id == article.id))}
    survivor, merged = events["United States may negotiate with Russia"], events["Russia withdraws some troops"]
    merged.merged_into_id = survivor.id
    survivor.source_count = 2
    session.add(MergeRecord(kind="event", survivor_id=survivor.id, merged_id=merged.id,
                            reason={"same_actors": True, "date_overlap_days": 1}))
    removed = events["Russia rejects US demands"]
    gone = EventRow(article_id=article.id, slug="gone", summary="An event that vanished", sentence=S1,
                    start=0, end=10, first_day=dt.date(2021, 12, 1), last_day=dt.date(2021, 12, 1),
                    precision="day", removed_at=utcnow())
    session.add(gone)
    session.flush()
    from app.models import Quote as QuoteRow

    quote = session.scalars(select(QuoteRow.id).where(QuoteRow.article_id == article.id)).first()
    return {"article": article.id, "reject": removed.id, "survivor": survivor.id, "merged": merged.id,
            "week": events["Joe Biden to hold talks with Putin"].id, "gone": gone.id, "quote": quote or 0}


__all__ = ["QUOTE", "TITLE", "Article", "load"]
