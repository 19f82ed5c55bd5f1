"""Engine and session construction; built by the app's lifespan or the CLI, never at import time."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, String, any_, bindparam, create_engine, event, insert, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


@dataclass(frozen=True, slots=True)
class SqliteMemory:
    """What each SQLite connection may hold: its own page cache, and how much of the file it maps.

    Both are per connection. Mapped pages are shared with the OS cache but count in a process's RSS once per
    connection mapping them; a web process has a dozen connections (one per concurrent render), so it maps
    nothing and keeps a small cache (``WEB_SQLITE``). A bulk writer has one or two and keeps the large ones.
    """

    cache_mib: int = 64
    mmap_mib: int = 256


WEB_SQLITE = SqliteMemory(cache_mib=16, mmap_mib=0)


def _sqlite_pragmas(memory: SqliteMemory, dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not pysqlite, decide where transactions begin, so SAVEPOINTs nest correctly.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute(f"PRAGMA cache_size={-1024 * memory.cache_mib}")  # negative: KiB
    cursor.execute(f"PRAGMA mmap_size={memory.mmap_mib * 1024 * 1024}")
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()


def make_engine(url: str, *, immediate_writes: bool = False, memory: SqliteMemory | None = None,
                **kwargs: Any) -> Engine:
    """An engine for ``url``; SQLite files get their folder created and WAL mode switched on.

    ``immediate_writes`` is for processes that write (ingest, workers): their SQLite transactions take the
    write lock when they begin, so two writers queue on busy_timeout instead of one failing at once with
    "database is locked" when it upgrades a read transaction that another writer has overtaken. ``memory``
    bounds each SQLite connection's page cache and mapping (default: 64 MiB cached, 256 MiB mapped).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine, "connect", partial(_sqlite_pragmas, memory or SqliteMemory()))
        begin = "BEGIN IMMEDIATE" if immediate_writes else "BEGIN"
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql(begin))
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded attributes after commit, so a caller may read what it just stored."""
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit when the block ends cleanly, roll back otherwise; every writer uses this."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def reading(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session for reads only, whose transaction ends with COMMIT rather than the pool's ROLLBACK.

    Either ends a read the same, but psycopg drops every statement it has prepared on the connection when it
    sees a ROLLBACK (a rolled-back transaction may have dropped what they refer to), so a bulk ingest that
    checks each article for duplicates in a read of its own would never keep a prepared statement: the server
    would parse and plan each of the article's statements anew.
    """
    with factory() as session:
        yield session
        session.commit()


def insert_missing(session: Session, model: type, rows: list[dict[str, Any]], key: list[str]) -> None:
    """Insert ``rows``, skipping any whose unique ``key`` another writer has stored meanwhile.

    Concurrent ingests (two workers on one job, an ingest beside a worker) create the same actors, aliases
    and sources at once. A plain INSERT of a row another open transaction has just inserted waits for it and
    then fails, and the whole article with it; ON CONFLICT DO NOTHING waits the same and then skips, so the
    caller re-reads the row instead. Rows go in the caller's order (an extraction's actors as first named,
    which their ids keep, and pages list shared actors by id); two writers that each wait for a row the other
    inserted deadlock, and the database ends one of them, which the ingest runner tries again.
    """
    insert_rows(session, model, rows, missing_key=key)


def read_rows(session: Session, stmt: Any, values: dict[str, Any] | None = None) -> Any:
    """A column-only SELECT run as Core on the session's connection and transaction: the ORM's execution path
    (its compile state, result set-up and row wrapping) was half the cost of each of a page's small queries,
    about 30 µs of 60, and a few µs more per row. Anything pending is flushed first, as the ORM's autoflush
    would (and, as there, not inside ``no_autoflush``)."""
    if session.autoflush:
        session.flush()  # nothing to do (a quick test) when nothing is pending
    return session.connection().execute(stmt, values)


def one_of(session: Session, column: Any, values: Iterable[Any]) -> Any:
    """``column IN values``; on PostgreSQL ``column = ANY(array)``, one bound array whatever the number of values.

    An IN list renders one placeholder per value, so each list length is another statement text: psycopg
    converts it anew and the server parses and plans it anew (never prepared). The array form reads the same
    rows (a NULL value matches nothing in either) through the same indexes.
    """
    values = list(values)
    if session.get_bind().dialect.name != "postgresql":
        return column.in_(values)
    return column == any_(bindparam(None, values, type_=postgresql.ARRAY(column.type)))


