"""Readers and dedup without the model: every bad input gets one line naming it; URLs and feeds from a local server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.local_site import LocalSite, article_html, wikinews

from app.ingest.dedup import (
    NearDuplicateIndex,
    minhash_of,
    signature_bytes,
    signature_from_bytes,
)
from app.ingest.readers import (
    fetch_article,
    fetch_feed,
    http_client,
    meta_from_html,
    parse_feed,
    user_agent,
)
from app.ingest.records import canonical_url
from app.ingest.sources import file_candidates, jsonl_candidates, list_files, url_candidate
from app.textio import UnreadableInput


@pytest.fixture()
def site() -> Iterator[LocalSite]:
    with LocalSite() as s:
        yield s


# --- dedup ------------------------------------------------------------------------------------------------


def test_canonical_url_drops_tracking_fragment_case_and_trailing_slash():
    assert canonical_url("HTTPS://News.Example.ORG/world/story/?utm_source=x&id=7&utm_medium=y#comments") == \
        "https://news.example.org/world/story?id=7"
    assert canonical_url("http://example.org:80/a/") == canonical_url("http://EXAMPLE.org/a")
    assert canonical_url("http://example.org:8080/a") == "http://example.org:8080/a"


def test_minhash_links_an_edited_wire_copy_but_not_another_story():
    original, other = wikinews(0)["text"], wikinews(5)["text"]
    edited = original.replace("the", "a", 3).replace(".", "!", 2)
    index = NearDuplicateIndex()
    index.add(1, minhash_of(original))
    index.add(2, minhash_of(other))
    match = index.best_match(minhash_of(edited))
    assert match is not None and match.article_id == 1 and 0.8 <= match.score < 1.0
    assert index.best_match(minhash_of(wikinews(9)["text"])) is None


def test_signature_survives_the_database_round_trip():
    signature = minhash_of(wikinews(3)["text"])
    again = signature_from_bytes(signature_bytes(signature))
    assert again is not None and again.jaccard(signature) == 1.0
    assert signature_from_bytes(b"\x00" * 16) is None


# --- files ------------------------------------------------------------------------------------------------


def test_bad_files_are_named_with_their_reason_and_good_ones_read(tmp_path):
    (tmp_path / "good.txt").write_text(wikinews(0)["text"], encoding="utf-8")
    (tmp_path / "latin1.txt").write_bytes("Café owners in Zürich said prices rose.\n\nMore text here.".encode("latin-1"))
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 20)
    (tmp_path / "huge.txt").write_bytes(b"word " * (1_100_000))
    (tmp_path / "nav.html").write_text("<html><body><nav>Home | World</nav></body></html>", encoding="utf-8")
    (tmp_path / "README.txt").write_text("About this folder", encoding="utf-8")
    files = list(list_files([tmp_path]))
    assert "README.txt" not in {f.name for f in files}
    results = {Path(c.label).name: c for c in file_candidates(files)}
    assert results["good.txt"].meta is not None and results["good.txt"].error is None
    assert results["latin1.txt"].meta is not None and "Café owners in Zürich" in results["latin1.txt"].meta.text
    assert "empty" in results["empty.txt"].error and "empty.txt" in results["empty.txt"].error
    assert "binary" in results["binary.txt"].error
    assert "limit" in results["huge.txt"].error and "huge.txt" in results["huge.txt"].error
    assert "no main article text" in results["nav.html"].error and "nav.html" in results["nav.html"].error
    missing = next(file_candidates([tmp_path / "nope.txt"]))
    assert "no such file" in missing.error


def test_html_gives_main_text_and_metadata():
    story = wikinews(1)
    meta = meta_from_html(article_html(story["title"], story["text"]), "page.html")
    assert meta.title and meta.title.startswith(story["title"][:20])
    assert meta.author == "Jane Reporter" and meta.source == "Example News"
    assert meta.published is not None and meta.published.isoformat() == "2008-03-01"
    assert "Home" not in meta.text.split("\n")[0] and story["text"].split("\n")[0][:40] in meta.text


def test_json_lines_keep_ids_and_name_malformed_lines():
    lines = [
        json.dumps({"id": "d1", "text": "Talks resumed in Geneva on Monday.", "title": "Talks", "published": "2022-01-10"}),
        "{not json",
        json.dumps({"id": "d2", "title": "no text"}),
        json.dumps(["a", "list"]),
        json.dumps({"id": "d3", "text": "Some text.", "published": "last week"}),
        "",
        json.dumps({"id": 4, "text": "Numeric id.", "url": "https://Example.org/a/?utm_source=feed"}),
    ]
    out = list(jsonl_candidates(lines, "stdin"))
    assert len(out) == 6
    assert out[0].meta.external_id == "d1" and out[0].meta.published.isoformat() == "2022-01-10"
    assert out[1].error.startswith("stdin:2: invalid JSON")
    assert "'text' is missing" in out[2].error and "d2" in out[2].error
    assert "expected a JSON object" in out[3].error
    assert "'published'" in out[4].error and "last week" in out[4].error
    assert out[5].meta.external_id == "4" and out[5].meta.url == "https://example.org/a"


# --- the web ----------------------------------------------------------------------------------------------


def test_url_fetch_reads_html_follows_redirects_and_identifies_itself(site):
    with http_client() as client:
        meta = fetch_article(client, site.base + "/moved")
        assert meta.url == canonical_url(site.base + "/moved")
        assert wikinews(0)["text"].split("\n")[0][:40] in meta.text
        plain = fetch_article(client, site.base + "/plain.txt")
        assert plain.text.startswith(wikinews(2)["text"][:40])
    assert site.user_agents and all(ua == user_agent() for ua in site.user_agents)
    assert user_agent().startswith("Dateline/") and "(+https://github.com/dateline)" in user_agent()


@pytest.mark.parametrize("path, reason", [
    ("/gone", "HTTP 404"),
    ("/empty.html", "no main article text"),
    ("/image.png", "image/png"),
])
def test_bad_urls_are_named_with_their_reason(site, path, reason):
    with http_client() as client, pytest.raises(UnreadableInput) as err:
        fetch_article(client, site.base + path)
    assert reason in str(err.value) and site.base + path in str(err.value)


def test_slow_and_unreachable_urls_fail_quickly_with_a_reason(site):
    with http_client(timeout=0.5) as client:
        with pytest.raises(UnreadableInput, match=r"timed out after 0\.5 s") as err:
            fetch_article(client, site.base + "/slow")
        assert site.base + "/slow" in str(err.value)
        with pytest.raises(UnreadableInput, match="cannot fetch"):
            fetch_article(client, "http://127.0.0.1:9/nothing-listens-here")
    assert "only http" in url_candidate(http_client(), "ftp://example.org/x").error


def test_oversize_download_is_refused(site, monkeypatch):
    from app.ingest import readers

    monkeypatch.setattr(readers, "MAX_FETCH_BYTES", 1000)
    with http_client() as client, pytest.raises(UnreadableInput, match="limit"):
        readers.fetch_bytes(client, site.base + "/news/first.html", limit=1000)


def test_feeds_list_entries_and_broken_feeds_are_named(site):
    with http_client() as client:
        items = fetch_feed(client, site.base + "/feed.xml")
        assert [i.link for i in items] == [site.base + "/news/first.html", site.base + "/news/second.html"]
        assert items[0].published is not None and items[0].published.isoformat() == "2008-03-01"
        with pytest.raises(UnreadableInput, match="not a readable feed"):
            fetch_feed(client, site.base + "/broken-feed.xml")
    assert parse_feed(b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>', "x") == []
