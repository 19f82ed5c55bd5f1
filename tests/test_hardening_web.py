"""Hostile requests get a clear 4xx, never a 500 or a link elsewhere (issue 12, the web part).

Each test sends the request that used to break the server and checks what a user now gets.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.db

TOKEN = "test-token"


def run_in_own_loop(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """asyncio.run on a thread of its own: the browser tests' Playwright keeps a loop running in this one."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@pytest.fixture()
def queued(client) -> list[int]:
    """Jobs the routes hand to the queue, captured instead of enqueued."""
    from app.web.ingest_routes import get_enqueuer

    jobs: list[int] = []
    client.app.dependency_overrides[get_enqueuer] = lambda: jobs.append
    return jobs


@pytest.fixture()
def make_client(database_url, migrated_engine, connection):
    """A TestClient over the test's transaction with settings of the test's choosing."""
    from fastapi.testclient import TestClient
    from sqlalchemy.orm import Session

    from app.settings import Settings
    from app.web.app import create_app
    from app.web.deps import get_session

    @contextmanager
    def build(client_url: str = "http://testserver", **settings):
        app = create_app(Settings(database_url=database_url, ingest_token=TOKEN, **settings))

        def test_session():
            with Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False) as s:
                yield s
                s.commit()

        app.dependency_overrides[get_session] = test_session
        with TestClient(app, base_url=client_url) as c:
            yield c

    return build


# --- 2. the body is bounded, and the token is read from the headers first -----------------------------------

def test_the_default_body_limit_is_25_mb():
    from app.settings import Settings

    assert Settings(_env_file=None).max_body_bytes == 25_000_000


def test_a_body_over_the_limit_is_413_with_the_limit_in_the_message(make_client):
    with make_client(max_body_bytes=1000) as c:
        r = c.post("/-/ingest.json", json={"texts": ["x" * 2000]})
        assert r.status_code == 413
        assert "1,000 bytes" in r.json()["error"]["detail"] and "DATELINE_MAX_BODY_BYTES" in r.json()["error"]["detail"]
        page = c.post("/-/ingest", data={"token": TOKEN, "text": "x" * 2000})
        assert page.status_code == 413 and "1,000 bytes" in page.text and "<main" in page.text


def test_a_chunked_body_is_counted_as_it_arrives(make_client):
    def chunks():
        yield b'{"texts": ["'
        for _ in range(20):
            yield b"x" * 100
        yield b'"]}'

    with make_client(max_body_bytes=1000) as c:
        r = c.post("/-/ingest.json", content=chunks(), headers={"Content-Type": "application/json"})
    assert "content-length" not in r.request.headers
    assert r.status_code == 413 and "1,000 bytes" in r.json()["error"]["detail"]


def test_a_200_mib_content_length_is_refused_before_a_byte_is_read():
    from app.web.transport import BodyLimit

    async def never_called_app(scope, receive, send):
        raise AssertionError("the route ran")

    async def receive():
        raise AssertionError("the body was read")

    sent: list[dict] = []

    async def send(message):
        sent.append(message)

    from app.settings import Settings
    from app.web.app import create_app

    scope = {"type": "http", "method": "POST", "path": "/-/ingest.json", "raw_path": b"/-/ingest.json",
             "query_string": b"", "root_path": "", "scheme": "http", "server": ("testserver", 80),
             "headers": [(b"host", b"testserver"), (b"content-type", b"application/json"),
                         (b"content-length", str(200 * 2**20).encode())],
             "app": create_app(Settings(database_url="sqlite://"))}
    run_in_own_loop(BodyLimit(never_called_app, limit=25_000_000)(scope, receive, send))
    assert sent[0]["status"] == 413
    assert b"25,000,000 bytes" in sent[1]["body"]


# --- 3. no 500 for deep JSON or huge job ids -----------------------------------------------------------------

