"""App factory and lifespan: the engine and session factory live on ``app.state``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.staticfiles import StaticFiles

from app.db import make_engine, make_sessionmaker
from app.settings import Settings, get_settings

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES_DIR = ROOT / "templates"
STATIC_DIR = ROOT / "static"


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application; the database is connected when it starts, not before."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings.database_url)
        app.state.engine = engine
        app.state.sessionmaker = make_sessionmaker(engine)
        try:
            yield
        finally:
            engine.dispose()

    app = FastAPI(title="Dateline", lifespan=lifespan, docs_url="/-/docs", redoc_url=None,
                  openapi_url="/-/openapi.json")
    app.state.settings = settings
    # Pages, JSON and htmx/CSS assets compress 4-5x; PNG cards are left alone (already compressed).
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    from app.web import routes

    routes.install(app)
    from app.web import ingest_routes

    ingest_routes.install(app)
    return app
