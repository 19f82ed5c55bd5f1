"""The renderer: the Jinja environment over templates/, its filters, and HTML or JSON responses of page data."""

from __future__ import annotations

import dataclasses
import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson
from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from app.vocab import ACTOR_KINDS, MODALITIES, PLOVER_LABELS, QUOTE_KINDS
from app.web import urls
from app.web.editor import editor_state
from app.web.items import event_item
from app.web.map_svg import place_map
from app.web.marks import ArticleMarks

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES_DIR = ROOT / "templates"
DEFAULT_DESCRIPTION = ("Dateline: news articles in, a browsable record out — the actors, dates, quotes and events of "
                       "each story, with the sentences that report them.")
VARY = {"Vary": "HX-Request"}  # htmx and a page load get different bodies from one URL: caches must keep both


@lru_cache(maxsize=1)
def environment() -> Environment:
    """Built once on first use: the page declarations check their blocks against it when they are imported."""
    env = Environment(loader=FileSystemLoader(str(TEMPLATES_DIR)), autoescape=select_autoescape(["html", "xml"]),
                      trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.do"])
    env.globals["urls"] = urls
    env.globals["default_description"] = DEFAULT_DESCRIPTION
    env.globals["event_item_html"] = event_item  # the event_item macro's HTML (app.web.items)
    env.globals["article_marks"] = ArticleMarks  # an article's marked text (a macro was a quarter of its page)
    env.globals["place_map"] = place_map  # an event's small map (templates/_place_map.html): geocoding, no queries
    env.filters["plural"] = lambda n, word, many=None: f"{n:,} {word if n == 1 else (many or word + 's')}"
    env.filters["isodate"] = lambda d: d.isoformat() if isinstance(d, dt.date) else (d or "")
    env.filters["quote_html"] = quote_html
    env.filters["pairs"] = lambda values: [(v, v) for v in values]  # a <select>'s (value, label) from plain values
    env.globals["vocab"] = {"actor_kinds": ACTOR_KINDS, "quote_kinds": QUOTE_KINDS, "modalities": MODALITIES,
                            "plover": PLOVER_LABELS}
    return env


def template_blocks(name: str) -> list[str]:
    """The blocks template ``name`` defines itself (nested ones included), for checking a page's declaration."""
    return sorted(environment().get_template(name).blocks)


OPEN_MARKS, CLOSE_MARKS = "“", "”"


def quote_parts(text: str, kind: str = "direct") -> list[tuple[bool, str]]:
    """A split direct quote ('…,” Sullivan said. “…') as (spoken, segment) pairs, so the attribution
    between the quoted parts can be shown apart from the words actually said."""
    if kind != "direct":
        return [(True, text)]
    parts: list[tuple[bool, str]] = []
    inside, start = True, 0
    for i, ch in enumerate(text):
        closing = ch in CLOSE_MARKS or (ch == '"' and inside)
        opening = ch in OPEN_MARKS or (ch == '"' and not inside)
        if inside and closing:
            parts.append((True, text[start:i]))
            inside, start = False, i + 1
        elif not inside and opening:
            parts.append((False, text[start:i]))
            inside, start = True, i + 1
    parts.append((inside, text[start:]))
    return [(spoken, seg) for spoken, seg in parts if seg.strip()]


def quote_html(text: str, kind: str = "direct") -> Markup:
    """The quote's words, with any attribution inside a split quote muted."""
    out = []
    for spoken, seg in quote_parts(text, kind):
        if spoken:
            out.append(str(escape(seg)))
        else:
            out.append(f'<span class="attribution"> — {escape(seg.strip())} — </span>')
    return Markup("".join(out))


def wants_fragment(request: Request) -> bool:
    """An htmx request that is not a history restore (a restore needs the whole page)."""
    return bool(request.headers.get("HX-Request")) and not request.headers.get("HX-History-Restore-Request")


def base_url(request: Request) -> str:
    """The public origin: DATELINE_BASE_URL when set, else the origin the request came to."""
    configured = getattr(request.app.state.settings, "base_url", None)
    return (configured or str(request.base_url)).rstrip("/")


def render_template(request: Request, name: str, context: dict[str, Any], status: int = 200,
                    block: str | None = None) -> HTMLResponse:
    """The whole template, or only ``block`` of it, rendered with the request in its context."""
    template = environment().get_template(name)
    ctx = {"request": request, "base_url": base_url(request), "current_path": request.url.path,
           "editor": editor_state(request), **context}
    if block is not None:
        body = "".join(template.blocks[block](template.new_context(ctx)))
    else:
        body = template.render(ctx)
    return HTMLResponse(body, status_code=status, headers=VARY)


def _json_default(value: Any) -> Any:
    """What the C encoder cannot write itself: dates as ISO text, anything rarer as FastAPI would encode it."""
    if isinstance(value, dt.date):  # datetime too
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return jsonable_encoder(value)


class PageJSON(JSONResponse):
    """JSON written by orjson in one pass. ``jsonable_encoder`` walked every value of a page in Python first, a
    third of a listing's serving time; the standard library's C encoder then took 1.9 ms of a 500-event
    TimelineJS export, orjson 0.1. The same text as ``JSONResponse`` writes (UTF-8, compact, dates in ISO
    form, integer keys as strings)."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, default=_json_default, option=orjson.OPT_NON_STR_KEYS)


def json_response(data: Any, status: int = 200) -> JSONResponse:
    """Page data (or an error) as JSON, with the same Vary as the HTML it is the twin of."""
    return PageJSON(data, status_code=status, headers=VARY)


def see_other(location: str) -> RedirectResponse:
    """A 303 to the page's canonical URL (htmx gets the block and HX-Push-Url instead, hence the Vary)."""
    return RedirectResponse(location, status_code=303, headers=VARY)
