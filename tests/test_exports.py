"""The timeline's exports as the clients nobody here wrote read them: TimelineJS, a spreadsheet, a feed reader."""

from __future__ import annotations

import csv
import html
import io
import xml.etree.ElementTree as ET

import pytest
from support.corpus import S1, S3, TITLE

from app.web.pages_exports import csv_cell

pytestmark = pytest.mark.db
ATOM = {"a": "http://www.w3.org/2005/Atom"}


def test_csv_empty_cells_stay_empty_and_formulas_are_defused():
    assert csv_cell("") == "" and csv_cell(None) is None and csv_cell(3) == 3
    assert [csv_cell(v) for v in ("=HYPERLINK(1)", "+1", "-2", "@SUM(A1)", "\tx")] == [
        "'=HYPERLINK(1)", "'+1", "'-2", "'@SUM(A1)", "'\tx"]
    assert csv_cell("Russia rejects US demands") == "Russia rejects US demands"


def test_timeline_csv_has_empty_cells_absolute_urls_and_the_outlet(client, ids):
    text = client.get("/timeline.csv").text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 3
    week = next(r for r in rows if r["summary"] == "Joe Biden to hold talks with Putin")
    assert week["url"] == f"http://testserver/events/{ids['week']}-joe-biden-to-hold-talks-with-putin"
    assert week["outlet"] == "Baonghean.vn" and week["place"] == "Geneva"
    reject = next(r for r in rows if r["summary"] == "Russia rejects US demands")
    assert reject["place"] == ""  # no place: an empty cell, not a lone "'"
    assert "'" not in {cell for r in rows for cell in r.values()}


def test_quotes_and_actors_csv_carry_absolute_urls(client, ids):
    quote = next(csv.DictReader(io.StringIO(client.get("/quotes.csv").text)))
    assert quote["url"].startswith("http://testserver/quotes/")
    assert quote["article_url"] == f"http://testserver/articles/{ids['article']}"
    actors = list(csv.DictReader(io.StringIO(client.get("/actors.csv").text)))
    assert "http://testserver/actors/russia" in {a["url"] for a in actors}


def test_atom_entries_have_content_published_and_a_category_only_when_typed(client, ids, session):
    from app.models import Event

    session.get(Event, ids["survivor"]).type = None  # one untyped event
    session.commit()
    feed = ET.fromstring(client.get("/timeline.atom").content)
    entries = {e.findtext("a:title", namespaces=ATOM): e for e in feed.findall("a:entry", ATOM)}
    week = entries["Joe Biden to hold talks with Putin"]
    assert week.findtext("a:published", namespaces=ATOM) == "2021-12-17T00:00:00Z"  # when the article came out
    assert [c.get("term") for c in week.findall("a:category", ATOM)] == ["CONSULT"]
    content = week.find("a:content", ATOM)
    assert content.get("type") == "html"
    assert S3 in content.text and "Baonghean.vn" in content.text and TITLE in content.text
    assert "Joe Biden and Russia" in content.text
    untyped = entries["United States may negotiate with Russia"]
    assert untyped.findall("a:category", ATOM) == []
    assert "Unclassified" in untyped.findtext("a:summary", namespaces=ATOM)


def test_timelinejs_holds_every_event_with_evidence_and_source(client, ids):
    r = client.get("/timeline/timelinejs.json")
    data = r.json()
    assert data["total"] == 3 and len(data["events"]) == 3 and data["next"] is None and "link" not in r.headers
    slide = next(s for s in data["events"] if s["text"]["headline"] == "Russia rejects US demands")
    text = slide["text"]["text"]
    assert html.escape(S1) in text and "Russia and the United States" in text  # HTML, as TimelineJS reads it
    assert "Baonghean.vn" in text and f'href="http://testserver/articles/{ids["article"]}"' in text
    assert slide["group"] == "Reject"


def test_timelinejs_pages_with_a_next_link_when_the_view_is_larger(client, ids):
    first = client.get("/timeline/timelinejs.json?limit=2")
    data = first.json()
    assert data["total"] == 3 and len(data["events"]) == 2 and data["next"].startswith("http://testserver/")
    assert first.headers["link"] == f'<{data["next"]}>; rel="next"'
    assert "next part" in data["title"]["text"]["text"]
    rest = client.get(data["next"].removeprefix("http://testserver")).json()
    assert len(rest["events"]) == 1 and rest["next"] is None
    seen = {s["unique_id"] for s in data["events"]} | {s["unique_id"] for s in rest["events"]}
    assert len(seen) == 3


@pytest.mark.parametrize("url", ["/timeline.json", "/index.json", "/timeline/timelinejs.json", "/timeline.csv",
                                 "/timeline.atom", "/actors.json?kind=planet"])
def test_public_data_may_be_read_from_other_sites(client, ids, url):
    r = client.get(url, headers={"Origin": "https://timeline.example.org"})
    assert r.headers["access-control-allow-origin"] == "*"


@pytest.mark.parametrize("url", ["/timeline", "/-/health", "/-/openapi.json"])
def test_pages_and_the_private_paths_are_not_shared(client, ids, url):
    assert "access-control-allow-origin" not in client.get(url).headers


def test_the_actors_csv_comes_in_parts_each_naming_the_next(client, ids):
    first = client.get("/actors.csv?limit=2")
    rows = list(csv.DictReader(io.StringIO(first.text)))
    assert len(rows) == 2
    link = first.headers["link"]
    assert link.endswith('rel="next"') and "page=2" in link and "limit=2" in link
    second = client.get("/actors.csv?limit=2&page=2")
    assert {r["slug"] for r in csv.DictReader(io.StringIO(second.text))}.isdisjoint({r["slug"] for r in rows})
    everyone = list(csv.DictReader(io.StringIO(client.get("/actors.csv").text)))
    assert "link" not in client.get("/actors.csv").headers and len(everyone) > 2
