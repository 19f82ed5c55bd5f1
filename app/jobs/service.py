"""Jobs in the database: creating them, reading their progress, and recording what became of each input.

Everything here only flushes: the caller's transaction (the request dependency, the CLI, the worker's
``transaction()``) decides when it commits, so an item's state is written together with its article.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.ingest.feeds import record_feed_outcome
from app.ingest.records import FAILED
from app.ingest.sources import Outcome, RawInput
from app.jobs.leases import PENDING, RUNNING
from app.models import Job, JobItem, utcnow

DONE = "done"
CLAIMED_NOTE = "being read by a worker"
UNFINISHED_STATES = (PENDING, RUNNING)  # running: claimed by a worker (app.jobs.leases), nothing stored yet
FINISHED_STATES = ("stored", "near_duplicate", "duplicate", "failed", "done")
UNFINISHED_STATUSES = ("queued", "running")


def create_job(session: Session, inputs: list[RawInput], origin: str = "web") -> Job:
    """A queued job with one item per input; inputs refused on arrival are failed items from the start."""
    if not inputs:
        raise ValueError("a job needs at least one input")
    job = Job(status="queued", origin=origin)
    session.add(job)
    session.flush()
    session.add_all(JobItem(job_id=job.id, position=n, kind=i.kind, label=i.label[:300], payload=i.payload,
                            state=FAILED if i.error else PENDING, message=i.error)
                    for n, i in enumerate(inputs))
    session.flush()
    return job


def job_progress(session: Session, job_id: int) -> dict[str, Any] | None:
    """What the job page shows: status, counts per state, and every input's outcome."""
    job = session.get(Job, job_id)
    if job is None:
        return None
    counts = Counter(dict(session.execute(
        select(JobItem.state, func.count()).where(JobItem.job_id == job_id).group_by(JobItem.state)).all()))
    items = session.execute(select(JobItem.id, JobItem.kind, JobItem.label, JobItem.state, JobItem.message,
                                   JobItem.article_id).where(JobItem.job_id == job_id)
                            .order_by(JobItem.position)).all()
    total = sum(counts.values())
    finished = total - counts[PENDING] - counts[RUNNING]
    return {
        "id": job.id, "status": job.status, "origin": job.origin,
        "created_at": job.created_at.isoformat(timespec="seconds"),
        "finished_at": job.finished_at.isoformat(timespec="seconds") if job.finished_at else None,
        "error": job.error, "total": total, "finished": finished,
        "percent": round(100 * finished / total) if total else 100,
        "counts": {state: counts[state] for state in (*UNFINISHED_STATES, *FINISHED_STATES)},
        "items": [{"id": r.id, "kind": r.kind, "label": r.label, "state": r.state,
                   "message": CLAIMED_NOTE if r.state == RUNNING else r.message,  # not the worker's token
                   "article_id": r.article_id} for r in items],
        "done": job.status in ("done", "failed"),
    }


def unfinished_job_ids(session: Session) -> list[int]:
    return list(session.scalars(select(Job.id).where(Job.status.in_(UNFINISHED_STATUSES)).order_by(Job.id)))


def record_item_outcome(session: Session, outcome: Outcome) -> None:
    """The item's new state, written in the same transaction as its article (if any)."""
    item = session.get(JobItem, outcome.candidate.token)
    if item is None or item.state not in UNFINISHED_STATES:  # already settled (by another worker)
        return
    item.state = outcome.status
    item.message = outcome.message
    item.article_id = outcome.article_id or outcome.duplicate_of
    item.updated_at = utcnow()
    job = session.get(Job, item.job_id)
    if job is not None:
        job.heartbeat_at = utcnow()
    record_feed_outcome(session, outcome)
    session.flush()


def start_job(session: Session, job_id: int) -> Job | None:
    """Mark the job running; None when there is no such job. A done job is returned untouched."""
    job = session.get(Job, job_id)
    if job is None or job.status == "done":
        return job
    job.status = "running"
    job.started_at = job.started_at or utcnow()
    job.heartbeat_at = utcnow()
    return job


def finish_job_if_complete(session: Session, job_id: int) -> None:
    """Done once no item is pending or claimed; a job interrupted midway stays running for a re-queue to resume."""
    job = session.get(Job, job_id)
    left = session.scalar(select(func.count()).select_from(JobItem).where(
        JobItem.job_id == job_id, JobItem.state.in_(UNFINISHED_STATES)))
    if job is not None and not left:
        job.status = "done"
        job.finished_at = utcnow()


def fail_job(session: Session, job_id: int, exc: BaseException) -> None:
    """Mark the job failed with its reason, so the status page stops polling a job nobody is working on."""
    job = session.get(Job, job_id)
    if job is not None:
        job.status = "failed"
        job.error = f"The job stopped unexpectedly ({type(exc).__name__}: {exc})"[:2000]
        job.finished_at = utcnow()


def refuse_job(session: Session, job_id: int, reason: str) -> None:
    """Fail a job that cannot run at all (its queue cannot be written), with the one line saying why."""
    job = session.get(Job, job_id)
    if job is not None and job.status not in ("done", "failed"):
        job.status = "failed"
        job.error = reason[:2000]
        job.finished_at = utcnow()
