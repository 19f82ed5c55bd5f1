"""One bad input never costs the others: malformed URLs, bad lines, failing batches and stalled jobs."""

from __future__ import annotations

import json

import httpx
import pytest

from app.ingest.readers import FeedItem
from app.ingest.records import canonical_url
from app.ingest.sources import feed_candidates, jsonl_candidates, url_candidate
from app.textio import UnreadableInput

BAD_URLS = ["http://[::1", "http://x:abc/"]


@pytest.mark.parametrize("url", BAD_URLS)
def test_canonical_url_names_a_malformed_url_instead_of_raising_valueerror(url):
    with pytest.raises(UnreadableInput, match="not a valid URL"):
        canonical_url(url)


@pytest.mark.parametrize("url", BAD_URLS)
def test_a_malformed_url_is_an_error_for_that_input_only(url):
    lines = [json.dumps({"id": "a", "text": "Talks resumed in Geneva on Monday.", "url": url}),
             json.dumps({"id": "b", "text": "The ministers met again on Tuesday."})]
    out = list(jsonl_candidates(lines, "stdin"))
    assert len(out) == 2 and "not a valid URL" in out[0].error and out[0].meta is None
    assert out[1].meta is not None and out[1].error is None

    with httpx.Client() as client:
        bad = url_candidate(client, url, token=7)
        assert "not a valid URL" in bad.error and bad.load is None and bad.token == 7
        items = [FeedItem("1", url, None, None, None), FeedItem("2", "https://example.org/b", None, None, None)]
        feed = list(feed_candidates(client, "https://example.org/feed.xml", items))
    assert len(feed) == 2 and "not a valid URL" in feed[0].error and feed[0].extra["entry"] == "1"
    assert feed[1].error is None and feed[1].url == "https://example.org/b"


def test_a_job_item_with_a_malformed_link_fails_alone():
    from app.jobs.worker import item_candidate
    from app.models import JobItem

    with httpx.Client() as client:
        url_item = JobItem(id=1, kind="url", label=BAD_URLS[0], payload=BAD_URLS[0])
        assert "not a valid URL" in item_candidate(url_item, client).error
        entry = JobItem(id=2, kind="entry", label="e", payload=json.dumps(
            {"feed": "https://example.org/feed.xml", "key": "k", "link": BAD_URLS[1]}))
        candidate = item_candidate(entry, client)
        assert "not a valid URL" in candidate.error and candidate.token == 2


@pytest.mark.db
def test_an_unexpected_exception_marks_the_job_failed_not_running(session_factory, monkeypatch):
    from app.db import transaction
    from app.ingest.sources import RawInput
    from app.jobs import worker
    from app.jobs.service import create_job
    from app.models import Job

    with transaction(session_factory) as s:
        job_id = create_job(s, [RawInput("url", "https://example.org/a", "https://example.org/a")]).id

    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(worker, "expand_feeds", boom)
    assert worker.process_job(session_factory, job_id) is None
    with session_factory() as s:
        job = s.get(Job, job_id)
        assert job.status == "failed" and "disk on fire" in job.error and job.finished_at is not None


def test_a_binary_line_in_json_lines_fails_alone_and_later_lines_are_read(tmp_path):
    from app.ingest.sources import file_candidates

    path = tmp_path / "export.jsonl"
    path.write_bytes(
        json.dumps({"id": "one", "text": "Talks resumed in Geneva on Monday."}).encode() + b"\n"
        + b'{"id": "two", "text": "bin\x00ary"}\n'
        + json.dumps({"id": "three", "text": "The ministers met again on Tuesday."}).encode() + b"\n")
    out = list(file_candidates([path]))
    assert len(out) == 3
    assert out[0].meta.external_id == "one"
    assert out[1].meta is None and out[1].error.startswith(f"{path}:2") and "binary" in out[1].error
    assert out[2].meta.external_id == "three" and out[2].label == f"{path}:3 (id three)"


