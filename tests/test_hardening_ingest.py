"""Issue 12, the ingest side: hostile inputs, hostile URLs and crashes get a clear answer, never a traceback.

Each test sends the payload or request that used to break Dateline and checks what a user now gets.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import cli

ROOT = Path(__file__).resolve().parents[1]
STORY = ("Airline strike grounds flights\n\nPilots at Example Air walked out on Monday, the union said, "
         "grounding hundreds of flights across Europe.")


def _wait_for(predicate: Callable[[], bool], what: str, seconds: float = 120.0) -> None:
    """Poll (no fixed sleep) until ``predicate`` holds, failing with ``what`` after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


# --- 1. stored XSS: only http(s) links are stored or linked ----------------------------------------------


@pytest.mark.parametrize("url", ["javascript:alert(document.cookie)", " JavaScript:alert(1)",
                                 "java\tscript:alert(1)", "data:text/html,<script>alert(1)</script>",
                                 "file:///etc/passwd", "http:no-host"])
def test_a_jsonl_url_that_is_not_http_is_refused_naming_the_line(url):
    from app.ingest.sources import jsonl_line_candidate

    candidate = jsonl_line_candidate(json.dumps({"id": "x1", "text": STORY, "url": url}), "feed.jsonl", 3)
    assert candidate.meta is None
    assert candidate.error.startswith("feed.jsonl:3 (id x1): 'url' ")
    assert "is not an http:// or https:// address" in candidate.error


def test_an_http_jsonl_url_is_still_stored_canonical():
    from app.ingest.sources import jsonl_line_candidate

    candidate = jsonl_line_candidate(json.dumps({"text": STORY, "url": "HTTPS://Example.org/a/?utm_source=x"}),
                                     "feed.jsonl", 1)
    assert candidate.error is None and candidate.meta.url == "https://example.org/a"


def test_the_cli_refuses_a_javascript_url_and_stores_nothing(env):
    import sqlite3

    (env / "hostile.jsonl").write_text(json.dumps({"id": "evil", "text": STORY, "url": "javascript:alert(1)"}) + "\n",
                                       encoding="utf-8")
    result = CliRunner().invoke(cli, ["ingest", str(env / "hostile.jsonl"), "--jsonl"])
    assert result.exit_code == 1
    assert "hostile.jsonl:1 (id evil): 'url' 'javascript:alert(1)' is not an http:// or https:// address" in result.stderr
    with sqlite3.connect(env / "cli.db") as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 0


def test_an_uploaded_jsonl_line_with_a_data_url_fails_its_job_item():
    from app.ingest.readers import http_client
    from app.ingest.sources import raw_candidate, upload_inputs

    line = json.dumps({"text": STORY, "url": "data:text/html;base64,PHNjcmlwdD4="})
    [raw] = upload_inputs("batch.jsonl", line.encode())
    with http_client(allow_private=False) as client:
        candidate = raw_candidate(raw, client)
    assert candidate.meta is None and "batch.jsonl:1: 'url' 'data:text/html" in candidate.error


def test_a_feed_entry_linking_javascript_is_refused():
    from app.ingest.readers import FeedItem, http_client
    from app.ingest.sources import feed_candidates

    item = FeedItem(key="k1", link="javascript:alert(1)", title="t", published=None, content=f"<p>{STORY}</p>")
    with http_client(allow_private=False) as client:
        [candidate] = feed_candidates(client, "https://example.org/feed.xml", [item])
    assert candidate.load is None
    assert candidate.error == ("https://example.org/feed.xml entry javascript:alert(1): link 'javascript:alert(1)' "
                               "is not an http:// or https:// address; only web links are accepted")


# --- 8. SSRF: loopback, private, link-local and metadata addresses are refused ---------------------------


