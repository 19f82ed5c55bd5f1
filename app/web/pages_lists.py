"""List pages: home, timeline, actors, quotes, search — each HTML, htmx block and .json (the CSVs are exports)."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.cards import home_fields, timeline_fields
from app.queries.actors import actor_list, actor_suggestions
from app.queries.exports import timeline_card_data
from app.queries.facets import timeline_facets
from app.queries.home import home_page
from app.queries.quotes import quote_list
from app.queries.search import search_page
from app.queries.timeline import PAGE_SIZE, timeline_page
from app.web import share
from app.web.deps import Limit, PageNumber, SessionDep, Text, TimelineFiltersDep
from app.web.formats import RouteFormat, page_routes, route
from app.web.page import Page
from app.web.pages_items import card_response
from app.web.render import render_template, see_other

router = APIRouter()

HOME = Page("index.html", block=None, data=home_page, title="What happened lately", meta=share.home)
TIMELINE = Page("timeline.html", block="results", data=timeline_page, meta=share.timeline, title=share.timeline_title)
ACTORS = Page("actors.html", block="results", data=actor_list, title="Actors", meta=share.actors)
QUOTES = Page("quotes.html", block="results", data=quote_list, title="Quotes", meta=share.quotes)
SEARCH = Page("search.html", block="results", data=search_page, title="Search", meta=share.search)


def clean_url(request: Request, replace: dict[str, list[str]] | None = None) -> str | None:
    """The request's URL without empty parameters (and with ``replace``'s values), or None if it is clean.

    GET forms send every field, so a filtered view arrives as '?q=&type=ASSAULT&since='; the page answers
    at its canonical URL instead, the one worth sharing — with JavaScript off too.
    """
    items = request.query_params.multi_items()
    kept = [(k, v) for k, v in items if v.strip() and k not in (replace or {})]
    for key, values in (replace or {}).items():
        kept += [(key, v) for v in values]
    if kept == items:
        return None
    return request.url.path + ("?" + urlencode(kept) if kept else "")


@route(router, "/card.png", "png")
def home_card(request: Request, session: SessionDep) -> Response:
    return card_response(request, home_fields(HOME.data(session)))


@route(router, "/timeline/card.png", "png")
def timeline_card(request: Request, session: SessionDep, filters: TimelineFiltersDep) -> Response:
    return card_response(request, timeline_fields(timeline_card_data(session, filters)))


@page_routes(router, "/", "/index.json", html_in_schema=False)
def home(request: Request, session: SessionDep, fmt: RouteFormat) -> Response:
    return HOME.respond(request, fmt, HOME.data(session))


@page_routes(router, "/timeline")
def timeline(request: Request, session: SessionDep, fmt: RouteFormat, filters: TimelineFiltersDep,
             cursor: Text = None, limit: Limit = PAGE_SIZE) -> Response:
    data = TIMELINE.data(session, filters, cursor=cursor, limit=limit)
    slugs = data["filters"]["actor"]
    target = clean_url(request, {"actor": slugs} if slugs != filters.actor else None)  # names and aliases → slugs
    if target and TIMELINE.redirects_to_canonical(request, fmt):
        return see_other(target)  # before the actor suggestions are fetched: the page is drawn once
    data["actor_options"] = actor_suggestions(session, limit=15)  # more arrive as you type (htmx)
    data["facets"] = dict(timeline_facets(session, filters))
    data["facets_sampled"] = data["facets"].pop("sampled", None)  # counted over the newest this many matches
    return TIMELINE.respond_at(request, fmt, data, target)


@route(router, "/timeline/actor-options", "html")
def timeline_actor_options(request: Request, session: SessionDep, actor: Text = None) -> Response:
    """The actor field's suggestions as <option>s (htmx swaps them into its datalist as you type)."""
    options = actor_suggestions(session, actor or "", limit=20)
    return render_template(request, "_actor_options.html", {"actor_options": options})


@page_routes(router, "/actors")
def actors(request: Request, session: SessionDep, fmt: RouteFormat, q: Text = None, kind: Text = None,
           page: PageNumber = 1) -> Response:
    data = ACTORS.data(session, q or "", kind or "", page)
    return ACTORS.respond_at(request, fmt, data, clean_url(request))


@page_routes(router, "/quotes")
def quotes(request: Request, session: SessionDep, fmt: RouteFormat, q: Text = None, speaker: Text = None,
           since: Text = None, until: Text = None, cursor: Text = None) -> Response:
    data = QUOTES.data(session, q or "", speaker or "", since, until, cursor)
    return QUOTES.respond_at(request, fmt, data, clean_url(request))


@page_routes(router, "/search")
def search(request: Request, session: SessionDep, fmt: RouteFormat, q: Text = None) -> Response:
    return SEARCH.respond(request, fmt, SEARCH.data(session, q or ""))
