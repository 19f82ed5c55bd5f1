"""The bulk runner on real articles: each distinct text stored once, near-duplicates linked, bad inputs named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.ingest.runner import DUPLICATE, FAILED, NEAR_DUPLICATE, STORED, IngestRunner
from app.ingest.sources import Candidate, file_candidates, jsonl_candidates, list_files
from app.models import Article, Mention

pytestmark = [pytest.mark.db, pytest.mark.slow]

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def wikinews(n: int) -> dict:
    return json.loads((SAMPLES / "wikinews-airlines.jsonl").read_text(encoding="utf-8").splitlines()[n])


@pytest.fixture()
def folder(tmp_path) -> Path:
    """Three articles, an exact copy with different spacing and case, and a lightly edited wire copy."""
    root = tmp_path / "scraped"
    (root / "a-world").mkdir(parents=True)
    for n in (0, 1, 2):
        story = wikinews(n)
        (root / "a-world" / f"story{n}.txt").write_text(f"{story['title']}\n\n{story['text']}", encoding="utf-8")
    first = (root / "a-world" / "story0.txt").read_text(encoding="utf-8")
    (root / "copy-of-story0.txt").write_text("  " + first.upper().replace(" ", "  ") + "\n\n", encoding="utf-8")
    second = (root / "a-world" / "story1.txt").read_text(encoding="utf-8")
    edited = second.replace(" the ", " a ", 2).replace(" said", " told reporters", 1) + "\nAdditional reporting by staff."
    (root / "wire-copy-of-story1.txt").write_text(edited, encoding="utf-8")
    return root


def _run(factory, extractor, candidates):
    outcomes = []
    summary = IngestRunner(factory, extractor=extractor, on_outcome=outcomes.append).run(candidates)
    return summary, outcomes


def test_ingesting_a_folder_twice_stores_each_distinct_text_once(session_factory, extractor, folder):
    summary, outcomes = _run(session_factory, extractor, file_candidates(list_files([folder])))
    assert summary.counts[STORED] == 3 and summary.counts[NEAR_DUPLICATE] == 1
    assert summary.counts[DUPLICATE] == 1 and summary.ok
    copy = next(o for o in outcomes if o.candidate.label.endswith("copy-of-story0.txt"))
    assert copy.status == DUPLICATE and "same text as" in copy.message
    wire = next(o for o in outcomes if o.candidate.label.endswith("wire-copy-of-story1.txt"))
    assert wire.status == NEAR_DUPLICATE and wire.article_id is not None
    with session_factory() as s:
        assert s.scalar(select(func.count()).select_from(Article)) == 4
        linked = s.get(Article, wire.article_id)
        original = s.scalar(select(Article).where(Article.text.like(wikinews(1)["title"] + "%"),
                                                  Article.id != wire.article_id))
        assert linked.near_duplicate_of_id == original.id and 0.8 <= linked.near_duplicate_score < 1
        assert all(a.minhash and len(a.minhash) == 512 for a in s.scalars(select(Article)))
        assert s.scalar(select(func.count()).select_from(Mention)) > 10

    again, outcomes = _run(session_factory, extractor, file_candidates(list_files([folder])))
    assert again.counts[DUPLICATE] == 5 and again.counts[STORED] == 0 and again.ok
    with session_factory() as s:
        assert s.scalar(select(func.count()).select_from(Article)) == 4


def test_bad_inputs_are_named_and_the_run_goes_on(session_factory, extractor, tmp_path):
    (tmp_path / "latin1.txt").write_bytes(
        ("Zürich café owners protest\n\nOwners of cafés in Zürich protested on Monday against a new tax, "
         "the city's mayor said.").encode("latin-1"))
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "nav.html").write_text("<html><body><nav>Home</nav></body></html>", encoding="utf-8")
    lines = ['{"id": "ok-1", "text": "Talks between the two ministers resumed in Geneva on Monday, officials said."}',
             "{broken json", '{"id": "ok-1", "text": "A different text under an id already used."}']
    candidates = [*file_candidates(list_files([tmp_path])), *jsonl_candidates(lines, "stdin"),
                  Candidate("pasted", error="pasted: the text is empty")]
    summary, outcomes = _run(session_factory, extractor, candidates)
    by_label = {o.candidate.label: o for o in outcomes}
    assert by_label[str(tmp_path / "latin1.txt")].status == STORED
    for name in ("empty.txt", "binary.txt", "nav.html"):
        outcome = by_label[str(tmp_path / name)]
        assert outcome.status == FAILED and name in outcome.message
    assert by_label["stdin:2"].status == FAILED and "invalid JSON" in by_label["stdin:2"].message
    assert by_label["stdin:3 (id ok-1)"].status == DUPLICATE and "'ok-1' already stored" in by_label["stdin:3 (id ok-1)"].message
    assert summary.counts[FAILED] == 5 and summary.counts[STORED] == 2 and not summary.ok
    assert "5 failed" in summary.line()
    with session_factory() as s:
        stored = s.scalar(select(Article).where(Article.external_id == "ok-1"))
        assert stored is not None and "Geneva" in stored.text
        assert s.scalar(select(func.count()).select_from(Article).where(Article.text.like("%Zürich%"))) == 1


def test_reextract_keeps_article_and_event_ids(session_factory, extractor, tmp_path):
    from app.extract.pipeline import PIPELINE_VERSION
    from app.ingest.reextract import reextract, stale_article_ids
    from app.models import EventSource

    def extractor_events(s) -> dict[str, int]:
        """Events keyed by the extractor (consolidation's own sentence events, keys "s-…", aside)."""
        rows = s.execute(select(EventSource.key, EventSource.event_id).where(EventSource.article_id == article_id))
        return {key: event_id for key, event_id in rows if not key.startswith("s-")}

    story = wikinews(8)
    _summary, outcomes = _run(session_factory, extractor, jsonl_candidates([json.dumps(story)], "export.jsonl"))
    article_id = outcomes[0].article_id
    with session_factory() as s, s.begin():
        events_before = extractor_events(s)
        s.get(Article, article_id).pipeline_version = "2000.01.01-old"
    assert events_before
    with session_factory() as s:
        assert stale_article_ids(s) == [article_id]
    done: list[tuple[int, str | None]] = []
    counts = reextract(session_factory, [article_id], extractor=extractor, on_done=lambda i, e: done.append((i, e)))
    assert counts["reextracted"] == 1 and done == [(article_id, None)]
    with session_factory() as s:
        assert s.get(Article, article_id).pipeline_version == PIPELINE_VERSION
        assert stale_article_ids(s) == [] and stale_article_ids(s, everything=True) == [article_id]
        events_after = extractor_events(s)
    assert events_after == events_before


def test_feed_entries_are_remembered_so_a_second_poll_fetches_nothing(session_factory, extractor):
    from support.local_site import LocalSite

    from app.ingest.feeds import record_feed_outcome, unseen_items
    from app.ingest.readers import fetch_feed, http_client
    from app.ingest.sources import feed_candidates
    from app.models import FeedEntry

    with LocalSite() as site, http_client() as client:
        feed = site.base + "/feed.xml"
        items = fetch_feed(client, feed)
        with session_factory() as s:
            fresh = unseen_items(s, feed, items)
        summary = IngestRunner(session_factory, extractor=extractor, record=record_feed_outcome).run(
            feed_candidates(client, feed, fresh))
        assert summary.counts[STORED] == 2
        with session_factory() as s:
            assert s.scalar(select(func.count()).select_from(FeedEntry)) == 2
            assert unseen_items(s, feed, fetch_feed(client, feed)) == []
            stored = s.scalar(select(Article).where(Article.url == site.base + "/news/first.html"))
            assert stored is not None and stored.published is not None and stored.published.isoformat() == "2008-03-01"
        assert site.hits["/news/first.html"] == 1
