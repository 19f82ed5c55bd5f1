"""The one place links are built: templates and JSON call these, never paste paths together."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from app.web.static import fingerprint

QueryValue = str | int | list[str] | None
Params = Mapping[str, QueryValue] | None


def _query(params: Params) -> str:
    """An encoded query string without empty values; lists repeat the key (actor=a&actor=b)."""
    if not params:
        return ""
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        if value is None or value == "" or value == []:
            continue
        if isinstance(value, list):
            pairs.extend((key, str(v)) for v in value if v not in (None, ""))
        else:
            pairs.append((key, str(value)))
    return ("?" + urlencode(pairs)) if pairs else ""


def path(base: str, format: str | None = None, params: Params = None, anchor: str = "") -> str:
    """``base`` with its format's suffix ('/timeline' → '/timeline.json'), query string and #anchor."""
    suffix = f".{format}" if format else ""
    return f"{base}{suffix}{_query(params)}" + (f"#{anchor}" if anchor else "")


def home(fmt: str = "") -> str:
    return path("/index", "json") if fmt == "json" else "/"


def timeline(params: Params = None, fmt: str = "") -> str:
    return path("/timeline", fmt, params)


def timeline_actor_options(params: Params = None) -> str:
    return path("/timeline/actor-options", None, params)


def timelinejs(params: Params = None) -> str:
    return path("/timeline/timelinejs", "json", params)


def event(event_id: int, slug: str = "", fmt: str = "") -> str:
    return path(f"/events/{event_id}-{slug or 'event'}", fmt)


def event_card(event_id: int) -> str:
    return path(f"/events/{event_id}/card", "png")


def quote_card(quote_id: int) -> str:
    return path(f"/quotes/{quote_id}/card", "png")


def actor_card(slug: str) -> str:
    return path(f"/actors/{slug}/card", "png")


def timeline_card(params: Params = None) -> str:
    return path("/timeline/card", "png", params)


def home_card() -> str:
    return path("/card", "png")


def actors(params: Params = None, fmt: str = "") -> str:
    return path("/actors", fmt, params)


def actor(slug: str, fmt: str = "") -> str:
    return path(f"/actors/{slug}", fmt)


def quotes(params: Params = None, fmt: str = "") -> str:
    return path("/quotes", fmt, params)


def quote(quote_id: int, fmt: str = "") -> str:
    return path(f"/quotes/{quote_id}", fmt)


def article(article_id: int, fmt: str = "", anchor: str = "") -> str:
    return path(f"/articles/{article_id}", fmt, anchor=anchor)


def search(params: Params = None, fmt: str = "") -> str:
    return path("/search", fmt, params)


def map_view(params: Params = None, fmt: str = "", anchor: str = "") -> str:
    """The map page ('/map'), its GeoJSON twin ('/map.json'); ``at`` in params lists one place's events."""
    return path("/map", fmt, params, anchor)


def static(name: str) -> str:
    """The asset's URL with its content version, so it can be cached for good and still change."""
    version = fingerprint(name)
    return f"/static/{name}?v={version}" if version else f"/static/{name}"


def corrections(fmt: str = "", params: Params = None, anchor: str = "") -> str:
    return path("/-/corrections", fmt, params, anchor)


def editor(params: Params = None) -> str:
    return path("/-/editor", None, params)


def editor_sign_out() -> str:
    return "/-/editor/sign-out"


def correction_subject(subject: Mapping[str, object]) -> str | None:
    """The page of what a correction is about (an event by the slug it had; the page redirects to the current one)."""
    kind, ident, slug = subject.get("kind"), subject.get("id"), subject.get("slug")
    if kind == "actor" and isinstance(slug, str):
        return actor(slug)
    if kind == "event" and isinstance(ident, int):
        return event(ident, slug if isinstance(slug, str) else "")
    if kind == "quote" and isinstance(ident, int):
        return quote(ident)
    return None
