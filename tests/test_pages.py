"""The dashboard pages: what a reader sees on each, their .json twins, htmx blocks, exports and errors."""

from __future__ import annotations

import csv
import dataclasses
import io
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from PIL import Image
from support.corpus import QUOTE, TITLE

pytestmark = pytest.mark.db


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def test_home_lists_events_actors_quotes_and_the_article_title(client, ids):
    page = soup(client.get("/"))
    text = page.get_text(" ")
    assert TITLE in text
    assert "Joe Biden to hold talks with Putin" in text
    assert page.select_one("main#main") and page.select_one("nav[aria-label]") and page.select_one("footer")
    data = client.get("/index.json").json()
    assert any(a["title"] == TITLE for a in data["articles"])
    assert data["counts"]["events"] == 3  # the merged and the removed event are not counted


def test_timeline_shows_week_ranges_types_and_sources(client, ids):
    page = soup(client.get("/timeline"))
    week = page.find("a", string="Joe Biden to hold talks with Putin").find_parent("article")
    assert week.select_one("time.when").get_text() == "20–26 Dec 2021"
    assert week.select_one(".badge").get_text() == "Consult"
    assert [a.get_text() for a in week.select("a.actor")] == ["Joe Biden", "Russia"]
    survivor = page.find("a", string="United States may negotiate with Russia").find_parent("article")
    assert "Reported by 2 sources" in survivor.get_text()
    assert "Russia withdraws some troops" not in page.get_text()  # merged away
    assert page.select("figure.density svg a rect")


def test_timeline_filters_live_in_the_url(client, ids):
    data = client.get("/timeline.json?type=CONSULT").json()
    summaries = [e["summary"] for d in data["days"] for e in d["events"]]
    assert summaries == ["Joe Biden to hold talks with Putin"]
    data = client.get("/timeline.json?actor=united-states").json()
    summaries = {e["summary"] for d in data["days"] for e in d["events"]}
    assert summaries == {"Russia rejects US demands", "United States may negotiate with Russia"}
    data = client.get("/timeline.json?q=negotiate").json()
    assert [e["summary"] for d in data["days"] for e in d["events"]] == ["United States may negotiate with Russia"]
    assert client.get("/timeline.json?since=2021-12-18").json()["count"] == 1  # only the week reaches past the 17th


def test_timeline_cursor_pages_do_not_overlap(client, ids):
    first = client.get("/timeline.json?limit=2").json()
    assert first["count"] == 2 and first["next_cursor"]
    second = client.get(f"/timeline.json?limit=2&cursor={first['next_cursor']}").json()
    a = {e["id"] for d in first["days"] for e in d["events"]}
    b = {e["id"] for d in second["days"] for e in d["events"]}
    assert b and not a & b and second["next_cursor"] is None
    page = soup(client.get("/timeline?limit=2"))
    assert page.select_one('a[rel="next"]')["href"].startswith("/timeline?")


