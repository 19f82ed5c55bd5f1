"""The AppError family: one exception per outcome, shown as a page, a JSON error or an htmx message."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.queries.errors import AppError, BadInput, Gone, Moved, NotFound
from app.web import urls
from app.web.formats import declared_format, errors_as_json
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


def install_error_handlers(app: FastAPI) -> None:
    """Route every failure through ``error_response`` so nothing leaves the layout or the JSON shape."""

    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> Response:
        return error_response(request, exc.status, exc.title, exc.detail, exc.hint)

    @app.exception_handler(Moved)
    async def _moved(request: Request, exc: Moved) -> Response:
        fmt = "json" if declared_format(request) == "json" else ""
        if exc.kind == "event":
            location = urls.event(int(exc.ident), exc.slug, fmt)
        elif exc.kind == "actor":
            location = urls.actor(str(exc.ident), fmt)
        else:
            location = urls.quote(int(exc.ident), fmt)
        if request.url.query:
            location += "?" + request.url.query
        return RedirectResponse(location, status_code=301)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        return error_response(request, 422, "That request could not be understood", _validation_detail(exc),
                              "Check the query string: dates are YYYY-MM-DD, numbers are digits.")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return error_response(request, 404, "Not found", f"There is no page at {request.url.path}.",
                                  "Try the timeline or the search box.")
        if exc.status_code == 405:
            return error_response(request, 405, "Method not allowed", str(exc.detail))
        return error_response(request, exc.status_code, "Error", str(exc.detail))

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s", request.url.path)
        return error_response(request, 500, "Something went wrong on our side",
                              "The server failed to build this page. The error has been logged.",
                              "Try again in a moment.")
