"""An actor's activity chart covers its whole record: per month for a short one, per quarter or year for a long one."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from support.corpus import S1

from app.models import Actor, Event

pytestmark = pytest.mark.db


def _old_event(session, article_id: int, day: dt.date) -> None:
    russia = session.scalar(select(Actor).where(Actor.slug == "russia"))
    session.add(Event(article_id=article_id, slug="old-talks", summary="Russia held talks", sentence=S1, start=0,
                      end=10, first_day=day, last_day=day, precision="day", type="CONSULT", source_actor_id=russia.id))
    session.commit()


def test_a_short_record_is_charted_per_month(client, ids):
    bars = client.get("/actors/russia.json").json()["activity"]
    assert [(b["month"], b["unit"], b["label"]) for b in bars] == [("2021-12", "month", "Dec 2021")]
    assert bars[0]["events"] == 3


def test_a_record_reaching_back_to_1997_is_charted_per_year_from_1997(client, ids, session):
    _old_event(session, ids["article"], dt.date(1997, 5, 27))
    bars = client.get("/actors/russia.json").json()["activity"]
    assert bars[0] == {"month": "1997-01", "unit": "year", "label": "1997", "events": 1, "quotes": 0}
    assert bars[-1]["label"] == "2021" and bars[-1]["events"] == 3 and len(bars) == 25
    assert sum(b["events"] for b in bars) == 4
    page = client.get("/actors/russia").text
    assert "Activity of Russia per year" in page and ">1997</text>" in page


def test_a_record_of_some_years_is_charted_per_quarter(client, ids, session):
    _old_event(session, ids["article"], dt.date(2017, 2, 1))
    bars = client.get("/actors/russia.json").json()["activity"]
    assert bars[0]["label"] == "Q1 2017" and bars[0]["unit"] == "quarter" and bars[-1]["label"] == "Q4 2021"
    assert len(bars) == 20
