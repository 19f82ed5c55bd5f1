"""Link previews and search snippets: every page describes itself; the shareable ones (event, quote, actor,
a timeline view, the front page) carry og/twitter tags with an absolute 1200×630 card; HEAD answers like GET."""

from __future__ import annotations

import io

import pytest
from bs4 import BeautifulSoup
from PIL import Image
from support.corpus import QUOTE, S3

from app.cards import event_fields
from app.queries.common import actors_in_words, running_name

pytestmark = pytest.mark.db
BASE = "http://testserver"


def meta(client, url: str) -> dict[str, str]:
    page = BeautifulSoup(client.get(url).text, "html.parser")
    return {m.get("property") or m.get("name"): m.get("content") for m in page.select("meta") if m.get("content")}


def shareable(ids) -> dict[str, tuple[str, str]]:
    """page URL → (the og:url it should give, its card URL)."""
    week = f"/events/{ids['week']}-joe-biden-to-hold-talks-with-putin"
    return {
        week: (week, f"/events/{ids['week']}/card.png"),
        f"/quotes/{ids['quote']}": (f"/quotes/{ids['quote']}", f"/quotes/{ids['quote']}/card.png"),
        "/actors/russia": ("/actors/russia", "/actors/russia/card.png"),
        "/timeline?actor=russia&type=CONSULT": ("/timeline?actor=russia&type=CONSULT",
                                                "/timeline/card.png?actor=russia&type=CONSULT"),
        "/": ("/", "/card.png"),
    }


def test_actor_names_read_as_in_a_sentence():
    assert running_name("United States", "country") == "the United States"
    assert running_name("Russia", "country") == "Russia"
    assert running_name("United Airlines", "person") == "United Airlines"  # only countries and organisations
    assert actors_in_words([{"name": "Russia", "kind": "country"}, None,
                            {"name": "United States", "kind": "country"}]) == "Russia and the United States"
    three = [{"name": n, "kind": k} for n, k in (("Russia", "country"), ("NATO", "organization"),
                                                 ("United States", "country"))]
    assert actors_in_words(three) == "Russia, NATO and the United States"


def test_the_event_card_names_its_actors_in_words_and_the_outlet(client, ids):
    data = client.get(f"/events/{ids['reject']}-russia-rejects-us-demands.json").json()
    fields = event_fields(data)
    assert fields["byline"] == "Russia and the United States · Baonghean.vn"
    assert "→" not in fields["byline"]


@pytest.mark.parametrize("kind", range(5))
def test_shareable_pages_have_absolute_tags_and_a_1200x630_card(client, ids, kind):
    url, (canonical, card) = list(shareable(ids).items())[kind]
    tags = meta(client, url)
    assert tags["og:url"] == BASE + canonical and tags["og:image"] == BASE + card
    assert tags["twitter:card"] == "summary_large_image" and tags["twitter:image"] == BASE + card
    assert tags["og:image:width"] == "1200" and tags["og:image:height"] == "630"
    assert tags["og:title"] and tags["twitter:title"] == tags["og:title"]
    assert tags["description"] == tags["og:description"] == tags["twitter:description"]
    png = client.get(card)
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(png.content)).size == (1200, 630)
    assert client.get(card, headers={"If-None-Match": png.headers["etag"]}).status_code == 304


def test_descriptions_say_what_each_page_holds(client, ids):
    week = meta(client, f"/events/{ids['week']}-joe-biden-to-hold-talks-with-putin")["description"]
    assert week.startswith("20–26 Dec 2021 · Consult · Joe Biden and Russia") and S3 in week
    assert meta(client, f"/quotes/{ids['quote']}")["description"].startswith(f"“{QUOTE}” — Jeffrey Edmonds, 17 Dec 2021")
    assert "5 actors" in meta(client, "/actors")["description"]
    assert meta(client, "/actors/russia")["description"].startswith("Russia (country): 3 events")
    timeline = meta(client, "/timeline?actor=russia&type=CONSULT")
    assert timeline["description"].startswith("Events with Russia, of type Consult: 1 event")
    assert timeline["og:title"] == "Events with Russia, of type Consult"
    assert meta(client, "/")["description"].startswith("3 events, 5 actors and 1 quote from 1 news article")


@pytest.mark.parametrize("url", ["/", "/timeline", "/actors", "/quotes", "/search?q=russia", "/articles/{article}",
                                 "/actors/russia", "/quotes/{quote}", "/-/ingest", "/no/such/page"])
def test_every_page_has_a_meta_description(client, ids, url):
    description = meta(client, url.format(**ids)).get("description", "")
    assert 40 <= len(description) <= 200


def test_pages_without_a_card_send_no_preview_tags(client, ids):
    tags = meta(client, f"/articles/{ids['article']}")
    assert "og:image" not in tags and "Baonghean.vn, 17 Dec 2021" in tags["description"]


@pytest.mark.parametrize("url", ["/", "/timeline?type=CONSULT", "/actors/russia", "/quotes/{quote}", "/card.png",
                                 "/timeline/card.png", "/actors/russia/card.png", "/quotes/{quote}/card.png"])
def test_head_answers_like_get_without_a_body(client, ids, url):
    url = url.format(**ids)
    get, head = client.get(url), client.head(url)
    assert head.status_code == get.status_code == 200 and head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]


def test_cards_of_missing_things_are_404(client, ids):
    assert client.get("/quotes/999/card.png").status_code == 404
    assert client.get("/actors/nobody/card.png").status_code == 404
    assert client.get("/timeline/card.png?type=NOPE").status_code == 422


def test_a_timeline_of_two_actors_is_titled_in_words(client, ids):
    tags = meta(client, "/timeline?actor=russia&actor=united-states")
    assert tags["og:title"] == "Events with Russia and the United States"
    assert tags["description"].startswith("Events with Russia and the United States: 2 events")
