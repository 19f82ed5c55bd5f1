"""``dateline serve`` and ``dateline load-samples``."""

from __future__ import annotations

from typing import Annotated

import typer


def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind (default: HOST or 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: PORT or 8000).")] = None,
    reload: Annotated[bool, typer.Option(help="Restart on code changes (development).")] = False,
) -> None:
    import uvicorn

    from app import migrate
    from app.settings import get_settings

    settings = get_settings()
    migrate.ensure_schema(settings.database_url)
    host = host or settings.host
    port = port or settings.port
    typer.echo(f"Dateline at http://{host}:{port}/")
    uvicorn.run("app.web.asgi:app", host=host, port=port, reload=reload, proxy_headers=True)


def load_samples(
    force: Annotated[bool, typer.Option(help="Load even when the database already has articles.")] = False,
) -> None:
    from app.runtime import command_runtime
    from app.samples import load_samples as load

    with command_runtime(writer=False) as runtime:
        stored = load(runtime.sessionmaker, force=force, model=runtime.spacy_model)
    typer.echo(f"sample articles stored: {stored}" if stored else "database already has articles: samples not loaded")
