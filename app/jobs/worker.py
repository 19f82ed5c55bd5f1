"""Running jobs: expand feeds into entries, turn pending items into candidates, extract and store them.

Safe to run again after a crash or on a second worker: only pending items are read, and each item's state
is written in the transaction that stores its article. The process's resources (sessions, the model, the
queue) come from ``app.runtime``; nothing here is built at import or kept in a module global.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.db import transaction
from app.ingest.feeds import unseen_items
from app.ingest.readers import fetch_feed, http_client
from app.ingest.runner import FAILED, IngestRunner, Summary
from app.ingest.sources import Candidate, RawInput, entry_payload, raw_candidate
from app.jobs.leases import (
    DEFAULT_LEASE_SECONDS,
    PENDING,
    RUNNING,
    Heartbeat,
    claim_items,
    claimable_count,
    others_at_work,
    worker_token,
)
from app.jobs.queue import JobQueue
from app.jobs.service import (
    DONE,
    fail_job,
    finish_job_if_complete,
    record_item_outcome,
    start_job,
    unfinished_job_ids,
)
from app.models import JobItem, utcnow
from app.textio import UnreadableInput

if TYPE_CHECKING:
    from app.extract.pipeline import Extractor

log = logging.getLogger("dateline.jobs")

EMBEDDED_POLL_SECONDS = 1.0
CLAIM_SIZE = 4  # items a worker claims at once (and extracts as one batch): small, so workers share a job
PEER_POLL_SECONDS = 2.0


def expand_feeds(factory: sessionmaker[Session], job_id: int, client: httpx.Client, token: str,
                 lease_seconds: float = DEFAULT_LEASE_SECONDS) -> None:
    """Replace each feed item this worker claims by one item per unseen entry, in one transaction per feed."""
    while True:
        with transaction(factory) as session:
            claimed = claim_items(session, job_id, token, 1, lease_seconds=lease_seconds, feeds=True)
            feed_url = session.scalar(select(JobItem.payload).where(JobItem.id == claimed[0])) if claimed else None
        if not claimed or feed_url is None:
            return
        try:
            items = fetch_feed(client, feed_url)
            error = None
        except UnreadableInput as exc:
            items, error = [], str(exc)
        with transaction(factory) as session:
            item = session.get(JobItem, claimed[0])
            if item is None or item.state != RUNNING or item.message != token:  # lease lost meanwhile
                continue
            item.updated_at = utcnow()
            if error:
                item.state, item.message = FAILED, error
                continue
            fresh = unseen_items(session, feed_url, items)
            position = session.scalar(select(func.max(JobItem.position)).where(JobItem.job_id == job_id)) or 0
            session.add_all(JobItem(job_id=job_id, position=n, kind="entry", label=(entry.link or entry.key)[:300],
                                    payload=entry_payload(feed_url, entry))
                            for n, entry in enumerate(fresh, position + 1))
            item.state = DONE
            item.message = f"{feed_url}: {len(fresh)} new entries of {len(items)}"


def item_candidate(item: JobItem, client: httpx.Client) -> Candidate:
    """The runner's view of a job item; its ``token`` is the item id, for the bookkeeping."""
    return raw_candidate(RawInput(item.kind, item.label, item.payload), client, token=item.id)


def process_job(factory: sessionmaker[Session], job_id: int, *, processes: int = 1,
                extractor: Extractor | None = None, model: str | None = None,
                allow_private: bool | None = None,
                lease_seconds: float = DEFAULT_LEASE_SECONDS) -> Summary | None:
    """Run a job's items to the end, sharing them with any other worker on it (``app.jobs.leases``); safe
    to call again after a crash, and a dead worker's items are taken over once their lease runs out.

    An unexpected exception marks the job ``failed`` with its reason rather than leaving it ``running``
    forever (the status page would poll a job nobody is working on).
    """
    try:
        return _process_job(factory, job_id, processes=processes, extractor=extractor, model=model,
                            allow_private=allow_private, lease_seconds=lease_seconds)
    except Exception as exc:
        log.exception("job %s failed", job_id)
        with transaction(factory) as session:
            fail_job(session, job_id, exc)
        return None


def _process_job(factory: sessionmaker[Session], job_id: int, *, processes: int,
                 extractor: Extractor | None, model: str | None, allow_private: bool | None,
                 lease_seconds: float = DEFAULT_LEASE_SECONDS) -> Summary | None:
    with transaction(factory) as session:
        job = start_job(session, job_id)
        if job is None:
            return None
        if job.status == "done":  # queued twice (a re-queue after a restart): nothing left to do
            return Summary()
    token = worker_token()
    total = Summary()
    with Heartbeat(factory, token, job_id, lease_seconds), http_client(allow_private=allow_private) as client:
        expand_feeds(factory, job_id, client, token, lease_seconds)
        while True:
            runner = IngestRunner(factory, processes=processes, extractor=extractor, model=model,
                                  batch_size=CLAIM_SIZE, record=record_item_outcome)
            add_summary(total, runner.run(claimed_candidates(factory, job_id, token, client, lease_seconds)))
            if not wait_for_others(factory, job_id, token, lease_seconds):
                break
    with transaction(factory) as session:
        finish_job_if_complete(session, job_id)
    return total


