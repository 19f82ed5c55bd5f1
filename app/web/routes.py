"""All routes: the health probe plus the dashboard pages (pages_*.py), each with a .json twin."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from app.db import database_status
from app.web import pages_exports, pages_items, pages_lists
from app.web.errors import install_error_handlers


def install(app: FastAPI) -> None:
    @app.get("/-/health", include_in_schema=False)
    def health(request: Request) -> JSONResponse:
        status = database_status(request.app.state.engine)
        code = 200 if status["ok"] else 503
        return JSONResponse({"status": "ok" if status["ok"] else "unavailable", "database": status}, status_code=code)

    app.include_router(pages_exports.router)  # before the lists: /timeline/timelinejs.json is more specific
    app.include_router(pages_lists.router)
    app.include_router(pages_items.router)
    install_error_handlers(app)