# --- extraction failures ----------------------------------------------------------------------------------


class _Flaky:
    """An extractor whose pipeline blows up (not an ExtractionError) on any batch holding a 'poison' text."""

    def extract_many(self, items, batch_size=32):
        from app.extract.pipeline import ExtractionError

        for item in items:
            if "poison" in item.text:
                raise RuntimeError("pipe exploded")
        return iter([ExtractionError(f"{i.id}: ok {i.text}") for i in items])


def _inputs(texts):
    from app.extract.pipeline import ArticleInput

    return [(n, ArticleInput(id=f"in{n}", text=t)) for n, t in enumerate(texts)]


def test_an_unexpected_extraction_error_fails_only_its_input():
    from app.extract.parallel import ExtractionPool

    texts = ["Talks resumed.", "poison pill", "The ministers met.", "Rain fell."]
    with ExtractionPool(extractor=_Flaky(), batch_size=3) as pool:
        out = list(pool.map(_inputs(texts)))
    assert [t for t, _ in out] == [0, 1, 2, 3]
    assert "extraction failed (RuntimeError: pipe exploded)" in str(out[1][1]) and str(out[1][1]).startswith("in1")
    assert [str(r) for n, r in out if n != 1] == ["in0: ok Talks resumed.", "in2: ok The ministers met.",
                                                 "in3: ok Rain fell."]


def _noop_init(model):
    return None


def _dying_worker(batch):
    """Kills its process on a 'crash' text, as an out-of-memory kill would."""
    import os

    from app.extract.pipeline import ExtractionError

    if any("crash" in a.text for a in batch):
        os._exit(3)
    return [ExtractionError(f"{a.id}: ok") for a in batch]


def test_a_dead_worker_fails_its_batch_and_the_pool_is_rebuilt():
    from app.extract.parallel import ExtractionPool

    def slow_inputs():
        import time

        for n, pair in enumerate(_inputs(["crash now", "A.", "B.", "C."])):
            if n:  # the next batch is sent only after the crashed one is noticed
                time.sleep(1.5)
            yield pair

    with ExtractionPool(processes=2, batch_size=1) as pool:
        pool.worker, pool.initializer = _dying_worker, _noop_init
        out = list(pool.map(slow_inputs()))
    assert [t for t, _ in out] == [0, 1, 2, 3]
    assert "extraction process died" in str(out[0][1])
    assert [str(r) for _, r in out[1:]] == ["in1: ok", "in2: ok", "in3: ok"]


# --- slow downloads ---------------------------------------------------------------------------------------


def test_a_trickling_server_is_cut_off_at_the_total_deadline():
    """The whole download has a deadline; a clock that jumps past it shows the cut-off without waiting for it."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from app.ingest.readers import fetch_bytes, http_client

    sent, release = threading.Event(), threading.Event()

    class Trickle(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # one byte of the 100 promised, then the connection idles until released
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", "100")
            self.end_headers()
            try:
                self.wfile.write(b"x")
                self.wfile.flush()
            except OSError:
                pass
            sent.set()
            release.wait(30)

    class JumpingClock:
        """Each reading is 1.5 s after the last: the first chunk already arrives past a 1 s deadline."""

        def __init__(self) -> None:
            self.now = 0.0

        def __call__(self) -> float:
            self.now += 1.5
            return self.now

    server = ThreadingHTTPServer(("127.0.0.1", 0), Trickle)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/slowly"
    try:
        with http_client(timeout=30.0) as client:
            with pytest.raises(UnreadableInput, match=r"took longer than 1 s") as err:
                fetch_bytes(client, url, total=1.0, clock=JumpingClock())
            assert url in str(err.value) and "gave up" in str(err.value)
        # the server did answer (its thread marks it just after the first byte, which may be after the client
        # has already given up on the jumping clock: wait for the mark rather than race it)
        assert sent.wait(10)
    finally:
        release.set()
        server.shutdown()
        server.server_close()
