"""Shared fixtures: one loaded extraction pipeline for the whole run; database fixtures live in db_fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def extractor():
    """The real pipeline (en_core_web_sm + Dateline components), loaded once per test session."""
    from app.extract.pipeline import Extractor

    return Extractor()


@pytest.fixture(scope="session")
def seed_text() -> str:
    return (FIXTURES / "russia-nato-talks.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_record(extractor, seed_text):
    return extractor.extract(seed_text, id="russia-nato-talks.txt")


# --- database -------------------------------------------------------------------------------------------
# The test database is built by Alembic (never create_all) once per run; each test runs inside a
# transaction that is rolled back. DATELINE_TEST_DATABASE_URL selects another engine (CI: PostgreSQL).

import os  # noqa: E402

os.environ.setdefault("DATELINE_ALLOW_PRIVATE_URLS", "1")  # the ingest tests fetch from a local site on 127.0.0.1


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("DATELINE_TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    from app.settings import Settings

    return Settings(database_url=url).database_url


@pytest.fixture(scope="session")
def migrated_engine(database_url):
    from app import migrate
    from app.db import make_engine

    migrate.downgrade(database_url, "base")
    migrate.upgrade(database_url, "head")
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture()
def connection(migrated_engine):
    """A connection inside an outer transaction that is rolled back after the test."""
    conn = migrated_engine.connect()
    outer = conn.begin()
    yield conn
    outer.rollback()
    conn.close()


@pytest.fixture()
def session(connection):
    """A session whose commits only release savepoints of the rolled-back outer transaction."""
    from sqlalchemy.orm import Session

    with Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False) as s:
        yield s


@pytest.fixture()
def session_factory(connection):
    """A sessionmaker bound to the test's connection (for code that opens its own sessions)."""
    from sqlalchemy.orm import sessionmaker

    return sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)


@pytest.fixture()
def client(database_url, migrated_engine, connection):
    """A TestClient whose request sessions live in the test's rolled-back transaction."""
    from fastapi.testclient import TestClient
    from sqlalchemy.orm import Session

    from app.settings import Settings
    from app.web.app import create_app
    from app.web.deps import get_session

    app = create_app(Settings(database_url=database_url, ingest_token="test-token"))

    def test_session():
        with Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False) as s:
            yield s
            s.commit()

    app.dependency_overrides[get_session] = test_session
    with TestClient(app) as c:
        yield c


@pytest.fixture()
def env(tmp_path, monkeypatch):
    """A CLI environment of its own: a fresh SQLite file and data folder (settings re-read on both sides)."""
    from app.settings import get_settings

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("DATELINE_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


@pytest.fixture()
def ids(session):
    """The small page corpus of tests/support/corpus.py, stored and committed: name → id."""
    from support.corpus import load

    out = load(session)
    session.commit()
    return out


@pytest.fixture()
def editor_client(database_url, migrated_engine, connection):
    """Like ``client``, with DATELINE_EDITOR_TOKEN set and over https (so the Secure sign-in cookie is sent back)."""
    from fastapi.testclient import TestClient
    from sqlalchemy.orm import Session
    from support.editor import EDITOR_TOKEN

    from app.settings import Settings
    from app.web.app import create_app
    from app.web.deps import get_session

    app = create_app(Settings(database_url=database_url, ingest_token="ingest-secret", editor_token=EDITOR_TOKEN))

    def test_session():
        with Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False) as s:
            yield s
            s.commit()

    app.dependency_overrides[get_session] = test_session
    with TestClient(app, base_url="https://testserver") as c:
        yield c


@pytest.fixture(autouse=True)
def _fresh_query_cache():
    """Every test starts with an empty aggregate cache: rolled-back tests reuse ids, so the cache's data version
    (newest ids) could otherwise match another test's rows."""
    from app.queries import cache

    cache.clear()
    yield