def claimed_candidates(factory: sessionmaker[Session], job_id: int, token: str, client: httpx.Client,
                       lease_seconds: float) -> Iterator[Candidate]:
    """The job's items this worker claims, a few at a time as extraction asks for more; ends when none is left."""
    while True:
        with transaction(factory) as session:
            ids = claim_items(session, job_id, token, CLAIM_SIZE, lease_seconds=lease_seconds)
        if not ids:
            return
        for item_id in ids:
            with factory() as session:  # closed before yielding: no transaction stays open meanwhile
                item = session.get(JobItem, item_id)
                mine = item is not None and item.state == RUNNING and item.message == token
                candidate = item_candidate(item, client) if mine and item is not None else None
            if candidate is not None:
                yield candidate


def wait_for_others(factory: sessionmaker[Session], job_id: int, token: str, lease_seconds: float) -> bool:
    """After this worker's share: wait while other workers hold items of the job. True when some came free
    (a lease ran out, or its worker died), so this worker takes them; False when the job has nothing left."""
    poll = min(PEER_POLL_SECONDS, lease_seconds / 3)
    while True:
        with factory() as session:
            if not others_at_work(session, job_id, token):
                return bool(session.scalar(select(func.count()).select_from(JobItem).where(
                    JobItem.job_id == job_id, JobItem.state == PENDING)))
            if claimable_count(session, job_id, lease_seconds):
                return True
        time.sleep(poll)


def add_summary(total: Summary, part: Summary) -> None:
    total.counts.update(part.counts)
    total.failures.extend(part.failures)
    total.elapsed += part.elapsed


class JobWorker:
    """This process as a worker: queued job ids run against its sessions, with one model shared by its jobs."""

    def __init__(self, factory: sessionmaker[Session], queue: JobQueue, *, extractor: Callable[[], Extractor],
                 model: str, processes: int = 1, allow_private: bool | None = None,
                 lease_seconds: float = DEFAULT_LEASE_SECONDS) -> None:
        self.factory = factory
        self.lease_seconds = lease_seconds
        self.allow_private = allow_private
        self.queue = queue
        self._extractor = extractor
        self.model = model
        self.processes = processes
        queue.bind(self.run_job)

    def run_job(self, job_id: int) -> None:
        """The queued task's body; with one process the model is this process's, loaded on the first job."""
        extractor = self._extractor() if self.processes <= 1 else None
        summary = process_job(self.factory, job_id, processes=self.processes, extractor=extractor, model=self.model,
                              allow_private=self.allow_private, lease_seconds=self.lease_seconds)
        if summary is not None:
            log.info("job %s: %s", job_id, summary.line())

    def requeue_unfinished(self) -> list[int]:
        """Queue again every job not marked done: a killed worker's job resumes from its unfinished items."""
        with self.factory() as session:
            ids = unfinished_job_ids(session)
        for job_id in ids:
            self.queue.enqueue(job_id)
        return ids

    def serve(self, threads: int = 1) -> None:
        """The ``dateline worker`` loop: re-queue unfinished jobs, then consume until stopped."""
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
        ids = self.requeue_unfinished()
        if ids:
            log.info("re-queued unfinished jobs: %s", ", ".join(map(str, ids)))
        self.queue.consume(threads)


EMBEDDED_NICE = 5  # the web processes' readers come first: extraction takes what CPU they leave


def lower_priority(by: int = EMBEDDED_NICE) -> None:
    """Lower this thread's CPU priority ``by`` steps (Linux schedules threads by their own nice value; a thread
    it starts inherits it; elsewhere a no-op)."""
    with contextlib.suppress(AttributeError, OSError):
        me = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, me, min(19, os.getpriority(os.PRIO_PROCESS, me) + by))


class EmbeddedWorker:
    """The job process's runner (``app.jobs.child``) when there is no Redis: a thread polling the queue."""

    def __init__(self, worker: JobWorker, poll_seconds: float = EMBEDDED_POLL_SECONDS) -> None:
        self.worker = worker
        self.poll_seconds = poll_seconds
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="dateline-embedded-worker", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def is_alive(self) -> bool:
        return self._thread.is_alive()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the loop to end and wait a while for the job in hand; an unfinished job resumes on the next start."""
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _loop(self) -> None:
        try:
            self.worker.requeue_unfinished()
        except Exception:
            log.exception("embedded worker: could not re-queue unfinished jobs")
        while not self._stopping.is_set():
            try:
                if not self.worker.queue.run_next():
                    self._stopping.wait(self.poll_seconds)
            except Exception:
                log.exception("embedded worker: job failed")
                self._stopping.wait(self.poll_seconds)
