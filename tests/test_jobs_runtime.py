"""The runtime builds each resource once, on first use, and closes what it built; the queue follows the settings."""

from __future__ import annotations

import os
import sys
import threading

import pytest
from huey import RedisHuey, SqliteHuey
from sqlalchemy import text

from app.jobs.queue import JOB_SHARES
from app.runtime import Runtime
from app.settings import Settings


def _settings(tmp_path, **overrides) -> Settings:
    values = {"database_url": f"sqlite:///{tmp_path / 'rt.db'}", "data_dir": tmp_path / "data", "queue_url": None}
    return Settings(_env_file=None, **(values | overrides))


def test_nothing_is_built_until_asked_and_close_disposes_the_engine(tmp_path):
    runtime = Runtime(_settings(tmp_path))
    assert not (tmp_path / "data").exists() and not (tmp_path / "rt.db").exists()
    engine = runtime.engine
    assert runtime.engine is engine and runtime.sessionmaker is runtime.sessionmaker
    with runtime.sessionmaker() as session:
        assert session.execute(text("SELECT 1")).scalar() == 1
    assert engine.pool.checkedin() == 1
    runtime.close()
    assert engine.pool.checkedin() == 0  # disposed: no pooled connection left open
    runtime.close()  # twice is harmless
    with pytest.raises(RuntimeError, match="closed"):
        _ = runtime.engine


def test_the_embedded_queue_is_a_sqlite_file_under_the_data_dir(tmp_path):
    with Runtime(_settings(tmp_path)) as runtime:
        huey = runtime.queue.huey
        assert isinstance(huey, SqliteHuey) and runtime.queue is runtime.queue
        ran: list[int] = []
        runtime.queue.bind(ran.append)
        runtime.queue.enqueue(7)  # one task per share: that many workers may join the job
        while runtime.queue.run_next():
            pass
        assert ran == [7] * JOB_SHARES and JOB_SHARES >= 2
        runtime.queue.enqueue(8, shares=1)
        assert runtime.queue.run_next() and ran[-1] == 8 and not runtime.queue.run_next()
    assert (tmp_path / "data" / "queue.sqlite3").exists()


def test_a_redis_queue_url_selects_redis_and_anything_else_is_refused(tmp_path):
    with Runtime(_settings(tmp_path, queue_url="redis://127.0.0.1:6399/0")) as runtime:
        assert isinstance(runtime.queue.huey, RedisHuey)  # no connection is made until a job is queued
    with Runtime(_settings(tmp_path, queue_url="amqp://broker/")) as runtime, \
            pytest.raises(ValueError, match="DATELINE_QUEUE_URL must be a redis:// URL"):
        _ = runtime.queue


def _embedded_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "dateline-embedded-worker"]


def test_the_embedded_worker_runs_a_queued_job_and_stops_on_close(tmp_path, monkeypatch):
    from app import migrate
    from app.db import transaction
    from app.extract import pipeline
    from app.ingest.sources import RawInput
    from app.jobs.service import create_job
    from app.jobs.worker import JobWorker
    from app.models import Job

    monkeypatch.setattr(pipeline, "Extractor", lambda model=None: object())  # nothing to extract: no model
    ran = threading.Event()
    run_job = JobWorker.run_job

    def run_and_signal(self: JobWorker, job_id: int) -> None:
        run_job(self, job_id)
        ran.set()

    monkeypatch.setattr(JobWorker, "run_job", run_and_signal)
    settings = _settings(tmp_path)
    migrate.upgrade(settings.database_url)
    with Runtime(settings) as runtime:
        with transaction(runtime.sessionmaker) as session:
            job_id = create_job(session, [RawInput("text", "photo.jpg", "", error="photo.jpg: binary data")]).id
        runtime.queue.enqueue(job_id)
        runtime.start_embedded_worker()
        runtime.start_embedded_worker()  # a second call keeps the one thread
        assert len(_embedded_threads()) == 1
        assert ran.wait(60), "the embedded worker did not run the job"
        with runtime.sessionmaker() as session:
            assert session.get(Job, job_id).status == "done"
    assert _embedded_threads() == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="threads have their own nice value on Linux")
def test_the_embedded_workers_thread_yields_the_cpu_to_page_requests():
    from app.jobs.worker import EMBEDDED_NICE, lower_priority

    mine = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    seen: list[int] = []

    def run() -> None:
        lower_priority()
        seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert seen == [min(19, mine + EMBEDDED_NICE)] and seen[0] > mine
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == mine  # the caller's thread is left alone
