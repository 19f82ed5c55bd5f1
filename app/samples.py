"""Load the bundled sample articles (samples/) into an empty database, through the ingest runner."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.extract.pipeline import Extractor
from app.ingest.runner import NEAR_DUPLICATE, STORED, IngestRunner
from app.ingest.sources import Candidate, file_candidates
from app.models import Article
from app.store import ArticleMeta

SAMPLES_DIR = Path(__file__).resolve().parents[1] / "samples"


def sample_articles(folder: Path = SAMPLES_DIR) -> Iterator[ArticleMeta]:
    """The sample corpus as article metadata, text files first, then JSON Lines."""
    files = sorted(folder.glob("*.txt")) + sorted(folder.glob("*.jsonl"))
    for candidate in file_candidates(files):
        if candidate.meta is not None:
            if candidate.meta.external_id is None:
                candidate.meta.external_id = f"sample-{Path(candidate.label).stem}"
            yield candidate.meta


def load_samples(factory: sessionmaker[Session], extractor: Extractor | None = None, force: bool = False,
                 processes: int | None = 1, model: str | None = None) -> int:
    """Store the samples when the database has no articles (or ``force``); returns how many were stored.

    ``model`` is the spaCy model to load when no ``extractor`` is given (the runtime passes its setting).
    """
    with factory() as session:
        count = session.scalar(select(func.count()).select_from(Article)) or 0
    if count and not force:
        return 0
    candidates = (Candidate(m.external_id or "sample", meta=m) for m in sample_articles())
    summary = IngestRunner(factory, processes=processes, extractor=extractor, model=model).run(candidates)
    return summary.counts[STORED] + summary.counts[NEAR_DUPLICATE]
