"""``python -m app.jobs.child PARENT_PID``: the job process (see ``app.jobs.process``), reading its parent's
settings from stdin, running queued jobs until the parent is gone."""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from typing import IO

from app.jobs.worker import EmbeddedWorker, lower_priority
from app.runtime import Runtime
from app.settings import Settings

PARENT_POLL_SECONDS = 1.0


def read_settings(stream: IO[str]) -> Settings:
    """The parent's settings, as it wrote them (explicit values: the child reads no .env of its own)."""
    return Settings(_env_file=None, **json.loads(stream.read()))


def parent_gone(parent_pid: int) -> bool:
    """Whether the process that started this one has exited (this one was then handed to another parent)."""
    return os.getppid() != parent_pid


def main(argv: list[str]) -> None:
    """The child: run jobs until the parent is gone (or SIGTERM, whose default ends the process at once)."""

    parent_pid = int(argv[1])
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    lower_priority()  # before any thread starts: they inherit it
    settings = read_settings(sys.stdin)
    runtime = Runtime(settings, writer=True)
    worker = EmbeddedWorker(runtime.job_worker())
    worker.start()
    while not parent_gone(parent_pid) and worker.is_alive():
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(0)  # no clean-up to wait for: whatever was in hand is re-claimed (leases), nothing is half-stored


if __name__ == "__main__":
    main(sys.argv)