def test_deeply_nested_json_is_a_400_not_a_recursion_crash(client, queued):
    r = client.post("/-/ingest.json", content=b"[" * 100_000, headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and "nested too deeply" in r.json()["error"]["detail"]
    assert queued == []


@pytest.mark.parametrize("job", ["9223372036854775808", "99999999999999999999999", "0", "-1", "x"])
def test_a_job_id_no_row_can_have_is_a_404(client, job):
    r = client.get(f"/-/jobs/{job}.json")
    assert r.status_code == 404 and "There is no job" in r.json()["error"]["detail"]
    page = client.get(f"/-/jobs/{job}")
    assert page.status_code == 404 and "There is no ingestion job" in page.text


# --- 5. security headers, and pages with no inline script or style -------------------------------------------

def test_every_answer_carries_the_security_headers(client, ids):
    for url in ("/", f"/events/{ids['week']}/card.png", "/timeline.json", "/no/such/page"):
        headers = client.get(url).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert "strict-transport-security" not in headers  # plain http: HSTS would be ignored


def test_a_crash_page_carries_the_security_headers_too(client, monkeypatch):
    import dataclasses

    from fastapi.testclient import TestClient

    import app.web.pages_lists as pages

    def boom(session):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(pages, "HOME", dataclasses.replace(pages.HOME, data=boom))
    r = TestClient(client.app, raise_server_exceptions=False).get("/")
    assert r.status_code == 500 and "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"


def test_hsts_is_sent_when_served_over_https(make_client):
    with make_client(client_url="https://testserver") as c:
        assert c.get("/-/health").headers["strict-transport-security"].startswith("max-age=")
    with make_client(base_url="https://dateline.example.org") as c:  # TLS ends at a proxy: the request is http
        assert c.get("/-/health").headers["strict-transport-security"].startswith("max-age=")


def test_pages_have_no_inline_script_style_or_handlers(client, ids):
    urls = ["/", "/timeline", "/actors", "/quotes", "/search?q=talks", f"/events/{ids['week']}-x",
            f"/articles/{ids['article']}", "/actors/russia", "/-/ingest", "/no/such/page"]
    for url in urls:
        page = BeautifulSoup(client.get(url).text, "html.parser")
        assert all(s.get("src") for s in page.find_all("script")), url
        assert not page.find_all("style"), url
        for tag in page.find_all(True):
            assert "style" not in tag.attrs, (url, tag.name)
            assert not [a for a in tag.attrs if a.startswith("on") or a.startswith("hx-on")], (url, tag.name)
        config = page.select_one('meta[name="htmx-config"]')["content"]
        assert '"includeIndicatorStyles":false' in config and '"allowEval":false' in config


def test_the_api_docs_allow_only_their_own_inline_script(client):
    r = client.get("/-/docs")
    csp = r.headers["content-security-policy"]
    assert r.status_code == 200 and "'sha256-" in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp


# --- 6. the Host header does not choose where links point ---------------------------------------------------

def test_an_unknown_host_is_a_400(client, ids):
    r = client.get(f"/events/{ids['week']}-x", headers={"Host": "evil.example"}, follow_redirects=False)
    assert r.status_code == 400 and "evil.example" in r.text and "DATELINE_ALLOWED_HOSTS" in r.text
    r = client.get("/timeline.json", headers={"Host": "evil.example:8000"})
    assert r.status_code == 400 and r.json()["error"]["title"] == "Unknown host"
    assert client.get("/timeline/", headers={"Host": "evil.example"}, follow_redirects=False).status_code == 400
    for host in ("localhost:8000", "127.0.0.1", "testserver"):
        assert client.get("/-/health", headers={"Host": host}).status_code == 200


def test_configured_hosts_replace_the_defaults(make_client):
    with make_client(allowed_hosts="news.example, .dateline.org") as c:
        assert c.get("/-/health", headers={"Host": "news.example"}).status_code == 200
        assert c.get("/-/health", headers={"Host": "www.dateline.org"}).status_code == 200
        assert c.get("/-/health", headers={"Host": "localhost"}).status_code == 400


def test_with_a_base_url_links_never_follow_the_host(make_client, ids):
    evil = {"Host": "evil.example"}
    with make_client(base_url="https://dateline.example.org") as c:
        r = c.get(f"/events/{ids['week']}-joe-biden-to-hold-talks-with-putin", headers=evil)
        page = BeautifulSoup(r.text, "html.parser")
        assert page.select_one('meta[property="og:url"]')["content"].startswith("https://dateline.example.org/")
        assert page.select_one('link[rel="canonical"]')["href"].startswith("https://dateline.example.org/")
        atom = c.get("/timeline.atom", headers=evil).text
        assert "evil.example" not in atom and "https://dateline.example.org/events/" in atom
        tljs = c.get("/timeline/timelinejs.json", headers=evil).text
        assert "evil.example" not in tljs and "https://dateline.example.org/events/" in tljs
        slash = c.get("/timeline/?type=CONSULT", headers=evil, follow_redirects=False)
        assert slash.status_code == 307 and slash.headers["location"] == "/timeline?type=CONSULT"


def test_a_trailing_slash_redirects_to_a_path_never_a_host(client):
    r = client.get("/quotes/", follow_redirects=False)
    assert r.status_code == 307 and r.headers["location"] == "/quotes"
    assert client.get("http://testserver//evil.example/", follow_redirects=False).status_code == 404


# --- 7. cross-site form posts are refused ------------------------------------------------------------------

@pytest.mark.parametrize("headers", [{"Origin": "https://evil.example"}, {"Origin": "null"},
                                     {"Referer": "https://evil.example/form.html"},
                                     {"Origin": "http://testserver.evil.example"}])
def test_a_cross_site_form_with_the_token_is_refused(client, queued, headers):
    r = client.post("/-/ingest", data={"token": TOKEN, "text": "Talks resumed in Geneva."}, headers=headers,
                    follow_redirects=False)
    assert r.status_code == 403 and "another site" in r.text and "<main" in r.text
    r = client.post("/-/ingest.json", json={"token": TOKEN, "texts": ["Talks resumed."]}, headers=headers)
    assert r.status_code == 403 and "another site" in r.json()["error"]["detail"]
    assert queued == []


def test_a_form_from_our_own_page_still_creates_a_job(client, queued):
    r = client.post("/-/ingest", data={"token": TOKEN, "text": "Talks resumed in Geneva on Monday."},
                    headers={"Origin": "http://testserver", "Referer": "http://testserver/-/ingest"},
                    follow_redirects=False)
    assert r.status_code == 303 and len(queued) == 1


# --- 11. HEAD, Allow, the token header, back-off, merged cards, the schema ------------------------------------

def head_urls(ids) -> list[str]:
    from app.web.urls import static

    return ["/", "/-/health", "/timeline", "/timeline.json", "/timeline.csv", "/timeline.atom",
            "/timeline/timelinejs.json", "/actors", "/quotes", "/search?q=talks", "/-/ingest",
            f"/events/{ids['week']}-joe-biden-to-hold-talks-with-putin", f"/events/{ids['week']}/card.png",
            "/actors/russia", f"/articles/{ids['article']}", static("dateline.css")]


def test_head_is_answered_on_every_get_route(client, ids):
    for url in head_urls(ids):
        got, head = client.get(url), client.head(url)
        assert head.status_code == got.status_code == 200, url
        assert head.content == b"" and head.headers["content-type"] == got.headers["content-type"], url


@pytest.mark.parametrize("method, url, allow", [
    ("PUT", "/timeline", "GET, HEAD"),
    ("DELETE", "/-/ingest", "GET, HEAD, POST"),
    ("GET", "/-/ingest.json", "POST"),
    ("POST", "/timeline.json", "GET, HEAD"),
])
def test_a_405_says_which_methods_are_allowed(client, method, url, allow):
    r = client.request(method, url)
    assert r.status_code == 405 and r.headers["allow"] == allow
    assert allow in r.text


def test_the_undocumented_token_header_is_not_accepted(client, queued):
    r = client.post("/-/ingest.json", json={"texts": ["Talks resumed."]}, headers={"X-Dateline-Token": TOKEN})
    assert r.status_code == 401 and queued == []


def test_repeated_wrong_tokens_are_slowed_down(client, queued):
    for _ in range(5):
        assert client.post("/-/ingest.json", json={"token": "guess", "texts": ["x"]}).status_code == 403
    r = client.post("/-/ingest.json", json={"token": TOKEN, "texts": ["x"]})
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
    assert "try again in" in r.json()["error"]["detail"]
    assert client.post("/-/ingest", data={"token": TOKEN, "text": "x"}).status_code == 429
    assert queued == []


def test_the_throttle_forgets_after_its_window():
    from app.web.security import TokenThrottle

    now = [0.0]
    throttle = TokenThrottle(limit=2, window=60, clock=lambda: now[0])
    throttle.failed("a")
    throttle.failed("a")
    assert throttle.retry_after("a") == 60 and throttle.retry_after("b") == 0
    now[0] = 59.5
    assert throttle.retry_after("a") == 1
    now[0] = 60.0
    assert throttle.retry_after("a") == 0


def test_a_merged_events_card_redirects_to_the_survivors_card(client, ids):
    r = client.get(f"/events/{ids['merged']}/card.png", follow_redirects=False)
    assert r.status_code == 301 and r.headers["location"] == f"/events/{ids['survivor']}/card.png"
    assert client.get(r.headers["location"]).headers["content-type"] == "image/png"


def test_the_schema_declares_html_pages_and_error_answers(client):
    paths = client.get("/-/openapi.json").json()["paths"]
    assert set(paths["/timeline"]["get"]["responses"]["200"]["content"]) == {"text/html"}
    assert set(paths["/timeline.json"]["get"]["responses"]["200"]["content"]) == {"application/json"}
    assert set(paths["/timeline.csv"]["get"]["responses"]["200"]["content"]) == {"text/csv"}
    assert set(paths["/timeline.csv"]["get"]["responses"]["422"]["content"]) == {"application/json"}
    assert "ErrorBody" in paths["/timeline.json"]["get"]["responses"]["422"]["content"]["application/json"]["schema"]["$ref"]
    assert {"400", "404", "410", "422"} <= set(paths["/events/{ref}.json"]["get"]["responses"])
    assert {"202", "400", "401", "403", "413", "429"} <= set(paths["/-/ingest.json"]["post"]["responses"])
    assert "200" not in paths["/-/ingest.json"]["post"]["responses"]


# --- load: cacheable answers ---------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/timeline.json", "/timeline", "/actors.csv", "/timeline.atom"])
def test_pages_and_json_carry_a_weak_etag_and_answer_304(client, ids, url):
    r = client.get(url)
    etag = r.headers["etag"]
    assert r.status_code == 200 and etag.startswith('W/"')
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert client.get(url, headers={"If-None-Match": 'W/"other"'}).status_code == 200


def test_an_htmx_block_has_its_own_etag(client, ids):
    page, block = client.get("/timeline"), client.get("/timeline", headers={"HX-Request": "true"})
    assert page.headers["etag"] != block.headers["etag"] and "HX-Request" in block.headers["vary"]


def test_static_assets_have_versioned_urls_cached_for_a_year(client):
    page = BeautifulSoup(client.get("/").text, "html.parser")
    css = page.select_one('link[rel="stylesheet"]')["href"]
    assert re.fullmatch(r"/static/dateline\.css\?v=[0-9a-f]{12}", css)
    assert all(re.search(r"\?v=[0-9a-f]{12}$", s["src"]) for s in page.find_all("script"))
    assert "immutable" in client.get(css).headers["cache-control"]
    assert client.get("/static/dateline.css").headers["cache-control"] == "no-cache"
    assert client.get("/static/dateline.css?v=stale").headers["cache-control"] == "no-cache"


def test_the_address_a_connection_came_in_on_is_answered():
    """``dateline serve --host 0.0.0.0`` opened from another machine by IP: that is this server, not a forged Host."""
    from app.settings import Settings
    from app.web.security import RequestGuard

    reached: list[str] = []

    async def app(scope, receive, send):
        reached.append(scope["path"])

    def scope(host: bytes) -> dict:
        return {"type": "http", "method": "GET", "path": "/", "headers": [(b"host", host)],
                "server": ("192.168.1.5", 8000)}

    guard = RequestGuard(app, Settings(_env_file=None, host="0.0.0.0"))
    run_in_own_loop(guard(scope(b"192.168.1.5:8000"), None, None))
    assert reached == ["/"]


@pytest.mark.db
@pytest.mark.parametrize("url, field", [
    ("/timeline/actor-options?actor=%00", "actor"),
    ("/timeline.json?actor=Russia%00", "actor"),
    ("/actors.json?q=a%00b", "q"),
    ("/quotes.json?q=%00", "q"),
])
def test_a_nul_character_in_a_query_value_is_a_422_naming_the_field(client, url, field):
    """PostgreSQL refuses NUL in text, so it never reaches a query: the answer says which value held it."""
    answer = client.get(url, headers={"Accept": "application/json"})
    assert answer.status_code == 422, answer.text
    assert f"{field}" in answer.text and "must not contain NUL" in answer.text


@pytest.mark.parametrize("url", ["/actors/%00", "/actors/russia%00.json", "/events/1-a%00b", "/quotes/%00"])
def test_a_nul_character_in_the_path_is_a_400_before_any_route(client, url):
    answer = client.get(url, headers={"Accept": "application/json"})
    assert answer.status_code == 400, answer.text
    assert "contains a NUL (%00) character" in answer.text
