"""Conditional GETs answered before any page query runs, and a small cache of whole anonymous answers.

A page's ETag is not hashed from its body (that needs the body, so the query and the rendering, first): it is
derived from what the body depends on — the data version of ``app.queries.cache`` (newest ids, the
trigger-kept data generation of migration 0013, the newest correction: a few index look-ups), the URL with
its query string (and so the format: ``.json``, ``.csv``, ``.atom``), the origin links are written with, the
htmx headers, this build of the code, templates and assets, and — when corrections are on — the sign-in cookie,
so an editor's page (its forms, its CSRF token) never carries, answers or is answered by an anonymous tag.

``If-None-Match`` with the current tag is a 304 without touching the page; an anonymous GET whose tag was
answered lately in this process is sent from memory (a bounded LRU of each page's latest answer, compressed
as sent: gzip is not redone per request; a request saying ``Cache-Control: no-cache`` is rendered anew). A
new data version is a new tag, and one request renders it; while it does, the page's other visitors get its
previous answer (with that answer's own tag), so a page is rendered at most once at a time per process and
an ingest storing an article every second cannot pile renders up (stale-while-revalidate, one render behind
at most). With no previous answer they wait for that one render. While the data keeps changing (two versions
less than ``STORM_SECONDS`` apart) a page is re-rendered at most that often per process, its answer served
meanwhile with its own tag; a change after a quiet spell shows at the next request.
Paths under ``/-/`` (jobs, health, the editor's sign-in, docs), static files and PNG cards keep their own
validators; ``app.web.transport.ETags`` still hashes whatever else answers 200.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import Engine, Select, func, select
from sqlalchemy.orm import Session
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.models import Article, Correction, DataGeneration, Event, Quote
from app.web.deps import get_session
from app.web.editor import COOKIE
from app.web.transport import CACHEABLE_TYPES, DATA_TAGGED, DATA_VERSION, etag_matches, not_modified

ROOT = Path(__file__).resolve().parents[2]
PUBLIC = "public, max-age=5, must-revalidate"  # browsers and proxies may reuse it 5 s, then ask (a 304)
PRIVATE = "private, no-cache"  # an editor's page: their browser only, asked again every time
VALIDATED_UNDER_DASH = ("/-/corrections",)  # the correction log and its feed follow the data version too
MAX_ENTRIES = 256
MAX_BYTES = 32_000_000  # all remembered bodies of one process together
MAX_BODY = 2_000_000  # a bigger answer (a long CSV export) is tagged but not kept in memory
STORM_SECONDS = 3.0  # data versions this close together (a job storing articles): pages re-render this seldom
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
        self.entries: OrderedDict[str, Remembered] = OrderedDict()  # by page: its latest answer
        self.bytes = 0
        self.flights: dict[str, asyncio.Event] = {}  # by page: the render running now
        self.root: Any = None  # the FastAPI app, found in the scope: its state and dependency overrides
        self.versions: VersionReader | None = None
        self._version_seen: tuple[Any, ...] | None = None
        self._changes = (float("-inf"), float("-inf"))  # when the data version last changed, and the time before

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not validated(scope):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        cookie = self._editor_cookie(headers)
        try:
            etag, page = self.etag(scope, headers, cookie)
        except Exception:  # the database cannot be read: the route answers (and says so) as it would
            await self.app(scope, receive, send)
            return
        scope[DATA_TAGGED] = True  # ETags (inside gzip) leaves this answer to the tag set here
        extra = {"ETag": etag, "Cache-Control": PRIVATE if cookie else PUBLIC,
                 "Vary": "HX-Request, Cookie" if self.editing else "HX-Request"}
        held = etag if etag_matches(headers.get("if-none-match"), etag) else self._held(page, headers)
        if held:
            await send(not_modified(held, MutableHeaders({**extra, "ETag": held})))
            await send({"type": "http.response.body", "body": b"", "more_body": False})
            return
        if cookie or "no-cache" in headers.get("cache-control", ""):  # an editor, or a reload asking for it anew
            await self.app(scope, receive, self._tagging(send, extra, None))
            return
        await self._shared(scope, receive, send, etag, page, extra)

    def _held(self, page: str, headers: Headers) -> str | None:
        """The tag of the previous answer the page is served as (while it re-renders, or in a storm of
        changes), if the client has it."""
        entry = self.entries.get(page)
        if entry is None or not etag_matches(headers.get("if-none-match"), entry.etag):
            return None
        return entry.etag if page in self.flights or self._recent_in_storm(entry) else None

    def _recent_in_storm(self, entry: Remembered) -> bool:
        """While versions come less than STORM_SECONDS apart, an answer that young is still the page's."""
        previous, last = self._changes
        now = time.monotonic()
        return last - previous < STORM_SECONDS and now - entry.at < STORM_SECONDS

    def _note(self, version: tuple[Any, ...]) -> tuple[Any, ...]:
        if version != self._version_seen:
            if self._version_seen is not None:
                self._changes = (self._changes[1], time.monotonic())
            self._version_seen = version
        return version

    async def _shared(self, scope: Scope, receive: Receive, send: Send, etag: str, page: str,
                      extra: dict[str, str]) -> None:
        """An anonymous GET: from memory, the previous answer while another request renders the page, after
        the one render running when there is nothing to send yet, or rendered here."""
        flight = self.flights.get(page)
        entry = self.entries.get(page)
        if flight is not None and entry is None:
            with suppress(TimeoutError):  # a stuck render: render it here as well
                await asyncio.wait_for(flight.wait(), WAIT_SECONDS)
            entry = self.entries.get(page)
        if entry is not None and (entry.etag == etag or page in self.flights or self._recent_in_storm(entry)):
            self.entries.move_to_end(page)
            await send({**entry.start, "headers": list(entry.start["headers"])})
            await send({"type": "http.response.body", "body": entry.body, "more_body": False})
            return
        mine = self.flights.setdefault(page, asyncio.Event())
        try:
            await self.app(scope, receive, self._tagging(send, extra, page))
        finally:
            if self.flights.get(page) is mine:
                del self.flights[page]
            mine.set()

    def _tagging(self, send: Send, extra: dict[str, str], keep_as: str | None) -> Send:
        """``send`` that tags a validated 200 and, for ``keep_as`` (a page), remembers the whole answer."""
        held: Message | None = None
        chunks: list[bytes] = []

        async def tagging_send(message: Message) -> None:
            nonlocal held
            if message["type"] == "http.response.start":
                if _taggable(message):
                    headers = MutableHeaders(scope=message)
                    for name, value in extra.items():
                        if name == "Vary":
                            headers.add_vary_header(value)  # after gzip's Accept-Encoding
                        else:
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
                    self._remember(keep_as, Remembered(extra["ETag"], held, b"".join(chunks), time.monotonic()))
            await send(message)

        return tagging_send

    def _remember(self, page: str, entry: Remembered) -> None:
        if page in self.entries:
            self.bytes -= len(self.entries.pop(page).body)
        self.entries[page] = entry
        self.bytes += len(entry.body)
        while len(self.entries) > MAX_ENTRIES or self.bytes > MAX_BYTES:
            self.bytes -= len(self.entries.popitem(last=False)[1].body)

    def _editor_cookie(self, headers: Headers) -> str:
        """The sign-in cookie's value when corrections are on ('' otherwise: the page is everyone's)."""
        if not self.editing:
            return ""
        for part in headers.get("cookie", "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == COOKIE and value:
                return value
        return ""

    def etag(self, scope: Scope, headers: Headers, cookie: str) -> tuple[str, str]:
        """(the weak tag of the answer this request would get now, the key of its page: the same request
        whatever the data version, compressed or not as it asks)."""
        self.root = self.root or scope.get("app")
        origin = self.base_url or f"{scope.get('scheme', 'http')}://{headers.get('host', '')}"
        query = scope.get("query_string", b"").decode("latin-1")
        parts = (self.build, origin, scope["path"], query, headers.get("hx-request", ""),
                 headers.get("hx-history-restore-request", ""), hashlib.sha256(cookie.encode()).hexdigest())
        page = "|".join(parts)
        version = scope[DATA_VERSION] = self._version()  # the route's session adopts it (app.web.deps)
        tag = hashlib.sha256(f"{page}|{self._note(version)!r}".encode()).hexdigest()[:24]
        return f'W/"d{tag}"', f"{page}|{'gzip' if 'gzip' in headers.get('accept-encoding', '') else ''}"

    def _version(self) -> tuple[Any, ...]:
        """The data version, read as the routes read (tests bind their sessions to a rolled-back transaction
        through the dependency override); else by the process's ``VersionReader``."""
        override: Callable[[], Iterator[Session]] | None = self.root.dependency_overrides.get(get_session)
        if override is not None:
            session: AbstractContextManager[Session] = contextmanager(override)()
            with session as s:
                return tuple(s.execute(version_statement()).one())
        if self.versions is None:
            self.versions = VersionReader(self.root.state.engine)
        return self.versions.read()


class Remembered(NamedTuple):
    etag: str
    start: Message
    body: bytes
    at: float  # time.monotonic() when it was rendered


class VersionReader:
    """The data version for every request. On SQLite, one connection of its own asks ``PRAGMA data_version``
    (a counter SQLite moves whenever another connection commits) and reads the version again only when it
    moved: no pool checkout per request, so a pool busy with renders never stalls the event loop. Elsewhere
    a pooled connection reads it each time."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._raw: Any = None
        self._seen: int | None = None
        self._version: tuple[Any, ...] = ()
        if engine.dialect.name == "sqlite":
            self._sql = str(version_statement().compile(dialect=engine.dialect,
                                                         compile_kwargs={"literal_binds": True}))

    def read(self) -> tuple[Any, ...]:
        if self.engine.dialect.name != "sqlite":
            with self.engine.connect() as conn:
                return tuple(conn.execute(version_statement()).one())
        if self._raw is None:
            pooled = self.engine.raw_connection()
            pooled.detach()  # this reader's own: never handed to a route
            self._raw = pooled.dbapi_connection
        moved = self._fetch("PRAGMA data_version")[0]
        if moved != self._seen:
            self._version, self._seen = tuple(self._fetch(self._sql)), moved
        return self._version

    def _fetch(self, sql: str) -> Any:
        cursor = self._raw.cursor()
        try:
            return cursor.execute(sql).fetchall()[0]  # read to the end: no read transaction is left open
        finally:
            cursor.close()


def _taggable(start: Message) -> bool:
    headers = Headers(raw=start.get("headers", []))
    return (start["status"] == 200 and "etag" not in headers
            and headers.get("content-type", "").startswith(CACHEABLE_TYPES))

