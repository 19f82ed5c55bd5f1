"""Alembic environment: the URL comes from Dateline's settings (DATABASE_URL) or from the caller."""

from __future__ import annotations

from alembic import context

from app.db import make_engine
from app.models import Base

config = context.config
target_metadata = Base.metadata


BY_HAND = {"ix_events_live_span"}  # an expression index written per engine (0014: each engine's day difference)


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Full-text search tables and indexes, and BY_HAND's, are managed by hand in the migrations, per engine."""
    return not (name and ("_fts" in name or name.startswith("fts_") or name in BY_HAND))


def run_migrations_offline() -> None:
    context.configure(
        url=_url(), target_metadata=target_metadata, literal_binds=True,
        render_as_batch=True, include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def _url() -> str:
    url = config.attributes.get("url") or config.get_main_option("sqlalchemy.url")
    if not url:
        from app.settings import get_settings

        url = get_settings().database_url
    return url


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_url())
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        include_object=include_object,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
