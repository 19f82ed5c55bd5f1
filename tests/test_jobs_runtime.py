"""The runtime builds each resource once, on first use, and closes what it built; the queue follows the settings."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from huey import RedisHuey, SqliteHuey
from sqlalchemy import text

from app.jobs.queue import JOB_SHARES
from app.runtime import Runtime
from app.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


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


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"  # a zombie has exited


def _wait_for(predicate, what: str, seconds: float = 120.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def _job_with_nothing_to_extract(settings: Settings) -> int:
    from app import migrate
    from app.db import make_engine, make_sessionmaker, transaction
    from app.ingest.sources import RawInput
    from app.jobs.service import create_job

    migrate.upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    with transaction(make_sessionmaker(engine)) as session:
        job_id = create_job(session, [RawInput("text", "photo.jpg", "", error="photo.jpg: binary data")]).id
    engine.dispose()
    return job_id


def _job_status(runtime: Runtime, job_id: int) -> str:
    from app.models import Job

    with runtime.sessionmaker() as session:
        return session.get(Job, job_id).status


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to see the job process")
def test_the_job_process_runs_a_queued_job_outside_this_process_and_ends_with_the_runtime(tmp_path):
    settings = _settings(tmp_path)
    job_id = _job_with_nothing_to_extract(settings)
    with Runtime(settings) as runtime:
        runtime.queue.enqueue(job_id)
        assert runtime.start_embedded_worker()
        pid = runtime.job_process.pid
        assert runtime.start_embedded_worker() and runtime.job_process.pid == pid  # a second call keeps the one
        assert pid != os.getpid() and _alive(pid)
        _wait_for(lambda: _job_status(runtime, job_id) == "done", "the job process to run the job")
        assert not any(t.name == "dateline-embedded-worker" for t in threading.enumerate())  # none runs here
    assert not _alive(pid)  # stopped with the runtime


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to see the job process")
def test_a_job_process_that_dies_is_started_again(tmp_path):
    settings = _settings(tmp_path)
    _job_with_nothing_to_extract(settings)
    with Runtime(settings) as runtime:
        assert runtime.start_embedded_worker()
        first = runtime.job_process.pid
        os.kill(first, signal.SIGKILL)
        _wait_for(lambda: runtime.job_process.pid != first and runtime.job_process.is_alive(),
                  "a new job process", seconds=30)
        second = runtime.job_process.pid
    assert not _alive(first) and not _alive(second)


PARENT = """
import sys, time
from app.runtime import Runtime
from app.settings import Settings
settings = Settings(_env_file=None, database_url=sys.argv[1], data_dir=sys.argv[2], queue_url=None)
runtime = Runtime(settings)
runtime.start_embedded_worker()
print(runtime.job_process.pid, flush=True)
time.sleep(600)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to see the job process")
def test_the_job_process_exits_when_its_web_process_is_killed(tmp_path):
    settings = _settings(tmp_path)
    _job_with_nothing_to_extract(settings)
    parent = subprocess.Popen([sys.executable, "-c", PARENT, settings.database_url, str(settings.data_dir)],
                              cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        child = int(parent.stdout.readline())
        assert _alive(child)
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=30)
        _wait_for(lambda: not _alive(child), "the orphaned job process to exit", seconds=30)
    finally:
        if parent.poll() is None:
            parent.kill()


WEB_IMPORTS = """
import sys
import app.web.asgi
heavy = sorted(m for m in ("spacy", "thinc", "datasketch", "scipy", "app.extract.pipeline", "app.ingest.runner")
               if m in sys.modules)
print(",".join(heavy))
"""


def test_importing_the_web_app_imports_no_spacy():
    """A web process never extracts (its job process does): importing the app loads no spaCy, model or MinHash."""
    result = subprocess.run([sys.executable, "-c", WEB_IMPORTS], cwd=ROOT, capture_output=True, text=True,
                            timeout=120, check=True)
    assert result.stdout.strip() == "", f"the web app imports {result.stdout.strip()}"


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


def test_a_web_runtime_maps_no_database_and_keeps_small_page_caches(tmp_path):
    """Mapped pages count in RSS once per connection; a web process has a dozen connections (issue 11)."""

    def pragmas(runtime: Runtime) -> tuple[int, int]:
        with runtime.engine.connect() as conn:
            return (conn.exec_driver_sql("PRAGMA mmap_size").scalar(), conn.exec_driver_sql("PRAGMA cache_size").scalar())

    with Runtime(_settings(tmp_path), web=True) as web, Runtime(_settings(tmp_path), writer=True) as writer:
        assert pragmas(web) == (0, -16 * 1024)  # nothing mapped, 16 MiB of cache
        assert pragmas(writer) == (256 * 1024 * 1024, -64 * 1024)
