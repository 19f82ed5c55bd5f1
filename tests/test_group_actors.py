"""Nominal group actors (`US officials said`, `analysts said`): a speaker and a source, tied to their country,
listed on its page, never a name mention of the record (app/extract/actors/groups.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from app.extract.actors.groups import GROUP_NOUNS


def test_the_group_nouns_are_plural_people():
    assert {"officials", "diplomats", "analysts", "protesters"} <= GROUP_NOUNS
    assert "president" not in GROUP_NOUNS


@pytest.mark.slow
def test_us_officials_are_a_group_of_the_united_states_quoted_as_themselves(seed_record):
    actors = {a.id: a for a in seed_record.actors}
    group = actors["united-states-officials"]
    assert group.kind == "group" and group.name == "United States officials" and group.maker == "united-states"
    assert "US officials" in group.aliases and group.mentions == []  # a common noun phrase is not a name mention
    quote = next(q for q in seed_record.quotes if "preparing to respond" in q.text)
    assert quote.speaker == "united-states-officials" and "officials" in quote.speaker_text
    analysts = next(q for q in seed_record.quotes if "should not expect" in q.text)
    assert analysts.speaker == "analysts" and actors["analysts"].maker is None
    assert any(m.text == "US" for m in actors["united-states"].mentions)  # the name inside stays a mention


@pytest.mark.db
@pytest.mark.slow
def test_a_group_page_names_its_parent_and_the_parent_page_its_groups(session, extractor, seed_text, client):
    from app.consolidate import consolidate_article
    from app.store import ArticleMeta, store_article

    record = extractor.extract(seed_text, id="seed", published=dt.date(2021, 12, 17))
    article = store_article(session, ArticleMeta(text=seed_text, external_id="seed",
                                                 published=dt.date(2021, 12, 17)), record)
    consolidate_article(session, article)
    session.flush()
    group = client.get("/actors/united-states-officials.json").json()["actor"]
    assert group["kind"] == "group" and group["part_of"]["slug"] == "united-states" and group["maker"] is None
    parent = client.get("/actors/united-states.json").json()["actor"]
    assert "united-states-officials" in [g["slug"] for g in parent["groups"]]
    assert "Part of" in client.get("/actors/united-states-officials").text
    listed = [a["slug"] for a in client.get("/actors.json").json()["actors"]]
    assert listed.index("united-states") < listed.index("united-states-officials")
