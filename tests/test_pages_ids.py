"""Out-of-range numbers in URLs: a clear 422 for a bad cursor, a 404 for an id no row can have — never a 500.

SQLite cannot bind an integer past 2**63 - 1 and PostgreSQL's int4 id columns stop at 2**31 - 1, so ids outside
1..2**31-1 are refused before they reach a query (no row can have one).
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.db

HUGE = "99999999999999999999"
TOO_BIG = str(2**63)
PAST_INT4 = str(2**31)  # ids are Integer: int4 on PostgreSQL


@pytest.mark.parametrize("url", [
    f"/timeline.json?cursor=2021-01-01.{HUGE}999",
    f"/timeline.json?cursor=2021-01-01.{TOO_BIG}",
    f"/timeline.json?cursor=2021-01-01.{PAST_INT4}",
    "/timeline.json?cursor=2021-01-01.0",
    "/timeline.json?cursor=2021-01-01.-5",
    f"/quotes.json?cursor=2021-01-01.{HUGE}999",
    f"/quotes.json?cursor=none.{HUGE}",
    "/quotes.json?cursor=none.0",
    f"/quotes.json?cursor=2021-01-01.{PAST_INT4}",
    "/quotes.json?cursor=2021-01-01.-5",
])
def test_cursor_with_an_impossible_id_is_422_saying_so(client, url):
    r = client.get(url)
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["status"] == 422 and "cursor" in error["detail"]
    html = client.get(url.replace(".json", "", 1))
    assert html.status_code == 422 and "cursor" in html.text


@pytest.mark.parametrize("url", [
    f"/events/{HUGE}-x", f"/events/{TOO_BIG}-x", f"/events/{TOO_BIG}", f"/events/{TOO_BIG}/card.png",
    f"/events/{PAST_INT4}-x", f"/quotes/{PAST_INT4}", f"/articles/{PAST_INT4}",
    f"/quotes/{HUGE}", f"/quotes/{TOO_BIG}", f"/articles/{HUGE}", f"/articles/{TOO_BIG}", "/articles/0",
])
def test_path_id_out_of_range_is_404(client, url):
    assert client.get(url).status_code == 404
    if not url.endswith(".png"):
        r = client.get(url + ".json")
        assert r.status_code == 404 and r.json()["error"]["status"] == 404


def test_largest_possible_id_is_an_ordinary_404(client):
    top = str(2**31 - 1)
    for url in (f"/events/{top}-x.json", f"/quotes/{top}.json", f"/articles/{top}.json"):
        r = client.get(url)
        assert r.status_code == 404 and "There is no" in r.json()["error"]["detail"]
    assert client.get(f"/timeline.json?cursor=2021-01-01.{top}").status_code == 200
    assert client.get(f"/quotes.json?cursor=2021-01-01.{top}").status_code == 200