@contextlib.contextmanager
def _local_server(redirect_to: str | None = None) -> Iterator[tuple[str, list[str]]]:
    """An HTTP server on 127.0.0.1 answering every GET with a short text (or a redirect); yields (base, hits)."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            hits.append(self.path)
            if redirect_to:
                self.send_response(302)
                self.send_header("Location", redirect_to)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = STORY.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()


def test_without_the_flag_a_loopback_fetch_is_refused_naming_the_address():
    from app.ingest.readers import fetch_article, http_client
    from app.textio import UnreadableInput

    with _local_server() as (base, hits):
        with http_client(allow_private=False) as client, pytest.raises(UnreadableInput) as refused:
            fetch_article(client, base + "/")
        assert hits == []  # refused before any byte was sent
        with http_client(allow_private=True) as client:  # DATELINE_ALLOW_PRIVATE_URLS=1
            assert "Pilots at Example Air" in fetch_article(client, base + "/").text
    assert str(refused.value).startswith(f"{base}/: refused to fetch from 127.0.0.1: a loopback address")
    assert "DATELINE_ALLOW_PRIVATE_URLS=1" in str(refused.value)


@pytest.mark.parametrize(("url", "kind"), [
    ("http://169.254.169.254/latest/meta-data/", "link-local (cloud metadata)"),
    ("http://10.1.2.3/admin", "private"), ("http://192.168.0.1/", "private"), ("http://[::1]:8080/", "loopback"),
    ("http://[::ffff:127.0.0.1]/", "loopback"), ("http://0.0.0.0:9/", "unspecified"),
    ("http://100.64.0.1/", "non-public"),
])
def test_private_and_metadata_addresses_are_refused(url, kind):
    from app.ingest.netguard import PrivateAddress
    from app.ingest.readers import fetch_bytes, http_client

    with http_client(allow_private=False) as client, pytest.raises(PrivateAddress, match=re.escape(f"a {kind} address")):
        fetch_bytes(client, url)


def test_a_redirect_to_a_private_address_is_refused(monkeypatch):
    """127.0.0.1 stands in for a public site here; its redirect to 127.0.0.2 (the "private" one) is refused."""
    from app.ingest import netguard
    from app.ingest.readers import fetch_bytes, http_client

    real_kind = netguard.address_kind
    monkeypatch.setattr(netguard, "address_kind",
                        lambda address: real_kind(address) if str(address) == "127.0.0.2" else None)
    refused = r"refused to fetch from 127\.0\.0\.2: a loopback address"
    with _local_server(redirect_to="http://127.0.0.2:9/internal") as (base, hits), \
            http_client(allow_private=False) as client, pytest.raises(netguard.PrivateAddress, match=refused):
        fetch_bytes(client, base + "/story")
    assert hits == ["/story"]


def test_the_connection_itself_goes_only_to_a_checked_public_address():
    """Without the request hook (a DNS answer changed after it ran), the transport still refuses at connect."""
    import httpx

    from app.ingest.netguard import PrivateAddress, guarded_transport

    with _local_server() as (base, hits), httpx.Client(transport=guarded_transport()) as client, \
            pytest.raises(PrivateAddress, match=r"refused to fetch from 127\.0\.0\.1: a loopback address"):
        client.get(base + "/")
    assert hits == []


def test_the_cli_refuses_a_loopback_url_unless_private_urls_are_allowed(env, monkeypatch):
    from app.settings import get_settings

    monkeypatch.setenv("DATELINE_ALLOW_PRIVATE_URLS", "0")
    get_settings.cache_clear()
    with _local_server() as (base, hits):
        result = CliRunner().invoke(cli, ["ingest", base + "/story"])
    assert result.exit_code == 1 and hits == []
    assert f"error: {base}/story: refused to fetch from 127.0.0.1: a loopback address" in result.stderr


def test_a_web_job_url_item_is_refused_when_private_urls_are_not_allowed(session_factory):
    from app.db import transaction
    from app.ingest.sources import url_inputs
    from app.jobs.service import create_job, job_progress
    from app.jobs.worker import process_job

    with _local_server() as (base, hits):
        with transaction(session_factory) as session:
            job_id = create_job(session, url_inputs([base + "/internal"]), origin="test").id
        process_job(session_factory, job_id, processes=1, extractor=None, allow_private=False)
    with session_factory() as session:
        progress = job_progress(session, job_id)
    assert hits == [] and progress["status"] == "done"
    [item] = progress["items"]
    assert item["state"] == "failed" and "refused to fetch from 127.0.0.1: a loopback address" in item["message"]


# --- 11. UTF-16 files, the length limit, texts without words ---------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_a_utf16_file_with_a_bom_is_read_not_called_binary(tmp_path, encoding):
    from app.textio import read_text_file

    path = tmp_path / "notepad.txt"
    data = STORY.replace("\n", "\r\n").encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    path.write_bytes(data)
    assert read_text_file(path) == STORY


def test_a_utf16_jsonl_upload_and_file_are_read_line_by_line(tmp_path):
    from app.ingest.sources import file_candidates, upload_inputs

    lines = "\r\n".join(json.dumps({"id": n, "text": f"{STORY} ({n})"}) for n in (1, 2)) + "\r\n"
    raws = upload_inputs("export.jsonl", lines.encode("utf-16"))
    assert [r.error for r in raws] == [None, None] and json.loads(raws[1].payload)["id"] == 2
    (tmp_path / "export.jsonl").write_bytes(lines.encode("utf-16"))
    candidates = list(file_candidates([tmp_path / "export.jsonl"]))
    assert [c.error for c in candidates] == [None, None] and candidates[0].meta.external_id == "1"


def test_a_broken_utf16_file_says_so():
    from app.textio import UnreadableInput, decode_bytes

    with pytest.raises(UnreadableInput, match=r"x\.txt: starts with a UTF-16 byte-order mark but is not valid UTF-16"):
        decode_bytes(b"\xff\xfe" + "ok".encode("utf-16-le") + b"\x00\xd8", "x.txt")  # a lone surrogate


def test_the_length_limit_is_the_dateline_max_chars_setting(monkeypatch):
    from pydantic import ValidationError

    from app.extract.pipeline import ExtractionError, check_text
    from app.settings import Settings, get_settings

    assert Settings(_env_file=None).max_chars == 1_000_000
    monkeypatch.setenv("DATELINE_MAX_CHARS", "50")
    get_settings.cache_clear()
    try:
        with pytest.raises(ExtractionError, match=r"the text is 1\d\d characters long; the limit is 50 "
                                                  r"\(DATELINE_MAX_CHARS\)"):
            check_text(STORY)
        assert check_text("A short story.") == "A short story."
    finally:
        get_settings.cache_clear()
    with pytest.raises(ValidationError, match="DATELINE_MAX_CHARS must be between 1 and 10,000,000"):
        Settings(_env_file=None, max_chars=0)


@pytest.mark.parametrize("text", ['"""""""""\n\'\'\'\'', "«»“”‘’ ... — 1914 2024", "* * *"])
def test_a_text_without_letters_is_refused_not_stored(env, text):
    import sqlite3

    from app.extract.pipeline import ExtractionError, check_text

    (env / "quotes.txt").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["ingest", str(env / "quotes.txt")])
    assert result.exit_code == 1
    assert f"error: {env / 'quotes.txt'}: the text has no letters: there are no words to read" in result.stderr
    with sqlite3.connect(env / "cli.db") as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
    with pytest.raises(ExtractionError, match="no letters"):
        check_text(text)


