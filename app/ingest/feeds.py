"""Feeds: which entries are new, remembered in the database so a restart never refetches one."""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.ingest.readers import FeedItem
from app.ingest.records import FAILED, canonical_url
from app.ingest.sources import Outcome
from app.models import FeedEntry
from app.textio import UnreadableInput


def entry_key_hash(feed_url: str, entry_key: str) -> str:
    try:
        key = canonical_url(feed_url)
    except UnreadableInput:  # a malformed feed URL is never fetched; its raw form still names it uniquely
        key = feed_url
    return hashlib.sha256(f"{key}\n{entry_key}".encode()).hexdigest()


def unseen_items(session: Session, feed_url: str, items: list[FeedItem]) -> list[FeedItem]:
    hashes = {entry_key_hash(feed_url, item.key): item for item in items}
    seen = set(session.scalars(select(FeedEntry.key_hash).where(FeedEntry.key_hash.in_(list(hashes)))))
    return [item for h, item in hashes.items() if h not in seen]


def remember_entry(session: Session, feed_url: str, entry_key: str, article_id: int | None) -> None:
    """Mark an entry as taken in (flush only); a second marking of the same entry is a no-op."""
    digest = entry_key_hash(feed_url, entry_key)
    if session.scalar(select(FeedEntry.id).where(FeedEntry.key_hash == digest)) is None:
        session.add(FeedEntry(key_hash=digest, feed_url=feed_url[:2000], entry_key=entry_key[:2000],
                              article_id=article_id))
        session.flush()


def record_feed_outcome(session: Session, outcome: Outcome) -> None:
    """Stored and duplicate entries are remembered; failed ones are retried on the next poll."""
    feed = outcome.candidate.extra.get("feed")
    if feed and outcome.status != FAILED:
        remember_entry(session, feed, outcome.candidate.extra["entry"], outcome.article_id or outcome.duplicate_of)

