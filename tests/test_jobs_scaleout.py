"""Two `dateline worker` processes on one Redis queue share a 200-article job; one is killed with SIGKILL
midway and the other finishes it: every article stored exactly once. On SQLite, and on PostgreSQL in the
CI leg that sets DATELINE_TEST_DATABASE_URL (the job then runs in a database of its own on that server)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.support.scratch import scratch_database

REDIS_URL = os.environ.get("DATELINE_TEST_REDIS_URL")
pytestmark = [
    pytest.mark.slow, pytest.mark.db,
    pytest.mark.skipif(not REDIS_URL, reason="DATELINE_TEST_REDIS_URL is not set (.ci/run starts a Redis and sets it)"),
]

ROOT = Path(__file__).resolve().parents[1]
WORKER = [sys.executable, "-c", "from app.cli import main; main()", "worker"]
ARTICLES = 200
SHORT = 1400  # characters: the shorter Wikinews stories keep the run short


def job_inputs() -> list:
    """200 distinct texts: the seed article and the short CC BY Wikinews stories, cycled; each round's copy
    carries its own dispatch line, so it is a new text (stored, and linked as a near-duplicate of the first)."""
    from app.ingest.sources import RawInput

    stories = [json.loads(line) for line in (ROOT / "samples" / "wikinews-airlines.jsonl").read_text("utf-8").splitlines()]
    texts = [(s["id"], f"{s['title']}\n\n{s['text']}") for s in stories if len(s["text"]) < SHORT]
    texts.append(("seed", (ROOT / "tests" / "fixtures" / "russia-nato-talks.txt").read_text("utf-8")))
    inputs = []
    for n in range(ARTICLES):
        label, body = texts[n % len(texts)]
        round_ = n // len(texts)
        payload = body if round_ == 0 else f"Dispatch {round_} of {label}.\n\n{body}"
        inputs.append(RawInput("text", f"{label}#{round_}", payload))
    return inputs


def _wait(predicate: Callable[[], bool], procs: list[subprocess.Popen], what: str, seconds: float = 600) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        for proc in procs:
            assert proc.poll() is None, f"a worker stopped before {what}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)


def test_two_workers_share_a_job_and_one_killed_midway_loses_and_doubles_nothing(tmp_path):
    from app import migrate
    from app.db import make_engine, transaction
    from app.jobs.service import create_job
    from app.runtime import Runtime
    from app.settings import Settings

    with scratch_database(tmp_path, "scaleout") as url:
        settings = Settings(_env_file=None, database_url=url, data_dir=tmp_path / "data", queue_url=REDIS_URL)
        migrate.upgrade(url)
        with Runtime(settings) as web:
            web.queue.huey.flush()
            with transaction(web.sessionmaker) as session:
                job_id = create_job(session, job_inputs(), origin="test").id
            web.queue.enqueue(job_id)
        engine = make_engine(url)

        def scalar(sql: str) -> int:
            with engine.connect() as conn:
                return conn.execute(text(sql)).scalar() or 0

        def claimers() -> set[int]:  # the pids holding items now (a token is host:pid:random)
            with engine.connect() as conn:
                tokens = conn.execute(text("SELECT DISTINCT message FROM job_items WHERE state = 'running'")).scalars()
                return {int(t.rsplit(":", 2)[1]) for t in tokens if t}

        env = {**os.environ, "DATABASE_URL": url, "DATELINE_DATA_DIR": str(settings.data_dir),
               "DATELINE_QUEUE_URL": REDIS_URL or ""}
        procs = [subprocess.Popen(WORKER, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                 for _ in range(2)]
        seen: set[int] = set()
        try:
            def both_at_work() -> bool:
                seen.update(claimers())
                return seen >= {p.pid for p in procs} and scalar("SELECT count(*) FROM articles") >= 30

            _wait(both_at_work, procs, "both workers to claim items and 30 articles stored")
            holding = claimers()
            victim = next(p for p in procs if p.pid in holding) if holding & {p.pid for p in procs} else procs[0]
            victim.send_signal(signal.SIGKILL)
            victim.wait(timeout=30)  # reaped: its pid is gone, which the survivor checks before re-claiming
            survivor = next(p for p in procs if p is not victim)
            left = scalar("SELECT count(*) FROM job_items WHERE state IN ('pending', 'running')")
            assert left > 0, "the job finished before the kill; nothing was tested"
            _wait(lambda: scalar(f"SELECT count(*) FROM jobs WHERE id = {job_id} AND status = 'done'") == 1,
                  [survivor], "the surviving worker to finish the job")
        finally:
            for proc in procs:
                _stop(proc)
            with Runtime(settings) as web:
                web.queue.huey.flush()

        with engine.connect() as conn:
            states = dict(conn.execute(text("SELECT state, count(*) FROM job_items GROUP BY state")).all())
            failures = list(conn.execute(text("SELECT message FROM job_items WHERE state = 'failed'")).scalars())
            articles = conn.execute(text("SELECT count(*), count(DISTINCT content_hash) FROM articles")).one()
            linked = conn.execute(text("SELECT count(DISTINCT article_id), count(article_id) FROM job_items")).one()
            bare = conn.execute(text("SELECT count(*) FROM articles a WHERE NOT EXISTS "
                                     "(SELECT 1 FROM mentions m WHERE m.article_id = a.id)")).scalar()
        engine.dispose()
    assert victim.returncode == -signal.SIGKILL
    assert states.get("stored", 0) + states.get("near_duplicate", 0) == ARTICLES, (states, failures)
    assert set(states) <= {"stored", "near_duplicate"}, states  # nothing pending, running, failed or doubled
    assert tuple(articles) == (ARTICLES, ARTICLES)
    assert tuple(linked) == (ARTICLES, ARTICLES)  # each item its own article, each article one item
    assert bare == 0  # every article was stored with its extraction
