"""Ingestion jobs on huey: the queue only says "run job N"; every input's state lives in the database.

That split is what makes a worker killed with SIGKILL harmless: each input is stored together with its
item's new state in one transaction, so a restarted worker (which re-queues unfinished jobs) picks up the
pending items and finds nothing to store twice. The embedded default is a SQLite queue file under
``settings.data_dir`` (no server); ``DATELINE_QUEUE_URL=redis://…`` lets workers run on other machines.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from huey import Huey, RedisHuey, SqliteHuey
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.extract.pipeline import Extractor
from app.ingest.dedup import canonical_url
from app.ingest.feeds import record_feed_outcome, unseen_items
from app.ingest.readers import (
    Candidate,
    FeedItem,
    feed_item_article,
    fetch_feed,
    http_client,
    jsonl_candidates,
    meta_from_html,
    parse_date,
    url_candidate,
)
from app.ingest.runner import FAILED, IngestRunner, Outcome, Summary
from app.models import Job, JobItem, utcnow
from app.settings import Settings, get_settings
from app.store import ArticleMeta
from app.textio import UnreadableInput

log = logging.getLogger("dateline.jobs")

PENDING, DONE = "pending", "done"
ITEM_KINDS = ("text", "html", "jsonl", "url", "feed", "entry")
FINISHED_STATES = ("stored", "near_duplicate", "duplicate", "failed", "done")


@dataclass(slots=True)
class JobInput:
    """One input of a new job; ``error`` marks one refused on arrival (binary upload, oversize), shown as failed."""

    kind: str
    label: str
    payload: str
    error: str | None = None


# --- creating and reading jobs (flush only: the request or the CLI commits) ----------------------------


def create_job(session: Session, inputs: list[JobInput], origin: str = "web") -> Job:
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
    finished = total - counts[PENDING]
    return {
        "id": job.id, "status": job.status, "origin": job.origin,
        "created_at": job.created_at.isoformat(timespec="seconds"),
        "finished_at": job.finished_at.isoformat(timespec="seconds") if job.finished_at else None,
        "error": job.error, "total": total, "finished": finished,
        "percent": round(100 * finished / total) if total else 100,
        "counts": {state: counts[state] for state in (PENDING, *FINISHED_STATES)},
        "items": [{"id": r.id, "kind": r.kind, "label": r.label, "state": r.state, "message": r.message,
                   "article_id": r.article_id} for r in items],
        "done": job.status in ("done", "failed"),
    }


# --- running a job --------------------------------------------------------------------------------------

_EXTRACTOR: Extractor | None = None
_EXTRACTOR_LOCK = threading.Lock()


def _shared_extractor() -> Extractor:
    """One model per worker process, loaded on the first job that needs it."""
    global _EXTRACTOR
    with _EXTRACTOR_LOCK:
        if _EXTRACTOR is None:
            _EXTRACTOR = Extractor()
        return _EXTRACTOR


def _expand_feeds(factory: sessionmaker[Session], job_id: int, client: Any) -> None:
    """Replace each pending feed item by one item per unseen entry, in one transaction per feed."""
    with factory() as session:
        feeds = list(session.execute(select(JobItem.id, JobItem.payload).where(
            JobItem.job_id == job_id, JobItem.kind == "feed", JobItem.state == PENDING)).all())
    for item_id, feed_url in feeds:
        try:
            items = fetch_feed(client, feed_url)
            error = None
        except UnreadableInput as exc:
            items, error = [], str(exc)
        with factory() as session, session.begin():
            item = session.get(JobItem, item_id)
            if item is None or item.state != PENDING:
                continue
            if error:
                item.state, item.message = FAILED, error
                continue
            fresh = unseen_items(session, feed_url, items)
            position = session.scalar(select(func.max(JobItem.position)).where(JobItem.job_id == job_id)) or 0
            for n, entry in enumerate(fresh, position + 1):
                payload = {"feed": feed_url, "key": entry.key, "link": entry.link, "title": entry.title,
                           "published": entry.published.isoformat() if entry.published else None,
                           "content": entry.content}
                session.add(JobItem(job_id=job_id, position=n, kind="entry", label=(entry.link or entry.key)[:300],
                                    payload=json.dumps(payload)))
            item.state = DONE
            item.message = f"{feed_url}: {len(fresh)} new entries of {len(items)}"
            item.updated_at = utcnow()


def _candidate(item: JobItem, client: Any) -> Candidate:
    """The runner's view of a job item; ``token`` carries the item id back to the bookkeeping."""
    label = item.label
    if item.kind == "text":
        return Candidate(label, meta=ArticleMeta(text=item.payload), token=item.id)
    if item.kind == "html":
        try:
            return Candidate(label, meta=meta_from_html(item.payload, label), token=item.id)
        except UnreadableInput as exc:
            return Candidate(label, error=str(exc), token=item.id)
    if item.kind == "jsonl":
        candidate = next(iter(jsonl_candidates([item.payload], label)), None) or Candidate(label, error=f"{label}: empty line")
        candidate.token = item.id
        return candidate
    if item.kind == "url":
        return url_candidate(client, item.payload.strip(), token=item.id)
    if item.kind == "entry":
        data = json.loads(item.payload)
        entry = FeedItem(key=data["key"], link=data.get("link"), title=data.get("title"),
                         published=parse_date(data.get("published")), content=data.get("content"))
        extra = {"feed": data["feed"], "entry": entry.key}
        try:
            canonical = canonical_url(entry.link) if entry.link else None
        except UnreadableInput as exc:
            return Candidate(label, error=str(exc), token=item.id, extra=extra)
        return Candidate(label, load=lambda: feed_item_article(client, entry, data["feed"]),
                         url=canonical, token=item.id, extra=extra)
    return Candidate(label, error=f"{label}: unknown input kind {item.kind!r}", token=item.id)


