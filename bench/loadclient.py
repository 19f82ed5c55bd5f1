"""bench_load's visitors: each an HTTP/1.1 keep-alive connection sending the page mix in turn (``Walk``).

``raw`` (the default) writes each request by hand and parses the answer with httptools (uvicorn's own
parser) on uvloop, so that on a small machine the load generator takes a fraction of the CPU the server does;
httpx's async client spends about 3 ms of CPU per request, as much as the server it measures, on the same
cores (bench_load ``--client httpx`` keeps it for comparison). Both send what httpx sends (``Accept: */*``,
``Accept-Encoding: gzip, deflate``, keep-alive), read every answer to its end and count anything but a 200
(or a 304 to a conditional request) as a failure; neither decompresses bodies (that is the client's work,
not the server's). ``bench.locustfile`` walks the same mix with the same headers and verdicts in Locust.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import Callable, Coroutine
from typing import Any, Protocol

import httpx

TIMEOUT_S = 30.0
HEADERS = {"accept": "*/*", "accept-encoding": "gzip, deflate", "connection": "keep-alive",
           "user-agent": "dateline-bench-load"}


class Walk:
    """One visitor's way through the mix: every page in turn from its own ``offset``; with ``revalidate`` it
    sends ``If-None-Match`` with the tag it last got for the page, as a browser does (a 304 is then a success)."""

    def __init__(self, paths: list[str], offset: int, revalidate: bool = False) -> None:
        self._pages = itertools.islice(itertools.cycle(paths), offset, None)
        self.revalidate = revalidate
        self.tags: dict[str, str] = {}

    def next_request(self) -> tuple[str, dict[str, str] | None]:
        """The next page and the headers it adds to ``HEADERS`` (None: none)."""
        path = next(self._pages)
        tag = self.tags.get(path) if self.revalidate else None
        return path, ({"if-none-match": tag} if tag else None)

    def verdict(self, path: str, conditional: bool, status: int, etag: str | None, body: bytes) -> str:
        """Why the answer is a failure ('' when it is not), keeping a 200's tag for the next revalidation."""
        if status == 200:
            if etag:
                self.tags[path] = etag
            return ""
        if status == 304 and conditional:
            return ""
        return f"HTTP {status}: {body[:200]!r}"


class Answer:
    __slots__ = ("body", "etag", "status")

    def __init__(self, status: int, etag: str | None, body: bytes) -> None:
        self.status, self.etag, self.body = status, etag, body


class Visitor(Protocol):
    async def get(self, path: str, headers: dict[str, str] | None = None) -> Answer: ...

    async def close(self) -> None: ...


class _Reply(asyncio.Protocol):
    """One connection: a request at a time, its answer parsed as it arrives."""

    def __init__(self) -> None:
        import httptools

        self._parser_type = httptools.HttpResponseParser
        self._error = httptools.HttpParserError
        self.transport: Any = None  # uvloop's transports are not asyncio.Transport instances
        self.waiter: asyncio.Future[Answer] | None = None
        self.etag: str | None = None
        self.body: list[bytes] = []
        self.parser: Any = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport

    def begin(self, request: bytes) -> asyncio.Future[Answer]:
        assert self.transport is not None
        self.parser = self._parser_type(self)
        self.etag, self.body = None, []
        self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(request)
        return self.waiter

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except self._error as exc:
            self._settle(exc)

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        self._settle(exc or ConnectionResetError("the server closed the connection"))

    def on_header(self, name: bytes, value: bytes) -> None:
        if name.lower() == b"etag":
            self.etag = value.decode("latin-1")

    def on_body(self, body: bytes) -> None:
        self.body.append(body)

    def on_message_complete(self) -> None:
        self._settle(Answer(self.parser.get_status_code(), self.etag, b"".join(self.body)))
        if not self.parser.should_keep_alive() and self.transport is not None:
            self.transport.close()

    def _settle(self, result: Answer | BaseException) -> None:
        waiter, self.waiter = self.waiter, None
        if waiter is None or waiter.done():
            return
        if isinstance(result, Answer):
            waiter.set_result(result)
        else:
            waiter.set_exception(result)


class RawVisitor:
    """One keep-alive connection, opened again when the server closes it."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self._head = f"Host: {host}:{port}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in HEADERS.items())
        self._conn: _Reply | None = None

    async def _connection(self) -> _Reply:
        if self._conn is None or self._conn.transport is None:
            _, self._conn = await asyncio.get_running_loop().create_connection(_Reply, self.host, self.port)
        return self._conn

    async def get(self, path: str, headers: dict[str, str] | None = None) -> Answer:
        extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        request = f"GET {path} HTTP/1.1\r\n{self._head}{extra}\r\n".encode("latin-1")
        async with asyncio.timeout(TIMEOUT_S):
            conn = await self._connection()
            try:
                return await conn.begin(request)
            except BaseException:
                if conn.transport is not None:  # a half-read answer: the connection cannot be reused
                    conn.transport.close()
                raise

    async def close(self) -> None:
        if self._conn is not None and self._conn.transport is not None:
            self._conn.transport.close()


class HttpxVisitor:
    """The same through a shared httpx.AsyncClient (its pool holds one connection per visitor)."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def get(self, path: str, headers: dict[str, str] | None = None) -> Answer:
        response = await self.client.get(path, headers=headers)
        return Answer(response.status_code, response.headers.get("etag"), response.content)

    async def close(self) -> None:
        return None


CLIENT_ERRORS = (httpx.HTTPError, OSError, TimeoutError, ConnectionError, asyncio.IncompleteReadError)


def run_visitors(kind: str, base: str, count: int,
                 body: Callable[[int, Visitor], Coroutine[Any, Any, None]]) -> None:
    """Run ``body(n, visitor)`` for ``count`` visitors of ``kind`` ('raw' or 'httpx') against ``base``."""
    if kind == "httpx":
        asyncio.run(_httpx_visitors(base, count, body))
        return
    url = httpx.URL(base)
    runner: Callable[[Coroutine[Any, Any, None]], None] = asyncio.run
    with contextlib.suppress(ImportError):
        import uvloop

        runner = uvloop.run
    runner(_raw_visitors(url.host, url.port or 80, count, body))


async def _raw_visitors(host: str, port: int, count: int,
                        body: Callable[[int, Visitor], Coroutine[Any, Any, None]]) -> None:
    visitors = [RawVisitor(host, port) for _ in range(count)]
    try:
        await asyncio.gather(*(body(n, v) for n, v in enumerate(visitors)))
    finally:
        for visitor in visitors:
            await visitor.close()


async def _httpx_visitors(base: str, count: int, body: Callable[[int, Visitor], Coroutine[Any, Any, None]]) -> None:
    limits = httpx.Limits(max_connections=count, max_keepalive_connections=count)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=TIMEOUT_S) as http:
        await asyncio.gather(*(body(n, HttpxVisitor(http)) for n in range(count)))
