"""Consolidation across articles: one actor, one event, one quote per real-world thing, with reasons.

Runs right after ``app.store.store_article`` / ``write_extraction`` inside the caller's transaction and
only flushes. Each step looks up a handful of candidates through indexed columns, never all pairs, so
ingesting one more article costs about the same however large the corpus is; the same articles in the
same order always give the same merges.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.consolidate.actors import family, merge_article_actors
from app.consolidate.events import add_sentence_events, article_mentions, merge_article_events
from app.consolidate.quotes import link_quotes_to_events, merge_article_quotes
from app.consolidate.roles import article_roles, resolve_roles
from app.corrections import live_corrections, reapply_for_article
from app.models import Article

__all__ = ["consolidate_article"]


def consolidate_article(session: Session, article: Article) -> None:
    """Merge this article's actors, events and quotes into what the corpus already knows (flush only).

    Editors' corrections come last, re-applied to what this article (re)stored; an event an editor said is
    none is taken away first, so no merge carries its evidence into another event.
    """
    session.flush()
    mentions = article_mentions(session, article.id)
    ids = sorted({actor_id for _, _, actor_id in mentions})
    # read once for both re-applications: re-applying changes the rows' subjects, never which are in force
    live = live_corrections(session)
    reapply_for_article(session, article.id, set(), actions=("not_an_event",), live=live)
    merge_article_actors(session, ids)
    if resolve_roles(session, article_roles(session, ids)):
        mentions = article_mentions(session, article.id)  # a role named without its holder may have moved
        ids = sorted({actor_id for _, _, actor_id in mentions})
    roots = family(session, set(ids))
    add_sentence_events(session, article, mentions)
    merge_article_events(session, article, roots, mentions)
    merge_article_quotes(session, article, roots)
    link_quotes_to_events(session, article, roots)
    reapply_for_article(session, article.id, set(ids) | set(roots.values()), live=live)
    session.flush()
