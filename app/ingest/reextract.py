"""Re-extraction of stored articles with the current pipeline, keeping article, actor, event and quote ids."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.corrections import live_corrections, reapply
from app.db import transaction
from app.extract.parallel import ExtractionPool
from app.extract.pipeline import PIPELINE_VERSION, ArticleInput, ExtractionError, Extractor
from app.ingest.runner import consolidator
from app.models import Article
from app.store import write_extraction


def stale_article_ids(session: Session, everything: bool = False) -> list[int]:
    query = select(Article.id).order_by(Article.id)
    if not everything:
        query = query.where(Article.pipeline_version != PIPELINE_VERSION)
    return list(session.scalars(query))


def reextract(factory: sessionmaker[Session], ids: list[int], *, processes: int | None = None,
              extractor: Extractor | None = None, model: str | None = None,
              on_done: Callable[[int, str | None], None] | None = None) -> Counter[str]:
    """Re-run extraction for ``ids``, one transaction per article, then re-apply every correction in force (each
    article's consolidation already re-applied those about it; the last pass catches the ones that span articles
    and records, in ``Correction.problem``, those whose subject is gone). Returns counts of reextracted / failed,
    and of corrections re-applied / not applied.

    ``model`` names the spaCy model the pool loads when no ``extractor`` is given (the runtime's setting).
    """
    counts: Counter[str] = Counter()
    consolidate = consolidator()

    def inputs() -> Iterator[tuple[int, ArticleInput]]:
        for article_id in ids:
            with factory() as session:  # closed before yielding: no transaction stays open meanwhile
                article = session.get(Article, article_id)
                if article is None:
                    continue
                published = None if article.published_inferred else article.published
                item = ArticleInput(id=str(article_id), text=article.text, title=article.title, published=published)
            yield article_id, item

    with ExtractionPool(processes, extractor=extractor, model=model) as pool:
        for article_id, record in pool.map(inputs()):
            error: str | None = None
            if isinstance(record, ExtractionError):
                error = str(record)
            else:
                try:
                    with transaction(factory) as session:
                        article = session.get(Article, article_id)
                        if article is not None:
                            write_extraction(session, article, record)
                            if consolidate is not None:
                                consolidate(session, article)
                except Exception as exc:
                    error = f"could not be stored ({type(exc).__name__}: {exc})"
            counts["failed" if error else "reextracted"] += 1
            if on_done is not None:
                on_done(article_id, error)
    with transaction(factory) as session:
        failed = reapply(session)
        counts["corrections_reapplied"] = len(live_corrections(session)) - len(failed)
        counts["corrections_not_applied"] = len(failed)
    return counts
