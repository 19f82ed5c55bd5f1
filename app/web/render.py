"""One page's data, three outputs: the full HTML page, one named block of it for htmx, or JSON."""

from __future__ import annotations

import dataclasses
import datetime as dt
from functools import lru_cache
from typing import Any

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from app.web import urls
from app.web.app import TEMPLATES_DIR


@lru_cache(maxsize=1)
def environment() -> Environment:
    """Built on first use (not at import) so tests can import the module cheaply."""
    env = Environment(loader=FileSystemLoader(str(TEMPLATES_DIR)), autoescape=select_autoescape(["html", "xml"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.globals["urls"] = urls
    env.filters["plural"] = lambda n, word, many=None: f"{n:,} {word if n == 1 else (many or word + 's')}"
    env.filters["isodate"] = lambda d: d.isoformat() if isinstance(d, dt.date) else (d or "")
    env.filters["quote_html"] = quote_html
    return env


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
    env = environment()
    template = env.get_template(name)
    ctx = {"request": request, "base_url": base_url(request), "current_path": request.url.path, **context}
    if block is not None:
        body = "".join(template.blocks[block](template.new_context(ctx)))
    else:
        body = template.render(ctx)
    response = HTMLResponse(body, status_code=status)
    response.headers["Vary"] = "HX-Request"
    return response


def to_jsonable(data: Any) -> Any:
    """Dataclasses and dates become plain JSON values."""
    if dataclasses.is_dataclass(data) and not isinstance(data, type):
        data = dataclasses.asdict(data)
    return jsonable_encoder(data)


def render(request: Request, template: str, data: dict[str, Any], *, block: str = "results",
           title: str | None = None) -> Response:
    """The response for a page: JSON on ``.json`` URLs, ``block`` for htmx, else the page."""
    if request.url.path.endswith(".json"):
        response: Response = JSONResponse(to_jsonable(data))
        response.headers["Vary"] = "HX-Request"
        return response
    context = dict(data)
    context["page_title"] = title
    return render_template(request, template, context, block=block if wants_fragment(request) else None)
