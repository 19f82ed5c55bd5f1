"""The security headers every answer carries, in one place for the middleware and the crash page."""

from __future__ import annotations

from starlette.types import Scope

from app.settings import Settings

# No inline script or style anywhere; the only images are our own cards (and data: URIs for the SVG favicon).
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
                           "form-action 'self'; frame-ancestors 'none'")
HSTS = "max-age=31536000"
STATIC_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
}


def security_headers(scope: Scope, settings: Settings) -> dict[str, str]:
    """The headers for an answer to ``scope``: HSTS only when the site is served over https."""
    over_https = (settings.base_url or "").lower().startswith("https://") or scope.get("scheme") == "https"
    return {**STATIC_HEADERS, "Strict-Transport-Security": HSTS} if over_https else dict(STATIC_HEADERS)


# Read-only data anyone may load from another site (a TimelineJS page, a notebook in the browser): the JSON
# twins and the exports. Nothing under /-/ (ingest, jobs, health, docs) is shared, and no credentials are.
SHARED_TYPES = ("application/json", "text/csv", "application/atom+xml")


def cors_headers(scope: Scope, content_type: str) -> dict[str, str]:
    """``Access-Control-Allow-Origin: *`` for a GET or HEAD of public data (errors too, so a caller can read
    why), nothing for pages, images or anything under /-/."""
    path = str(scope.get("path", ""))
    if scope.get("method") not in ("GET", "HEAD") or path.startswith("/-/"):
        return {}
    return {"Access-Control-Allow-Origin": "*"} if content_type.startswith(SHARED_TYPES) else {}
