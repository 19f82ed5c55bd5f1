"""What each page says about itself to search engines and link previews: a meta description, and for the pages
people share (an event, a quote, an actor, a timeline view, the front page) the URL and 1200×630 card to show."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.queries.common import actors_in_words, running_name
from app.queries.exports import describe_filters
from app.web import urls

Meta = dict[str, Any]  # description; and, for a shareable page, url and card (paths), type


def shorten(text: str, limit: int = 200) -> str:
    """A description of at most ``limit`` characters, cut at a word."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _n(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def home(data: Mapping[str, Any]) -> Meta:
    c = data["counts"]
    latest = data.get("latest_day")
    return {"description": shorten(f"{_n(c['events'], 'event')}, {_n(c['actors'], 'actor')} and "
                                   f"{_n(c['quotes'], 'quote')} from {_n(c['articles'], 'news article')}, each with the "
                                   "sentences that report it" + (f"; latest event dated {latest:%-d %b %Y}." if latest else ".")),
            "url": urls.home(), "card": urls.home_card(), "type": "website"}


def timeline_title(data: Mapping[str, Any]) -> str:
    """A filtered timeline's title says its filter ('Events with Russia and the United States'); else 'Timeline'."""
    if not data["filters_active"]:
        return "Timeline"
    return describe_filters(data["filters"], [running_name(a["name"], a.get("kind")) for a in data["selected_actors"]])


def timeline(data: Mapping[str, Any]) -> Meta:
    names = [running_name(a["name"], a.get("kind")) for a in data.get("selected_actors", [])]
    words = describe_filters(data["filters"], names)
    view = {k: v for k, v in data["filters"].items() if k != "cursor"}
    return {"description": shorten(f"{words}: {_n(data['total'], 'event')}, newest first, each dated at its "
                                   "precision with the sentence that reports it."),
            "url": urls.timeline(view), "card": urls.timeline_card(view), "type": "website"}


def actors(data: Mapping[str, Any]) -> Meta:
    return {"description": f"{_n(data['total'], 'actor')} — people, organisations and countries — ranked by the "
                           "events they take part in, with their names, titles and quotes."}


def quotes(data: Mapping[str, Any]) -> Meta:
    return {"description": f"{_n(data['total'], 'quote')} from the news, attributed to their speakers; "
                           "search their words as you type."}


def map_page(data: Mapping[str, Any]) -> Meta:
    places = len(data.get("features") or [])
    return {"description": shorten(f"Where the events in Dateline's articles happen, on a world map: "
                                   f"{_n(data.get('placed', 0), 'event')} at {_n(places, 'place')}"
                                   + (" (filtered)." if data.get("filters_active") else "."))}


def search(data: Mapping[str, Any]) -> Meta:
    q = data.get("q") or ""
    return {"description": shorten(f"Events, actors, quotes and articles matching “{q}”." if q else
                                   "Search events, actors, quotes and articles in one box.")}


def event(data: Mapping[str, Any]) -> Meta:
    e = data["event"]
    who = actors_in_words([e["source_actor"], *e["targets"]])
    outlet = e["article"]["source"]
    parts = [e["date_label"], e["type_label"] or "Unclassified", who, f"reported by {_n(e['source_count'], 'source')}"
             + (f" ({outlet})" if outlet and e["source_count"] == 1 else "")]
    said = f" “{e['sentence']}”" if e.get("sentence") else ""
    return {"description": shorten(" · ".join(p for p in parts if p) + "." + said),
            "url": urls.event(e["id"], e["slug"]), "card": urls.event_card(e["id"]), "type": "article"}


def actor(data: Mapping[str, Any]) -> Meta:
    a, n = data["actor"], data["counts"]
    about = ", ".join(a["titles"][:2]) or a["kind"]
    also = f" Also called {', '.join(a['aliases'][:4])}." if a["aliases"] else ""
    return {"description": shorten(f"{a['name']} ({about}): {_n(n['events'], 'event')} and {_n(n['quotes'], 'quote')} "
                                   f"in the news Dateline has read.{also}"),
            "url": urls.actor(a["slug"]), "card": urls.actor_card(a["slug"]), "type": "profile"}


def quote(data: Mapping[str, Any]) -> Meta:
    q = data["quote"]
    speaker = q["speaker"]["name"] if q["speaker"] else (q["speaker_text"] or "an unattributed speaker")
    outlets = sorted({a["source"] for a in data["articles"] if a["source"]})
    when = ", ".join(p for p in [q["date_label"], ", ".join(outlets[:2])] if p)
    return {"description": shorten(f"“{shorten(q['text'], 150)}” — {speaker}" + (f", {when}." if when else ".")),
            "url": urls.quote(q["id"]), "card": urls.quote_card(q["id"]), "type": "article"}


def article(data: Mapping[str, Any]) -> Meta:
    a = data["article"]
    origin = ", ".join(str(p) for p in [a.get("source"), a.get("published_label")] if p)
    return {"description": shorten(f"{a['title']}{' — ' + origin if origin else ''}: the article with its actors, "
                                   "dates, quotes and events marked and linked.")}