def _record(session: Session, outcome: Outcome) -> None:
    """The item's new state, written in the same transaction as its article (if any)."""
    item = session.get(JobItem, outcome.candidate.token)
    if item is None or item.state != PENDING:
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


def process_job(factory: sessionmaker[Session], job_id: int, *, processes: int = 1,
                extractor: Extractor | None = None) -> Summary | None:
    """Run a job's pending items to the end; safe to call again after a crash or on a second worker.

    An unexpected exception marks the job ``failed`` with its reason rather than leaving it ``running``
    forever (the status page would poll a job nobody is working on).
    """
    try:
        return _process_job(factory, job_id, processes=processes, extractor=extractor)
    except Exception as exc:
        log.exception("job %s failed", job_id)
        with factory() as session, session.begin():
            job = session.get(Job, job_id)
            if job is not None:
                job.status = "failed"
                job.error = f"The job stopped unexpectedly ({type(exc).__name__}: {exc})"[:2000]
                job.finished_at = utcnow()
        return None


def _process_job(factory: sessionmaker[Session], job_id: int, *, processes: int,
                 extractor: Extractor | None) -> Summary | None:
    with factory() as session, session.begin():
        job = session.get(Job, job_id)
        if job is None:
            return None
        if job.status == "done":  # queued twice (a re-queue after a restart): nothing left to do
            return Summary()
        job.status = "running"
        job.started_at = job.started_at or utcnow()
        job.heartbeat_at = utcnow()
    with http_client() as client:
        _expand_feeds(factory, job_id, client)
        with factory() as session:
            pending = list(session.scalars(select(JobItem.id).where(
                JobItem.job_id == job_id, JobItem.state == PENDING).order_by(JobItem.position)))

        def candidates() -> Iterator[Candidate]:
            for item_id in pending:
                with factory() as session:  # closed before yielding: no transaction stays open meanwhile
                    item = session.get(JobItem, item_id)
                    candidate = _candidate(item, client) if item is not None and item.state == PENDING else None
                if candidate is not None:
                    yield candidate

        if processes <= 1 and extractor is None:
            extractor = _shared_extractor()
        summary = IngestRunner(factory, processes=processes, extractor=extractor, record=_record).run(candidates())
    with factory() as session, session.begin():
        job = session.get(Job, job_id)
        left = session.scalar(select(func.count()).select_from(JobItem).where(
            JobItem.job_id == job_id, JobItem.state == PENDING))
        if job is not None and not left:
            job.status = "done"
            job.finished_at = utcnow()
    return summary


