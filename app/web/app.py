"""App factory and lifespan: the engine and session factory live on ``app.state``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware

from app.runtime import Runtime
from app.settings import Settings, get_settings
from app.web import docs, ingest_routes, routes
from app.web.conditional import Conditional
from app.web.security import RequestGuard, SecurityHeaders, TokenThrottle
from app.web.static import STATIC_DIR, FingerprintedStaticFiles
from app.web.transport import BodyLimit, ETags, HeadAsGet


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application; the database is connected when it starts, not before."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = Runtime(settings, web=True)  # engine, sessions and job queue of this process; closed on shutdown
        app.state.runtime = runtime
        app.state.engine = runtime.engine
        app.state.sessionmaker = runtime.sessionmaker
        runtime.resume_jobs()  # a job a killed server left running goes on now, not at the next POST
        runtime.warm_up()  # the default pages' aggregates, so the first visitors do not pay for them
        try:
            yield
        finally:
            runtime.close()

    app = FastAPI(title="Dateline", lifespan=lifespan, docs_url=None, redoc_url=None,
                  openapi_url="/-/openapi.json")
    app.state.settings = settings
    app.state.token_throttle = TokenThrottle()
    app.router.redirect_slashes = False  # the 404 handler redirects '/x/' itself, to a path, never to the Host
    # Outermost last: headers on every answer; Host and Origin checked, then the body bounded, before any route.
    app.add_middleware(ETags)  # inside GZip: the tag is of the uncompressed body (of what Conditional does not tag)
    # Pages, JSON and htmx/CSS assets compress 4-5x; PNG cards are left alone (already compressed).
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=6)  # 9 costs ~2x the CPU for ~2% less
    # Pages, twins and exports: tagged by the data version, 304 or remembered (compressed) before the route runs.
    app.add_middleware(Conditional, editing=bool(settings.editor_token), base_url=settings.base_url)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    app.add_middleware(HeadAsGet)
    app.add_middleware(RequestGuard, settings=settings)
    app.add_middleware(SecurityHeaders, settings=settings)
    app.mount("/static", FingerprintedStaticFiles(directory=STATIC_DIR), name="static")
    routes.install(app)
    ingest_routes.install(app)
    docs.install(app)
    return app
