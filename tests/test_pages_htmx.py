"""Every page answers htmx: its declared block for a swap, the full page when it has none or on a history restore,
JSON on its .json twin — never a 5xx. A page naming a block its template lacks fails when it is declared."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from support.corpus import QUOTE, TITLE

from app.web.page import Page, PageDeclarationError

pytestmark = pytest.mark.db

SWAP = {"HX-Request": "true"}
RESTORE = {"HX-Request": "true", "HX-History-Restore-Request": "true"}


@pytest.fixture()
def pages(client, ids) -> dict[str, tuple[str, str, bool]]:
    """name → (HTML path, its .json twin, whether an htmx swap gets a block rather than the full page)."""
    quote_id = client.get("/quotes.json").json()["quotes"][0]["id"]
    event = f"/events/{ids['week']}-joe-biden-to-hold-talks-with-putin"
    return {
        "home": ("/", "/index.json", False),
        "timeline": ("/timeline", "/timeline.json", True),
        "event": (event, f"{event}.json", False),
        "actors": ("/actors", "/actors.json", True),
        "actor": ("/actors/russia", "/actors/russia.json", False),
        "quotes": ("/quotes", "/quotes.json", True),
        "quote": (f"/quotes/{quote_id}", f"/quotes/{quote_id}.json", False),
        "article": (f"/articles/{ids['article']}", f"/articles/{ids['article']}.json", False),
        "search": ("/search?q=russia", "/search.json?q=russia", True),
    }


# What each page shows, in its block as in its full page: the swap must carry the page's content, not a shell.
CONTENT = {"home": TITLE, "timeline": "Joe Biden to hold talks with Putin", "event": "Joe Biden to hold talks with Putin",
           "actors": "Russia", "actor": "the Kremlin", "quotes": QUOTE, "quote": QUOTE, "article": TITLE,
           "search": "Russia"}


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def varies_on_htmx(response) -> bool:
    return "HX-Request" in [v.strip() for v in response.headers.get("Vary", "").split(",")]


def is_full_page(page: BeautifulSoup) -> bool:
    return bool(page.find("html") and page.select_one("main#main") and page.select_one("header.masthead")
                and page.select_one("footer"))


@pytest.mark.parametrize("name", list(CONTENT))
def test_an_htmx_swap_gets_the_block_or_the_full_page(client, pages, name):
    path, _, has_block = pages[name]
    r = client.get(path, headers=SWAP)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/html") and varies_on_htmx(r)
    page = soup(r)
    assert CONTENT[name] in page.get_text(" ")
    if has_block:
        assert not page.find("html") and not page.select_one("main") and not page.select_one("header.masthead")
        assert not page.select_one("#results")  # the block is swapped into #results, not the container itself
    else:
        assert is_full_page(page)


@pytest.mark.parametrize("name", list(CONTENT))
def test_a_history_restore_gets_the_full_page(client, pages, name):
    path, _, _ = pages[name]
    r = client.get(path, headers=RESTORE)
    assert r.status_code == 200 and varies_on_htmx(r)
    page = soup(r)
    assert is_full_page(page) and CONTENT[name] in page.get_text(" ")
    if pages[name][2]:
        assert page.select_one("#results")
    plain = soup(client.get(path))
    assert page.select_one("main").get_text(" ").split() == plain.select_one("main").get_text(" ").split()


@pytest.mark.parametrize("name", list(CONTENT))
@pytest.mark.parametrize("headers", [SWAP, RESTORE], ids=["swap", "restore"])
def test_the_json_twin_answers_json_to_htmx_too(client, pages, name, headers):
    _, twin, _ = pages[name]
    r = client.get(twin, headers=headers)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    assert varies_on_htmx(r)
    assert r.json() == client.get(twin).json()


def test_a_block_the_template_lacks_is_refused_when_the_page_is_declared():
    with pytest.raises(PageDeclarationError, match="results"):
        Page("index.html", block="results", data=dict, title="Front page")
    assert Page("timeline.html", block="results", data=dict, title="Timeline").block == "results"
    assert Page("index.html", block=None, data=dict, title="Front page").block is None
