"""Conditional GETs answered before any page query runs, and a small cache of whole anonymous answers.

A page's ETag is not hashed from its body (that needs the body, so the query and the rendering, first): it is
derived from what the body depends on — the data version of ``app.queries.cache`` (newest ids, the
trigger-kept data generation of migration 0013, the newest correction: a few index look-ups), the URL with
its query string (and so the format: ``.json``, ``.csv``, ``.atom``), the origin links are written with, the
htmx headers, this build of the code, templates and assets, and — when corrections are on — the sign-in cookie,
so an editor's page (its forms, its CSRF token) never carries, answers or is answered by an anonymous tag.

``If-None-Match`` with the current tag is a 304 without touching the page; an anonymous GET whose tag was
answered lately in this process is sent from memory (a bounded LRU; a new data version is a new tag, so
nothing stale is ever served; a request saying ``Cache-Control: no-cache`` is rendered anew). Concurrent
misses for one tag wait for the first instead of all rendering it.
Paths under ``/-/`` (jobs, health, the editor's sign-in, docs), static files and PNG cards keep their own
validators; ``app.web.transport.ETags`` still hashes whatever else answers 200.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.models import Article, Correction, DataGeneration, Event, Quote
from app.web.deps import get_session
from app.web.editor import COOKIE
from app.web.transport import CACHEABLE_TYPES, etag_matches, not_modified

ROOT = Path(__file__).resolve().parents[2]
PUBLIC = "public, max-age=5, must-revalidate"  # browsers and proxies may reuse it 5 s, then ask (a 304)
PRIVATE = "private, no-cache"  # an editor's page: their browser only, asked again every time
VALIDATED_UNDER_DASH = ("/-/corrections",)  # the correction log and its feed follow the data version too
MAX_ENTRIES = 256
MAX_BYTES = 32_000_000  # all remembered bodies of one process together
MAX_BODY = 2_000_000  # a bigger answer (a long CSV export) is tagged but not kept in memory
WAIT_SECONDS = 30.0


def build_id(folders: tuple[str, ...] = ("app", "templates", "static")) -> str:
    """Changes whenever a file of the code, templates or assets does (same in every worker process)."""
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                stat = path.stat()
                digest.update(f"{path.relative_to(ROOT)}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()[:16]


@lru_cache(maxsize=1)
def version_statement() -> Select[Any]:
    """``app.queries.cache.data_version``'s five values, built once (a request runs it before anything else)."""
    return select(
        select(func.max(Article.id)).scalar_subquery(),
        select(func.max(Event.id)).scalar_subquery(),
        select(func.max(Quote.id)).scalar_subquery(),
        select(DataGeneration.n).where(DataGeneration.id == 1).scalar_subquery(),
        select(func.max(Correction.id)).scalar_subquery(),
    )


def validated(scope: Scope) -> bool:
    """Whether this request's answer follows the data version (a page, a JSON twin, an export, a feed)."""
    path: str = scope["path"]
    if scope["method"] not in ("GET", "HEAD") or path.endswith(".png") or path.startswith("/static/"):
        return False
    return not path.startswith("/-/") or path.startswith(VALIDATED_UNDER_DASH)