# --- 9. storage that cannot be written: one line, and health says so -------------------------------------


@contextlib.contextmanager
def _unwritable(path: Path) -> Iterator[None]:
    """Make a file or folder unwritable for this process: chmod, plus the immutable flag when running as root."""
    mode = path.stat().st_mode
    path.chmod(mode & ~0o222)
    immutable = False
    try:
        if os.geteuid() == 0:
            flagged = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
            if flagged.returncode != 0:
                pytest.skip(f"running as root and chattr +i is not available here: {flagged.stderr!r}")
            immutable = True
        yield
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        path.chmod(mode)


def test_a_read_only_database_file_gives_one_line_naming_it(env):
    from app import migrate

    db = env / "cli.db"
    migrate.upgrade(f"sqlite:///{db}")
    (env / "story.txt").write_text(STORY, encoding="utf-8")
    with _unwritable(db):
        result = CliRunner().invoke(cli, ["ingest", str(env / "story.txt")])
        stats = CliRunner().invoke(cli, ["stats", "--format", "json"])  # reading needs no write
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.strip().splitlines() == [
        f"error: the database file {db} is read-only; make it writable (chmod u+w {db}), or set DATABASE_URL "
        "to a database this user can write."]
    assert stats.exit_code == 0, stats.output


def test_an_unwritable_data_dir_stops_the_worker_in_one_line(env):
    data = env / "data"
    data.mkdir()
    with _unwritable(data):
        result = CliRunner().invoke(cli, ["worker"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.strip() == (f"error: the data folder (DATELINE_DATA_DIR) {data} is not writable by this user; "
                                     "make it writable, or set DATELINE_DATA_DIR to a folder this user can write.")


def test_health_storage_status_and_a_job_that_cannot_be_queued_fails_saying_why(tmp_path):
    from app import migrate
    from app.db import transaction
    from app.ingest.sources import text_inputs
    from app.jobs.service import create_job, job_progress
    from app.runtime import Runtime
    from app.settings import Settings

    data = tmp_path / "data"
    data.mkdir()
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'web.db'}", data_dir=data, queue_url=None)
    migrate.upgrade(settings.database_url)
    with Runtime(settings) as runtime:
        assert runtime.storage_status() == {"ok": True, "writable": True, "error": None}
        with transaction(runtime.sessionmaker) as session:
            job_id = create_job(session, text_inputs([STORY]), origin="web").id
        with _unwritable(data):
            status = runtime.storage_status()
            runtime.enqueue_job(job_id)  # what /-/ingest does after its commit
        with runtime.sessionmaker() as session:
            progress = job_progress(session, job_id)
    assert status["ok"] is False and f"the data folder (DATELINE_DATA_DIR) {data} is not writable" in status["error"]
    assert progress["status"] == "failed" and progress["done"]
    assert progress["error"] == f"The job could not be queued: {status['error']}."


# --- 4. a job killed mid-run resumes when the process starts again ---------------------------------------


def test_a_running_job_left_by_a_killed_server_resumes_on_start(tmp_path, monkeypatch, extractor):
    """Two items stored, two pending, status running (a SIGKILL mid-job): starting the runtime finishes it."""
    from sqlalchemy import func, select

    from app import migrate
    from app.db import transaction
    from app.ingest.readers import http_client
    from app.ingest.runner import IngestRunner
    from app.ingest.sources import text_inputs
    from app.jobs.service import create_job, job_progress, record_item_outcome
    from app.jobs.worker import item_candidate
    from app.models import Article, Job, JobItem
    from app.runtime import Runtime
    from app.settings import Settings

    stories = [json.loads(line) for line in
               (ROOT / "samples" / "wikinews-airlines.jsonl").read_text(encoding="utf-8").splitlines()[20:24]]
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'web.db'}", data_dir=tmp_path / "data",
                        queue_url=None)
    migrate.upgrade(settings.database_url)
    with Runtime(settings, writer=True) as before_the_kill:
        factory = before_the_kill.sessionmaker
        with transaction(factory) as session:
            job_id = create_job(session, text_inputs([f"{s['title']}\n\n{s['text']}" for s in stories])).id
            session.get(Job, job_id).status = "running"
        with factory() as session, http_client() as client:
            first_two = [item_candidate(i, client) for i in session.scalars(
                select(JobItem).where(JobItem.job_id == job_id).order_by(JobItem.position).limit(2))]
        IngestRunner(factory, extractor=extractor, record=record_item_outcome).run(first_two)
        with factory() as session:
            progress = job_progress(session, job_id)
        assert progress["status"] == "running" and progress["counts"]["pending"] == 2

    with Runtime(settings) as restarted:  # what the web lifespan (and `dateline worker`) does on start
        assert restarted.resume_jobs() == [job_id]

        def finished() -> bool:
            with restarted.sessionmaker() as session:
                return session.get(Job, job_id).status == "done"

        _wait_for(finished, "the resumed job to finish")
        with restarted.sessionmaker() as session:
            progress = job_progress(session, job_id)
            articles = session.execute(select(func.count(), func.count(func.distinct(Article.content_hash)))
                                       .select_from(Article)).one()
    assert progress["counts"]["pending"] == 0 and progress["counts"]["failed"] == 0
    assert tuple(articles) == (4, 4)
    assert len({i["article_id"] for i in progress["items"]}) == 4


