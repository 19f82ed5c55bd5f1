"""Extraction across processes, streaming: a bounded number of batches in flight, results in input order.

``app.extract.pipeline.extract_parallel`` collects every input before it starts; a bulk ingest of a large
folder needs results to flow while inputs are still being read, so the progress bar moves and memory
stays flat.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Self, TypeVar

from app.extract.pipeline import ArticleInput, Extraction, ExtractionError, Extractor

T = TypeVar("T")
Result = Extraction | ExtractionError

_EXTRACTOR: Extractor | None = None


def _init_worker(model: str | None) -> None:
    global _EXTRACTOR
    _EXTRACTOR = Extractor(model)


def _run_batch(batch: list[ArticleInput]) -> list[Result]:
    assert _EXTRACTOR is not None
    return list(_EXTRACTOR.extract_many(batch))


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
                extractor = self._extractor
                results = extractor.extract_many([a for _, a in batch], batch_size=self.batch_size)
                yield from zip((t for t, _ in batch), results, strict=True)
            return
        if self._executor is None:
            # spawn, not fork: the parent holds database connections and a progress-bar thread.
            self._executor = ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context("spawn"),
                                                 initializer=_init_worker, initargs=(self._model,))
        executor = self._executor
        in_flight: deque[tuple[list[T], Future[list[Result]]]] = deque()
        for batch in _batches(items, self.batch_size):
            in_flight.append(([t for t, _ in batch], executor.submit(_run_batch, [a for _, a in batch])))
            while len(in_flight) > self.processes * 2 or (in_flight and in_flight[0][1].done()):
                tags, future = in_flight.popleft()
                yield from zip(tags, future.result(), strict=True)
        while in_flight:
            tags, future = in_flight.popleft()
            yield from zip(tags, future.result(), strict=True)
