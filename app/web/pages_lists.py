"""List pages: home, timeline, actors, quotes, search — each HTML, htmx block, .json and (lists) .csv."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app.queries.actors import actor_list
from app.queries.home import home_page
from app.queries.quotes import quote_list
from app.queries.search import search_page
from app.queries.timeline import PAGE_SIZE, TimelineFilters, timeline_page
from app.web.deps import SessionDep
from app.web.render import render

router = APIRouter()
Text = Annotated[str | None, Query(max_length=200)]


@router.get("/", include_in_schema=False)
@router.get("/index.json")
def home(request: Request, session: SessionDep) -> Response:
    return render(request, "index.html", home_page(session), title="What happened lately")


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
    return render(request, "timeline.html", data, title="Timeline")


@router.get("/actors")
@router.get("/actors.json")
def actors(request: Request, session: SessionDep, q: Text = None, kind: Text = None) -> Response:
    return render(request, "actors.html", actor_list(session, q or "", kind or ""), title="Actors")


@router.get("/quotes")
@router.get("/quotes.json")
def quotes(request: Request, session: SessionDep, q: Text = None, speaker: Text = None, since: Text = None,
           until: Text = None, cursor: Text = None) -> Response:
    data = quote_list(session, q or "", speaker or "", since, until, cursor)
    return render(request, "quotes.html", data, title="Quotes")


@router.get("/search")
@router.get("/search.json")
def search(request: Request, session: SessionDep, q: Text = None) -> Response:
    return render(request, "search.html", search_page(session, q or ""), title="Search")
