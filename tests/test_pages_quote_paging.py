"""Quote paging walks every quote once: dated newest first, then the undated, across page boundaries.

The list puts undated quotes last; a cursor ending on a dated quote must still let them through, and one ending on
an undated quote ('none.<id>') must continue among them — before, both dropped every undated quote after page 1.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from support.corpus import load

from app.models import Quote
from app.queries.quotes import quote_list

pytestmark = pytest.mark.db

DATES = [dt.date(2021, 12, 17), None, dt.date(2021, 12, 20), None, dt.date(2021, 12, 17), None,
         dt.date(2021, 11, 2), None, None, dt.date(2022, 1, 5)]


@pytest.fixture()
def quote_ids(session) -> list[int]:
    article = load(session)["article"]
    for n, day in enumerate(DATES):
        session.add(Quote(article_id=article, speaker_text="Edmonds", text=f"Remark number {n} about the talks.",
                          kind="direct", cue="said", start=n, end=n + 5, date=day, key=f"paging-{n}"))
    session.commit()
    return list(session.scalars(select(Quote.id).where(Quote.merged_into_id.is_(None))))


def walk(fetch) -> tuple[list[int], list[str]]:
    """Follow next_cursor from the first page to the end; the ids in order and the cursors seen."""
    seen: list[int] = []
    cursors: list[str] = []
    cursor = None
    for _ in range(50):
        page = fetch(cursor)
        seen += [q["id"] for q in page["quotes"]]
        cursor = page["next_cursor"]
        if not cursor:
            return seen, cursors
        cursors.append(cursor)
    raise AssertionError("paging never ended")


@pytest.mark.parametrize("limit", [1, 2, 3, 4])
def test_paging_returns_every_quote_once_undated_last(session, quote_ids, limit):
    seen, cursors = walk(lambda c: quote_list(session, cursor=c, limit=limit))
    assert sorted(seen) == sorted(quote_ids) and len(seen) == len(set(seen))
    rows = {q.id: q.date for q in session.scalars(select(Quote).where(Quote.id.in_(seen)))}
    dated = [i for i in seen if rows[i] is not None]
    assert seen[:len(dated)] == dated  # every dated quote before any undated one
    keys = [(rows[i], i) for i in dated]
    assert keys == sorted(keys, reverse=True)
    undated = seen[len(dated):]
    assert undated == sorted(undated, reverse=True) and len(undated) == DATES.count(None)
    if limit < len(undated):
        assert any(c.startswith("none.") for c in cursors)


def test_paging_through_the_json_urls_follows_none_cursors(client, session, quote_ids):
    undated = sorted((i for i in quote_ids if session.get(Quote, i).date is None), reverse=True)
    r = client.get(f"/quotes.json?cursor=none.{undated[0]}")
    assert r.status_code == 200
    assert [q["id"] for q in r.json()["quotes"]] == undated[1:]
    newest_dated = session.scalar(select(Quote).where(Quote.date.is_not(None)).order_by(Quote.date, Quote.id))
    after = [q["id"] for q in client.get(f"/quotes.json?cursor={newest_dated.date}.{newest_dated.id}").json()["quotes"]]
    assert set(undated) <= set(after)  # a dated cursor lets every undated quote through
    bad = client.get("/quotes.json?cursor=never.3")
    assert bad.status_code == 422 and "none.<quote number>" in bad.json()["error"]["detail"]
