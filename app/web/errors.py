"""The AppError family: one exception per outcome, shown as a page, a JSON error or an htmx message."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.queries.errors import AppError, BadInput, Gone, Moved, NotFound
from app.web import urls

__all__ = ["AppError", "BadInput", "Gone", "Moved", "NotFound", "error_response", "install_error_handlers"]

log = logging.getLogger("dateline.web")


def wants_json(request: Request) -> bool:
    return request.url.path.endswith(".json") or request.url.path.endswith(".csv")


def error_response(request: Request, status: int, title: str, detail: str, hint: str | None = None) -> Response:
    """The same error for every audience: JSON on .json URLs, a message for htmx, a page otherwise."""
    if wants_json(request):
        body: dict[str, object] = {"error": {"status": status, "title": title, "detail": detail}}
        if hint:
            body["error"]["hint"] = hint  # type: ignore[index]
        return JSONResponse(body, status_code=status)
    from app.web.render import render_template

    if request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request"):
        return render_template(request, "_error_message.html",
                               {"status": status, "title": title, "detail": detail, "hint": hint}, status=status)
    return render_template(request, "error.html",
                           {"status": status, "title": title, "detail": detail, "hint": hint}, status=status)


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
        fmt = "json" if request.url.path.endswith(".json") else ""
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