def test_only_one_web_process_per_data_folder_runs_the_embedded_worker(tmp_path):
    from app.runtime import Runtime
    from app.settings import Settings

    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'w.db'}", data_dir=tmp_path / "data",
                        queue_url=None)
    probe = [sys.executable, "-c", "import sys; from app.jobs.process import ProcessLock; from pathlib import Path; "
             "sys.exit(0 if ProcessLock(Path(sys.argv[1])).acquire() else 3)", str(tmp_path / "data" / "embedded-worker.lock")]
    with Runtime(settings) as runtime:
        assert runtime.start_embedded_worker()
        held = subprocess.run(probe, cwd=ROOT, check=False, timeout=60)
    assert held.returncode == 3  # another process (uvicorn's next worker) would only enqueue
    assert subprocess.run(probe, cwd=ROOT, check=False, timeout=60).returncode == 0  # released on close


# --- 10. extraction workers die with their parent --------------------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"  # a zombie has exited; only its exit status is left for init


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to find the workers")
def test_sigkill_of_the_cli_mid_ingest_leaves_no_extraction_worker_behind(tmp_path):
    import sqlite3

    folder = tmp_path / "articles"
    folder.mkdir()
    for n, line in enumerate((ROOT / "samples" / "wikinews-airlines.jsonl").read_text(encoding="utf-8").splitlines()):
        story = json.loads(line)
        (folder / f"{n:03}.txt").write_text(f"{story['title']}\n\n{story['text']}", encoding="utf-8")
    db = tmp_path / "dateline.db"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "DATELINE_DATA_DIR": str(tmp_path / "data")}
    proc = subprocess.Popen([sys.executable, "-c", "from app.cli import main; main()", "ingest", str(folder),
                             "--processes", "2"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)

    def stored() -> int:
        if proc.poll() is not None:
            pytest.fail("ingest ended before it could be killed")
        with contextlib.suppress(sqlite3.Error), sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        return 0

    workers: list[int] = []
    try:
        _wait_for(lambda: stored() >= 1, "the first stored article", seconds=300)
        workers = _children(proc.pid)
        assert len(workers) >= 2, "the extraction workers were not found"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        _wait_for(lambda: not any(_alive(pid) for pid in workers), "the orphaned workers to exit", seconds=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        for pid in workers:  # a failed run must not leave them behind either
            if _alive(pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)


# --- the Redis queue: a job enqueued on RedisHuey is consumed ---------------------------------------------

REDIS_URL = os.environ.get("DATELINE_TEST_REDIS_URL")


@pytest.mark.skipif(not REDIS_URL, reason="DATELINE_TEST_REDIS_URL is not set (.ci/run starts a Redis and sets it)")
def test_a_job_enqueued_on_redis_is_consumed_by_a_worker(tmp_path, monkeypatch):
    from huey import RedisHuey

    from app import migrate
    from app.db import transaction
    from app.extract import pipeline
    from app.ingest.sources import RawInput
    from app.jobs.queue import JOB_SHARES
    from app.jobs.service import create_job, job_progress
    from app.runtime import Runtime
    from app.settings import Settings

    monkeypatch.setattr(pipeline, "Extractor", lambda model=None: object())  # nothing to extract: no model
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'redis.db'}", data_dir=tmp_path / "data",
                        queue_url=REDIS_URL)
    migrate.upgrade(settings.database_url)
    with Runtime(settings) as web:  # the web process: enqueues on Redis, runs nothing itself
        assert isinstance(web.queue.huey, RedisHuey)
        web.queue.huey.flush()
        with transaction(web.sessionmaker) as session:
            job_id = create_job(session, [RawInput("text", "scan.pdf", "", error="scan.pdf: binary data")]).id
        web.enqueue_job(job_id)
        assert web.queue.huey.pending_count() == JOB_SHARES
        assert not any(t.name == "dateline-embedded-worker" for t in threading.enumerate())
    with Runtime(settings, writer=True) as worker:  # `dateline worker` elsewhere: takes the job off Redis
        worker.job_worker()
        assert worker.queue.run_next()
        while worker.queue.run_next():  # the other shares find the job done
            pass
        assert worker.queue.huey.pending_count() == 0
        with worker.sessionmaker() as session:
            progress = job_progress(session, job_id)
    assert progress["status"] == "done" and progress["counts"]["failed"] == 1


