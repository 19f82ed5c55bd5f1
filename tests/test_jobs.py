"""/-/ingest refuses without the token, creates a job otherwise; /-/jobs/{id} shows progress and each outcome."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from app.models import Article, FeedEntry, Job, JobItem

pytestmark = pytest.mark.db

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def wikinews(n: int) -> dict:
    return json.loads((SAMPLES / "wikinews-airlines.jsonl").read_text(encoding="utf-8").splitlines()[n])


@pytest.fixture()
def queued(client) -> list[int]:
    """Jobs the routes hand to the queue, captured instead of enqueued."""
    from app.web.ingest_routes import get_enqueuer

    ids: list[int] = []
    client.app.dependency_overrides[get_enqueuer] = lambda: ids.append
    return ids


def test_ingest_without_token_is_401_and_with_a_wrong_one_403(client, queued):
    response = client.post("/-/ingest", data={"text": "Some article text."})
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
    assert "ingest token is required" in BeautifulSoup(response.text, "html.parser").select_one("#ingest-error").text
    response = client.post("/-/ingest.json", data={"text": "x", "token": "guess"})
    assert response.status_code == 403 and response.json()["error"]["detail"] == "The ingest token is wrong."
    response = client.post("/-/ingest.json", json={"texts": ["x"]}, headers={"Authorization": "Bearer nope"})
    assert response.status_code == 403
    assert queued == []


def test_ingest_is_off_without_a_configured_token(database_url, migrated_engine):
    from fastapi.testclient import TestClient

    from app.settings import Settings
    from app.web.app import create_app

    with TestClient(create_app(Settings(database_url=database_url, ingest_token=None))) as c:
        page = c.get("/-/ingest")
        assert page.status_code == 200 and BeautifulSoup(page.text, "html.parser").select_one("#ingest-off")
        refused = c.post("/-/ingest.json", json={"texts": ["x"], "token": "anything"})
        assert refused.status_code == 403 and "DATELINE_INGEST_TOKEN" in refused.json()["error"]["detail"]


def test_empty_submission_says_what_to_give(client, queued):
    response = client.post("/-/ingest.json", data={"token": "test-token", "text": "   "})
    assert response.status_code == 400 and "Nothing to ingest" in response.json()["error"]["detail"]


def test_form_creates_a_job_and_the_job_page_shows_progress(client, queued, session):
    story = wikinews(3)
    files = [
        ("files", ("story.txt", f"{story['title']}\n\n{story['text']}".encode("latin-1", "replace"), "text/plain")),
        ("files", ("photo.jpg", bytes(range(256)) * 4, "image/jpeg")),
        ("files", ("export.jsonl", (json.dumps({"id": "e1", "text": wikinews(4)["text"]}) + "\n\n" +
                                    json.dumps({"id": "e2", "text": wikinews(5)["text"]}) + "\n").encode(), "application/json")),
    ]
    response = client.post("/-/ingest", data={"token": "test-token", "text": wikinews(6)["text"],
                                              "urls": "https://example.org/a\n\nhttps://example.org/b",
                                              "feed": "https://example.org/feed.xml"},
                           files=files, follow_redirects=False)
    assert response.status_code == 303
    job_id = int(response.headers["location"].rsplit("/", 1)[1])
    assert queued == [job_id]
    items = session.scalars(select(JobItem).where(JobItem.job_id == job_id).order_by(JobItem.position)).all()
    assert [i.kind for i in items] == ["text", "url", "url", "feed", "text", "text", "jsonl", "jsonl"]
    photo = next(i for i in items if i.label == "photo.jpg")
    assert photo.state == "failed" and "binary" in photo.message

    page = client.get(f"/-/jobs/{job_id}")
    soup = BeautifulSoup(page.text, "html.parser")
    progress = soup.select_one("#job-progress")
    assert progress["hx-get"] == f"/-/jobs/{job_id}" and "every" in progress["hx-trigger"]
    assert soup.select_one("noscript meta[http-equiv=refresh]") is not None
    assert "1 of 8 inputs done" in progress.text and len(soup.select("tr[data-state]")) == 8
    assert soup.select_one("tr[data-state=failed]").text.count("photo.jpg") >= 1

    fragment = client.get(f"/-/jobs/{job_id}", headers={"HX-Request": "true"})
    assert "<html" not in fragment.text and 'id="job-progress"' in fragment.text
    assert "HX-Request" in fragment.headers["vary"]
    data = client.get(f"/-/jobs/{job_id}.json").json()
    assert data["total"] == 8 and data["counts"]["failed"] == 1 and data["counts"]["pending"] == 7 and not data["done"]
    assert client.get("/-/jobs/999999").status_code == 404
    assert client.get("/-/jobs/999999.json").status_code == 404


def test_the_job_is_committed_before_it_is_enqueued(client, connection):
    """The route never commits; the session dependency does, and only then is the job handed to the queue."""
    from app.web.ingest_routes import get_enqueuer

    seen: list[tuple[int, bool]] = []
    client.app.dependency_overrides[get_enqueuer] = \
        lambda: lambda job_id: seen.append((job_id, connection.in_nested_transaction()))
    response = client.post("/-/ingest.json", json={"token": "test-token", "texts": ["Talks resumed in Geneva."]})
    assert response.status_code == 202
    assert seen == [(response.json()["job"], False)]  # the request's savepoint was already released


@pytest.mark.slow
def test_a_job_runs_every_input_once_and_a_rerun_changes_nothing(client, queued, session_factory, extractor):
    from support.local_site import LocalSite

    from app.jobs.worker import process_job

    with LocalSite() as site:
        response = client.post("/-/ingest.json", data={
            "token": "test-token", "text": wikinews(7)["text"],
            "urls": f"{site.base}/news/first.html\n{site.base}/gone", "feed": f"{site.base}/feed.xml"})
        assert response.status_code == 202
        job_id = response.json()["job"]
        summary = process_job(session_factory, job_id, extractor=extractor)
        assert summary is not None
        data = client.get(f"/-/jobs/{job_id}.json").json()
        states = {i["label"]: i["state"] for i in data["items"] if i["kind"] != "entry"}
        assert states[f"{site.base}/news/first.html"] == "stored"
        assert states[f"{site.base}/gone"] == "failed"
        assert states[f"{site.base}/feed.xml"] == "done"
        # the feed links the page already stored by URL (a duplicate, not fetched again) and a new one
        entry_states = sorted(i["state"] for i in data["items"] if i["kind"] == "entry")
        assert entry_states == ["duplicate", "stored"]
        assert data["done"] and data["counts"]["pending"] == 0 and data["status"] == "done"
        gone = next(i for i in data["items"] if i["label"].endswith("/gone"))
        assert "HTTP 404" in gone["message"]
        assert site.hits.get("/news/first.html") == 1

        with session_factory() as s:
            articles = s.scalar(select(func.count()).select_from(Article))
            assert s.scalar(select(func.count()).select_from(FeedEntry)) == 2
        assert process_job(session_factory, job_id, extractor=extractor).total == 0
        with session_factory() as s:
            assert s.get(Job, job_id).status == "done"

        again = client.post("/-/ingest.json", json={"token": "test-token", "feeds": [f"{site.base}/feed.xml"]}).json()
        process_job(session_factory, again["job"], extractor=extractor)
        with session_factory() as s:
            assert s.scalar(select(func.count()).select_from(Article)) == articles
            feed_item = s.scalar(select(JobItem).where(JobItem.job_id == again["job"]))
            assert feed_item.message.endswith("0 new entries of 2")
            assert s.get(Job, again["job"]).status == "done"

    page = BeautifulSoup(client.get(f"/-/jobs/{job_id}").text, "html.parser")
    assert page.select_one("#job-progress").get("hx-get") is None  # finished: polling stops
    assert page.select_one("noscript meta[http-equiv=refresh]") is None
    assert page.select_one("tr[data-state=stored] a")["href"].startswith("/articles/")