class Conditional:
    """ETag + Cache-Control on every validated 200; 304 or a remembered answer before the route runs."""

    def __init__(self, app: ASGIApp, editing: bool, base_url: str | None) -> None:
        self.app = app
        self.editing = editing  # with corrections on, pages differ for signed-in editors: Vary on the cookie
        self.base_url = base_url or ""
        self.build = build_id()
        self.entries: OrderedDict[str, tuple[Message, bytes]] = OrderedDict()
        self.bytes = 0
        self.version: tuple[Any, ...] | None = None  # the data version the remembered answers are of
        self.flights: dict[str, asyncio.Event] = {}
        self.root: Any = None  # the FastAPI app, found in the scope: its state and dependency overrides

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not validated(scope):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        cookie = self._editor_cookie(headers)
        try:
            etag = self.etag(scope, headers, cookie)
        except Exception:  # the database cannot be read: the route answers (and says so) as it would
            await self.app(scope, receive, send)
            return
        extra = {"ETag": etag, "Cache-Control": PRIVATE if cookie else PUBLIC,
                 "Vary": "HX-Request, Cookie" if self.editing else "HX-Request"}
        if etag_matches(headers.get("if-none-match"), etag):
            await send(not_modified(etag, MutableHeaders(extra)))
            await send({"type": "http.response.body", "body": b"", "more_body": False})
            return
        if cookie or "no-cache" in headers.get("cache-control", ""):  # an editor, or a reload asking for it anew
            await self.app(scope, receive, self._tagging(send, extra, None))
            return
        await self._shared(scope, receive, send, etag, extra)

    async def _shared(self, scope: Scope, receive: Receive, send: Send, etag: str, extra: dict[str, str]) -> None:
        """An anonymous GET: from memory, after the one computation of this tag already running, or computed."""
        flight = self.flights.get(etag)
        if flight is not None and etag not in self.entries:
            with suppress(TimeoutError):  # a stuck computation: compute it here as well
                await asyncio.wait_for(flight.wait(), WAIT_SECONDS)
        entry = self.entries.get(etag)
        if entry is not None:
            self.entries.move_to_end(etag)
            start, body = entry
            await send({**start, "headers": list(start["headers"])})
            await send({"type": "http.response.body", "body": body, "more_body": False})
            return
        mine = self.flights.setdefault(etag, asyncio.Event())
        try:
            await self.app(scope, receive, self._tagging(send, extra, etag))
        finally:
            if self.flights.get(etag) is mine:
                del self.flights[etag]
            mine.set()

    def _tagging(self, send: Send, extra: dict[str, str], keep_as: str | None) -> Send:
        """``send`` that tags a validated 200 and, for ``keep_as``, remembers the whole answer."""
        held: Message | None = None
        chunks: list[bytes] = []

        async def tagging_send(message: Message) -> None:
            nonlocal held
            if message["type"] == "http.response.start":
                if _taggable(message):
                    headers = MutableHeaders(scope=message)
                    for name, value in extra.items():
                        headers[name] = value
                    if keep_as is not None and "set-cookie" not in headers:
                        held = {**message, "headers": list(message["headers"])}  # outer layers edit theirs
                await send(message)
                return
            if held is not None and message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if sum(map(len, chunks)) > MAX_BODY:
                    held = None
                elif not message.get("more_body", False) and keep_as is not None:
                    self._remember(keep_as, held, b"".join(chunks))
            await send(message)

        return tagging_send

    def _remember(self, etag: str, start: Message, body: bytes) -> None:
        if etag in self.entries:
            self.bytes -= len(self.entries.pop(etag)[1])
        self.entries[etag] = (start, body)
        self.bytes += len(body)
        while len(self.entries) > MAX_ENTRIES or self.bytes > MAX_BYTES:
            self.bytes -= len(self.entries.popitem(last=False)[1][1])

    def _forget_older(self, version: tuple[Any, ...]) -> None:
        """A new data version: no remembered answer can be asked for again (their tags name the old one)."""
        if version != self.version:
            self.entries.clear()
            self.bytes = 0
            self.version = version

    def _editor_cookie(self, headers: Headers) -> str:
        """The sign-in cookie's value when corrections are on ('' otherwise: the page is everyone's)."""
        if not self.editing:
            return ""
        for part in headers.get("cookie", "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == COOKIE and value:
                return value
        return ""

    def etag(self, scope: Scope, headers: Headers, cookie: str) -> str:
        """The weak tag of the answer this request would get now."""
        self.root = self.root or scope.get("app")
        version = self._version()
        self._forget_older(version)
        origin = self.base_url or f"{scope.get('scheme', 'http')}://{headers.get('host', '')}"
        query = scope.get("query_string", b"").decode("latin-1")
        parts = (self.build, repr(version), origin, scope["path"], query, headers.get("hx-request", ""),
                 headers.get("hx-history-restore-request", ""), hashlib.sha256(cookie.encode()).hexdigest())
        return f'W/"d{hashlib.sha256("|".join(parts).encode()).hexdigest()[:24]}"'

    def _version(self) -> tuple[Any, ...]:
        """The data version, read as the routes read (tests bind their sessions to a rolled-back transaction
        through the dependency override); else on a pooled connection, without a Session."""
        override: Callable[[], Iterator[Session]] | None = self.root.dependency_overrides.get(get_session)
        if override is not None:
            session: AbstractContextManager[Session] = contextmanager(override)()
            with session as s:
                return tuple(s.execute(version_statement()).one())
        with self.root.state.engine.connect() as conn:
            return tuple(conn.execute(version_statement()).one())


def _taggable(start: Message) -> bool:
    headers = Headers(raw=start.get("headers", []))
    return (start["status"] == 200 and "etag" not in headers
            and headers.get("content-type", "").startswith(CACHEABLE_TYPES))

