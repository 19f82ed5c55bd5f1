"""Item leases (app.jobs.leases): workers claim disjoint items; a live lease is respected, a lapsed one or a
dead worker's is claimed again; renewing keeps it; the job page counts claimed items as not finished."""

from __future__ import annotations

import datetime as dt
import socket
import subprocess
import sys

import pytest

pytestmark = pytest.mark.db

ELSEWHERE = "another-host:4242:cafe0001"  # a worker on another machine: only its lease says it is alive


def _job(session, n: int = 10) -> int:
    from app.ingest.sources import RawInput
    from app.jobs.service import create_job

    return create_job(session, [RawInput("text", f"story {i}", f"Story number {i}.") for i in range(n)]).id


def _age(session, ids: list[int], seconds: float) -> None:
    from sqlalchemy import update

    from app.models import JobItem, utcnow

    session.execute(update(JobItem).where(JobItem.id.in_(ids))
                    .values(updated_at=utcnow() - dt.timedelta(seconds=seconds)))


def test_two_workers_claim_disjoint_items_in_input_order(session):
    from app.jobs.leases import claim_items, worker_token

    job_id = _job(session)
    a, b = worker_token(), worker_token()
    first = claim_items(session, job_id, a, 4)
    second = claim_items(session, job_id, b, 4)
    rest = claim_items(session, job_id, a, 4)
    assert len(first) == len(second) == 4 and len(rest) == 2
    assert not set(first) & set(second) and first < second < rest
    assert claim_items(session, job_id, b, 4) == []  # all held, none lapsed


def test_a_live_lease_is_respected_and_a_lapsed_one_is_claimed_again(session):
    from app.jobs.leases import claim_items, claimable_count, others_at_work, renew

    job_id = _job(session, 3)
    held = claim_items(session, job_id, ELSEWHERE, 3, lease_seconds=60)
    assert claimable_count(session, job_id, 60) == 0 and others_at_work(session, job_id, "me:1:x")
    _age(session, held, 30)
    assert claim_items(session, job_id, "me:1:x", 3, lease_seconds=60) == []  # half-way through: still theirs
    assert renew(session, ELSEWHERE, job_id) == 3
    _age(session, held[:1], 61)  # one lease ran out (its worker stopped renewing)
    assert claimable_count(session, job_id, 60) == 1
    assert claim_items(session, job_id, "me:1:x", 3, lease_seconds=60) == held[:1]


def test_the_items_of_a_dead_worker_on_this_host_are_claimed_at_once(session):
    from app.jobs.leases import claim_items, dead_local_tokens, worker_token

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True)
    dead = f"{socket.gethostname()[:120]}:{int(gone.stdout)}:dead0001"
    alive = worker_token()
    assert dead_local_tokens([dead, alive, ELSEWHERE, None]) == [dead]
    job_id = _job(session, 4)
    claim_items(session, job_id, dead, 2)
    claim_items(session, job_id, ELSEWHERE, 2)
    taken = claim_items(session, job_id, alive, 4)  # the dead one's two, never the one elsewhere's
    assert len(taken) == 2


def test_claimed_items_are_unfinished_until_their_outcome_is_recorded(session):
    from app.ingest.runner import STORED, Outcome
    from app.ingest.sources import Candidate
    from app.jobs.leases import claim_items
    from app.jobs.service import finish_job_if_complete, job_progress, record_item_outcome
    from app.models import Job

    job_id = _job(session, 2)
    first, second = claim_items(session, job_id, "me:1:x", 2)
    record_item_outcome(session, Outcome(Candidate("story 0", token=first), STORED, "story 0: stored"))
    progress = job_progress(session, job_id)
    assert progress["counts"]["running"] == 1 and progress["counts"]["stored"] == 1 and progress["finished"] == 1
    assert [i["message"] for i in progress["items"]] == ["story 0: stored", "being read by a worker"]  # no token shown
    finish_job_if_complete(session, job_id)
    assert session.get(Job, job_id).status != "done"
    record_item_outcome(session, Outcome(Candidate("story 1", token=second), STORED, "story 1: stored"))
    finish_job_if_complete(session, job_id)
    assert session.get(Job, job_id).status == "done" and job_progress(session, job_id)["percent"] == 100
