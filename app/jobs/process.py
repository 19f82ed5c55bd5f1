"""The job process, seen from its parent: without Redis, one web process per data folder has queued jobs run by
a child process (``app.jobs.child``), started, watched and stopped here.

Extraction in a web process would take its CPU and its GIL from page requests, and load spaCy and the model
(some 300 MB) into it; in a child it has its own. The child is ``python -m app.jobs.child PARENT_PID`` with
the parent's settings on its stdin. The child lowers its CPU priority (pages come first), re-queues every unfinished
job and then polls the shared queue (``app.jobs.worker.EmbeddedWorker``); it exits as soon as its parent is
gone (a check every second: a web process killed with SIGKILL leaves no worker behind) and is started again
by its parent if it dies. A child killed mid-job loses nothing: its items go back to the pending ones
(``app.jobs.leases``: its pid is gone) and are stored once by whoever claims them next.

Nothing here imports the extraction code: that happens in the child only.
"""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

from app.settings import Settings

log = logging.getLogger("dateline.jobs")

ROOT = Path(__file__).resolve().parents[2]  # the folder holding the ``app`` package, for the child's path
RESTART_SECONDS = (1.0, 60.0)  # a dead child is started again after 2 s, 4 s, … up to 60 s (2 s if it lived 60 s)
STOP_SECONDS = 10.0  # how long close() lets the child end by itself before it is killed


class ProcessLock:
    """An exclusive lock on a file, held until released or the process dies (the OS drops it: no stale lock)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: IO[bytes] | None = None

    def acquire(self) -> bool:
        """True when this process now holds the lock; False when another one does."""
        if self._handle is not None:
            return True
        try:
            import fcntl
        except ImportError:  # not on a Unix: one web process per data folder is then up to the operator
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("ab")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._handle = handle
        return True

    def release(self) -> None:
        handle, self._handle = self._handle, None
        if handle is not None:
            handle.close()  # closing the file drops the lock


def child_command(parent_pid: int) -> list[str]:
    return [sys.executable, "-m", "app.jobs.child", str(parent_pid)]  # app/jobs/child.py


def child_env() -> dict[str, str]:
    """The parent's environment with this checkout first on the path, whatever the parent's working folder."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


class JobProcess:
    """The parent's handle on its job process: started, watched (started again when it dies), stopped."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._watcher: threading.Thread | None = None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def is_alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> None:
        """Start the child (and the thread that restarts it); a second call while it runs does nothing."""
        with self._lock:
            if self.is_alive() or self._stopping.is_set():
                return
            self._spawn()
            if self._watcher is None:
                self._watcher = threading.Thread(target=self._watch, name="dateline-job-process", daemon=True)
                self._watcher.start()

    def _spawn(self) -> None:
        proc = subprocess.Popen(child_command(os.getpid()), stdin=subprocess.PIPE, env=child_env())
        assert proc.stdin is not None
        with contextlib.suppress(BrokenPipeError):  # a child that died at once: the watcher starts another
            proc.stdin.write(self.settings.model_dump_json().encode())
            proc.stdin.close()
        self._proc = proc
        log.info("job process %s started", proc.pid)

    def _watch(self) -> None:
        """Wait on the child; one that exits while the parent still wants it is started again, after a pause
        that doubles while it keeps dying young."""
        delay = RESTART_SECONDS[0]
        while True:
            proc, started = self._proc, time.monotonic()
            code = proc.wait() if proc is not None else None
            if self._stopping.is_set():
                return
            young = time.monotonic() - started < RESTART_SECONDS[1]
            delay = min(delay * 2, RESTART_SECONDS[1]) if young else RESTART_SECONDS[0]
            log.warning("job process exited (%s); starting it again in %.0f s", code, delay)
            if self._stopping.wait(delay):
                return
            with self._lock:
                if self._stopping.is_set():
                    return
                if not self.is_alive():
                    self._spawn()

    def stop(self, timeout: float = STOP_SECONDS) -> None:
        """End the child: SIGTERM, then SIGKILL after ``timeout``; its unfinished job resumes on the next start."""
        with self._lock:
            self._stopping.set()
            proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout)
        if self._watcher is not None:
            self._watcher.join(timeout)
