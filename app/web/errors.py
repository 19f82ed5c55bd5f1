"""The AppError family: one exception per outcome, shown as a page, a JSON error or an htmx message."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute, Match, Route
from starlette.types import Scope

from app.queries.errors import AppError, BadInput, Gone, Moved, NotFound
from app.web import urls
from app.web.formats import declared_format, errors_as_json
from app.web.policy import security_headers
from app.web.render import json_response, render_template, wants_fragment

__all__ = ["AppError", "BadInput", "Gone", "Moved", "NotFound", "error_response", "install_error_handlers"]

log = logging.getLogger("dateline.web")


def error_response(request: Request, status: int, title: str, detail: str, hint: str | None = None) -> Response:
    """The same error for every audience: JSON for JSON and CSV routes, a message for htmx, a page otherwise."""
    if errors_as_json(request):
        error: dict[str, object] = {"status": status, "title": title, "detail": detail}
        if hint:
            error["hint"] = hint
        return json_response({"error": error}, status=status)
    template = "_error_message.html" if wants_fragment(request) else "error.html"
    return render_template(request, template, {"status": status, "title": title, "detail": detail, "hint": hint},
                           status=status)


def _validation_detail(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "path"))
        parts.append(f"{where}: {err.get('msg', 'invalid')}" if where else str(err.get("msg", "invalid")))
    return "; ".join(parts) or "invalid request"


HTTP_TITLES = {400: "Bad request", 405: "Method not allowed", 413: "Request too large", 429: "Too many attempts"}


def all_routes(routes: Iterable[BaseRoute]) -> Iterator[Route]:
    """The app's routes, the included routers' opened up (they are included without a prefix)."""
    for candidate in routes:
        if isinstance(candidate, Route):
            yield candidate
        elif (included := getattr(candidate, "original_router", None)) is not None:
            yield from all_routes(included.routes)


def routes_at(scope: Scope) -> list[Route]:
    """The routes whose path matches the request's, whatever their methods."""
    return [r for r in all_routes(scope["app"].router.routes) if r.matches(scope)[0] is not Match.NONE]


def allowed_methods(request: Request) -> str:
    """Every method some route at this path takes (HEAD wherever GET is), for a 405's Allow header."""
    methods: set[str] = set()
    for candidate in routes_at(request.scope):
        methods |= candidate.methods or set()
    if "GET" in methods:
        methods.add("HEAD")
    return ", ".join(sorted(methods))


def slash_redirect(request: Request) -> Response | None:
    """'/timeline/' → '/timeline' when that is a route: a path-only Location, so a forged Host goes nowhere."""
    path = request.url.path
    stripped = path.rstrip("/")
    if path == stripped or not stripped or stripped.startswith("//"):
        return None
    if not routes_at({**request.scope, "path": stripped}):
        return None
    return RedirectResponse(stripped + ("?" + request.url.query if request.url.query else ""), status_code=307)


def moved_location(request: Request, exc: Moved) -> str:
    """Where a merged or renamed thing now lives, in the format that was asked for (a card stays a card)."""
    declared = declared_format(request)
    fmt = "json" if declared == "json" else ""
    if exc.kind == "event" and declared == "png":
        location = urls.event_card(int(exc.ident))
    elif exc.kind == "event":
        location = urls.event(int(exc.ident), exc.slug, fmt)
    elif exc.kind == "actor" and declared == "png":
        location = urls.actor_card(str(exc.ident))
    elif exc.kind == "actor":
        location = urls.actor(str(exc.ident), fmt)
    elif declared == "png":
        location = urls.quote_card(int(exc.ident))
    else:
        location = urls.quote(int(exc.ident), fmt)
    return location + ("?" + request.url.query if request.url.query else "")


def install_error_handlers(app: FastAPI) -> None:
    """Route every failure through ``error_response`` so nothing leaves the layout or the JSON shape."""

    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> Response:
        return error_response(request, exc.status, exc.title, exc.detail, exc.hint)

    @app.exception_handler(Moved)
    async def _moved(request: Request, exc: Moved) -> Response:
        # permanent, yet revalidated: an editor can undo a merge, and a browser must then see the page again
        return RedirectResponse(moved_location(request, exc), status_code=301, headers={"Cache-Control": "no-cache"})

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        return error_response(request, 422, "That request could not be understood", _validation_detail(exc),
                              "Check the query string: dates are YYYY-MM-DD, numbers are digits.")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return slash_redirect(request) or error_response(
                request, 404, "Not found", f"There is no page at {request.url.path}.",
                "Try the timeline or the search box.")
        detail, headers = str(exc.detail), dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = allowed_methods(request) or headers.get("Allow", "")
            detail = f"{request.method} is not answered at {request.url.path}; it takes {headers['Allow']}."
        response = error_response(request, exc.status_code, HTTP_TITLES.get(exc.status_code, "Error"), detail)
        response.headers.update(headers)
        return response

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s", request.url.path)
        response = error_response(request, 500, "Something went wrong on our side",
                                  "The server failed to build this page. The error has been logged.",
                                  "Try again in a moment.")
        response.headers.update(security_headers(request.scope, request.app.state.settings))  # sent past them
        return response
