"""Two SQLite writers queue for the lock instead of failing with 'database is locked'."""

import threading

from sqlalchemy import event, text

from app.db import make_engine

WAIT = 30  # a bound on each wait, so a broken run fails instead of hanging; never reached when it works


def _first_writer(engine, connected: threading.Barrier, holding: threading.Event, second_begins: threading.Event,
                  errors: list) -> None:
    """Holds a write transaction open (read first, then write: the risky shape) until the second begins."""
    try:
        with engine.connect() as conn:
            connected.wait(WAIT)
            with conn.begin():
                conn.execute(text("SELECT count(*) FROM t")).scalar()
                holding.set()
                assert second_begins.wait(WAIT), "the second writer never began"
                conn.execute(text("INSERT INTO t (name) VALUES (:n)"), {"n": "w0"})
    except Exception as exc:  # collected for the assertion below
        errors.append(exc)
        holding.set()


def _second_writer(engine, connected: threading.Barrier, holding: threading.Event, errors: list) -> None:
    """Begins only while the first writer holds its transaction open, so the two provably meet."""
    try:
        with engine.connect() as conn:  # connected first: opening a connection runs PRAGMAs of its own
            connected.wait(WAIT)
            assert holding.wait(WAIT), "the first writer never began"
            with conn.begin():
                conn.execute(text("SELECT count(*) FROM t")).scalar()
                conn.execute(text("INSERT INTO t (name) VALUES (:n)"), {"n": "w1"})
    except Exception as exc:  # collected for the assertion below
        errors.append(exc)


def test_immediate_writers_wait_for_each_other(tmp_path):
    url = f"sqlite:///{tmp_path / 'w.db'}"
    setup = make_engine(url)
    with setup.begin() as conn:
        conn.execute(text("CREATE TABLE t (name TEXT)"))
    setup.dispose()
    engines = [make_engine(url, immediate_writes=True) for _ in range(2)]
    connected, holding, second_begins = threading.Barrier(2), threading.Event(), threading.Event()

    def before_execute(conn, cursor, statement, *args) -> None:
        if statement.startswith("BEGIN"):  # the second writer's BEGIN IMMEDIATE, about to wait for the lock
            second_begins.set()

    event.listen(engines[1], "before_cursor_execute", before_execute)
    errors: list[Exception] = []
    threads = [threading.Thread(target=_first_writer, args=(engines[0], connected, holding, second_begins, errors)),
               threading.Thread(target=_second_writer, args=(engines[1], connected, holding, errors))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with engines[0].connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM t")).scalar() == 2
    for e in engines:
        e.dispose()
