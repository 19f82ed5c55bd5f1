"""Two SQLite writers queue for the lock instead of failing with 'database is locked'."""

import threading
import time

from sqlalchemy import text

from app.db import make_engine


def _writer(engine, name, delay, errors):
    try:
        with engine.connect() as conn, conn.begin():
            conn.execute(text("SELECT count(*) FROM t")).scalar()  # read first, then write: the risky shape
            time.sleep(delay)
            conn.execute(text("INSERT INTO t (name) VALUES (:n)"), {"n": name})
    except Exception as exc:  # collected for the assertion below
        errors.append(exc)


def test_immediate_writers_wait_for_each_other(tmp_path):
    url = f"sqlite:///{tmp_path / 'w.db'}"
    setup = make_engine(url)
    with setup.begin() as conn:
        conn.execute(text("CREATE TABLE t (name TEXT)"))
    setup.dispose()
    engines = [make_engine(url, immediate_writes=True) for _ in range(2)]
    errors: list[Exception] = []
    threads = [threading.Thread(target=_writer, args=(e, f"w{i}", 0.3, errors)) for i, e in enumerate(engines)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with engines[0].connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM t")).scalar() == 2
    for e in engines:
        e.dispose()
