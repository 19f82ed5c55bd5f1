"""The health probe and the article list."""

import pytest
from bs4 import BeautifulSoup

from app.extract.records import Extraction
from app.store import ArticleMeta, store_article

pytestmark = pytest.mark.db


def test_health_reports_database(client):
    r = client.get("/-/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True and body["database"]["revision"]


def test_health_answers_503_when_database_is_unreachable(tmp_path):
    from fastapi.testclient import TestClient

    from app.settings import Settings
    from app.web.app import create_app

    bad = create_app(Settings(database_url="postgresql+psycopg://nobody@127.0.0.1:1/none"))
    with TestClient(bad) as c:
        r = c.get("/-/health")
    assert r.status_code == 503
    assert r.json()["database"]["ok"] is False and r.json()["database"]["error"]


def test_index_lists_stored_articles(client, session):
    store_article(session, ArticleMeta(text="Body text.", title="A stored headline"),
                  Extraction(id="x", title=None, source=None, published=None, published_inferred=False,
                             pipeline_version="t"))
    session.commit()
    page = BeautifulSoup(client.get("/").text, "html.parser")
    assert "A stored headline" in page.get_text()
    data = client.get("/index.json").json()
    assert any(a["title"] == "A stored headline" for a in data["articles"])
