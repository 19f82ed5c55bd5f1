"""The queue (huey): an embedded SQLite file under ``DATELINE_DATA_DIR``, or Redis for ``DATELINE_QUEUE_URL``.

It carries nothing but job ids. The one task's body is bound by the process that consumes (a worker);
any other process (the web) only enqueues.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from huey import Huey, RedisHuey, SqliteHuey

from app.settings import Settings

TASK_NAME = "dateline.ingest_job"
QUEUE_URL_SCHEMES = ("redis://", "rediss://", "unix://")
QUEUE_FILE = "queue.sqlite3"  # the embedded queue, under DATELINE_DATA_DIR
JOB_SHARES = 4  # tasks queued per job: up to this many workers share it (each claims items; app.jobs.leases)

JobHandler = Callable[[int], None]


def make_huey(settings: Settings) -> Huey:
    """Redis when ``queue_url`` is set (workers on other machines), else a SQLite file needing no server."""
    if settings.queue_url:
        if not settings.queue_url.startswith(QUEUE_URL_SCHEMES):
            raise ValueError(f"DATELINE_QUEUE_URL must be a redis:// URL, not {settings.queue_url!r}")
        return RedisHuey("dateline", url=settings.queue_url)
    data_dir = Path(settings.data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("dateline", filename=str(data_dir / QUEUE_FILE))


class JobQueue:
    """One process's handle on the queue: anyone may enqueue; tasks run only where a handler is bound."""

    def __init__(self, huey: Huey) -> None:
        self.huey = huey
        self._handler: JobHandler | None = None
        self._task = huey.task(retries=2, retry_delay=5, name=TASK_NAME)(self._run)

    def _run(self, job_id: int) -> None:
        if self._handler is None:
            raise RuntimeError("this queue has no worker bound to run jobs")
        self._handler(job_id)

    def bind(self, handler: JobHandler) -> None:
        """Make this process a worker: queued job ids go to ``handler``."""
        self._handler = handler

    def enqueue(self, job_id: int, shares: int = JOB_SHARES) -> None:
        """Put "work on job N" on the queue ``shares`` times, so that many idle workers join in; the job's
        inputs are already in the database, and a share that finds nothing left to claim ends at once."""
        for _ in range(max(1, shares)):
            self._task(job_id)

    def run_next(self) -> bool:
        """Run one queued task if there is one (the embedded worker's poll); False when the queue is empty."""
        task = self.huey.dequeue()
        if task is None:
            return False
        self.huey.execute(task)
        return True

    def consume(self, threads: int) -> None:
        """huey's consumer loop, until SIGINT/SIGTERM: ``dateline worker``."""
        self.huey.create_consumer(workers=threads, worker_type="thread").run()

    def close(self) -> None:
        self.huey.storage.close()
