"""Counts that agree: the home page, the list pages and their exports give one number for one thing, and every
facet beside the timeline leads to as many events as it says."""

from __future__ import annotations

import csv
import io
from urllib.parse import urlencode

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.db


def test_home_and_list_totals_agree(client, ids):
    counts = client.get("/index.json").json()["counts"]
    assert counts["events"] == client.get("/timeline.json").json()["total"] == 3
    assert counts["actors"] == client.get("/actors.json").json()["total"] == 5
    assert counts["quotes"] == client.get("/quotes.json").json()["total"] == 1
    assert len(list(csv.DictReader(io.StringIO(client.get("/actors.csv").text)))) == counts["actors"]
    assert client.get("/timeline/timelinejs.json").json()["total"] == counts["events"]


def test_stats_counts_what_the_home_page_counts(session, ids):
    from app.queries.counts import corpus_counts

    assert corpus_counts(session)["actors"] == 5  # the one rule `dateline stats` prints (tests/test_cli)


def test_timeline_total_counts_the_filter_not_the_page(client, ids):
    data = client.get("/timeline.json?limit=1").json()
    assert data["count"] == 1 and data["total"] == 3 and data["next_cursor"]
    assert client.get("/timeline.json?actor=united-states").json()["total"] == 2
    text = BeautifulSoup(client.get("/timeline?actor=united-states").text, "html.parser")
    assert text.select_one(".result-count").get_text().startswith("2 events match these filters")


def test_each_facet_links_to_as_many_events_as_it_counts(client, ids):
    facets = client.get("/timeline.json").json()["facets"]
    assert {v["label"]: v["count"] for v in facets["type"]} == {"Reject": 1, "Agree": 1, "Consult": 1}
    assert {v["label"]: v["count"] for v in facets["actor"]}["Russia"] == 3
    assert [(v["label"], v["count"]) for v in facets["source"]] == [("Baonghean.vn", 3)]
    assert [(v["label"], v["count"]) for v in facets["when"]] == [("Dec 2021", 3)]
    for values in facets.values():
        for v in values:
            assert client.get("/timeline.json?" + urlencode(v["params"], doseq=True)).json()["total"] == v["count"]


def test_facets_are_links_that_keep_the_other_filters(client, ids):
    page = BeautifulSoup(client.get("/timeline?type=REJECT").text, "html.parser")
    links = {a.get_text(): a["href"] for a in page.select(".facets a")}
    assert links["United States"] == "/timeline?actor=united-states&type=REJECT"
    assert "Reject" not in links  # the chosen type is not offered again
    narrowed = client.get("/timeline.json?actor=russia").json()["facets"]["actor"]
    assert "russia" not in {v["value"] for v in narrowed}
    assert next(v for v in narrowed if v["value"] == "united-states")["params"] == {"actor": ["russia", "united-states"]}


def test_actor_list_pages_with_a_total(client, ids, monkeypatch):
    import dataclasses
    import functools

    from app.queries.actors import actor_list
    from app.web import pages_lists

    first = client.get("/actors.json").json()
    assert first["total"] == 5 and first["pages"] == 1
    two_a_page = dataclasses.replace(pages_lists.ACTORS, data=functools.partial(actor_list, limit=2))
    monkeypatch.setattr(pages_lists, "ACTORS", two_a_page)
    # The same URL and data as before: without no-cache the server would send the answer it remembers.
    one = client.get("/actors.json", headers={"Cache-Control": "no-cache"}).json()
    two = client.get("/actors.json?page=2").json()
    assert one["pages"] == 3 and len(one["actors"]) == 2 and two["first_rank"] == 3
    assert not {a["slug"] for a in one["actors"]} & {a["slug"] for a in two["actors"]}
    assert one["actors"][0]["slug"] == "russia"  # most events first
    page = BeautifulSoup(client.get("/actors?page=2").text, "html.parser")
    assert page.select_one('.pager a[rel="next"]')["href"] == "/actors?page=3"
    assert page.select_one('.pager a[rel="prev"]')["href"] == "/actors"
    assert "5 actors" in page.select_one(".result-count").get_text()
    assert client.get("/actors.json?page=4").status_code == 422


def test_quote_list_says_its_real_total(client, ids):
    page = BeautifulSoup(client.get("/quotes").text, "html.parser")
    assert page.select_one(".result-count").get_text().strip() == "1 quote"
    assert client.get("/quotes.json?q=absurd").json()["total"] == 1
    assert client.get("/quotes.json?q=treaty&since=2022-01-01").json()["total"] == 0
