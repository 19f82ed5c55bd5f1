"""Corrections over the web: the editor token, sign-in cookie and CSRF; the API's 401/403/422; forms; the log and feed."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from support.editor import EDITOR_TOKEN

pytestmark = pytest.mark.db


@pytest.fixture()
def web(editor_client):
    return editor_client


def api(web, body, token=EDITOR_TOKEN):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return web.post("/-/corrections.json", json=body, headers=headers)


def sign_in(web) -> str:
    """Sign in through the form; returns the CSRF token the actor page's forms carry."""
    response = web.post("/-/editor", data={"token": EDITOR_TOKEN, "name": "Ann Editor", "next": "/actors/united-states"},
                        follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/actors/united-states"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "secure" in cookie and "samesite=strict" in cookie
    assert EDITOR_TOKEN not in response.headers["set-cookie"]  # the cookie is signed, it never holds the token
    page = BeautifulSoup(web.get("/actors/united-states").text, "html.parser")
    return page.select_one("form.correction-form input[name=csrf]")["value"]


def test_the_api_refuses_without_token_wrong_token_and_names_a_bad_field(web, ids):
    body = {"action": "merge_actors", "keep": "united-states", "other": "joe-biden"}
    missing = api(web, body, token=None)
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
    assert api(web, body, token="ingest-secret").status_code == 403  # the ingest token is not an editor token
    bad = api(web, {"action": "merge_actors", "keep": "united-states", "other": "nobody at all"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "other"
    assert "nobody at all" in bad.json()["error"]["detail"]
    unknown = api(web, {"action": "make_it_so"})
    assert unknown.status_code == 422 and unknown.json()["error"]["field"] == "action"
    wrong_type = api(web, {"action": "retype_event", "event": ids["week"], "type": "PARTY"})
    assert wrong_type.status_code == 422 and wrong_type.json()["error"]["field"] == "type"
    assert web.get("/-/corrections.json").json()["corrections"] == []  # nothing refused was stored


def test_an_api_merge_redirects_the_other_actor_and_shows_in_the_log_and_feed(web, ids):
    made = api(web, {"action": "merge_actors", "keep": "united-states", "other": "Joe Biden",
                     "note": "one government", "by": "ann"})
    assert made.status_code == 201, made.text
    row = made.json()
    assert row["action"] == "merge_actors" and row["by"] == "ann" and row["url"] == "/actors/united-states"
    assert row["before"]["other"]["merged_into"] is None and row["after"]["other"]["merged_into"] == "united-states"
    moved = web.get("/actors/joe-biden", follow_redirects=False)
    assert moved.status_code == 301 and moved.headers["location"] == "/actors/united-states"
    page = web.get("/actors/united-states.json").json()
    assert "Joe Biden" in page["actor"]["aliases"]
    assert [c["action"] for c in page["corrections"]] == ["merge_actors"]
    assert any(e["summary"] == "Joe Biden to hold talks with Putin" for e in page["did"])
    log = web.get("/-/corrections.json").json()["corrections"]
    assert [c["id"] for c in log] == [row["id"]] and log[0]["note"] == "one government"
    feed = ET.fromstring(web.get("/-/corrections.atom").content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert feed.find("a:entry/a:author/a:name", ns).text == "ann"
    assert "merged actors" in feed.find("a:entry/a:title", ns).text.lower()
    html = BeautifulSoup(web.get("/-/corrections").text, "html.parser")
    assert html.select_one(f"#c{row['id']} a[href='/actors/united-states']")


def test_forms_need_a_signed_in_editor_and_the_csrf_token(web, ids):
    form = {"action": "merge_actors", "keep": "united-states", "other": "joe-biden", "next": "/actors/united-states"}
    assert web.post("/-/corrections", data=form, follow_redirects=False).status_code == 401
    page = BeautifulSoup(web.get("/actors/united-states").text, "html.parser")
    assert not page.select("form.correction-form")  # a reader sees no forms, only the sign-in link
    assert page.select_one("a[href^='/-/editor']")
    csrf = sign_in(web)
    assert web.post("/-/corrections", data=form, follow_redirects=False).status_code == 403  # no CSRF token
    assert web.post("/-/corrections", data={**form, "csrf": "0" * 64}, follow_redirects=False).status_code == 403
    wrong = web.post("/-/corrections", data={**form, "other": "nobody at all", "csrf": csrf})
    assert wrong.status_code == 422 and "&#39;other&#39;: no actor is called" in wrong.text
    assert BeautifulSoup(wrong.text, "html.parser").select_one("a[href='/actors/united-states']")  # back link
    done = web.post("/-/corrections", data={**form, "csrf": csrf}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/actors/united-states"
    page = BeautifulSoup(web.get("/actors/united-states").text, "html.parser")
    note = page.select_one("details.corrected")
    assert note and "Corrected" in note.get_text() and "merged actors" in note.get_text()
    assert "Ann Editor" in note.get_text()  # the name given at sign-in, not a field of the form
    undo = note.select_one("form input[name=action][value=undo]").find_parent("form")
    fields = {i["name"]: i.get("value", "") for i in undo.select("input")}
    assert web.post("/-/corrections", data=fields, follow_redirects=False).status_code == 303
    assert web.get("/actors/joe-biden", follow_redirects=False).status_code == 200


def test_a_cross_site_form_post_is_refused_even_with_the_cookie(web, ids):
    csrf = sign_in(web)
    form = {"action": "rename_actor", "actor": "united-states", "name": "USA", "csrf": csrf}
    refused = web.post("/-/corrections", data=form, headers={"Origin": "https://evil.example"},
                       follow_redirects=False)
    assert refused.status_code == 403
    assert web.get("/actors/united-states.json").json()["actor"]["name"] == "United States"


def test_a_wrong_sign_in_token_is_refused_and_a_forged_cookie_is_not_an_editor(web, ids):
    assert web.post("/-/editor", data={"token": "guess"}).status_code == 403
    assert web.post("/-/editor", data={}).status_code == 401
    web.cookies.set("dateline_editor", "9999999999." + "0" * 64)
    form = {"action": "rename_actor", "actor": "united-states", "name": "USA", "csrf": "x"}
    assert web.post("/-/corrections", data=form, follow_redirects=False).status_code == 403


def test_corrections_are_off_without_an_editor_token(client, ids):
    response = client.post("/-/corrections.json", json={"action": "rename_actor", "actor": "nato", "name": "N"},
                           headers={"Authorization": "Bearer test-token"})
    assert response.status_code == 403 and "DATELINE_EDITOR_TOKEN" in response.json()["error"]["detail"]
    assert client.post("/-/editor", data={"token": "test-token"}).status_code == 403


def test_not_an_event_answers_410_with_the_reason_and_leaves_the_timeline(web, ids):
    made = api(web, {"action": "not_an_event", "event": ids["week"], "reason": "a plan reported, not a meeting"})
    assert made.status_code == 201, made.text
    gone = web.get(f"/events/{ids['week']}-joe-biden-to-hold-talks-with-putin.json")
    assert gone.status_code == 410 and "a plan reported, not a meeting" in gone.json()["error"]["detail"]
    timeline = web.get("/timeline.json").json()
    assert ids["week"] not in [e["id"] for day in timeline["days"] for e in day["events"]]
    assert "Joe Biden to hold talks" not in web.get("/timeline.csv").text


def test_a_retyped_event_shows_its_type_and_history_on_its_page_json_and_csv(web, ids):
    made = api(web, {"action": "retype_event", "event": ids["week"], "type": "threaten"})
    assert made.status_code == 201, made.text
    page = web.get(f"/events/{ids['week']}-joe-biden-to-hold-talks-with-putin.json").json()
    assert page["event"]["type"] == "THREATEN" and page["corrections"][0]["before"]["type"] == "CONSULT"
    assert any("THREATEN" in line and "Joe Biden to hold talks" in line for line in web.get("/timeline.csv").text.splitlines())
    html = BeautifulSoup(web.get(f"/events/{ids['week']}-joe-biden-to-hold-talks-with-putin").text, "html.parser")
    assert "changed the type" in html.select_one("details.corrected").get_text()


def test_the_event_page_offers_each_of_its_reports_to_split_off(web, ids, session):
    from sqlalchemy import select

    from app.models import EventSource

    src = session.scalar(select(EventSource).where(EventSource.event_id == ids["merged"]))
    src.event_id = ids["survivor"]
    session.commit()
    sign_in(web)
    page = BeautifulSoup(web.get(f"/events/{ids['survivor']}-x", follow_redirects=True).text, "html.parser")
    options = {o["value"] for o in page.select("#split_event_source-evidence option")}
    assert str(src.id) in options and len(options) == 2
    assert page.select_one("form.correction-form input[name=action][value=retype_event]")


def _segments(article: dict) -> list[dict]:
    return [s for block in article["blocks"] for s in block["segments"]]


def test_not_a_quote_answers_410_and_leaves_the_lists_and_the_article(web, ids):
    quote = web.get("/quotes.json").json()["quotes"][0]
    marked = _segments(web.get(f"/articles/{quote['article_id']}.json").json())
    assert any(s.get("quote_id") == quote["id"] for s in marked)
    made = api(web, {"action": "not_a_quote", "quote": quote["id"], "reason": "the analyst's paraphrase"})
    assert made.status_code == 201, made.text
    gone = web.get(f"/quotes/{quote['id']}.json")
    assert gone.status_code == 410 and "the analyst's paraphrase" in gone.json()["error"]["detail"]
    assert quote["id"] not in [q["id"] for q in web.get("/quotes.json").json()["quotes"]]
    article = web.get(f"/articles/{quote['article_id']}.json").json()
    assert all(s.get("quote_id") != quote["id"] for s in _segments(article))
    undo = api(web, {"action": "undo", "correction": made.json()["id"]})
    assert undo.status_code == 201 and undo.json()["undo_of"] == made.json()["id"]
    assert web.get(f"/quotes/{quote['id']}.json").status_code == 200
    again = api(web, {"action": "undo", "correction": made.json()["id"]})
    assert again.status_code == 409 and "already undone" in again.json()["error"]["detail"]
