"""`dateline ingest` killed with SIGKILL midway: a re-run ends with every article stored once, database intact."""

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
DATELINE = [sys.executable, "-c", "from app.cli import main; main()"]


def _count(db: Path, sql: str) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute(sql).fetchone()[0]
    except sqlite3.OperationalError:  # schema not there yet
        return 0


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(DATELINE + args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)


def test_sigkill_midway_then_rerun_stores_every_article_once(tmp_path):
    lines = (ROOT / "samples" / "wikinews-airlines.jsonl").read_text(encoding="utf-8").splitlines()[:10]
    folder = tmp_path / "articles"
    folder.mkdir()
    for line in lines:
        story = json.loads(line)
        (folder / f"{story['id']}.txt").write_text(f"{story['title']}\n\n{story['text']}", encoding="utf-8")
    db = tmp_path / "dateline.db"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "DATELINE_DATA_DIR": str(tmp_path / "data")}

    proc = subprocess.Popen([*DATELINE, "ingest", str(folder), "--processes", "1"], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while _count(db, "SELECT count(*) FROM articles") < 3:
        assert proc.poll() is None, f"ingest ended before it could be killed: {proc.stderr.read() if proc.stderr else ''}"
        assert time.monotonic() < deadline, "ingest stored nothing in time"
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    stored_before = _count(db, "SELECT count(*) FROM articles")
    assert 3 <= stored_before < 10

    rerun = _run(["ingest", str(folder), "--processes", "1", "--summary-json"], env)
    assert rerun.returncode == 0, rerun.stderr
    summary = json.loads(rerun.stdout.strip().splitlines()[-1])
    assert summary["duplicate"] == stored_before and summary["stored"] + summary["near_duplicate"] == 10 - stored_before
    assert summary["failed"] == 0

    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*), count(DISTINCT content_hash) FROM articles").fetchone() == (10, 10)
        # one transaction per article: no article without its extraction
        bare = conn.execute("SELECT count(*) FROM articles a WHERE NOT EXISTS "
                            "(SELECT 1 FROM mentions m WHERE m.article_id = a.id)").fetchone()[0]
        assert bare == 0

    stats = _run(["stats", "--format", "json"], env)
    numbers = json.loads(stats.stdout)
    assert numbers["articles"] == 10 and numbers["actors"] > 0 and numbers["events"] > 0 and "quotes" in numbers

    third = _run(["ingest", str(folder / "missing.txt"), str(folder)], env)
    assert third.returncode == 1 and "missing.txt: no such file or folder" in third.stderr
    assert "10 duplicates skipped, 1 failed" in third.stderr
