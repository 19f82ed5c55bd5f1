"""Permalink pages: an event (with its PNG card), an actor, a quote, an article."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.cards import Fields, actor_fields, card_png, event_fields, quote_fields
from app.queries.actors import actor_card_data, actor_page
from app.queries.articles import article_page
from app.queries.common import parse_id
from app.queries.errors import NotFound
from app.queries.events import event_card_data, event_page, parse_event_ref
from app.queries.quotes import quote_page
from app.web import share
from app.web.deps import SessionDep
from app.web.formats import RouteFormat, page_routes, route
from app.web.page import Page
from app.web.transport import etag_matches

router = APIRouter()

EVENT = Page("event.html", block=None, data=event_page, title=lambda data: data["event"]["summary"], meta=share.event)
ACTOR = Page("actor.html", block=None, data=actor_page, title=lambda data: data["actor"]["name"], meta=share.actor)
QUOTE = Page("quote.html", block=None, data=quote_page, meta=share.quote,
             title=lambda data: f"Quote by {data['quote']['speaker']['name'] if data['quote']['speaker'] else data['quote']['speaker_text'] or 'an unknown speaker'}")
ARTICLE = Page("article.html", block=None, data=article_page, title=lambda data: data["article"]["title"],
               meta=share.article)


def int_ref(ref: str, what: str) -> int:
    """The id in a path; a number no row can have (0, past BIGINT) is a 404 here, before SQL refuses to bind it."""
    ident = parse_id(ref)
    if ident is None:
        raise NotFound(f"'{ref}' is not a {what} number.", hint=f"{what.title()} addresses end in a number.")
    return ident


def card_response(request: Request, fields: Fields) -> Response:
    """A 1200×630 preview card (app.cards), cached for an hour and revalidated by its ETag."""
    png, etag = card_png(request.app.state.settings.data_dir, fields)
    headers = {"ETag": etag, "Cache-Control": "public, max-age=3600"}
    if etag_matches(request.headers.get("If-None-Match"), etag):
        return Response(status_code=304, headers=headers)
    return Response(png, media_type="image/png", headers=headers)


@route(router, "/events/{event_id}/card.png", "png")
def event_card(request: Request, session: SessionDep, event_id: str) -> Response:
    return card_response(request, event_fields(event_card_data(session, int_ref(event_id, "event"))))


@route(router, "/quotes/{quote_id}/card.png", "png")
def quote_card(request: Request, session: SessionDep, quote_id: str) -> Response:
    return card_response(request, quote_fields(quote_page(session, int_ref(quote_id, "quote"))))


@route(router, "/actors/{slug}/card.png", "png")
def actor_card(request: Request, session: SessionDep, slug: str) -> Response:
    return card_response(request, actor_fields(actor_card_data(session, slug)))


@page_routes(router, "/events/{ref}")
def event(request: Request, session: SessionDep, fmt: RouteFormat, ref: str) -> Response:
    event_id, slug = parse_event_ref(ref)
    return EVENT.respond(request, fmt, EVENT.data(session, event_id, slug))


@page_routes(router, "/actors/{ref}")
def actor(request: Request, session: SessionDep, fmt: RouteFormat, ref: str) -> Response:
    return ACTOR.respond(request, fmt, ACTOR.data(session, ref))


@page_routes(router, "/quotes/{ref}")
def quote(request: Request, session: SessionDep, fmt: RouteFormat, ref: str) -> Response:
    return QUOTE.respond(request, fmt, QUOTE.data(session, int_ref(ref, "quote")))


@page_routes(router, "/articles/{ref}")
def article(request: Request, session: SessionDep, fmt: RouteFormat, ref: str) -> Response:
    return ARTICLE.respond(request, fmt, ARTICLE.data(session, int_ref(ref, "article")))
