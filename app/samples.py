"""Load the bundled sample articles (samples/) into an empty database."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.extract.pipeline import ArticleInput, Extractor
from app.models import Article
from app.store import ArticleMeta, content_hash, store_article
from app.textio import read_text_file

SAMPLES_DIR = Path(__file__).resolve().parents[1] / "samples"


def sample_articles(folder: Path = SAMPLES_DIR) -> Iterator[ArticleMeta]:
    """The sample corpus as article metadata, text files first, then JSON Lines."""
    for path in sorted(folder.glob("*.txt")):
        yield ArticleMeta(text=read_text_file(path), external_id=f"sample-{path.stem}")
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            obj = json.loads(line)
            yield ArticleMeta(
                text=obj["text"], external_id=obj.get("id"), title=obj.get("title"), url=obj.get("url"),
                source=obj.get("source"),
                published=dt.date.fromisoformat(obj["published"]) if obj.get("published") else None,
            )


def load_samples(factory: sessionmaker[Session], extractor: Extractor | None = None, force: bool = False) -> int:
    """Store the samples when the database has no articles (or ``force``); returns how many were stored."""
    with factory() as session:
        count = session.scalar(select(func.count()).select_from(Article)) or 0
        if count and not force:
            return 0
        known = set(session.scalars(select(Article.content_hash)))
    metas = [m for m in sample_articles() if content_hash(m.text) not in known]
    if not metas:
        return 0
    extractor = extractor or Extractor()
    inputs = [ArticleInput(id=m.external_id or "", text=m.text, title=m.title, published=m.published) for m in metas]
    stored = 0
    for meta, record in zip(metas, extractor.extract_many(inputs), strict=True):
        if isinstance(record, Exception):
            continue
        with factory() as session, session.begin():
            store_article(session, meta, record)
        stored += 1
    return stored