def unfinished_job_ids(session: Session) -> list[int]:
    return list(session.scalars(select(Job.id).where(Job.status.in_(("queued", "running"))).order_by(Job.id)))


# --- the queue ------------------------------------------------------------------------------------------


_TASKS: dict[int, Any] = {}


@lru_cache(maxsize=4)
def _huey_for(queue_url: str | None, data_dir: str) -> Huey:
    if queue_url:
        if not queue_url.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError(f"DATELINE_QUEUE_URL must be a redis:// URL, not {queue_url!r}")
        huey: Huey = RedisHuey("dateline", url=queue_url)
    else:
        from pathlib import Path

        Path(data_dir).mkdir(parents=True, exist_ok=True)
        huey = SqliteHuey("dateline", filename=str(Path(data_dir) / "queue.sqlite3"))
    _TASKS[id(huey)] = huey.task(retries=2, retry_delay=5, name="dateline.ingest_job")(_run_queued_job)
    return huey


def get_huey(settings: Settings | None = None) -> Huey:
    settings = settings or get_settings()
    return _huey_for(settings.queue_url, str(settings.data_dir))


@lru_cache(maxsize=4)
def _factory_for(url: str) -> sessionmaker[Session]:
    from app.db import make_engine, make_sessionmaker

    return make_sessionmaker(make_engine(url, immediate_writes=True))  # a writer: queue on the SQLite lock


_WORKER_PROCESSES = 1


def _run_queued_job(job_id: int) -> None:
    """The queued task: run job N against the worker's own DATABASE_URL."""
    summary = process_job(_factory_for(get_settings().database_url), job_id, processes=_WORKER_PROCESSES)
    if summary is not None:
        log.info("job %s: %s", job_id, summary.line())


def enqueue(job_id: int, settings: Settings | None = None) -> None:
    """Put "run job N" on the queue; the job's inputs are already in the database."""
    _TASKS[id(get_huey(settings))](job_id)


def requeue_unfinished(settings: Settings | None = None) -> list[int]:
    """Queue again every job not marked done: a killed worker's job resumes from its pending items."""
    with _factory_for((settings or get_settings()).database_url)() as session:
        ids = unfinished_job_ids(session)
    for job_id in ids:
        enqueue(job_id, settings)
    return ids


def run_worker(settings: Settings, threads: int = 1, processes: int = 1) -> None:
    """The ``dateline worker`` loop: re-queue unfinished jobs, then consume until stopped."""
    global _WORKER_PROCESSES
    _WORKER_PROCESSES = processes
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    huey = get_huey(settings)
    ids = requeue_unfinished(settings)
    if ids:
        log.info("re-queued unfinished jobs: %s", ", ".join(map(str, ids)))
    huey.create_consumer(workers=threads, worker_type="thread").run()


_EMBEDDED: threading.Thread | None = None
_EMBEDDED_LOCK = threading.Lock()


def ensure_embedded_worker(settings: Settings) -> None:
    """In the embedded mode the web process runs jobs itself, in one background thread."""
    global _EMBEDDED
    with _EMBEDDED_LOCK:
        if _EMBEDDED is not None and _EMBEDDED.is_alive():
            return
        huey = get_huey(settings)

        def loop() -> None:
            requeue_unfinished(settings)
            while True:
                try:
                    task = huey.dequeue()
                    if task is None:
                        time.sleep(1.0)
                        continue
                    huey.execute(task)
                except Exception:
                    log.exception("embedded worker: job failed")
                    time.sleep(1.0)

        _EMBEDDED = threading.Thread(target=loop, name="dateline-embedded-worker", daemon=True)
        _EMBEDDED.start()
