"""HTTP plumbing around every route: bounded request bodies, HEAD answered like GET, ETags with 304s."""

from __future__ import annotations

import hashlib

from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.web.errors import error_response

CACHEABLE_TYPES = ("text/html", "application/json", "text/csv", "application/atom+xml")
DATA_TAGGED = "dateline.data_tagged"  # scope key: app.web.conditional tags this answer by the data version
DATA_VERSION = "dateline.data_version"  # scope key: the data version app.web.conditional read for the tag
NOT_MODIFIED_KEEPS = ("etag", "vary", "cache-control", "content-location", "expires", "hx-push-url")


class BodyTooLarge(HTTPException):
    """A request body past DATELINE_MAX_BODY_BYTES, found on its Content-Length or while it arrives."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body is larger than this server takes ({limit:,} bytes, "
                              "DATELINE_MAX_BODY_BYTES).")
        self.limit = limit


def body_too_large_hint(limit: int) -> str:
    """What to do instead, in the unit people think in."""
    return f"Send less than {limit / 1_000_000:g} MB at once: split the upload into several requests."


def declared_length(headers: Headers) -> int | None:
    """The Content-Length a client announced; None when absent or not a number (then the bytes are counted)."""
    value = headers.get("content-length", "")
    return int(value) if value.isascii() and value.isdigit() else None


class BodyLimit:
    """Refuse a body past ``limit`` bytes before any route reads it: up front on its Content-Length, else as the
    bytes arriving pass the limit (a chunked upload), so no request can make the server hold more than that."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = declared_length(Headers(scope=scope))
        if declared is not None and declared > self.limit:
            await self._refuse(scope, receive, send)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise BodyTooLarge(self.limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        exc = BodyTooLarge(self.limit)
        response = error_response(Request(scope, receive), 413, "Request too large", exc.detail,
                                  body_too_large_hint(self.limit))
        response.headers["Connection"] = "close"  # the rest of the body is not read
        await response(scope, receive, send)


class HeadAsGet:
    """HEAD is the GET without its body (link unfurlers send it), so every GET route answers it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)


def weak_etag(body: bytes) -> str:
    """Weak: gzip and identity encodings of one body share it."""
    return f'W/"{hashlib.sha256(body).hexdigest()[:20]}"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110's weak comparison of If-None-Match ('*' or a list of tags) against ``etag``."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    bare = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == bare for tag in if_none_match.split(","))


def not_modified(etag: str, headers: MutableHeaders | Headers) -> Message:
    """A 304's start: only the headers RFC 9110 has it repeat, no body or its length."""
    kept = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items() if k in NOT_MODIFIED_KEEPS]
    if not any(k == b"etag" for k, _ in kept):
        kept.append((b"etag", etag.encode("latin-1")))
    return {"type": "http.response.start", "status": 304, "headers": kept}


class ETags:
    """A weak ETag, hashed from the body, on every 200 page, JSON, CSV or feed; a 304 when the client has it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD") or scope.get(DATA_TAGGED):
            await self.app(scope, receive, send)
            return
        if_none_match = Headers(scope=scope).get("if-none-match")
        held: Message | None = None
        chunks: list[bytes] = []

        async def hashing_send(message: Message) -> None:
            nonlocal held
            if message["type"] == "http.response.start" and _cacheable(message):
                held = message
                return
            if message["type"] != "http.response.body" or held is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            body = b"".join(chunks)
            etag = weak_etag(body)
            headers = MutableHeaders(scope=held)
            if etag_matches(if_none_match, etag):
                await send(not_modified(etag, headers))
                await send({"type": "http.response.body", "body": b"", "more_body": False})
                return
            headers["ETag"] = etag
            await send(held)
            await send({"type": "http.response.body", "body": body, "more_body": False})

        await self.app(scope, receive, hashing_send)


def _cacheable(start: Message) -> bool:
    headers = Headers(raw=start.get("headers", []))
    return (start["status"] == 200 and "etag" not in headers
            and headers.get("content-type", "").startswith(CACHEABLE_TYPES))
