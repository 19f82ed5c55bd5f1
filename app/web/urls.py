"""The one place links are built: templates and JSON call these, never paste paths together."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

QueryValue = str | int | list[str] | None


def _query(params: Mapping[str, QueryValue] | None) -> str:
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


def home(fmt: str = "") -> str:
    return "/index.json" if fmt == "json" else "/"


def timeline(params: Mapping[str, QueryValue] | None = None, fmt: str = "") -> str:
    suffix = f".{fmt}" if fmt else ""
    return f"/timeline{suffix}{_query(params)}"


def timelinejs(params: Mapping[str, QueryValue] | None = None) -> str:
    return f"/timeline/timelinejs.json{_query(params)}"


def event(event_id: int, slug: str = "", fmt: str = "") -> str:
    suffix = f".{fmt}" if fmt else ""
    return f"/events/{event_id}-{slug or 'event'}{suffix}"


def event_card(event_id: int) -> str:
    return f"/events/{event_id}/card.png"


def actors(params: Mapping[str, QueryValue] | None = None, fmt: str = "") -> str:
    suffix = f".{fmt}" if fmt else ""
    return f"/actors{suffix}{_query(params)}"


def actor(slug: str, fmt: str = "") -> str:
    suffix = f".{fmt}" if fmt else ""
    return f"/actors/{slug}{suffix}"


def quotes(params: Mapping[str, QueryValue] | None = None, fmt: str = "") -> str:
    suffix = f".{fmt}" if fmt else ""
    return f"/quotes{suffix}{_query(params)}"


def quote(quote_id: int, fmt: str = "") -> str:
    suffix = f".{fmt}" if fmt else ""
    return f"/quotes/{quote_id}{suffix}"


def article(article_id: int, fmt: str = "", anchor: str = "") -> str:
    suffix = f".{fmt}" if fmt else ""
    return f"/articles/{article_id}{suffix}" + (f"#{anchor}" if anchor else "")


def search(params: Mapping[str, QueryValue] | None = None, fmt: str = "") -> str:
    suffix = f".{fmt}" if fmt else ""
    return f"/search{suffix}{_query(params)}"


def static(path: str) -> str:
    return f"/static/{path}"


def with_query(path: str, params: Mapping[str, QueryValue]) -> str:
    """``path`` with ``params`` as its query string (used for paging links that keep the filters)."""
    return path + _query(params)


def absolute(base: str, path: str) -> str:
    """An absolute URL for link previews: ``base`` is the public origin (settings or the request)."""
    return base.rstrip("/") + path


URLS: dict[str, Any] = {
    name: obj for name, obj in globals().items()
    if callable(obj) and not name.startswith("_") and getattr(obj, "__module__", "") == __name__
}
