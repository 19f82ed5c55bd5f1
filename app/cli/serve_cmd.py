"""``dateline serve`` and ``dateline load-samples``."""

from __future__ import annotations

import os
from typing import Annotated

import typer

# Longer than any pooled client's idle expiry (httpx 5 s, browsers 60 s or less than it): with uvicorn's 5 s, a
# client reusing a connection just as the server drops it, or a server so busy that the keep-alive timer fires
# before it reads the request already waiting on the socket, gets a reset ("ReadError") instead of its page.
KEEP_ALIVE_SECONDS = 75


def default_workers() -> int:
    """One web process per core the scheduler gives us (pages are CPU-bound: rendering and SQLite reads)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind (default: HOST or 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: PORT or 8000).")] = None,
    workers: Annotated[int | None, typer.Option(help="Web processes (default: one per core).", min=1)] = None,
    reload: Annotated[bool, typer.Option(help="Restart on code changes (development; one process).")] = False,
    keep_alive: Annotated[int, typer.Option(help="Seconds an idle keep-alive connection is kept open.", min=1,
                                            max=3600)] = KEEP_ALIVE_SECONDS,
) -> None:
    import uvicorn

    from app import migrate
    from app.runtime import Runtime
    from app.settings import get_settings

    settings = get_settings()
    with Runtime(settings) as runtime:
        problem = runtime.storage_problem()
    if problem:  # pages may still be read; ingestion cannot store anything, and /-/health says so
        typer.echo(f"warning: {problem}.", err=True)
    try:
        migrate.ensure_schema(settings.database_url)
    except Exception as exc:
        if not problem:
            raise
        typer.echo(f"error: the database cannot be migrated ({type(exc).__name__}): {problem}.", err=True)
        raise typer.Exit(1) from None
    if not problem:  # the map's place names, indexed once per data folder (about a second, the first time only)
        from app.geo.index import build

        build(settings.data_dir)
    host = host or settings.host
    port = port or settings.port
    processes = 1 if reload else (workers or default_workers())
    typer.echo(f"Dateline at http://{host}:{port}/ ({processes} web process{'es' if processes > 1 else ''})")
    uvicorn.run("app.web.asgi:app", host=host, port=port, reload=reload, proxy_headers=True,
                workers=None if reload else processes, timeout_keep_alive=keep_alive)


def load_samples(
    force: Annotated[bool, typer.Option(help="Load even when the database already has articles.")] = False,
) -> None:
    from app.runtime import command_runtime
    from app.samples import load_samples as load

    with command_runtime(writer=False) as runtime:
        stored = load(runtime.sessionmaker, force=force, model=runtime.spacy_model)
    typer.echo(f"sample articles stored: {stored}" if stored else "database already has articles: samples not loaded")
