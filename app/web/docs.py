"""``/-/docs``: Swagger UI, the one page whose policy lets in its CDN and its own (hashed) inline script."""

from __future__ import annotations

import base64
import hashlib
import re

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

CDN = "https://cdn.jsdelivr.net"
INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def script_hashes(html: str) -> str:
    """CSP source expressions allowing exactly the page's inline scripts, and nothing injected beside them."""
    digests = (base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
               for body in INLINE_SCRIPT.findall(html))
    return " ".join(f"'sha256-{d}'" for d in digests)


def install(app: FastAPI) -> None:
    @app.get("/-/docs", include_in_schema=False)
    def api_docs() -> HTMLResponse:
        page = get_swagger_ui_html(openapi_url=app.openapi_url or "/-/openapi.json", title="Dateline API")
        page.headers["Content-Security-Policy"] = (
            f"default-src 'none'; script-src {CDN} {script_hashes(bytes(page.body).decode())}; "
            f"style-src {CDN} 'unsafe-inline'; img-src 'self' data: https://fastapi.tiangolo.com; "
            "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
        return page
