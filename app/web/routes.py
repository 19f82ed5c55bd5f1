"""All routes: the health probe plus the dashboard pages (pages_*.py), each with a .json twin."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from app.db import database_status
from app.web import correction_routes, pages_exports, pages_items, pages_lists, pages_map
from app.web.errors import install_error_handlers


def install(app: FastAPI) -> None:
    @app.get("/-/health", include_in_schema=False)
    def health(request: Request) -> JSONResponse:
        """503 when the database cannot be read; 'degraded' (still 200: pages are served) when storage
        cannot be written, with the one line saying which file or folder and what to do."""
        status = database_status(request.app.state.engine)
        storage = request.app.state.runtime.storage_status()
        word = "unavailable" if not status["ok"] else "ok" if storage["ok"] else "degraded"
        return JSONResponse({"status": word, "database": status, "storage": storage},
                            status_code=200 if status["ok"] else 503)

    app.include_router(pages_exports.router)  # before the lists: /timeline/timelinejs.json is more specific
    app.include_router(pages_lists.router)
    app.include_router(pages_items.router)
    app.include_router(pages_map.router)
    app.include_router(correction_routes.router)
    install_error_handlers(app)
