"""What the OpenAPI schema says each route answers: its media type, and the errors it can give."""

from __future__ import annotations

from typing import Any

from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel

ERROR_DESCRIPTIONS = {
    400: "Bad request: an unknown Host, or a body that cannot be read",
    401: "No ingest (or editor) token was given",
    403: "Wrong token, ingestion or corrections switched off, or a post from another site",
    404: "No such thing",
    410: "Removed: a later extraction no longer finds it, or an editor said it is not an event",
    409: "The correction cannot be made in the current state (a later correction changed the same thing)",
    413: "The request body is over DATELINE_MAX_BODY_BYTES, or too many inputs",
    422: "A parameter has the wrong form; the detail names it",
    429: "Too many wrong tokens from this address; wait Retry-After seconds",
}


class ErrorDetail(BaseModel):
    status: int
    title: str | None = None
    detail: str
    hint: str | None = None


class ErrorBody(BaseModel):
    """Every JSON error: ``{"error": {"status", "title", "detail", "hint"}}``."""

    error: ErrorDetail


class CSVResponse(Response):
    media_type = "text/csv"


class AtomResponse(Response):
    media_type = "application/atom+xml"


class PNGResponse(Response):
    media_type = "image/png"


RESPONSE_CLASSES: dict[str, type[Response]] = {"html": HTMLResponse, "json": JSONResponse, "csv": CSVResponse,
                                               "atom": AtomResponse, "png": PNGResponse}


def error_responses(fmt: str, *codes: int) -> dict[int | str, dict[str, Any]]:
    """The error answers of a route in ``fmt``: JSON errors for JSON and CSV routes, an HTML page otherwise."""
    out: dict[int | str, dict[str, Any]] = {}
    for code in codes:
        if fmt == "json":
            out[code] = {"model": ErrorBody, "description": ERROR_DESCRIPTIONS[code]}
        elif fmt == "csv":  # "model" would file the schema under the route's own type, text/csv
            out[code] = {"description": ERROR_DESCRIPTIONS[code],
                         "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}}
        else:
            out[code] = {"description": ERROR_DESCRIPTIONS[code],
                         "content": {"text/html": {"schema": {"type": "string"}}}}
    return out


def route_docs(path: str, fmt: str) -> dict[str, Any]:
    """The response class and error answers ``add_route`` registers a page route with."""
    codes = (400, 404, 422) if "{" in path else (400, 422)
    if path.startswith("/events/{"):
        codes = (*codes, 410)
    return {"response_class": RESPONSE_CLASSES[fmt], "responses": error_responses(fmt, *codes)}


_TEXTS = {"type": "array", "items": {"type": "string"}}
INGEST_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {"type": "object", "properties": {
        "token": {"type": "string", "description": "or send 'Authorization: Bearer <token>'"},
        "text": {"type": "string"}, "texts": _TEXTS, "urls": _TEXTS, "feeds": _TEXTS}}},
    "multipart/form-data": {"schema": {"type": "object", "properties": {
        "token": {"type": "string"}, "text": {"type": "string"}, "urls": {"type": "string"},
        "feed": {"type": "string"}, "files": {"type": "array", "items": {"type": "string", "format": "binary"}}}}},
}}}


CORRECTION_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {"application/json": {
    "schema": {"type": "object", "required": ["action"], "additionalProperties": True, "properties": {
        "action": {"type": "string", "description": "merge_actors, retype_event, …, or undo (`dateline correct --help`)"},
        "note": {"type": "string"}, "by": {"type": "string", "description": "the editor's name"}}},
    "example": {"action": "merge_actors", "keep": "united-states", "other": "biden-administration",
                "note": "the administration speaks for the country", "by": "ann"}}}}}
