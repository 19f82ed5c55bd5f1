"""Static assets under fingerprinted URLs (``?v=<hash>``), so a browser may keep them for a year."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

STATIC_DIR = Path(__file__).resolve().parents[2] / "static"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"  # an unversioned or stale URL: the browser asks again, usually getting a 304


@lru_cache(maxsize=256)
def _digest(path: Path, mtime_ns: int, size: int) -> str:
    """The file's content hash; keyed on its mtime and size, so an edited file gets a new URL."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def fingerprint(name: str) -> str:
    """The version of ``static/name`` to put in its URL; empty when there is no such file."""
    path = STATIC_DIR / name
    try:
        stat = path.stat()
    except OSError:
        return ""
    return _digest(path, stat.st_mtime_ns, stat.st_size)


class FingerprintedStaticFiles(StaticFiles):
    """Files answered with a year-long, immutable cache when the URL names their current version."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code in (200, 304):
            version = _query_version(scope)
            current = fingerprint(path)
            response.headers["Cache-Control"] = IMMUTABLE if version and version == current else REVALIDATE
        return response


def _query_version(scope: Scope) -> str:
    """The ``v`` parameter of the request's query string ('' when absent)."""
    for pair in scope.get("query_string", b"").decode("latin-1").split("&"):
        key, _, value = pair.partition("=")
        if key == "v":
            return value
    return ""
