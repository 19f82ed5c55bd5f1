"""The bundled sample corpus loads into an empty database, once."""

import pytest
from sqlalchemy import func, select

from app.models import Article, Source
from app.samples import load_samples, sample_articles

pytestmark = [pytest.mark.db, pytest.mark.slow]


def test_sample_corpus_holds_the_seed_and_wikinews():
    metas = list(sample_articles())
    assert len(metas) >= 10
    assert any("Russia staged failed US-NATO talks" in m.text for m in metas)
    assert sum(m.source == "Wikinews" for m in metas) == 30


def test_load_samples_fills_an_empty_database_once(session_factory, extractor):
    stored = load_samples(session_factory, extractor)
    assert stored == len(list(sample_articles()))
    with session_factory() as s:
        titles = set(s.scalars(select(Article.title)))
        assert "Russia staged failed US-NATO talks to create an excuse to invade Ukraine" in titles
        assert s.scalar(select(Source.name).join(Article).where(Article.title.like("Russia staged%"))) == "Baonghean.vn"
    assert load_samples(session_factory, extractor) == 0
    with session_factory() as s:
        assert s.scalar(select(func.count()).select_from(Article)) == stored
