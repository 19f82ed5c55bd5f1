"""The aggregate cache recomputes single-flight: one caller recomputes, concurrent ones never pile onto it."""

from __future__ import annotations

import threading

import pytest

from app.queries import cache


@pytest.fixture()
def version(monkeypatch):
    """The data version as a mutable cell, so a test can 'ingest' without writing rows."""
    cell = {"v": (1,)}
    monkeypatch.setattr(cache, "data_version", lambda session: cell["v"])
    cache.clear()
    yield cell
    cache.clear()


def test_a_new_data_version_is_recomputed_by_the_next_request(session, version):
    assert cache.cached(session, "k", lambda: "first") == "first"
    assert cache.cached(session, "k", lambda: "unused") == "first"
    version["v"] = (2,)
    assert cache.cached(session, "k", lambda: "second") == "second"


def test_concurrent_requests_serve_the_previous_value_while_one_recomputes(session, version):
    cache.cached(session, "k", lambda: "old")
    version["v"] = (2,)
    started, release = threading.Event(), threading.Event()

    def slow() -> str:
        started.set()
        release.wait(10)
        return "new"

    results: list[str] = []
    worker = threading.Thread(target=lambda: results.append(cache.cached(session, "k", slow)))
    worker.start()
    assert started.wait(10)
    calls: list[int] = []
    assert cache.cached(session, "k", lambda: calls.append(1) or "again") == "old"
    assert calls == []  # the recomputation in flight was not repeated
    release.set()
    worker.join(10)
    assert results == ["new"]
    assert cache.cached(session, "k", lambda: "unused") == "new"


def test_with_nothing_cached_yet_concurrent_requests_wait_for_one_computation(session, version):
    started, release = threading.Event(), threading.Event()
    calls: list[int] = []

    def slow() -> str:
        calls.append(1)
        started.set()
        release.wait(10)
        return "value"

    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(cache.cached(session, "k", slow))) for _ in range(3)]
    threads[0].start()
    assert started.wait(10)
    for thread in threads[1:]:
        thread.start()
    release.set()
    for thread in threads:
        thread.join(10)
    assert results == ["value"] * 3
    assert calls == [1]


def test_a_read_only_request_reads_the_data_version_once(session, monkeypatch):
    """A GET's session (app.web.deps flags it) asks for several aggregates on one version reading; any other
    session reads it for each, so what it writes is seen by its next aggregate."""
    reads: list[int] = []
    monkeypatch.setattr(cache, "data_version", lambda s: reads.append(1) or (len(reads),))
    cache.clear()
    for key in ("a", "b", "c"):
        cache.cached(session, key, lambda k=key: k)
    assert len(reads) == 3
    session.info[cache.READ_ONLY] = True
    try:
        for key in ("a", "b", "c", "d"):
            cache.cached(session, key, lambda k=key: k)
        assert len(reads) == 4
    finally:
        del session.info[cache.READ_ONLY]
        cache.clear()


@pytest.mark.parametrize(("method", "read_only"), [("GET", True), ("HEAD", True), ("POST", False)])
def test_only_a_get_requests_session_is_read_only(session_factory, method, read_only):
    from types import SimpleNamespace

    from app.web.deps import get_session

    request = SimpleNamespace(method=method, scope={},
                              app=SimpleNamespace(state=SimpleNamespace(sessionmaker=session_factory)))
    request_session = get_session(request)  # type: ignore[arg-type]
    assert bool(next(request_session).info.get(cache.READ_ONLY)) is read_only
    request_session.close()


def test_a_read_only_requests_actor_refs_are_remembered_until_an_actor_row_changes(session, ids):
    """The busy actors of every page are read once per data version; a rename (an actor row changes, so the
    trigger-kept data generation does) is seen by the next request."""
    from sqlalchemy import event, select, update

    from app.models import Actor, Event
    from app.queries.common import event_rows

    row = session.get(Event, ids["week"])
    assert row is not None and row.source_actor_id
    actor_id = row.source_actor_id
    reads: list[str] = []

    def count(conn, cursor, statement, *args):
        if "FROM actors" in statement:
            reads.append(statement)

    def request():  # a GET's session: read-only, its data version read afresh
        session.info[cache.READ_ONLY] = True
        session.info.pop(cache._VERSION, None)
        try:
            return event_rows(session, [row])[0]["source_actor"]
        finally:
            del session.info[cache.READ_ONLY]

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        first = request()
        assert len(reads) == 1
        first["name"] = "changed by the first page"  # a page's copy, never the remembered ref
        again = request()
        assert len(reads) == 1 and again["name"] != "changed by the first page"
        session.execute(update(Actor).where(Actor.id == actor_id).values(name="Renamed Actor"))
        assert request()["name"] == "Renamed Actor"
        assert len(reads) == 2
        assert session.scalar(select(Actor.name).where(Actor.id == actor_id)) == "Renamed Actor"
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_a_get_reads_the_data_version_once_for_its_tag_and_its_aggregates(tmp_path):
    """The ETag's reading of the data version (app.web.conditional) is the one the route's aggregates use: on
    PostgreSQL each reading is a round trip. The version tells of new rows all the same."""
    from fastapi.testclient import TestClient
    from sqlalchemy import event

    from app import migrate
    from app.settings import Settings
    from app.web.app import create_app

    url = f"sqlite:///{tmp_path / 'pages.db'}"
    migrate.upgrade(url)
    app = create_app(Settings(database_url=url, data_dir=tmp_path))
    readings: list[str] = []

    def count(conn, cursor, statement, *args):
        if "data_generation" in statement:
            readings.append(statement)

    with TestClient(app) as client:
        engine = app.state.engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            fresh = {"Cache-Control": "no-cache"}
            first = client.get("/timeline.json", headers=fresh)
            assert first.status_code == 200 and readings == []  # the tag's reader has its own connection
            assert client.get("/actors.json", headers=fresh).status_code == 200 and readings == []
        finally:
            event.remove(engine, "before_cursor_execute", count)
        from app.models import DataGeneration

        with app.state.sessionmaker() as session:
            session.get(DataGeneration, 1).n += 1
            session.commit()
        assert client.get("/timeline.json", headers=fresh).headers["ETag"] != first.headers["ETag"]
