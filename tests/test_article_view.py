"""The seed article as a reader reads it: headline once, captions with their credit and no scraped furniture,
every actor, date, quote and event mark linked, dates saying the day they resolve to."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from app.extract.records import Actor, Event, Extraction, Mention, Quote, Timex
from app.store import ArticleMeta, store_article

pytestmark = pytest.mark.db
TITLE = "Russia staged failed US-NATO talks to create an excuse to invade Ukraine"
SULLIVAN = "We can make progress in some areas, but in other areas, we have to push back."


def _mentions(text: str, name: str) -> list[Mention]:
    return [Mention(m.start(), m.end(), name) for m in re.finditer(rf"\b{re.escape(name)}\b", text)]


def _timex(text: str, words: str, kind: str, value: str) -> Timex:
    start = text.index(words)
    return Timex(words, start, start + len(words), kind, value)


def _sentence(text: str, opening: str) -> tuple[str, int, int]:
    start = text.index(opening)
    end = text.index(".", start) + 1
    return text[start:end], start, end


@pytest.fixture()
def seed(session, seed_text):
    """The real seed article, stored with a hand-made extraction of a few of its marks (no model needed)."""
    first, s1, e1 = _sentence(seed_text, "On December 17, analysts said")
    q0 = seed_text.index(SULLIVAN)
    record = Extraction(
        id="seed-article", title=TITLE, source="Baonghean.vn", published="2021-12-17", published_inferred=False,
        actors=[Actor("russia", "Russia", "country", mentions=_mentions(seed_text, "Russia")),
                Actor("vladimir-putin", "Vladimir Putin", "person", mentions=_mentions(seed_text, "Vladimir Putin")),
                Actor("jake-sullivan", "Jake Sullivan", "person", mentions=_mentions(seed_text, "Jake Sullivan"))],
        timexes=[_timex(seed_text, "December 17", "DATE", "2021-12-17"),
                 _timex(seed_text, "earlier this week", "DATE", "2021-W50"),
                 _timex(seed_text, "two days", "DURATION", "P2D")],
        quotes=[Quote("jake-sullivan", "Jake Sullivan", SULLIVAN, "direct", "said", q0, q0 + len(SULLIVAN),
                      date="2021-12-17")],
        events=[Event("e1", "2021-12-17", "REJECT", "asserted", "russia", [], None, "Russia should not expect",
                      first, s1, e1, trigger="expect"),
                Event("e2", "2021-12-17", None, "asserted", "russia", [], None, "Russia staged talks",
                      TITLE, 0, len(TITLE), trigger="staged")],
        pipeline_version="test",
    )
    article = store_article(session, ArticleMeta(text=seed_text, external_id="seed-article", title=TITLE), record)
    session.commit()
    return article.id


def test_the_article_has_no_scraped_furniture_and_its_headline_once(client, seed):
    page = BeautifulSoup(client.get(f"/articles/{seed}").text, "html.parser")
    main = page.select_one("main")
    text = main.get_text(" ")
    assert "![" not in text and "Photo: AP |" not in text and "(Baonghean.vn) -" not in text
    assert "".join(page.h1.find_all(string=True, recursive=True)).removesuffix("1") == TITLE  # the event number
    assert text.count("staged failed US-NATO talks") == 1
    captions = page.select("figure.caption figcaption")
    assert len(captions) == 2
    assert captions[0].get_text().startswith("Photo Russian President Vladimir Putin.")
    assert [c.select_one(".credit").get_text() for c in captions] == ["Photo: AP", "Photo: AP"]
    paragraphs = page.select(".article-text > p")
    assert paragraphs[0].get_text().startswith("On December 17, analysts said")


def test_marks_link_to_their_pages(client, seed):
    page = BeautifulSoup(client.get(f"/articles/{seed}").text, "html.parser")
    assert page.select_one("figure.caption .hl-actor a")["href"] == "/actors/vladimir-putin"
    assert page.select_one("h1 .hl-actor a")["href"] == "/actors/russia"
    refs = page.select("a.ref-event")
    assert [r.get_text() for r in refs] == ["1", "2"]  # the headline's event first, as the text runs
    assert refs[0].find_parent("h1") is not None and refs[0]["href"].endswith("-russia-staged-talks")
    listed = [a["href"] for a in page.select("#events-h + ol a")]
    assert listed == [r["href"] for r in refs]
    quote = page.select_one("a.ref-quote")
    assert quote["href"].startswith("/quotes/")
    assert client.get(quote["href"]).status_code == 200
    event_id = refs[1]["href"].removeprefix("/events/").split("-")[0]
    anchor = page.select_one(f"#event-{event_id}")  # where the event page's evidence link lands
    assert anchor.find_parent("p").get_text().startswith("On December 17, analysts said")


def test_dates_say_the_day_they_resolve_to(client, seed):
    page = BeautifulSoup(client.get(f"/articles/{seed}").text, "html.parser")
    marks = {m.get_text(): m for m in page.select(".date-mark")}
    day = marks["December 17"]
    assert day.name == "a" and day["title"] == day["data-resolved"] == "17 Dec 2021"
    assert day["href"] == "/timeline?since=2021-12-17&until=2021-12-17"
    assert day["aria-label"] == "December 17 (17 Dec 2021)"
    assert marks["earlier this week"]["data-resolved"] == "13–19 Dec 2021"
    assert marks["two days"].name == "span" and marks["two days"]["title"] == "duration: P2D"


def test_the_json_twin_has_the_blocks(client, seed):
    data = client.get(f"/articles/{seed}.json").json()
    kinds = [b["kind"] for b in data["blocks"]]
    assert kinds[0] == "headline" and kinds.count("caption") == 2 and kinds.count("headline") == 1
    assert data["counts"]["events"] == len(data["events"]) == 2


def test_a_name_inside_a_longer_mention_links_to_its_own_actor():
    """Wikinews (CC BY 2.5), 'Airbus A380 completes its first long-haul flight with passengers', via MEANTIME:
    'German airline Lufthansa' is a mention of Lufthansa with Germany's 'German' inside it; the inner mark
    speaks for its words, the outer one for the rest."""
    from app.queries.articles import segments

    text = "most will be staff of Airbus and German airline Lufthansa."
    start = text.index("German")
    spans = [(start, start + 6, "actor", {"actor": "germany"}),
             (start, text.index("."), "actor", {"actor": "lufthansa"})]
    pieces = {p["text"]: p.get("actor") for p in segments(text, spans[::-1])}
    assert pieces == {**pieces, "German": "germany", " airline Lufthansa": "lufthansa"}
    assert {p["text"]: p.get("actor") for p in segments(text, spans)}["German"] == "germany"
