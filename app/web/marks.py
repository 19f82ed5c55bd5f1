"""An article's text with its marks: actors linked, dates explained, quotes and event numbers after their words.

Written in Python rather than as a Jinja macro: an article is a few hundred segments, and a macro call with
its loops per segment was a quarter of the article page's time. The HTML is the same the macro wrote.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from markupsafe import Markup, escape

from app.web import urls


class ArticleMarks:
    """One page's renderer (``article_marks()`` in templates/article.html): the first segment of each event and
    quote carries its anchor (``#event-12``), so the page keeps which ones it has anchored."""

    def __init__(self) -> None:
        self.events: set[int] = set()
        self.quotes: set[int] = set()

    def __call__(self, segments: Iterable[dict[str, Any]]) -> Markup:
        return Markup("".join(self._segment(s) for s in segments))

    def _anchor(self, s: dict[str, Any]) -> str | None:
        event_id, quote_id = s.get("event_id"), s.get("quote_id")
        if event_id and event_id not in self.events:
            self.events.add(event_id)
            return f"event-{event_id}"
        if quote_id and quote_id not in self.quotes:
            self.quotes.add(quote_id)
            return f"quote-{quote_id}"
        return None

    def _segment(self, s: dict[str, Any]) -> str:
        anchor = self._anchor(s)
        text = escape(s["text"])
        if s["kinds"]:
            classes = " ".join(f"hl-{k}" for k in s["kinds"])
            opening = f'<span class="{escape(classes)}"' + (f' id="{escape(anchor)}"' if anchor else "") + ">"
            out = opening + _inner(s, text) + "</span>"
        else:
            out = str(text)
        for c in s["closes"]:
            if c.get("event_id"):
                summary = escape(c["event_summary"])
                out += (f'<a class="ref ref-event" href="{escape(urls.event(c["event_id"], c["event_slug"]))}" '
                        f'title="{summary}" aria-label="Event {escape(c["event_number"])}: {summary}">'
                        f'{escape(c["event_number"])}</a>')
            else:
                out += (f'<a class="ref ref-quote" href="{escape(urls.quote(c["quote_id"]))}" '
                        'aria-label="Quote permalink">quote</a>')
        return out


def _inner(s: dict[str, Any], text: Markup) -> str:
    """What a marked segment holds: an actor's link, a date's link to its days (or its reading), or the words."""
    if s.get("actor"):
        return f'<a href="{escape(urls.actor(s["actor"]))}">{text}</a>'
    if s.get("date_first"):
        resolved = escape(s["date_resolved"])
        href = escape(urls.timeline({"since": s["date_first"], "until": s["date_last"]}))
        return (f'<a class="date-mark" href="{href}" title="{resolved}" data-resolved="{resolved}" '
                f'aria-label="{text} ({resolved})">{text}</a>')
    if s.get("date_value"):
        return f'<span class="date-mark" title="{escape(s["date_resolved"])}">{text}</span>'
    return str(text)
