"""A process's runtime: the one place that builds, from ``Settings``, the engine, sessions, model and queue.

Each process makes one ``Runtime`` (the FastAPI lifespan, a CLI command, the worker start-up), takes what
it needs from it, and closes it on the way out, which disposes the engine and releases the queue. Each
piece is built on first use: ``dateline stats`` never loads the model, a web process that takes no job
never opens the queue, and an all-duplicate ingest extracts nothing.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import TYPE_CHECKING, Self

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.db import (
    WEB_SQLITE,
    file_problem,
    folder_problem,
    make_engine,
    make_sessionmaker,
    sqlite_storage_problem,
)
from app.settings import Settings, get_settings

if TYPE_CHECKING:
    from app.extract.pipeline import Extractor
    from app.jobs.process import JobProcess, ProcessLock
    from app.jobs.queue import JobQueue
    from app.jobs.worker import JobWorker

log = logging.getLogger("dateline.runtime")
WARM_WAIT_S = 20.0  # the longest a web process's start waits for its warm-up (seconds)
WARM_BUDGET_S = 60.0  # no warm-up step starts after this


class Runtime:
    """Engine, sessionmaker, Extractor and job queue of one process, each built once from its settings.

    ``writer`` is for processes that write in bulk (ingest, workers): their SQLite transactions take the
    write lock when they begin, so writers queue instead of failing (see ``app.db.make_engine``). ``web`` is
    for a web process: small SQLite caches and no mapping per connection (``app.db.WEB_SQLITE``).
    """

    def __init__(self, settings: Settings | None = None, *, writer: bool = False, web: bool = False) -> None:
        self.settings = settings or get_settings()
        self.writer = writer
        self.web = web
        self._lock = threading.RLock()
        self._model_lock = threading.Lock()  # loading the model takes seconds; the engine stays reachable
        self._closed = False
        self.froze_startup = False  # warm_up moved start-up's objects out of the collector's sight (close undoes it)
        self._engine: Engine | None = None
        self._sessionmaker: sessionmaker[Session] | None = None
        self._extractor: Extractor | None = None
        self._queue: JobQueue | None = None
        self._embedded: JobProcess | None = None
        self._embedded_lock: ProcessLock | None = None

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("this runtime is closed")

    @property
    def engine(self) -> Engine:
        with self._lock:
            self._check_open()
            if self._engine is None:
                self._engine = make_engine(self.settings.database_url, immediate_writes=self.writer,
                                           memory=WEB_SQLITE if self.web else None)
            return self._engine

    @property
    def sessionmaker(self) -> sessionmaker[Session]:
        with self._lock:
            if self._sessionmaker is None:
                self._sessionmaker = make_sessionmaker(self.engine)
            return self._sessionmaker

    @property
    def spacy_model(self) -> str:
        """The configured model name, for extraction pools that load their own model per process."""
        return self.settings.spacy_model

    def extractor(self) -> Extractor:
        """The process's one loaded pipeline, of the configured model; loaded on the first call."""
        from app.extract.pipeline import Extractor

        with self._model_lock:
            self._check_open()
            if self._extractor is None:
                self._extractor = Extractor(model=self.spacy_model)
            return self._extractor

    @property
    def queue(self) -> JobQueue:
        from app.jobs.queue import JobQueue, make_huey

        with self._lock:
            self._check_open()
            if self._queue is None:
                self._queue = JobQueue(make_huey(self.settings))
            return self._queue

    def job_worker(self, processes: int = 1) -> JobWorker:
        """This process as a job worker (``dateline worker``, the job process): the queue's task runs jobs with this runtime's sessions and model."""
        from app.jobs.worker import JobWorker

        return JobWorker(self.sessionmaker, self.queue, extractor=self.extractor, model=self.spacy_model,
                         processes=processes, allow_private=self.settings.allow_private_urls)

    def start_embedded_worker(self) -> bool:
        """Without Redis a web process has jobs run by its own job process (``app.jobs.child``: extraction
        and the model stay out of the web processes), which exits with it.

        One process per data folder does (a lock file there): with ``serve --workers N`` the others only
        enqueue, and the job process polls the shared queue. False when another process holds it.
        """
        from app.jobs.process import JobProcess, ProcessLock

        with self._lock:
            self._check_open()
            if self._embedded_lock is None:
                lock = ProcessLock(self.settings.data_dir / "embedded-worker.lock")
                if not lock.acquire():
                    return False
                self._embedded_lock = lock
            if self._embedded is None:
                self._embedded = JobProcess(self.settings)
            self._embedded.start()
            return True

    @property
    def job_process(self) -> JobProcess | None:
        """The job process this runtime started, if it did."""
        return self._embedded

    def enqueue_job(self, job_id: int) -> None:
        """Hand a committed job to a worker; a queue this process cannot write fails the job, saying why.

        Without Redis the job process is started too. A queue that is merely unreachable (Redis down)
        leaves the job queued: a worker re-queues it when it starts.
        """
        try:
            self.queue.enqueue(job_id)
        except Exception as exc:
            problem = self.storage_problem()
            if problem is None:
                raise
            from app.db import transaction
            from app.jobs.service import refuse_job

            log.error("job %s not queued: %s (%s)", job_id, problem, type(exc).__name__)
            with transaction(self.sessionmaker) as session:
                refuse_job(session, job_id, f"The job could not be queued: {problem}.")
            return
        if not self.settings.queue_url:
            self.start_embedded_worker()

    def resume_jobs(self) -> list[int]:
        """At a web process's start: jobs a killed server left unfinished resume now, not on the next POST.

        With Redis, ``dateline worker`` re-queues them when it starts; with the embedded queue this process's
        job process does (it re-queues every unfinished job first). Returns the unfinished jobs' ids.
        """
        from sqlalchemy.exc import SQLAlchemyError

        from app.jobs.service import unfinished_job_ids

        if self.settings.queue_url:
            return []
        try:
            with self.sessionmaker() as session:
                ids = unfinished_job_ids(session)
        except SQLAlchemyError as exc:  # no jobs table yet, or no database: nothing to resume
            log.warning("unfinished jobs not checked: %s", str(exc).splitlines()[0])
            return []
        if ids and self.storage_problem() is None:
            self.start_embedded_worker()
        return ids

    def warm_up(self, wait_s: float = WARM_WAIT_S, budget_s: float = WARM_BUDGET_S) -> threading.Thread:
        """At a web process's start: the default pages' cached aggregates (app.queries.warm) computed in a
        background thread. Start-up waits for it at most ``wait_s`` seconds; past that the server answers while
        it goes on (a request for an aggregate still being computed waits for that one computation), and it
        starts no new step after ``budget_s``."""
        from app.queries.warm import warm_up

        def run() -> None:
            started = time.monotonic()
            try:
                done = warm_up(self.sessionmaker, budget_s)
            except Exception as exc:  # a closed runtime or an unreachable database: the pages say so themselves
                log.warning("warm-up failed: %s", str(exc).splitlines()[0])
                return
            if done:
                log.info("warmed %s in %.1f s", ", ".join(done), time.monotonic() - started)
            # what start-up built (modules, templates, the warmed aggregates) is kept for the process's life:
            # out of the collector's sight, a full collection no longer walks it (150-180 ms pauses at 1M
            # events, the 500-row exports' p95, became about 1 ms)
            gc.collect()
            gc.freeze()
            self.froze_startup = True

        thread = threading.Thread(target=run, name="dateline-warm-up", daemon=True)
        thread.start()
        thread.join(wait_s)
        return thread

    def storage_problem(self, *, data_dir: bool = True) -> str | None:
        """One line naming the database file or data folder this process cannot write, and what to do.

        ``data_dir=False`` for commands that never touch it (``ingest`` keeps no queue and makes no images).
        """
        from app.jobs.queue import QUEUE_FILE

        problem = sqlite_storage_problem(self.settings.database_url)
        if problem is None and data_dir:
            fix = "set DATELINE_DATA_DIR to a folder this user can write"
            problem = folder_problem(self.settings.data_dir, "the data folder (DATELINE_DATA_DIR)", fix)
            if problem is None and not self.settings.queue_url:
                problem = file_problem(self.settings.data_dir / QUEUE_FILE, "the job queue file", fix)
        return problem

    def storage_status(self) -> dict[str, object]:
        """What /-/health reports about storage: writable or not, and if not, the one line saying why."""
        problem = self.storage_problem()
        return {"ok": problem is None, "writable": problem is None, "error": problem}

    def close(self) -> None:
        """Stop the job process, dispose the engine and release the queue; safe to call twice."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            embedded, self._embedded = self._embedded, None
            lock, self._embedded_lock = self._embedded_lock, None
            engine, self._engine = self._engine, None
            queue, self._queue = self._queue, None
            self._sessionmaker = self._extractor = None
        if self.froze_startup:  # (a process that builds several apps, as the tests do, gets its collector back)
            gc.unfreeze()
        if embedded is not None:
            embedded.stop()
        if lock is not None:
            lock.release()
        if queue is not None:
            queue.close()
        if engine is not None:
            engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


@contextmanager
def command_runtime(*, writer: bool = True, settings: Settings | None = None, writes: bool = True,
                    data_dir: bool = False) -> Iterator[Runtime]:
    """A CLI command's runtime: storage checked (``writes``), the database migrated, all closed at the end.

    ``data_dir`` for commands that use the folder too (``dateline worker`` with the embedded queue).
    """
    from app import migrate

    with Runtime(settings, writer=writer) as runtime:
        if writes:
            check_storage(runtime, data_dir=data_dir)
        migrate.ensure_schema(runtime.settings.database_url)
        yield runtime


def check_storage(runtime: Runtime, *, data_dir: bool = True) -> None:
    """Stop a command in one line, before any traceback, when its database or data folder cannot be written."""
    problem = runtime.storage_problem(data_dir=data_dir)
    if problem is not None:
        import typer

        typer.echo(f"error: {problem}.", err=True)
        raise typer.Exit(1)
