"""/-/ingest.json refuses malformed JSON fields with a clear 4xx instead of a 500 or a surprise job."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.db


@pytest.fixture()
def queued(client) -> list[int]:
    from app.web.ingest_routes import get_enqueuer

    ids: list[int] = []
    client.app.dependency_overrides[get_enqueuer] = lambda: ids.append
    return ids


@pytest.mark.parametrize("body, says", [
    ({"token": 123, "texts": ["Talks resumed in Geneva."]}, "'token' must be a string"),
    ({"token": "test-token", "texts": 5}, "'texts' must be a list of strings"),
    ({"token": "test-token", "urls": 5}, "'urls' must be a list of strings"),
    ({"token": "test-token", "feeds": "https://example.org/feed.xml"}, "'feeds' must be a list of strings"),
    ({"token": "test-token", "texts": "hello"}, "'texts' must be a list of strings"),
    ({"token": "test-token", "texts": ["fine", 7]}, "item 2 is int"),
    ({"token": "test-token", "text": ["not", "a string"]}, "'text' must be a string"),
])
def test_malformed_json_fields_are_refused_with_what_was_wrong(client, queued, body, says):
    response = client.post("/-/ingest.json", json=body)
    assert response.status_code == 422, response.text
    assert says in response.json()["error"]["detail"]
    assert queued == []


def test_a_wrong_header_token_is_refused_before_the_body_is_read(client, queued):
    response = client.post("/-/ingest.json", json={"texts": 5}, headers={"Authorization": "Bearer nope"})
    assert response.status_code == 403 and response.json()["error"]["detail"] == "The ingest token is wrong."
    response = client.post("/-/ingest.json", json={"token": "nope", "texts": 5})
    assert response.status_code == 403
    files = [("files", ("a.txt", b"Talks resumed in Geneva on Monday.", "text/plain"))]
    response = client.post("/-/ingest.json", files=files, headers={"Authorization": "Bearer nope"})
    assert response.status_code == 403 and queued == []


def test_well_formed_json_still_makes_one_job_per_input(client, queued):
    response = client.post("/-/ingest.json", json={"token": "test-token", "texts": ["Talks resumed in Geneva."],
                                                   "urls": ["https://example.org/a"]})
    assert response.status_code == 202 and response.json()["inputs"] == 2 and len(queued) == 1
