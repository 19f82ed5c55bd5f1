"""Hostile requests: unknown Host headers, cross-site posts, missing security headers, token guessing.

Each guard is plain ASGI (or a small object on ``app.state``) so it acts before any route reads the body.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from urllib.parse import urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.settings import Settings
from app.web.errors import error_response
from app.web.policy import cors_headers, security_headers

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
DEFAULT_PORTS = {"http": 80, "https": 443}


def host_name(header: str) -> str:
    """The name part of a Host header: 'Example.org:8000' → 'example.org', '[::1]:8000' → '::1'."""
    header = header.strip().lower()
    if header.startswith("["):
        end = header.find("]")
        return header[1:end] if end > 0 else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def allowed_hosts(settings: Settings) -> frozenset[str] | None:
    """The host names answered (a leading dot allows subdomains); None answers any Host.

    Unset, a server with DATELINE_BASE_URL answers any Host (links and redirects never use it); one without
    answers its bound host, localhost and TestClient's 'testserver' only.
    """
    configured = (settings.allowed_hosts or "").strip()
    if not configured:
        if settings.base_url:
            return None
        return frozenset({settings.host.lower(), "localhost", "127.0.0.1", "::1", "testserver"})
    names = {name.strip().lower() for name in configured.split(",") if name.strip()}
    if "*" in names:
        return None
    if settings.base_url:
        names.add((urlsplit(settings.base_url).hostname or "").lower())
    return frozenset(names)


def host_is_allowed(name: str, allowed: frozenset[str]) -> bool:
    """An exact name, or a subdomain of a '.example.org' entry (and that domain itself)."""
    return name in allowed or any(entry.startswith(".") and (name.endswith(entry) or name == entry[1:])
                                  for entry in allowed)


def _origin(url: str) -> tuple[str, str, int | None] | None:
    """(scheme, host, port) of a URL, the default port spelled out; None when it has no host."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname:
        return None
    scheme = parts.scheme.lower()
    return scheme, parts.hostname.lower(), port or DEFAULT_PORTS.get(scheme)


def same_site(source: str, host_header: str, base_url: str | None) -> bool:
    """Whether an Origin or Referer is this site: DATELINE_BASE_URL's origin, else the (checked) Host."""
    theirs = _origin(source)
    if theirs is None:
        return False
    if base_url:
        return theirs == _origin(base_url)
    ours = _origin(f"{theirs[0]}://{host_header}")
    return ours is not None and theirs == ours


def cross_site_source(headers: Headers, base_url: str | None) -> str | None:
    """The foreign Origin (or Referer, when no Origin came) of a request; None for our own or a non-browser one."""
    source = headers.get("origin") or headers.get("referer")
    if not source:
        return None  # curl, scripts: no browser, so no ambient credentials to abuse
    if source.strip() == "null" or not same_site(source, headers.get("host", ""), base_url):
        return source.strip()
    return None


class RequestGuard:
    """A 400 for a Host the server does not answer to, a 403 for a state-changing request from another site."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.allowed = allowed_hosts(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        host = headers.get("host")
        if host is not None and self.allowed is not None and not self._answers(host_name(host), scope):
            await self._refuse(scope, receive, send, 400, "Unknown host",
                               f"This server does not answer to the host name '{host_name(host)}'.",
                               "The operator can add it to DATELINE_ALLOWED_HOSTS or set DATELINE_BASE_URL.")
            return
        if "\x00" in scope.get("path", ""):
            await self._refuse(scope, receive, send, 400, "Bad address",
                               "The address contains a NUL (%00) character, which no page, name or id holds.",
                               "Remove the %00 from the address.")
            return
        if scope["method"] not in SAFE_METHODS:
            foreign = cross_site_source(headers, self.settings.base_url)
            if foreign is not None:
                await self._refuse(scope, receive, send, 403, "Cross-site request refused",
                                   f"This request was sent from another site ({foreign[:200]}); Dateline only "
                                   "takes forms and posts from its own pages.",
                                   "Open the form on this site and send it from there.")
                return
        await self.app(scope, receive, send)

    def _answers(self, name: str, scope: Scope) -> bool:
        """A configured name, or the address the connection actually came in on (``--host 0.0.0.0`` over the LAN)."""
        server = scope.get("server") or ("", None)
        return (self.allowed is None or host_is_allowed(name, self.allowed)
                or (name == str(server[0]).lower() and name not in ("", "0.0.0.0", "::")))

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, status: int, title: str, detail: str,
                      hint: str) -> None:
        await error_response(Request(scope, receive), status, title, detail, hint)(scope, receive, send)


class SecurityHeaders:
    """CSP, nosniff, referrer policy and frame refusal on every answer; HSTS when the site is served over https;
    CORS for public data (policy.cors_headers)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        wanted = security_headers(scope, self.settings)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in wanted.items():
                    headers.setdefault(name, value)  # /-/docs brings its own policy
                for name, value in cors_headers(scope, headers.get("content-type", "")).items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, with_headers)


class TokenThrottle:
    """Wrong ingest tokens per client address: after ``limit`` within ``window`` seconds, it waits (429)."""

    MAX_CLIENTS = 10_000  # beyond this many addresses the oldest records are dropped: memory stays bounded

    def __init__(self, limit: int = 5, window: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, client: str, now: float) -> deque[float]:
        failures = self._failures.get(client, deque())
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        return failures

    def retry_after(self, client: str) -> int:
        """Seconds the client must wait before its next try; 0 when it may try now."""
        with self._lock:
            now = self.clock()
            failures = self._recent(client, now)
            if len(failures) < self.limit:
                return 0
            return max(1, int(failures[0] + self.window - now + 0.999))

    def failed(self, client: str) -> None:
        with self._lock:
            now = self.clock()
            failures = self._recent(client, now)
            failures.append(now)
            self._failures.pop(client, None)
            self._failures[client] = failures  # re-inserted: the dict stays ordered oldest first
            while len(self._failures) > self.MAX_CLIENTS:
                self._failures.pop(next(iter(self._failures)))
