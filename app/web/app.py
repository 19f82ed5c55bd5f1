"""App factory and lifespan: the engine and session factory live on ``app.state``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.staticfiles import StaticFiles

from app.runtime import Runtime
from app.settings import Settings, get_settings
from app.web import ingest_routes, routes
from app.web.render import ROOT

STATIC_DIR = ROOT / "static"


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application; the database is connected when it starts, not before."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = Runtime(settings)  # engine, sessions and job queue of this process; closed on shutdown
        app.state.runtime = runtime
        app.state.engine = runtime.engine
        app.state.sessionmaker = runtime.sessionmaker
        try:
            yield
        finally:
            runtime.close()

    app = FastAPI(title="Dateline", lifespan=lifespan, docs_url="/-/docs", redoc_url=None,
                  openapi_url="/-/openapi.json")
    app.state.settings = settings
    # Pages, JSON and htmx/CSS assets compress 4-5x; PNG cards are left alone (already compressed).
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    routes.install(app)
    ingest_routes.install(app)
    return app
