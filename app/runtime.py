"""A process's runtime: the one place that builds, from ``Settings``, the engine, sessions, model and queue.

Each process makes one ``Runtime`` (the FastAPI lifespan, a CLI command, the worker start-up), takes what
it needs from it, and closes it on the way out, which disposes the engine and releases the queue. Each
piece is built on first use: ``dateline stats`` never loads the model, a web process that takes no job
never opens the queue, and an all-duplicate ingest extracts nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import TYPE_CHECKING, Self

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.db import make_engine, make_sessionmaker
from app.settings import Settings, get_settings

if TYPE_CHECKING:
    from app.extract.pipeline import Extractor
    from app.jobs.queue import JobQueue
    from app.jobs.worker import EmbeddedWorker, JobWorker


class Runtime:
    """Engine, sessionmaker, Extractor and job queue of one process, each built once from its settings.

    ``writer`` is for processes that write in bulk (ingest, workers): their SQLite transactions take the
    write lock when they begin, so writers queue instead of failing (see ``app.db.make_engine``).
    """

    def __init__(self, settings: Settings | None = None, *, writer: bool = False) -> None:
        self.settings = settings or get_settings()
        self.writer = writer
        self._lock = threading.RLock()
        self._model_lock = threading.Lock()  # loading the model takes seconds; the engine stays reachable
        self._closed = False
        self._engine: Engine | None = None
        self._sessionmaker: sessionmaker[Session] | None = None
        self._extractor: Extractor | None = None
        self._queue: JobQueue | None = None
        self._embedded: EmbeddedWorker | None = None
        self._embedded_runtime: Runtime | None = None

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("this runtime is closed")

    @property
    def engine(self) -> Engine:
        with self._lock:
            self._check_open()
            if self._engine is None:
                self._engine = make_engine(self.settings.database_url, immediate_writes=self.writer)
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
        """This process as a job worker: the queue's task runs jobs with this runtime's sessions and model."""
        from app.jobs.worker import JobWorker

        return JobWorker(self.sessionmaker, self.queue, extractor=self.extractor, model=self.spacy_model,
                         processes=processes)

    def start_embedded_worker(self) -> None:
        """Without Redis the web process runs jobs itself, in one background thread with a writer runtime."""
        from app.jobs.worker import EmbeddedWorker

        with self._lock:
            self._check_open()
            if self._embedded is not None and self._embedded.is_alive():
                return
            if self._embedded_runtime is None:
                self._embedded_runtime = Runtime(self.settings, writer=True)
            self._embedded = EmbeddedWorker(self._embedded_runtime.job_worker())
            self._embedded.start()

    def close(self) -> None:
        """Stop the embedded worker, dispose the engine and release the queue; safe to call twice."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            embedded, self._embedded = self._embedded, None
            child, self._embedded_runtime = self._embedded_runtime, None
            engine, self._engine = self._engine, None
            queue, self._queue = self._queue, None
            self._sessionmaker = self._extractor = None
        if embedded is not None:
            embedded.stop()
        if child is not None:
            child.close()
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
def command_runtime(*, writer: bool = True, settings: Settings | None = None) -> Iterator[Runtime]:
    """A CLI command's runtime: the configured database migrated first, everything closed at the end."""
    from app import migrate

    with Runtime(settings, writer=writer) as runtime:
        migrate.ensure_schema(runtime.settings.database_url)
        yield runtime