def insert_rows(session: Session, model: Any, rows: list[dict[str, Any]], *, missing_key: list[str] | None = None,
                ids: bool = False) -> list[int]:
    """Insert ``rows`` (all with the same keys) in one statement; with ``ids``, their new ids in row order.

    ``missing_key`` skips rows whose unique key is stored already (``insert_missing``). On PostgreSQL the rows
    go as one array per column through ``unnest``: one statement of the same text whatever the number of rows,
    so psycopg and the server prepare it once, and a statement-level trigger fires once, where an executemany
    runs (and fires) once per row. Elsewhere the usual SQLAlchemy bulk insert. Python-side column defaults are
    filled in as SQLAlchemy would; rows go in the caller's order, which is also the order of their new ids.
    """
    if not rows:
        return []
    table = getattr(model, "__table__", model)
    dialect = session.get_bind().dialect
    if dialect.name != "postgresql":
        if missing_key is not None:
            if dialect.name == "sqlite":
                from sqlalchemy.dialects import sqlite

                session.execute(sqlite.insert(model).on_conflict_do_nothing(index_elements=missing_key), rows)
            else:  # no ON CONFLICT: a collision fails the article's transaction, which the runner retries
                session.execute(insert(model), rows)
            return []
        if ids:
            return list(session.scalars(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows))
        session.execute(insert(model), rows)
        return []
    names = list(rows[0])
    defaults = [c for c in table.columns if c.name not in rows[0] and c.default is not None and not c.primary_key]
    sql, processors = _unnest_insert(table, dialect, (*names, *(c.name for c in defaults)),
                                     tuple(missing_key or ()), ids)
    params: dict[str, Any] = {}
    for i, name in enumerate(names):
        values = [row[name] for row in rows]
        process = processors[i]
        params[f"p{i}"] = [process(v) for v in values] if process is not None else values
    for j, column in enumerate(defaults, start=len(names)):
        default = column.default
        values = [default.arg(None) for _ in rows] if default.is_callable else [default.arg] * len(rows)
        process = processors[j]
        params[f"p{j}"] = [process(v) for v in values] if process is not None else values
    if session.autoflush:  # as session.execute would: pending rows (the article, its actors) go first
        session.flush()
    result = session.connection().exec_driver_sql(sql, params)
    # ids come from the table's sequence as the rows are inserted, in the ORDER BY order: sorted, they are in
    # row order
    return sorted(result.scalars()) if ids else []


_UNNEST: dict[tuple[Any, ...], tuple[str, list[Any]]] = {}


def _unnest_insert(table: Any, dialect: Any, names: tuple[str, ...], key: tuple[str, ...],
                   ids: bool) -> tuple[str, list[Any]]:
    """The INSERT ... SELECT FROM unnest(...) text for these columns, and each column's bind processor (cached)."""
    cache_key = (table.name, names, key, ids, dialect.name)
    if cache_key not in _UNNEST:
        columns = [table.c[name] for name in names]
        quote = dialect.identifier_preparer.quote
        # strings as TEXT[]: a cast to VARCHAR(n) would cut a long value, where the INSERT refuses it
        arrays = ", ".join(f"CAST(%(p{i})s AS {'TEXT' if isinstance(c.type, String) else c.type.compile(dialect=dialect)}[])"
                           for i, c in enumerate(columns))
        aliases = ", ".join(f"u{i}" for i in range(len(columns)))
        sql = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) "
               f"SELECT {aliases} FROM unnest({arrays}) WITH ORDINALITY AS u({aliases}, u_order) ORDER BY u_order")
        if key:
            sql += f" ON CONFLICT ({', '.join(quote(k) for k in key)}) DO NOTHING"
        if ids:
            sql += " RETURNING id"
        _UNNEST[cache_key] = (sql, [c.type.dialect_impl(dialect).bind_processor(dialect) for c in columns])
    return _UNNEST[cache_key]


def database_status(engine: Engine) -> dict[str, object]:
    """What /-/health reports: reachable or not, the dialect, and the migration revision."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            try:
                revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            except Exception:
                revision = None
        return {"ok": True, "dialect": engine.dialect.name, "revision": revision}
    except Exception as exc:  # the health page must answer whatever the database does
        return {"ok": False, "dialect": engine.dialect.name, "error": str(exc).splitlines()[0]}


def _nearest_existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def folder_problem(folder: Path, what: str, fix: str) -> str | None:
    """Why files cannot be created in ``folder`` (or in the folder it would be made in), or None."""
    existing = _nearest_existing(folder.absolute())
    if not existing.is_dir():
        return f"{what} {folder} cannot be created: {existing} is not a folder; {fix}"
    if not os.access(existing, os.W_OK | os.X_OK):
        shown = folder if existing == folder.absolute() else f"{folder} (in {existing})"
        return f"{what} {shown} is not writable by this user; make it writable, or {fix}"
    return None


def file_problem(path: Path, what: str, fix: str) -> str | None:
    """Why ``path`` cannot be written (a read-only or immutable file, an unwritable folder), or None."""
    if path.exists() and not os.access(path, os.W_OK):
        return f"{what} {path} is read-only; make it writable (chmod u+w {path}), or {fix}"
    return folder_problem(path.parent, f"the folder of {what}", fix)


def sqlite_storage_problem(url: str) -> str | None:
    """For a SQLite URL, why its file cannot be written; SQLite also creates -wal and -shm files beside it."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return file_problem(Path(parsed.database), "the database file",
                        "set DATABASE_URL to a database this user can write")