# --- load: `dateline serve --workers N` ------------------------------------------------------------------


def test_serve_runs_one_uvicorn_process_per_core_unless_told(env, monkeypatch):
    import uvicorn

    from app.cli.serve_cmd import default_workers

    runs: list[dict] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: runs.append(options))
    assert CliRunner().invoke(cli, ["serve"]).exit_code == 0
    assert CliRunner().invoke(cli, ["serve", "--workers", "3"]).exit_code == 0
    assert CliRunner().invoke(cli, ["serve", "--workers", "3", "--reload"]).exit_code == 0
    assert CliRunner().invoke(cli, ["serve", "--workers", "0"]).exit_code == 2
    assert [r["workers"] for r in runs] == [default_workers(), 3, None] and runs[2]["reload"]


def test_serve_keeps_idle_connections_longer_than_pooled_clients_do(env, monkeypatch):
    import uvicorn

    runs: list[dict] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: runs.append(options))
    assert CliRunner().invoke(cli, ["serve"]).exit_code == 0
    assert CliRunner().invoke(cli, ["serve", "--keep-alive", "10"]).exit_code == 0
    assert CliRunner().invoke(cli, ["serve", "--keep-alive", "0"]).exit_code == 2
    assert [r["timeout_keep_alive"] for r in runs] == [75, 10]  # httpx drops idle ones after 5 s, uvicorn's default


def test_the_web_health_probe_names_unwritable_storage_and_the_web_start_resumes_jobs(tmp_path, monkeypatch):
    from fastapi.testclient import TestClient

    from app import migrate
    from app.runtime import Runtime
    from app.settings import Settings
    from app.web.app import create_app

    data = tmp_path / "data"
    data.mkdir()
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'web.db'}", data_dir=data, queue_url=None)
    migrate.upgrade(settings.database_url)
    resumed: list[bool] = []
    monkeypatch.setattr(Runtime, "resume_jobs", lambda self: resumed.append(True) or [])
    with TestClient(create_app(settings)) as client:
        healthy = client.get("/-/health").json()
        with _unwritable(data):
            degraded = client.get("/-/health")
    assert resumed == [True]  # the lifespan asked for unfinished jobs before serving
    assert healthy["status"] == "ok" and healthy["storage"]["writable"] is True
    assert degraded.status_code == 200 and degraded.json()["status"] == "degraded"
    assert f"the data folder (DATELINE_DATA_DIR) {data} is not writable" in degraded.json()["storage"]["error"]
