"""Conditional GETs (app.web.conditional): ETags from the data version, 304s and remembered answers before the
page query runs, new tags after an ingest or a correction, editors' pages kept apart from everyone's."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import event
from support.editor import EDITOR_TOKEN

from app.extract.records import Extraction
from app.queries.cache import data_version
from app.store import ArticleMeta, store_article
from app.web import conditional
from app.web.conditional import PRIVATE, PUBLIC, Conditional, validated, version_statement

pytestmark = pytest.mark.db


@pytest.fixture()
def statements(connection):
    """The SQL statements the requests of a test run, in order."""
    seen: list[str] = []

    def count(_conn, _cursor, sql, *_args):
        if not sql.startswith(("SAVEPOINT", "RELEASE")):  # the test's own transaction around each request
            seen.append(sql)

    event.listen(connection, "before_cursor_execute", count)
    yield seen
    event.remove(connection, "before_cursor_execute", count)


def store_one(session, title: str, text: str = "Body text of a newly ingested article.") -> None:
    store_article(session, ArticleMeta(text=text, title=title),
                  Extraction(id="new", title=None, source=None, published=None, published_inferred=False,
                             pipeline_version="t"))
    session.commit()


@pytest.mark.parametrize("url", ["/", "/index.json", "/timeline", "/timeline.json", "/actors/united-states",
                                 "/actors/united-states.json", "/timeline.csv", "/timeline.atom"])
def test_a_page_its_twin_and_exports_are_tagged_and_answer_304_without_a_body(client, ids, url):
    first = client.get(url)
    etag = first.headers["etag"]
    assert first.status_code == 200 and etag.startswith('W/"d') and first.headers["cache-control"] == PUBLIC
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert again.headers["cache-control"] == PUBLIC


def test_the_twins_have_tags_of_their_own(client, ids):
    tags = {client.get(url).headers["etag"] for url in ("/timeline", "/timeline.json", "/timeline.csv",
                                                         "/timeline?actor=united-states")}
    assert len(tags) == 4


def test_a_304_is_answered_before_the_page_query_runs(client, ids, statements):
    etag = client.get("/timeline").headers["etag"]
    rendered = len(statements)
    statements.clear()
    assert client.get("/timeline", headers={"If-None-Match": etag}).status_code == 304
    assert len(statements) == 1 < rendered  # the data version's one look-up, nothing of the page
    assert "data_generation" in statements[0]


def test_an_anonymous_repeat_is_sent_from_memory_with_the_same_body(client, ids, statements):
    first = client.get("/actors/united-states")
    statements.clear()
    second = client.get("/actors/united-states")
    assert second.status_code == 200 and second.text == first.text and len(statements) == 1
    assert second.headers["etag"] == first.headers["etag"]


def test_a_request_saying_no_cache_is_rendered_anew(client, ids, statements):
    first = client.get("/quotes")
    statements.clear()
    fresh = client.get("/quotes", headers={"Cache-Control": "no-cache"})
    assert len(statements) > 1 and fresh.headers["etag"] == first.headers["etag"]


def test_an_ingested_article_changes_the_tag_and_the_page(client, session, ids):
    before = client.get("/")
    store_one(session, "A headline stored after the first visit")
    after = client.get("/", headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200 and after.headers["etag"] != before.headers["etag"]
    assert "A headline stored after the first visit" in after.text
    assert "A headline stored after the first visit" not in before.text


def test_a_correction_changes_the_tag(editor_client, ids):
    web = editor_client
    before = web.get("/actors/united-states.json")
    made = web.post("/-/corrections.json", json={"action": "merge_actors", "keep": "united-states",
                                                 "other": "joe-biden"},
                    headers={"Authorization": f"Bearer {EDITOR_TOKEN}"})
    assert made.status_code == 201, made.text
    after = web.get("/actors/united-states.json", headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200 and after.headers["etag"] != before.headers["etag"]
    log = web.get("/-/corrections.json")
    assert log.headers["etag"].startswith('W/"d') and log.json()["corrections"]


def test_an_editors_page_is_never_an_anonymous_one(editor_client, ids):
    web = editor_client
    anonymous = web.get("/actors/united-states")
    assert anonymous.headers["cache-control"] == PUBLIC and "Cookie" in anonymous.headers["vary"]
    signed_in = web.post("/-/editor", data={"token": EDITOR_TOKEN, "name": "Ann Editor", "next": "/"},
                         follow_redirects=False)
    assert signed_in.status_code == 303
    # The anonymous tag does not stand for the editor's page: the whole page comes, with its forms.
    mine = web.get("/actors/united-states", headers={"If-None-Match": anonymous.headers["etag"]})
    assert mine.status_code == 200 and mine.headers["etag"] != anonymous.headers["etag"]
    assert mine.headers["cache-control"] == PRIVATE
    assert BeautifulSoup(mine.text, "html.parser").select_one("form.correction-form input[name=csrf]")
    # Nor is the editor's page remembered for anyone else: an anonymous visit gets the page without forms.
    web.cookies.clear()
    again = web.get("/actors/united-states")
    assert again.headers["etag"] == anonymous.headers["etag"] and "correction-form" not in again.text
    assert web.get("/actors/united-states", headers={"If-None-Match": mine.headers["etag"]}).status_code == 200


def test_head_gets_the_tag_and_the_304(client, ids):
    get = client.get("/quotes")
    head = client.head("/quotes")
    assert head.status_code == 200 and head.content == b"" and head.headers["etag"] == get.headers["etag"]
    assert client.head("/quotes", headers={"If-None-Match": get.headers["etag"]}).status_code == 304


def test_a_refused_request_is_not_tagged_and_jobs_keep_their_own_validator(client, ids):
    bad = client.get("/timeline.json?since=not-a-date")
    assert bad.status_code == 422 and "etag" not in bad.headers
    assert validated({"method": "GET", "path": "/-/corrections.atom"})
    assert not any(validated({"method": m, "path": p}) for m, p in [("GET", "/-/jobs/1"), ("GET", "/-/health"),
                                                                   ("POST", "/timeline"), ("GET", "/card.png"),
                                                                   ("GET", "/static/app.css")])


def test_the_tags_version_is_the_aggregate_caches(session, ids):
    assert tuple(session.execute(version_statement()).one()) == data_version(session)
    store_one(session, "Another stored headline")
    assert tuple(session.execute(version_statement()).one()) == data_version(session)


def the_middleware(client) -> Conditional:
    layer = client.app.middleware_stack
    while not isinstance(layer, Conditional):
        layer = layer.app
    return layer


def test_each_page_keeps_its_latest_answer_within_the_bounds(client, session, ids, monkeypatch):
    for url in ("/", "/timeline", "/quotes"):
        client.get(url)
    kept = the_middleware(client)
    assert len(kept.entries) == 3 and kept.bytes == sum(len(e.body) for e in kept.entries.values())
    store_one(session, "A headline that changes the data version")
    new_tag = client.get("/").headers["etag"]
    assert len(kept.entries) == 3 and new_tag in {e.etag for e in kept.entries.values()}  # replaced, not added
    monkeypatch.setattr(conditional, "MAX_BYTES", kept.bytes + 10)
    client.get("/timeline?actor=united-states")
    assert len(kept.entries) <= 3 and kept.bytes <= conditional.MAX_BYTES  # the oldest made room


def test_the_remembered_answer_is_the_compressed_one_and_plain_clients_get_theirs(client, ids):
    first = client.get("/timeline", headers={"Accept-Encoding": "gzip"})
    again = client.get("/timeline", headers={"Accept-Encoding": "gzip"})
    plain = client.get("/timeline", headers={"Accept-Encoding": "identity"})
    assert again.headers["content-encoding"] == "gzip" and again.text == first.text
    assert "content-encoding" not in plain.headers and plain.text == first.text
    assert plain.headers["etag"] == first.headers["etag"]  # a weak tag: one for both encodings
    assert "Accept-Encoding" in again.headers["vary"] and "HX-Request" in again.headers["vary"]
    bodies = [e.body for e in the_middleware(client).entries.values()]
    assert any(b.startswith(b"\x1f\x8b") for b in bodies) and any(b.startswith(b"<!") for b in bodies)


def test_while_a_page_re_renders_its_visitors_get_its_previous_answer(client, session, ids, statements):
    import asyncio

    old = client.get("/quotes")
    kept = the_middleware(client)
    (page,) = [key for key, entry in kept.entries.items() if entry.etag == old.headers["etag"]]
    store_one(session, "A headline stored while the quotes page renders")
    kept.flights[page] = asyncio.Event()  # another request is rendering the new version
    before = len(statements)
    meanwhile = client.get("/quotes")
    revalidated = client.get("/quotes", headers={"If-None-Match": old.headers["etag"]})
    assert meanwhile.text == old.text and meanwhile.headers["etag"] == old.headers["etag"]
    assert revalidated.status_code == 304 and revalidated.headers["etag"] == old.headers["etag"]
    assert len(statements) - before <= 2  # the data version only: no page query ran
    del kept.flights[page]
    fresh = client.get("/quotes")
    assert fresh.headers["etag"] != old.headers["etag"]  # no render running: the new version is rendered


def test_the_version_reader_asks_sqlite_whether_another_connection_committed(tmp_path):
    from sqlalchemy import text

    from app import migrate
    from app.db import make_engine
    from app.web.conditional import VersionReader

    url = f"sqlite:///{tmp_path / 'v.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    reader = VersionReader(engine)
    first = reader.read()
    asked: list[str] = []
    reader._raw.set_trace_callback(asked.append)
    assert reader.read() == first and asked == ["PRAGMA data_version"]  # nothing committed: nothing re-read
    assert engine.pool.checkedout() == 0  # its own connection, not a pooled one
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO sources (name) VALUES ('Wire')"))
        conn.execute(text("UPDATE data_generation SET n = n + 1 WHERE id = 1"))
    assert reader.read() != first
    engine.dispose()


def test_while_versions_come_seconds_apart_a_page_re_renders_at_most_that_often(client, session, ids, monkeypatch):
    client.get("/quotes")
    store_one(session, "The first of a quick run of stored articles")
    after_one = client.get("/quotes")  # a change after a quiet spell: rendered at once
    store_one(session, "The second of a quick run of stored articles", "The body of the second article stored.")
    during = client.get("/quotes")  # two versions moments apart (a job storing articles): a page a moment old
    assert during.headers["etag"] == after_one.headers["etag"] and during.text == after_one.text
    assert client.get("/quotes", headers={"If-None-Match": after_one.headers["etag"]}).status_code == 304
    monkeypatch.setattr(conditional, "STORM_SECONDS", 0.0)
    assert client.get("/quotes").headers["etag"] != after_one.headers["etag"]  # no storm: the newest version
