"""Permalink pages: an event (with its PNG card), an actor, a quote, an article."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.cards import card_png
from app.queries.actors import actor_page
from app.queries.articles import article_page
from app.queries.common import parse_id
from app.queries.errors import Moved, NotFound
from app.queries.events import event_card_data, event_page, live_event, parse_event_ref
from app.queries.quotes import quote_page
from app.web.deps import SessionDep
from app.web.render import render

router = APIRouter()


def split_format(ref: str) -> tuple[str, str]:
    """'12-slug.json' → ('12-slug', 'json'); only .json is a format, other dots stay in the ref."""
    return (ref[:-5], "json") if ref.endswith(".json") else (ref, "")


def int_ref(ref: str, what: str) -> int:
    """The id in a path; a number no row can have (0, past BIGINT) is a 404 here, before SQL refuses to bind it."""
    ident = parse_id(ref)
    if ident is None:
        raise NotFound(f"'{ref}' is not a {what} number.", hint=f"{what.title()} addresses end in a number.")
    return ident


@router.get("/events/{event_id}/card.png")
def event_card(request: Request, session: SessionDep, event_id: str) -> Response:
    data = event_card_data(session, int_ref(event_id, "event"))
    png, etag = card_png(request.app.state.settings.data_dir, data)
    headers = {"ETag": etag, "Cache-Control": "public, max-age=3600"}
    if request.headers.get("If-None-Match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(png, media_type="image/png", headers=headers)


@router.get("/events/{ref}")
def event(request: Request, session: SessionDep, ref: str) -> Response:
    ref, _ = split_format(ref)
    event_id, slug = parse_event_ref(ref)
    found = live_event(session, event_id)
    if slug != found.slug:
        raise Moved("event", found.id, found.slug)
    data = event_page(session, event_id)
    return render(request, "event.html", data, title=data["event"]["summary"])


@router.get("/actors/{ref}")
def actor(request: Request, session: SessionDep, ref: str) -> Response:
    slug, _ = split_format(ref)
    data = actor_page(session, slug)
    return render(request, "actor.html", data, title=data["actor"]["name"])


@router.get("/quotes/{ref}")
def quote(request: Request, session: SessionDep, ref: str) -> Response:
    ident, _ = split_format(ref)
    data = quote_page(session, int_ref(ident, "quote"))
    return render(request, "quote.html", data, title=f"Quote by {data['quote']['speaker_text'] or 'unknown'}")


@router.get("/articles/{ref}")
def article(request: Request, session: SessionDep, ref: str) -> Response:
    ident, _ = split_format(ref)
    data = article_page(session, int_ref(ident, "article"))
    return render(request, "article.html", data, title=data["article"]["title"])
