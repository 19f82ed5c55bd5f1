"""An article as a reader reads it: the headline once, paragraphs and photo captions (with their credit) without the
scraped furniture, each cut into segments marked with the actors, dates, quotes and events they belong to."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from app.extract.article import read_layout
from app.extract.timex.values import timex_value
from app.models import Actor, Article, Event, EventSource, Mention, Quote, Source, TimexRow, live
from app.queries.common import Prepared, date_label
from app.queries.errors import NotFound

Span = tuple[int, int, str, dict[str, Any]]


def segments(text: str, spans: list[Span], start: int = 0, end: int | None = None) -> list[dict[str, Any]]:
    """Cut ``text[start:end]`` at every span boundary inside it; each piece lists the kinds covering it (nesting
    flattened) and, in ``closes``, the spans that end with it (their links follow the piece)."""
    end = len(text) if end is None else end
    cuts = {start, end}
    inside = [s for s in spans if s[0] < end and start < s[1] and s[0] < s[1]]
    for s in inside:
        cuts.update(p for p in (s[0], s[1]) if start < p < end)
    out = []
    for a, b in pairwise(sorted(cuts)):
        # the innermost span speaks last: "German" in "German airline Lufthansa" links to Germany
        covering = sorted((s for s in inside if s[0] <= a and b <= s[1]), key=lambda s: s[0] - s[1])
        info: dict[str, Any] = {}
        for s in covering:
            info.update(s[3])
        closes = [s[3] for s in covering if s[1] == b and s[2] in ("event", "quote")]
        out.append({"text": text[a:b], "kinds": sorted({s[2] for s in covering}), **info, "closes": closes})
    return out


def _date_info(value: str) -> dict[str, Any]:
    """What a date mark shows on hover and focus, and the timeline of the days it names (when it names days)."""
    reading = timex_value(value)
    if reading is None or reading.first is None or reading.last is None:
        kind = reading.precision if reading else "unknown"
        return {"date_value": value, "date_resolved": f"{kind}: {value}"}
    label = date_label(reading.first, reading.last, reading.precision)
    return {"date_value": value, "date_resolved": label, "date_first": reading.first.isoformat(),
            "date_last": reading.last.isoformat()}


def _blocks(text: str, title: str | None, spans: list[Span]) -> list[dict[str, Any]]:
    """The article's lines as its headline (when the text opens with it), paragraphs and captions: image markers
    and the dateline prefix dropped, a caption's credit ('Photo: AP') kept apart; offsets never move (see
    app.extract.article)."""
    layout = read_layout(text, title)
    blocks: list[dict[str, Any]] = []
    pos = 0
    for line in text.split("\n"):
        s, e = pos, pos + len(line)
        pos = e + 1
        if not line.strip():
            continue
        if layout.title_span and s <= layout.title_span[0] and layout.title_span[1] <= e:
            blocks.append({"kind": "headline", "credit": None, "segments": segments(text, spans, *layout.title_span)})
            continue
        caption = next(((a, b) for a, b in layout.captions if s <= a and b <= e), None)
        if caption:
            credit = next((text[a:b].strip() for a, b in layout.credits if s <= a and b <= e), None)
            blocks.append({"kind": "caption", "credit": credit, "segments": segments(text, spans, *caption)})
            continue
        kept = [(a, b) for a, b in _outside(s, e, layout.blanked) if text[a:b].strip()]
        if kept:
            first, last = kept[0][0], kept[-1][1]
            lead = len(text[first:last]) - len(text[first:last].lstrip())
            blocks.append({"kind": "paragraph", "credit": None, "segments": segments(text, spans, first + lead, last)})
    return blocks


def _outside(start: int, end: int, blanked: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of [start, end) no blanked span covers."""
    parts, at = [], start
    for a, b in sorted(blanked):
        if b <= at or a >= end:
            continue
        if a > at:
            parts.append((at, a))
        at = max(at, b)
    if at < end:
        parts.append((at, end))
    return parts


