"""List pages: home, timeline, actors, quotes, search — each HTML, htmx block, .json and (lists) .csv."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from app.queries.actors import actor_list, actor_suggestions
from app.queries.home import home_page
from app.queries.quotes import quote_list
from app.queries.search import search_page
from app.queries.timeline import PAGE_SIZE, TimelineFilters, timeline_page
from app.web.deps import SessionDep
from app.web.render import render, render_template, wants_fragment

router = APIRouter()
Text = Annotated[str | None, Query(max_length=200)]


@router.get("/", include_in_schema=False)
@router.get("/index.json")
def home(request: Request, session: SessionDep) -> Response:
    return render(request, "index.html", home_page(session), title="What happened lately")


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


def canonical(request: Request, response: Response, target: str | None) -> Response:
    """A 303 to ``target`` for a page load; for htmx the fragment with the clean URL to push."""
    if target is None or request.url.path.endswith(".json"):
        return response
    if wants_fragment(request):
        response.headers["HX-Push-Url"] = target
        return response
    return RedirectResponse(target, status_code=303)


def timeline_filters(actor: list[str] | None, type: str | None, modality: str | None, source: str | None,
                     since: str | None, until: str | None, q: str | None) -> TimelineFilters:
    return TimelineFilters.from_query(actor, type, modality, source, since, until, q)


@router.get("/timeline")
@router.get("/timeline.json")
def timeline(request: Request, session: SessionDep, actor: Annotated[list[str] | None, Query()] = None,
             type: Text = None, modality: Text = None, source: Text = None, since: Text = None,
             until: Text = None, q: Text = None, cursor: Text = None,
             limit: Annotated[int, Query(ge=1, le=500)] = PAGE_SIZE) -> Response:
    f = timeline_filters(actor, type, modality, source, since, until, q)
    data = timeline_page(session, f, cursor=cursor, limit=limit)
    slugs = data["filters"]["actor"]
    target = clean_url(request, {"actor": slugs} if slugs != f.actor else None)  # names and aliases → slugs
    if target and not wants_fragment(request) and not request.url.path.endswith(".json"):
        return RedirectResponse(target, status_code=303)  # before rendering: the page is drawn once
    data["actor_options"] = actor_suggestions(session, limit=15)  # more arrive as you type (htmx)
    return canonical(request, render(request, "timeline.html", data, title="Timeline"), target)


@router.get("/timeline/actor-options")
def timeline_actor_options(request: Request, session: SessionDep, actor: Text = None) -> Response:
    """The actor field's suggestions as <option>s (htmx swaps them into its datalist as you type)."""
    options = actor_suggestions(session, actor or "", limit=20)
    return render_template(request, "_actor_options.html", {"actor_options": options})


@router.get("/actors")
@router.get("/actors.json")
def actors(request: Request, session: SessionDep, q: Text = None, kind: Text = None) -> Response:
    data = actor_list(session, q or "", kind or "")
    return canonical(request, render(request, "actors.html", data, title="Actors"), clean_url(request))


@router.get("/quotes")
@router.get("/quotes.json")
def quotes(request: Request, session: SessionDep, q: Text = None, speaker: Text = None, since: Text = None,
           until: Text = None, cursor: Text = None) -> Response:
    data = quote_list(session, q or "", speaker or "", since, until, cursor)
    return canonical(request, render(request, "quotes.html", data, title="Quotes"), clean_url(request))


@router.get("/search")
@router.get("/search.json")
def search(request: Request, session: SessionDep, q: Text = None) -> Response:
    return render(request, "search.html", search_page(session, q or ""), title="Search")
