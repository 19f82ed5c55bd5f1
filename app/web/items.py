"""An event as a list item (the ``event_item`` macro of templates/_macros.html), written in Python.

A timeline page lists 50 events, an export's page and an event's neighbours more; the macro's nested calls
(its date, badge and each actor's link, each a macro of its own) were the largest part of rendering them.
The HTML is the same, byte for byte, that the macro wrote with the environment's trim_blocks and
lstrip_blocks (tests/test_render_items.py holds it to the macro's text).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from markupsafe import Markup, escape

from app.web import urls

UNTYPED = ('<span class="badge badge-untyped" title="No PLOVER type: a sentence naming an actor with an event-like '
           'verb">Unclassified</span>')


def _text(value: Any) -> str:
    """A value as ``{{ value }}`` writes it: escaped; a missing one (Jinja's Undefined) as nothing."""
    return "" if value is None else str(escape(value))


def isodate(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else (value or "")


def actor_link(a: dict[str, Any]) -> str:
    return (f'<a class="actor actor-{escape(a.get("kind"))}" href="{escape(urls.actor(a["slug"]))}">'
            f'{escape(a.get("name"))}</a>')


def when(e: dict[str, Any]) -> str:
    return (f'<time datetime="{escape(isodate(e.get("first_day")))}" class="when when-{escape(e.get("precision") or "day")}">'
            f'{_text(e.get("date_label"))}</time>')


def type_badge(e: dict[str, Any]) -> str:
    kind = e.get("type")
    if not kind:
        return UNTYPED
    return (f'<span class="badge badge-{escape(str(kind).lower())}" title="PLOVER event type">'
            f'{_text(e.get("type_label"))}</span>')


def plural(n: int, word: str) -> str:
    return f"{n:,} {word if n == 1 else word + 's'}"


def event_item(e: dict[str, Any], show_date: bool = True, heading: str | None = None) -> Markup:
    precision = e.get("precision")
    dated = show_date or (precision and precision != "day" and e.get("date_label") != heading)
    mood = e.get("mood_label")
    source, targets, place = e.get("source_actor"), e.get("targets"), e.get("place")
    article = e.get("article") or {}
    out = [
        f'<article class="event{"" if e.get("type") else " event-untyped"}">\n  <div class="event-meta">\n',
        when(e) if dated else "",
        f"    {type_badge(e)}\n",
        f'<span class="modality">{escape(mood)}</span>' if mood else "",
        f'  </div>\n  <h3 class="event-title"><a href="{escape(urls.event(e["id"], e.get("slug") or ""))}">'
        f'{_text(e.get("summary"))}</a></h3>\n  <p class="event-actors">\n',
        actor_link(source) if source else '<span class="muted">Unknown actor</span>',
    ]
    if targets:
        out.append('<span class="arrow" aria-hidden="true">→</span><span class="visually-hidden">acting on</span>\n')
        out.append(", ".join(actor_link(t) for t in targets))
    if place:
        out.append(f'<span class="place">in {escape(place)}</span>')
    outlet = article.get("source")
    out.append(f'  </p>\n  <p class="event-sources">Reported by {escape(plural(e["source_count"], "source"))}'
               f'{" · " + str(escape(outlet)) if outlet else ""}</p>\n</article>\n')
    return Markup("".join(out))
