"""The map page: where the timeline's events happen, drawn as SVG on the server; '/map.json' is GeoJSON."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.queries.map import map_page
from app.web import share, urls
from app.web.deps import SessionDep, Text, TimelineFiltersDep
from app.web.formats import RouteFormat, page_routes
from app.web.map_svg import WORLD, world_markers, world_path
from app.web.page import Page
from app.web.pages_lists import clean_url
from app.web.render import base_url, see_other

router = APIRouter()

MAP = Page("map.html", block="results", data=map_page, title="Map", meta=share.map_page)


def with_links(data: dict[str, Any], base: str = "") -> dict[str, Any]:
    """Each feature's ``link``: the map with that place's events listed, the filters kept; each listed event's
    ``url``. ``base`` (the public origin) makes them absolute, as GeoJSON read elsewhere needs."""
    for feature in data["features"]:
        props = feature["properties"]
        props["link"] = base + urls.map_view({**data["filters"], "at": props["key"]}, anchor="at")
    for event in data["at_events"]:
        event["url"] = base + urls.event(event["id"], event["slug"])
    return data


@page_routes(router, "/map")
def world_map(request: Request, session: SessionDep, fmt: RouteFormat, filters: TimelineFiltersDep,
              at: Text = None) -> Response:
    data = with_links(MAP.data(session, filters, at), "" if fmt == "html" else base_url(request))
    slugs = data["filters"]["actor"]
    target = clean_url(request, {"actor": slugs} if slugs != filters.actor else None)
    if target and MAP.redirects_to_canonical(request, fmt):
        return see_other(target)
    if fmt == "html":
        data = {**data, "drawing": {"view_box": WORLD.view_box(), "width": WORLD.width, "height": WORLD.height,
                                    "land": world_path(), "markers": world_markers(data["features"])}}
    return MAP.respond_at(request, fmt, data, target)
