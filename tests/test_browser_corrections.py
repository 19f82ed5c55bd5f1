# ruff: noqa: F811  (pytest fixtures imported from support.browser are parameters here)
"""An editor in a real Chromium, with the keyboard alone: signs in, merges two actors from the actor page, sees the
redirect and the history, undoes it; the signed-in pages with their forms open are axe-clean."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from support.browser import LiveServer, chromium, live_server, screenshot, watched_page  # noqa: F401  (fixtures)
from support.editor import EDITOR_TOKEN

pytestmark = [pytest.mark.browser, pytest.mark.slow]
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def editor_server(live_server, tmp_path_factory):
    """A server of its own over a copy of the sample corpus (the other browser tests never see these edits),
    started with an editor token."""
    folder = tmp_path_factory.mktemp("editor-live")
    source = sqlite3.connect(Path(live_server.log.name).parent / "live.db")
    copy = sqlite3.connect(folder / "editor.db")
    source.backup(copy)  # the backup API carries what is still in the WAL file too
    source.close()
    copy.close()
    saved = os.environ.get("DATELINE_EDITOR_TOKEN")
    os.environ["DATELINE_EDITOR_TOKEN"] = EDITOR_TOKEN
    try:
        server = LiveServer(f"sqlite:///{folder / 'editor.db'}", str(folder))
    finally:
        if saved is None:
            os.environ.pop("DATELINE_EDITOR_TOKEN")
        else:
            os.environ["DATELINE_EDITOR_TOKEN"] = saved
    yield server
    server.stop()


@pytest.fixture()
def editor_page(chromium, editor_server):
    yield from watched_page(chromium)


def tab_to(pg, selector: str, limit: int = 300) -> None:
    """Press Tab until the element is focused: it is reachable by keyboard alone, in the page's own order."""
    for _ in range(limit):
        if pg.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
        pg.keyboard.press("Tab")
    raise AssertionError(f"{selector} is not reachable with Tab")


def sign_in_with_the_keyboard(pg, base: str) -> None:
    pg.goto(base + "/actors/united-states")
    tab_to(pg, "p.editor-link a")
    assert pg.evaluate("document.activeElement.textContent") == "Editors: sign in to correct this page"
    pg.keyboard.press("Enter")
    pg.wait_for_url("**/-/editor?next=*")
    tab_to(pg, "#editor-name")
    pg.keyboard.type("Ann Editor")
    pg.keyboard.press("Tab")
    pg.keyboard.type(EDITOR_TOKEN)
    pg.keyboard.press("Enter")
    pg.wait_for_url(base + "/actors/united-states")


def test_an_editor_merges_two_actors_sees_the_redirect_and_history_and_undoes_it(editor_page, editor_server):
    pg, base = editor_page, editor_server.url
    pg.goto(base + "/actors/biden-administration")
    assert pg.url == base + "/actors/biden-administration"
    sign_in_with_the_keyboard(pg, base)
    tab_to(pg, "details.editor-forms > summary")
    pg.keyboard.press("Enter")  # opens the editor's forms
    tab_to(pg, "#merge_actors-other")
    pg.keyboard.type("Biden administration")
    pg.keyboard.press("Tab")
    pg.keyboard.type("the administration speaks for the country")
    with pg.expect_navigation():
        pg.keyboard.press("Enter")  # submits the merge form
    assert pg.url == base + "/actors/united-states"
    note = pg.locator("details.corrected")
    assert "corrected" in note.inner_text().lower()
    note.locator("summary").click()
    history = note.locator("ol.history").inner_text()
    assert "merged actors" in history and "the administration speaks for the country" in history
    assert "Ann Editor" in history
    assert "Biden administration" in pg.locator(".page-head").inner_text()  # now one of its names
    screenshot(pg, "actor-merged")

    pg.goto(base + "/actors/biden-administration")
    assert pg.url == base + "/actors/united-states"  # the merged actor's page redirects
    pg.goto(base + "/-/corrections")
    assert "merged actors" in pg.locator("ol.log").inner_text()

    pg.goto(base + "/actors/united-states")
    tab_to(pg, "details.corrected > summary")
    pg.keyboard.press("Enter")
    tab_to(pg, "details.corrected button[type=submit]")
    assert pg.evaluate("document.activeElement.textContent") == "Undo"
    with pg.expect_navigation():
        pg.keyboard.press("Enter")
    assert pg.url == base + "/actors/united-states"
    pg.locator("details.corrected summary").click()
    assert "(undone)" in pg.locator("ol.history").inner_text()
    pg.goto(base + "/actors/biden-administration")
    assert pg.url == base + "/actors/biden-administration"
    assert pg.locator("h1").inner_text() == "Biden administration"


def test_the_signed_in_pages_with_their_forms_are_axe_clean(chromium, editor_server):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)  # axe is injected
    pg = context.new_page()
    sign_in_with_the_keyboard(pg, editor_server.url)
    event = pg.evaluate("async () => (await (await fetch('/index.json')).json()).recent_events[0]")
    quote = pg.evaluate("async () => (await (await fetch('/quotes.json')).json()).quotes[0]")
    failures = {}
    for path in ["/-/editor", "/-/corrections", f"/events/{event['id']}-{event['slug']}", f"/quotes/{quote['id']}",
                 "/actors/united-states"]:
        pg.goto(editor_server.url + path)
        for summary in pg.locator("details > summary").all():
            summary.click()  # the forms are inside closed <details>: open them so axe checks them
        pg.add_script_tag(path=str(AXE))
        found = pg.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                            ".map(v => ({id: v.id, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))")
        if found:
            failures[path] = found
    assert pg.locator("form.correction-form").count() > 0  # the last page with forms was really signed in
    context.close()
    assert not failures, failures