def test_htmx_gets_the_results_block_and_history_restore_the_page(client, ids):
    r = client.get("/timeline?type=CONSULT", headers={"HX-Request": "true"})
    assert "HX-Request" in [v.strip() for v in r.headers["Vary"].split(",")]
    assert "<html" not in r.text and "Joe Biden to hold talks" in r.text and "id=\"results\"" not in r.text
    r = client.get("/timeline?type=CONSULT", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in r.text


@pytest.mark.parametrize("url, needle", [
    ("/timeline?type=NOPE", "PLOVER"), ("/timeline?since=17-12-2021", "YYYY-MM-DD"),
    ("/timeline?limit=0", "limit"), ("/quotes?speaker=nobody", "nobody"), ("/actors?kind=planet", "kind"),
])
def test_bad_filters_answer_422_saying_what_was_wrong(client, ids, url, needle):
    r = client.get(url)
    assert r.status_code == 422 and needle in r.text and "<main" in r.text
    path, _, query = url.partition("?")
    j = client.get(f"{path}.json?{query}")
    assert j.status_code == 422 and needle in j.json()["error"]["detail"]
    h = client.get(url, headers={"HX-Request": "true"})
    assert h.status_code == 422 and 'role="alert"' in h.text and "<html" not in h.text


def test_event_page_redirects_to_canonical_slug_and_has_preview_tags(client, ids):
    r = client.get(f"/events/{ids['week']}-whatever", follow_redirects=False)
    assert r.status_code == 301 and r.headers["location"] == f"/events/{ids['week']}-joe-biden-to-hold-talks-with-putin"
    page = soup(client.get(r.headers["location"]))
    meta = {m.get("property") or m.get("name"): m.get("content") for m in page.select("meta")}
    assert meta["og:title"] == "Joe Biden to hold talks with Putin"
    assert meta["og:url"] == f"http://testserver/events/{ids['week']}-joe-biden-to-hold-talks-with-putin"
    assert meta["og:image"] == f"http://testserver/events/{ids['week']}/card.png"
    assert meta["og:type"] == "article" and meta["twitter:card"] == "summary_large_image"
    assert "20–26 Dec 2021" in meta["og:description"]
    assert page.select_one("dl.facts").get_text(" ").count("next week") == 1
    assert page.select_one("#permalink")["value"] == meta["og:url"]
    assert page.select_one(".evidence mark").get_text().lower() in {"hold", "talks"}


def test_event_card_is_a_1200x630_png_with_etag(client, ids):
    r = client.get(f"/events/{ids['week']}/card.png")
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(r.content)).size == (1200, 630)
    again = client.get(f"/events/{ids['week']}/card.png", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304


def test_merged_event_redirects_to_survivor_and_removed_answers_410(client, ids):
    r = client.get(f"/events/{ids['merged']}-russia-withdraws-some-troops", follow_redirects=False)
    assert r.status_code == 301 and r.headers["location"].startswith(f"/events/{ids['survivor']}-")
    survivor = soup(client.get(r.headers["location"]))
    assert "same actors" in survivor.select_one(".merges").get_text()
    gone = client.get(f"/events/{ids['gone']}-gone")
    assert gone.status_code == 410 and "removed" in gone.text and "<main" in gone.text
    assert client.get(f"/events/{ids['gone']}-gone.json").json()["error"]["status"] == 410
    assert client.get("/events/999999-x").status_code == 404
    assert client.get("/events/not-a-number").status_code == 404


def test_event_json_twin_has_the_same_data(client, ids):
    data = client.get(f"/events/{ids['survivor']}-united-states-may-negotiate-with-russia.json").json()
    assert data["event"]["source_actor"]["slug"] == "united-states"
    assert data["event"]["modality"] == "possible" and data["merges"][0]["merged_id"] == ids["merged"]


def test_event_page_lists_nearby_live_events_of_its_actors_newest_first(client, ids):
    # the week's talks (Biden → Russia) share Russia with both 17 December events; the event merged into the
    # survivor and the removed one are never shown, nor the event itself
    week = client.get(f"/events/{ids['week']}-joe-biden-to-hold-talks-with-putin.json").json()
    assert [e["id"] for e in week["nearby"]] == [ids["survivor"], ids["reject"]]
    assert week["nearby"][0]["source_actor"]["slug"] == "united-states"
    assert [t["slug"] for t in week["nearby"][0]["targets"]] == ["russia"]
    assert week["event"]["source_actor"]["slug"] == "joe-biden" and week["event"]["place"] == "Geneva"
    survivor = client.get(f"/events/{ids['survivor']}-united-states-may-negotiate-with-russia.json").json()
    assert {e["id"] for e in survivor["nearby"]} == {ids["week"], ids["reject"]}
    page = soup(client.get(f"/events/{ids['week']}-joe-biden-to-hold-talks-with-putin"))
    assert "United States may negotiate with Russia" in page.get_text(" ")
    assert "Russia withdraws some troops" not in page.get_text(" ")


def test_actor_page_shows_names_activity_events_and_quotes(client, ids):
    page = soup(client.get("/actors/russia"))
    assert page.h1.get_text() == "Russia"
    assert "the Kremlin" in page.get_text() and "Moscow" in page.get_text()
    assert page.select_one("figure.activity svg[role=img] title")
    assert "Russia rejects US demands" in page.select_one("section[aria-labelledby=did-h]").get_text()
    assert "Joe Biden to hold talks" in page.select_one("section[aria-labelledby=done-h]").get_text()
    data = client.get("/actors/russia.json").json()
    assert {p["slug"] for p in data["partners"]} >= {"united-states", "joe-biden"}
    assert data["activity"][0]["month"] == "2021-12"
    edmonds = client.get("/actors/jeffrey-edmonds.json").json()
    assert edmonds["quotes"][0]["text"] == QUOTE
    assert client.get("/actors/nobody-at-all").status_code == 404


def test_actor_list_ranks_by_events_and_filters_by_alias(client, ids):
    data = client.get("/actors.json").json()
    assert data["actors"][0]["slug"] == "russia"
    assert [a["slug"] for a in client.get("/actors.json?q=kremlin").json()["actors"]] == ["russia"]


def test_quote_search_and_permalink(client, ids):
    data = client.get("/quotes.json?q=absurd").json()
    assert [q["text"] for q in data["quotes"]] == [QUOTE]
    assert client.get("/quotes.json?q=zebra").json()["quotes"] == []
    r = client.get("/quotes?q=absurd", headers={"HX-Request": "true"})
    assert "<html" not in r.text and "absurd" in r.text
    qid = data["quotes"][0]["id"]
    page = soup(client.get(f"/quotes/{qid}"))
    assert QUOTE in page.select_one("blockquote").get_text()
    assert page.select_one("figcaption a.actor")["href"] == "/actors/jeffrey-edmonds"


def test_article_marks_actors_dates_quotes_and_events(client, ids):
    page = soup(client.get(f"/articles/{ids['article']}"))
    assert page.h1.get_text() == TITLE
    assert page.select_one(".hl-date").get_text() in {"December 17", "next week"}
    assert page.select_one(".hl-actor a[href='/actors/russia']")
    assert QUOTE in " ".join(s.get_text() for s in page.select(".hl-quote"))
    assert page.select(".legend li")


def test_search_spans_events_actors_quotes_and_articles(client, ids):
    data = client.get("/search.json?q=russia").json()
    assert data["events"] and data["articles"] and data["actors"][0]["slug"] == "russia"
    assert client.get("/search.json?q=absurd").json()["quotes"]
    assert client.get("/search.json").json()["events"] == []


def test_exports_csv_atom_and_timelinejs(client, ids):
    rows = list(csv.DictReader(io.StringIO(client.get("/timeline.csv?actor=joe-biden").text)))
    assert [r["summary"] for r in rows] == ["Joe Biden to hold talks with Putin"]
    assert rows[0]["date"] == "20–26 Dec 2021" and rows[0]["precision"] == "week"
    assert "absurd" in client.get("/quotes.csv").text
    assert "russia" in client.get("/actors.csv").text
    feed = ET.fromstring(client.get("/timeline.atom?type=CONSULT").content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert [t.text for t in feed.findall("a:entry/a:title", ns)] == ["Joe Biden to hold talks with Putin"]
    tl = client.get("/timeline/timelinejs.json?type=CONSULT").json()
    assert tl["events"][0]["start_date"] == {"year": "2021", "month": "12", "day": "20"}
    assert tl["events"][0]["end_date"]["day"] == "26"


def test_unknown_page_404_in_layout_and_json(client):
    r = client.get("/no/such/page")
    assert r.status_code == 404 and "<main" in r.text and "/no/such/page" in r.text
    assert client.get("/nothing.json").json()["error"]["status"] == 404


def test_crash_answers_500_page_in_layout(client, monkeypatch):
    from fastapi.testclient import TestClient

    import app.web.pages_lists as pages

    def boom(session):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(pages, "HOME", dataclasses.replace(pages.HOME, data=boom))
    crashing = TestClient(client.app, raise_server_exceptions=False)
    r = crashing.get("/")
    assert r.status_code == 500 and "<main" in r.text and "kaboom" not in r.text
    assert crashing.get("/index.json").json()["error"]["status"] == 500