def _events(session: Session, article: Any) -> tuple[list[Span], list[dict[str, Any]]]:
    """Every sentence of the article that reports an event, with the live event it is evidence of (its own
    events and those merged into an earlier report alike, through event_sources), numbered as they appear."""
    rows = list(REPORTED(session, article=article.id))
    covered = {r.id for r in rows}
    # events stored before event_sources existed carry their own offsets
    rows += [r for r in OWN_EVENTS(session, article=article.id) if r.id not in covered]
    numbers: dict[int, dict[str, Any]] = {}
    spans: list[Span] = []
    for r in sorted(rows, key=lambda r: (r.start, r.end, r.id)):
        event = numbers.setdefault(r.id, {"id": r.id, "slug": r.slug, "summary": r.summary, "type": r.type,
                                          "number": len(numbers) + 1})
        spans.append((r.start, r.end, "event", {"event_id": r.id, "event_slug": r.slug,
                                                "event_number": event["number"], "event_summary": r.summary}))
    return spans, list(numbers.values())


REPORTED = Prepared(lambda d: select(EventSource.start, EventSource.end, Event.id, Event.slug, Event.summary,
                                      Event.type).join(Event, Event.id == EventSource.event_id)
                    .where(EventSource.article_id == bindparam("article"), live(Event)))
OWN_EVENTS = Prepared(lambda d: select(Event.start, Event.end, Event.id, Event.slug, Event.summary, Event.type)
                      .where(Event.article_id == bindparam("article"), live(Event)))
HEAD = Prepared(lambda d: select(Article.id, Article.title, Article.url, Article.author, Article.published,
                                 Article.published_inferred, Article.text, Source.name.label("source"))
                .outerjoin(Source, Source.id == Article.source_id).where(Article.id == bindparam("article")))
MENTIONS = Prepared(lambda d: select(Mention.start, Mention.end, Actor.slug, Actor.name)
                    .join(Actor, Actor.id == Mention.actor_id).where(Mention.article_id == bindparam("article")))
TIMEXES = Prepared(lambda d: select(TimexRow.start, TimexRow.end, TimexRow.value)
                   .where(TimexRow.article_id == bindparam("article")))
# a quote an editor said is none is not marked (merged ones are: the words are still in this text)
QUOTE_SPANS = Prepared(lambda d: select(Quote.start, Quote.end, Quote.id, Quote.merged_into_id)
                       .where(Quote.article_id == bindparam("article"), Quote.removed_at.is_(None)))


def article_page(session: Session, article_id: int) -> dict[str, Any]:
    article = HEAD(session, article=article_id).first()
    if article is None:
        raise NotFound(f"There is no article {article_id}.", hint="The home page lists the newest articles.")
    mentions = MENTIONS(session, article=article.id).all()
    timexes = TIMEXES(session, article=article.id).all()
    quotes = QUOTE_SPANS(session, article=article.id).all()
    event_spans, events = _events(session, article)
    spans: list[Span] = [(m.start, m.end, "actor", {"actor": m.slug, "actor_name": m.name}) for m in mentions]
    spans += [(t.start, t.end, "date", _date_info(t.value)) for t in timexes]
    spans += [(q.start, q.end, "quote", {"quote_id": q.merged_into_id or q.id}) for q in quotes]
    spans += event_spans
    return {
        "article": {"id": article.id, "title": article.title or f"Article {article.id}", "url": article.url,
                    "author": article.author, "source": article.source,
                    "published": article.published,
                    "published_label": date_label(article.published, article.published, "day")
                    if article.published else None,
                    "published_inferred": article.published_inferred,
                    "text": article.text},
        "blocks": _blocks(article.text, article.title, spans),
        "counts": {"actors": len({m.slug for m in mentions}), "dates": len(timexes), "quotes": len(quotes),
                   "events": len(events)},
        "events": events,
    }
