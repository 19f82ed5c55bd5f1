"""A database of a test's own, for tests whose writers must really commit (several processes, several
connections): a SQLite file under the test's tmp_path, or a fresh database on the CI PostgreSQL server
named by DATELINE_TEST_DATABASE_URL, dropped afterwards."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


@contextlib.contextmanager
def scratch_database(tmp_path: Path, name: str = "scratch") -> Iterator[str]:
    """A SQLite file, or a fresh database on the CI PostgreSQL server (dropped afterwards)."""
    from app.settings import Settings

    url = os.environ.get("DATELINE_TEST_DATABASE_URL")
    if not url or not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path / f'{name}.db'}"
        return
    admin_url = make_url(Settings(database_url=url).database_url)
    name = f"dateline_{name}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
