"""Each route's output format is declared where the route is registered, so no code reads it back off the URL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Depends, Request

from app.web.schema import route_docs

Format = Literal["html", "json", "csv", "atom", "png"]
ERRORS_AS_JSON: frozenset[Format] = frozenset({"json", "csv"})  # a failed download answers like the API
Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])

_ROUTE_FORMATS: dict[str, Format] = {}  # route path template → the format it was registered with


def add_route(router: APIRouter, path: str, endpoint: Callable[..., Any], fmt: Format,
              methods: tuple[str, ...] = ("GET",), **options: Any) -> None:
    """Register ``endpoint`` at ``path`` and record that the route answers in ``fmt`` (one path, one format)."""
    known = _ROUTE_FORMATS.setdefault(path, fmt)
    if known != fmt:
        raise ValueError(f"route {path} is already registered as {known}, not {fmt}")
    router.add_api_route(path, endpoint, methods=list(methods), **{**route_docs(path, fmt), **options})


def route(router: APIRouter, path: str, fmt: Format, methods: tuple[str, ...] = ("GET",),
          **options: Any) -> Callable[[Endpoint], Endpoint]:
    """Decorator form of ``add_route`` for a route with a single format (CSV, Atom, PNG, a fragment, a form)."""
    def register(endpoint: Endpoint) -> Endpoint:
        add_route(router, path, endpoint, fmt, methods, **options)
        return endpoint
    return register


def page_routes(router: APIRouter, path: str, json_path: str | None = None,
                *, html_in_schema: bool = True) -> Callable[[Endpoint], Endpoint]:
    """One endpoint at ``path`` (HTML) and at its JSON twin (``path`` + '.json' unless given).

    The twin is registered first: '/events/{ref}' would otherwise also match '/events/12-x.json'.
    """
    def register(endpoint: Endpoint) -> Endpoint:
        add_route(router, json_path or f"{path}.json", endpoint, "json")
        add_route(router, path, endpoint, "html", include_in_schema=html_in_schema)
        return endpoint
    return register


def declared_format(request: Request) -> Format | None:
    """The format of the route that matched the request; None when no route did, or it declared none."""
    matched = request.scope.get("route")
    return _ROUTE_FORMATS.get(getattr(matched, "path", ""))


def route_format(request: Request) -> Format:
    """The matched page route's format, handed to its endpoint as a parameter."""
    fmt = declared_format(request)
    if fmt is None:
        raise LookupError(f"route {request.scope.get('route')!r} was not registered with a format (app.web.formats)")
    return fmt


RouteFormat = Annotated[Format, Depends(route_format)]


def errors_as_json(request: Request) -> bool:
    """Whether a failure is answered as JSON: by the route's format, or — for a URL no route declares (an
    unknown address, a route registered without a format) — by the extension the caller asked for."""
    fmt = declared_format(request)
    if fmt is not None:
        return fmt in ERRORS_AS_JSON
    return request.url.path.endswith((".json", ".csv"))
