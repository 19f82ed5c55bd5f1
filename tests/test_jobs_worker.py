"""`dateline worker` killed with SIGKILL mid-job: the restarted worker finishes the job, nothing lost or doubled."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
WORKER = [sys.executable, "-c", "from app.cli import main; main()", "worker"]


def _states(db: Path) -> dict[str, int]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
        return dict(conn.execute("SELECT state, count(*) FROM job_items GROUP BY state").fetchall())


def _job_status(db: Path) -> str:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
        return conn.execute("SELECT status FROM jobs").fetchone()[0]


def _wait(predicate, proc: subprocess.Popen, what: str, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert proc.poll() is None, f"the worker stopped before {what}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def test_worker_killed_mid_job_resumes_and_stores_each_input_once(tmp_path):
    from app import migrate
    from app.db import transaction
    from app.ingest.sources import RawInput
    from app.jobs.service import create_job
    from app.runtime import Runtime
    from app.settings import Settings

    db = tmp_path / "dateline.db"
    settings = Settings(database_url=f"sqlite:///{db}", data_dir=tmp_path / "data", queue_url=None)
    migrate.upgrade(settings.database_url)
    stories = [json.loads(line) for line in
               (ROOT / "samples" / "wikinews-airlines.jsonl").read_text(encoding="utf-8").splitlines()[10:18]]
    inputs = [RawInput("text", s["id"], f"{s['title']}\n\n{s['text']}") for s in stories]
    inputs.append(RawInput("text", "repeat of the first", inputs[0].payload))
    with Runtime(settings) as runtime:
        with transaction(runtime.sessionmaker) as session:
            job_id = create_job(session, inputs, origin="test").id
        runtime.queue.enqueue(job_id)

    env = {**os.environ, "DATABASE_URL": settings.database_url, "DATELINE_DATA_DIR": str(settings.data_dir)}
    env.pop("DATELINE_QUEUE_URL", None)
    first = subprocess.Popen(WORKER, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait(lambda: _states(db).get("stored", 0) >= 2, first, "two stored items")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    finally:
        if first.poll() is None:
            first.kill()
    left = _states(db)
    assert left.get("pending", 0) + left.get("running", 0) > 0, "the job finished before the kill; nothing was tested"

    second = subprocess.Popen(WORKER, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait(lambda: _job_status(db) == "done", second, "the job to finish")
    finally:
        second.send_signal(signal.SIGINT)
        try:
            second.wait(timeout=30)
        except subprocess.TimeoutExpired:
            second.kill()

    states = _states(db)
    assert states.get("stored", 0) + states.get("near_duplicate", 0) == 8 and states.get("duplicate") == 1
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*), count(DISTINCT content_hash) FROM articles").fetchone() == (8, 8)
        assert conn.execute("SELECT status FROM jobs WHERE id = ?", (job_id,)).fetchone()[0] == "done"
        linked = conn.execute("SELECT count(DISTINCT article_id) FROM job_items WHERE state = 'stored'").fetchone()[0]
        assert linked == states["stored"]
