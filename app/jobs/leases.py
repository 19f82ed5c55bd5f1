"""Item leases: how several workers share one job, and how a dead worker's items go back to the others.

The queue (huey, on Redis or SQLite) has no visibility timeout: a task taken by a worker that is then
killed is simply gone. So the queue only says "work on job N", and each worker *claims* a few of the job's
items at a time in the database: ``state = 'running'``, ``message`` = the worker's token, ``updated_at`` =
the lease's start. The claim is one compare-and-set ``UPDATE`` (a row another worker claimed meanwhile no
longer matches its ``WHERE``), so two workers never hold one item. A live worker renews its leases every
third of the lease time (``Heartbeat``); an item whose lease ran out, or whose worker ran on this host under
a pid that is gone, may be claimed again. An item's article and its final state are written in one
transaction, so an item still ``running`` has stored nothing: re-claiming it stores it once.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import uuid
from collections.abc import Iterable

from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql.elements import ColumnElement

from app.db import transaction
from app.models import Job, JobItem, utcnow

log = logging.getLogger("dateline.jobs")

PENDING, RUNNING = "pending", "running"
DEFAULT_LEASE_SECONDS = 60.0
FEED = "feed"


def worker_token() -> str:
    """host:pid:random — names the claimer, and lets a worker on the same host see that it died."""
    return f"{socket.gethostname()[:120]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def dead_local_tokens(tokens: Iterable[str | None]) -> list[str]:
    """The tokens of workers that ran on this host under a pid that no longer exists."""
    host = socket.gethostname()[:120]
    dead = []
    for token in tokens:
        parts = (token or "").rsplit(":", 2)
        if len(parts) == 3 and parts[0] == host and parts[1].isdigit() and not _pid_alive(int(parts[1])):
            dead.append(token)
    return [t for t in dead if t]


def _claimable(job_id: int, stale: dt.datetime, dead: list[str], feeds: bool) -> ColumnElement[bool]:
    kind = JobItem.kind == FEED if feeds else JobItem.kind != FEED
    lapsed = and_(JobItem.state == RUNNING, or_(JobItem.updated_at < stale, JobItem.message.in_(dead)))
    return and_(JobItem.job_id == job_id, kind, or_(JobItem.state == PENDING, lapsed))


def _running_tokens(session: Session, job_id: int) -> list[str | None]:
    return list(session.scalars(select(JobItem.message).where(
        JobItem.job_id == job_id, JobItem.state == RUNNING).distinct()))


def claim_items(session: Session, job_id: int, token: str, limit: int, *,
                lease_seconds: float = DEFAULT_LEASE_SECONDS, feeds: bool = False) -> list[int]:
    """Claim up to ``limit`` of the job's items (pending, or leased by a dead worker), in input order.

    Feed items are claimed apart (``feeds=True``): they are expanded into entries, not extracted.
    """
    now = utcnow()
    claimable = _claimable(job_id, now - dt.timedelta(seconds=lease_seconds),
                           dead_local_tokens(_running_tokens(session, job_id)), feeds)
    ids = list(session.scalars(select(JobItem.id).where(claimable).order_by(JobItem.position).limit(limit)))
    if not ids:
        return []
    session.execute(update(JobItem).where(JobItem.id.in_(ids), claimable)
                    .values(state=RUNNING, message=token, updated_at=now)
                    .execution_options(synchronize_session=False))
    return list(session.scalars(select(JobItem.id).where(
        JobItem.id.in_(ids), JobItem.state == RUNNING, JobItem.message == token).order_by(JobItem.position)))


def claimable_count(session: Session, job_id: int, lease_seconds: float = DEFAULT_LEASE_SECONDS) -> int:
    """How many of the job's items (feeds aside) a worker could claim now."""
    claimable = _claimable(job_id, utcnow() - dt.timedelta(seconds=lease_seconds),
                           dead_local_tokens(_running_tokens(session, job_id)), feeds=False)
    return int(session.scalar(select(func.count()).select_from(JobItem).where(claimable)) or 0)


def others_at_work(session: Session, job_id: int, token: str) -> bool:
    """Whether items of the job are still held by other workers (whose leases have not run out)."""
    return bool(session.scalar(select(exists().where(
        JobItem.job_id == job_id, JobItem.state == RUNNING, JobItem.message != token))))


def renew(session: Session, token: str, job_id: int) -> int:
    """Push back the lease of every item this worker holds; the number of items held."""
    now = utcnow()
    result = session.execute(update(JobItem).where(JobItem.state == RUNNING, JobItem.message == token)
                             .values(updated_at=now).execution_options(synchronize_session=False))
    held = getattr(result, "rowcount", 0)
    session.execute(update(Job).where(Job.id == job_id).values(heartbeat_at=now)
                    .execution_options(synchronize_session=False))
    return int(held or 0)


class Heartbeat:
    """A daemon thread renewing a worker's leases while it works on a job; stopped on ``stop()``."""

    def __init__(self, factory: sessionmaker[Session], token: str, job_id: int,
                 lease_seconds: float = DEFAULT_LEASE_SECONDS) -> None:
        self.factory = factory
        self.token = token
        self.job_id = job_id
        self.every = max(lease_seconds / 3, 0.05)
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="dateline-lease-heartbeat", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopping.set()
        self._thread.join(self.every + 30)

    def _loop(self) -> None:
        while not self._stopping.wait(self.every):
            try:
                with transaction(self.factory) as session:
                    renew(session, self.token, self.job_id)
            except Exception:  # a missed beat only shortens the lease; the next one may succeed
                log.exception("job %s: could not renew the leases of %s", self.job_id, self.token)
