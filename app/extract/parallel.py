"""Extraction across processes, streaming: a bounded number of batches in flight, results in input order.

Results flow while inputs are still being read (a bulk ingest's progress bar moves and memory stays flat),
and one bad input or a dead worker fails only its own inputs. Used by ingestion and ``dateline extract``.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Self, TypeVar

from app.extract.pipeline import ArticleInput, Extraction, ExtractionError, Extractor

T = TypeVar("T")
Result = Extraction | ExtractionError

_EXTRACTOR: Extractor | None = None


def _init_worker(model: str | None) -> None:
    global _EXTRACTOR
    _EXTRACTOR = Extractor(model)


PR_SET_PDEATHSIG = 1  # <linux/prctl.h>

# Batches queued per worker process. Two left a worker idle whenever the main process was busy storing
# a slow batch (≈1.5 s stalls, one core idle ~8% of a 600-article PostgreSQL ingest); four keep both
# cores fed (idle ~5%) for at most 4 × 16 articles' texts and records per process held in memory.
IN_FLIGHT_PER_PROCESS = 4
PARENT_POLL_SECONDS = 1.0


def _watch_parent(parent_pid: int, poll_seconds: float) -> None:
    while True:
        time.sleep(poll_seconds)
        if os.getppid() != parent_pid:
            os._exit(0)


def die_with_parent(parent_pid: int, poll_seconds: float = PARENT_POLL_SECONDS) -> None:
    """Exit when the parent does: a SIGKILLed ``dateline ingest`` must not leave ~180 MB workers behind.

    On Linux the kernel sends SIGKILL on the parent's death (PR_SET_PDEATHSIG); elsewhere, and as a
    fallback, a daemon thread notices the process being re-parented. A parent that died before either
    was armed is caught by the first check.
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):  # no libc prctl: the watchdog alone
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    if os.getppid() != parent_pid:
        os._exit(0)
    threading.Thread(target=_watch_parent, args=(parent_pid, poll_seconds), name="dateline-parent-watch",
                     daemon=True).start()


def _start_worker(parent_pid: int, initializer: Callable[..., None], *args: Any) -> None:
    """Every worker's first step, whatever its (replaceable) initializer: tie its life to the parent's."""
    die_with_parent(parent_pid)
    initializer(*args)


def _failure(item: ArticleInput, exc: BaseException) -> ExtractionError:
    return ExtractionError(f"{item.id}: extraction failed ({type(exc).__name__}: {exc})")


def extract_batch(extractor: Any, batch: list[ArticleInput], batch_size: int = 32) -> list[Result]:
    """The batch's results; if the batch as a whole fails, each item again on its own.

    Only ``ExtractionError`` is reported per input by the extractor; any other exception (in ``nlp.pipe``
    or ``to_record``) would lose the whole batch, and with it a bulk run. Retrying one at a time pins the
    failure on the input that causes it.
    """
    try:
        return list(extractor.extract_many(batch, batch_size=batch_size))
    except Exception:
        results: list[Result] = []
        for item in batch:
            try:
                results.extend(extractor.extract_many([item], batch_size=1))
            except Exception as exc:
                results.append(_failure(item, exc))
        return results


def _run_batch(batch: list[ArticleInput]) -> list[Result]:
    assert _EXTRACTOR is not None
    return extract_batch(_EXTRACTOR, batch)


def default_processes() -> int:
    """One extraction process per core the scheduler gives us."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _batches(items: Iterable[tuple[T, ArticleInput]], size: int) -> Iterator[list[tuple[T, ArticleInput]]]:
    batch: list[tuple[T, ArticleInput]] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class ExtractionPool:
    """Holds either one in-process extractor or a pool of processes with one model each."""

    def __init__(self, processes: int | None = None, extractor: Extractor | None = None,
                 model: str | None = None, batch_size: int = 16) -> None:
        self.processes = default_processes() if processes is None else max(1, processes)
        if extractor is not None:
            self.processes = 1
        self._extractor = extractor
        self._model = model
        self.batch_size = batch_size
        self._executor: ProcessPoolExecutor | None = None
        # what each worker process runs; replaceable so a test can make a worker die
        self.worker: Callable[[list[ArticleInput]], list[Result]] = _run_batch
        self.initializer: Callable[..., None] = _init_worker

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def map(self, items: Iterable[tuple[T, ArticleInput]]) -> Iterator[tuple[T, Result]]:
        """(tag, record or error) per input, in order; inputs are pulled only as capacity frees up."""
        if self.processes <= 1:
            for batch in _batches(items, self.batch_size):
                if self._extractor is None:  # loaded on the first batch: an all-duplicate run loads no model
                    self._extractor = Extractor(self._model)
                inputs = [a for _, a in batch]
                results = extract_batch(self._extractor, inputs, batch_size=self.batch_size)
                yield from zip((t for t, _ in batch), results, strict=True)
            return
        in_flight: deque[tuple[list[tuple[T, ArticleInput]], Future[list[Result]]]] = deque()
        for batch in _batches(items, self.batch_size):
            in_flight.append((batch, self._submit(batch)))
            while len(in_flight) > self.processes * IN_FLIGHT_PER_PROCESS or (in_flight and in_flight[0][1].done()):
                yield from self._collect(*in_flight.popleft())
        while in_flight:
            yield from self._collect(*in_flight.popleft())

    def _start(self) -> ProcessPoolExecutor:
        if self._executor is None:
            # spawn, not fork: the parent holds database connections and a progress-bar thread.
            self._executor = ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context("spawn"),
                                                 initializer=_start_worker,
                                                 initargs=(os.getpid(), self.initializer, self._model))
        return self._executor

    def _submit(self, batch: list[tuple[T, ArticleInput]]) -> Future[list[Result]]:
        executor = self._start()
        try:
            future = executor.submit(self.worker, [a for _, a in batch])
        except BrokenProcessPool:  # a worker died since the last batch: its batch fails when collected
            executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None
            executor = self._start()
            future = executor.submit(self.worker, [a for _, a in batch])
        future.dl_executor = executor  # type: ignore[attr-defined]  # which pool to rebuild if it breaks
        return future

    def _collect(self, batch: list[tuple[T, ArticleInput]], future: Future[list[Result]],
                 retry: bool = True) -> Iterator[tuple[T, Result]]:
        """A finished batch's results; a dead worker fails its batch (and the pool is rebuilt), not the run.

        A dying worker breaks every batch in flight, not only its own, so a broken batch is tried once more
        on a fresh pool: the innocent ones then succeed, the one that kills its worker fails again and is
        reported as failed.
        """
        try:
            results = future.result()
        except BrokenProcessPool as exc:
            broken: ProcessPoolExecutor | None = getattr(future, "dl_executor", None)
            executor = self._executor
            if executor is not None and executor is broken:  # not a pool already rebuilt
                executor.shutdown(wait=False, cancel_futures=True)
                self._executor = None  # the next batch starts a fresh pool
            if retry:
                yield from self._collect(batch, self._submit(batch), retry=False)
                return
            results = [ExtractionError(f"{a.id}: the extraction process died (out of memory or a crash) "
                                       f"while reading this batch ({exc})") for _, a in batch]
        except Exception as exc:
            results = [_failure(a, exc) for _, a in batch]
        yield from zip((t for t, _ in batch), results, strict=True)
